import pg from 'pg';
import type { PoolClient } from 'pg';
import { StoreClosedError } from '../../events/errors.js';
import type { ContextRef, Position, RecordedEvent } from '../../events/types.js';
import type { WireEvent } from '../../events/wire.js';
import type {
  AuditLogPage,
  EventStore,
  ReadByTypeOptions,
  ReadChainOptions,
  ReadContextOptions,
  ReadLogOptions,
  RegisteredEventSchema,
  StoreLocation,
  StoredChainEntry,
  StoreTransaction,
} from '../event-store.js';
import type { MigrateResult, MigrationStatus } from '../migrations/load-migrations.js';
import { byTypeQuery, readAfter, readLimit } from '../read-options.js';
import { TransactionGuard } from '../transaction-guard.js';
import { ResolvedContexts } from '../../registry/resolved-contexts.js';
import { SchemaCatalog } from '../../registry/schema-catalog.js';
import { CheckedTransaction, type AdapterOperations } from '../checked-transaction.js';
import type { ConsumerLease } from '../consumer-lease.js';
import type { Backlog, StoredConsumerStatus } from '../consumer-status.js';
import { AppendListener } from './append-listener.js';
import { appendEvents } from './append-events.js';
import { acquireConsumerLease } from './consumer-lease.js';
import { refined } from './refine-error.js';
import { readCheckpoint, saveCheckpoint } from './checkpoints.js';
import { backlog, readConsumerStatuses, saveConsumerStatus } from './consumer-status.js';
import { claimIdempotencyKey, recordIdempotencyResult } from './claim-idempotency-key.js';
import { deprecateEventSchema } from './deprecate-event-schema.js';
import { getEvent } from './get-event.js';
import { headPosition } from './head-position.js';
import { listContextIds } from './list-context-ids.js';
import { listEventSchemas } from './list-event-schemas.js';
import { migrate } from './migrate.js';
import { migrationStatus } from './migration-status.js';
import { readByType } from './read-by-type.js';
import { readContext } from './read-context.js';
import { readCorrelation } from './read-correlation.js';
import { readLog } from './read-log.js';
import { readChain } from './read-chain.js';
import { readWireLog } from './read-wire-log.js';
import { registerContext } from './register-context.js';
import { registerEventSchema } from './register-event-schema.js';
import { sqlAccess } from './sql-access.js';
import { GUARDED_TABLES } from '../guards.js';
import { checkReadSql } from '../sql-guard.js';
import { oneStatement } from './queryable.js';
import type { SqlValue } from '../sql-access.js';

/** Options for a PostgreSQL event store. */
export interface PostgresEventStoreOptions {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string;
  /** The schema holding PET's tables; default: the server's search_path (usually `public`). */
  readonly schema?: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /**
   * How this store's connections show in `pg_stat_activity` (its LISTEN connection as
   * `NAME append listener`); default `pet-events`.
   */
  readonly applicationName?: string;
}

const TIMESTAMPTZ_OID = 1184;

// Instants stay text (the session runs in UTC) and are turned into RFC 3339 by map-row.ts:
// cheaper than building Date objects, and no precision is lost on the way.
const keepText = (value: string): string => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === TIMESTAMPTZ_OID
      ? keepText
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** The query that was running fails with the lost connection; the event says no more. */
const ignoreLostConnection = (): void => undefined;

