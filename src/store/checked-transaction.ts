/**
 * The transaction object both adapters hand to callers: every operation runs under the
 * transaction guard, and appends are checked against the schema catalog first.
 */
import { canonicalSha256 } from '../events/canonical-json.js';
import type { ContextRef, JsonValue, NewEvent, Position, RecordedEvent } from '../events/types.js';
import {
  versionKey,
  type BatchReference,
  type CatalogSchema,
  type SchemaCatalog,
} from '../registry/schema-catalog.js';
import type {
  EventSchemaDeprecation,
  EventSchemaRegistration,
  RegisteredEventSchema,
  StoreTransaction,
} from './event-store.js';
import { prepareBatch, type PreparedBatch } from './prepare-events.js';
import type { StoredConsumerStatus } from './consumer-status.js';
import type { ResolvedContexts } from '../registry/resolved-contexts.js';
import type { ClaimOutcome, IdempotencyClaim } from './idempotency.js';
import { readInternalsWith, type TransactionInternals } from './internal.js';
import type { SqlAccess } from './sql-access.js';
import { checkBatchSql, checkDomainSql } from './sql-guard.js';
import type { TransactionGuard } from './transaction-guard.js';

/** The SQL operations of one adapter, bound to the transaction's connection. */
export interface AdapterOperations {
  readonly sql: SqlAccess;
  /** The registry, read on the transaction's connection. */
  listEventSchemas(): RegisteredEventSchema[] | Promise<RegisteredEventSchema[]>;
  claimIdempotencyKey(claim: IdempotencyClaim): ClaimOutcome | Promise<ClaimOutcome>;
  recordIdempotencyResult(claim: IdempotencyClaim, result: JsonValue | null): void | Promise<void>;
  saveCheckpoint(consumer: string, from: Position, to: Position): boolean | Promise<boolean>;
  saveConsumerStatus(status: StoredConsumerStatus): void | Promise<void>;
  append(
    batch: PreparedBatch,
    references: readonly BatchReference[],
  ): RecordedEvent[] | Promise<RecordedEvent[]>;
  registerContext(context: ContextRef): void | Promise<void>;
  registerEventSchema(
    registration: EventSchemaRegistration,
  ): 'registered' | 'unchanged' | Promise<'registered' | 'unchanged'>;
  deprecateEventSchema(
    deprecation: EventSchemaDeprecation,
  ): 'deprecated' | 'unchanged' | Promise<'deprecated' | 'unchanged'>;
}

/** A store transaction over one adapter's operations. */
export class CheckedTransaction implements StoreTransaction {
  /** What only the unit of work, consumers and the audit chain use (src/store/internal.ts). */
  readonly #internals: TransactionInternals;

  static {
    readInternalsWith((tx) => (#internals in tx ? tx.#internals : undefined));
  }

  readonly #operations: AdapterOperations;
  readonly #guard: TransactionGuard;
  readonly #catalog: SchemaCatalog;
  readonly #resolved: ResolvedContexts;
  readonly #schemas: CatalogSchema[] = [];
  readonly #deprecated = new Set<string>();
  /** Contexts this transaction found or registered: known for good once it commits. */
  readonly #seen: ContextRef[] = [];

  constructor(
    operations: AdapterOperations,
    guard: TransactionGuard,
    catalog: SchemaCatalog,
    resolved: ResolvedContexts,
  ) {
    this.#operations = operations;
    this.#guard = guard;
    this.#catalog = catalog;
    this.#resolved = resolved;
    this.#internals = {
      append: (events) => this.#append(events),
      claimIdempotencyKey: (claim) =>
        this.#guard.run(() => this.#operations.claimIdempotencyKey(claim)),
      recordIdempotencyResult: (claim, result) =>
        this.#guard.run(() => this.#operations.recordIdempotencyResult(claim, result)),
      saveCheckpoint: (consumer, from, to) =>
        this.#guard.run(() => this.#operations.saveCheckpoint(consumer, from, to)),
      saveConsumerStatus: (status) =>
        this.#guard.run(() => this.#operations.saveConsumerStatus(status)),
      sealChain: (entries) =>
        this.#guard.run(() =>
          this.#operations.sql.executeBatch(
            entries.map((entry) => ({
              text: 'INSERT INTO audit_chain (seq, position, event_id, link, sealed_at) VALUES ($1, $2, $3, $4, $5)',
              params: [entry.seq, entry.position, entry.eventId, entry.link, entry.sealedAt],
            })),
          ),
        ),
    };
  }

  #appended = false;

  /** Whether the transaction appended events, so consumers are woken after commit. */
  get appended(): boolean {
    return this.#appended;
  }

  /** Whether the transaction changed the registry, so the catalog must reload after commit. */
  get changedRegistry(): boolean {
    return this.#schemas.length > 0 || this.#deprecated.size > 0;
  }

  /** Call once the transaction has committed. */
  committed(): void {
    if (this.#seen.length > 0) this.#resolved.remember(this.#seen);
  }

  #sql: SqlAccess | undefined;

  get sql(): SqlAccess {
    if (this.#sql) return this.#sql;
    const { sql } = this.#operations;
    this.#sql = {
      query: (text, params) =>
        this.#guard.run(() => {
          checkDomainSql(text);
          return sql.query(text, params);
        }),
      execute: (text, params) =>
        this.#guard.run(() => {
          checkDomainSql(text);
          return sql.execute(text, params);
        }),
      executeBatch: (statements) =>
        this.#guard.run(() => {
          for (const { text } of statements) checkBatchSql(text);
          return sql.executeBatch(statements);
        }),
    };
    return this.#sql;
  }

  #append(events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    return this.#guard.run(async () => {
      const batch = prepareBatch(events);
      const references = await this.#catalog.check(batch, {
        schemas: this.#schemas,
        deprecated: this.#deprecated,
        loadSchemas: async () => this.#operations.listEventSchemas(),
      });
      // A context committed once resolves for ever (the registry is append-only).
      const unknown = references.filter((reference) => !this.#resolved.has(reference.context));
      const recorded = await this.#operations.append(batch, unknown);
      for (const reference of unknown) this.#seen.push(reference.context);
      this.#appended = true;
      return recorded;
    });
  }

  registerContext(context: ContextRef): Promise<void> {
    return this.#guard.run(async () => {
      await this.#operations.registerContext(context);
      this.#seen.push({ type: context.type, id: context.id });
    });
  }

  registerEventSchema(registration: EventSchemaRegistration): Promise<'registered' | 'unchanged'> {
    return this.#guard.run(async () => {
      const outcome = await this.#operations.registerEventSchema(registration);
      if (outcome === 'registered') {
        this.#schemas.push({
          ...registration,
          sha256: canonicalSha256(registration.schema),
          deprecatedAt: null,
        });
      }
      return outcome;
    });
  }

  deprecateEventSchema(deprecation: EventSchemaDeprecation): Promise<'deprecated' | 'unchanged'> {
    return this.#guard.run(async () => {
      const outcome = await this.#operations.deprecateEventSchema(deprecation);
      this.#deprecated.add(versionKey(deprecation.eventType, deprecation.schemaVersion));
      return outcome;
    });
  }
}