/**
 * Opens an event log in a PostgreSQL database shared by many processes.
 *
 * @example
 * const store = createPostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
 * await store.migrate();
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  return new PostgresEventStore(options);
}

class PostgresEventStore implements EventStore {
  readonly dialect = 'postgres';
  readonly capabilities = { concurrentWriters: true };
  readonly location: StoreLocation;
  readonly #pool: pg.Pool;
  readonly #clientConfig: pg.ClientConfig;
  readonly #listener: AppendListener;
  readonly #catalog: SchemaCatalog;
  readonly #resolved = new ResolvedContexts();
  #closed = false;

  constructor(options: PostgresEventStoreOptions) {
    this.location = {
      dialect: 'postgres',
      connectionString: options.connectionString,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
    };
    const settings = ['-c TimeZone=UTC'];
    if (options.schema !== undefined)
      settings.push(`-c search_path=${quoteIdentifier(options.schema)}`);
    this.#clientConfig = {
      connectionString: options.connectionString,
      options: settings.join(' '),
      types,
    };
    const name = options.applicationName ?? 'pet-events';
    this.#pool = new pg.Pool({
      ...this.#clientConfig,
      application_name: name,
      max: options.poolSize ?? 10,
    });
    this.#listener = new AppendListener({
      ...this.#clientConfig,
      application_name: `${name} append listener`,
    });
    this.#catalog = new SchemaCatalog(() => this.listEventSchemas());
    // An idle client that loses its connection must not crash the process.
    this.#pool.on('error', () => undefined);
    // Nor a checked-out one: its connection dropping (the server restarting) emits 'error' as
    // well as failing its query, and unheard, that event would end the process. Heard once for
    // the client's life, not added and removed around every transaction.
    this.#pool.on('connect', (client) => client.on('error', ignoreLostConnection));
  }

  migrate(): Promise<MigrateResult> {
    return this.#open(() => migrate(this.#pool));
  }

  migrationStatus(): Promise<MigrationStatus> {
    return this.#open(() => migrationStatus(this.#pool));
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.#open(async () => {
      // Before taking a connection: loading the registry needs one of its own.
      await this.#catalog.prime();
      const client = await this.#pool.connect();
      const guard = new TransactionGuard();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx = new CheckedTransaction(
          this.#operations(client),
          guard,
          this.#catalog,
          this.#resolved,
        );
        const result = await work(tx);
        guard.finish();
        await client.query('COMMIT');
        tx.committed();
        if (tx.changedRegistry) this.#catalog.invalidate();
        if (tx.appended) {
          this.#listener.emit();
          this.#listener.announce(() =>
            this.#pool.query("SELECT pg_notify('pet_events_appended', current_schema())"),
          );
        }
        return result;
      } catch (error) {
        guard.end();
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw broken ? error : await refined(error, client);
      } finally {
        client.release(broken);
      }
    });
  }

  readLog(options: ReadLogOptions = {}): Promise<RecordedEvent[]> {
    return this.#open(() =>
      readLog(this.#pool, readAfter(options.after), readLimit(options.limit)),
    );
  }

  readWireLog(options: ReadLogOptions = {}): Promise<WireEvent[]> {
    return this.#open(() =>
      readWireLog(this.#pool, readAfter(options.after), readLimit(options.limit)),
    );
  }

  async readAuditLog(options: ReadLogOptions = {}): Promise<AuditLogPage> {
    // The server cannot write an event's canonical JSON: jsonb orders a payload's keys its
    // own way. Verify writes it.
    return { events: await this.readWireLog(options) };
  }

  readChain(options: ReadChainOptions): Promise<StoredChainEntry[]> {
    return this.#open(() => readChain(this.#pool, options));
  }

  readContext(context: ContextRef, options: ReadContextOptions = {}): Promise<RecordedEvent[]> {
    return this.#open(() =>
      readContext(this.#pool, context, options.afterVersion ?? 0, readLimit(options.limit)),
    );
  }

  readByType(options: ReadByTypeOptions): Promise<RecordedEvent[]> {
    return this.#open(() => readByType(this.#pool, byTypeQuery(options)));
  }

  getEvent(id: string): Promise<RecordedEvent | undefined> {
    return this.#open(() => getEvent(this.#pool, id));
  }

  readCorrelation(correlationId: string): Promise<RecordedEvent[]> {
    return this.#open(() => readCorrelation(this.#pool, correlationId));
  }

  acquireConsumerLease(consumer: string): Promise<ConsumerLease | undefined> {
    return this.#open(() => acquireConsumerLease(this.#clientConfig, consumer));
  }

  onAppended(listener: () => void): () => void {
    return this.#listener.on(listener);
  }

  readCheckpoint(consumer: string): Promise<Position> {
    return this.#open(() => readCheckpoint(this.#pool, consumer));
  }

  readConsumerStatuses(): Promise<StoredConsumerStatus[]> {
    return this.#open(() => readConsumerStatuses(this.#pool));
  }

  backlog(after: Position): Promise<Backlog> {
    return this.#open(() => backlog(this.#pool, after));
  }

  missingGuards(): Promise<string[]> {
    return this.#open(async () => {
      // Enabled triggers of the store's schema (`D` is disabled).
      const { rows } = await this.#pool.query<{ name: string }>(
        `SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
            AND t.tgenabled <> 'D'`,
      );
      const present = new Set(rows.map((row) => row.name));
      return [
        ...GUARDED_TABLES.flatMap((table) => [`${table}_append_only`, `${table}_no_truncate`]),
        // In place of foreign keys (migration 0010): an event's references must resolve.
        'domain_events_references_resolve',
      ].filter((name) => !present.has(name));
    });
  }

  async query<Row extends Record<string, unknown>>(
    text: string,
    params: readonly SqlValue[] = [],
  ): Promise<Row[]> {
    checkReadSql(text);
    return this.#open(async () => (await this.#pool.query<Row>(oneStatement(text, params))).rows);
  }

  headPosition(): Promise<Position> {
    return this.#open(() => headPosition(this.#pool));
  }

  listEventSchemas(): Promise<RegisteredEventSchema[]> {
    return this.#open(() => listEventSchemas(this.#pool));
  }

  listContextIds(): Promise<Map<string, string[]>> {
    return this.#open(() => listContextIds(this.#pool));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener.close();
    await this.#pool.end();
  }

  #operations(client: PoolClient): AdapterOperations {
    return {
      append: (batch, references) => appendEvents(client, batch, references),
      registerContext: (context) => registerContext(client, context),
      registerEventSchema: (registration) => registerEventSchema(client, registration),
      deprecateEventSchema: (deprecation) => deprecateEventSchema(client, deprecation),
      sql: sqlAccess(client),
      listEventSchemas: () => listEventSchemas(client),
      claimIdempotencyKey: (claim) => claimIdempotencyKey(client, claim),
      recordIdempotencyResult: (claim, result) => recordIdempotencyResult(client, claim, result),
      saveCheckpoint: (consumer, from, to) => saveCheckpoint(client, consumer, from, to),
      saveConsumerStatus: (status) => saveConsumerStatus(client, status),
    };
  }

  async #open<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreClosedError();
    return operation();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
