/**
 * The storage port: what every adapter (SQLite, PostgreSQL) offers. A difference between
 * databases shows up as a capability here, never as a dialect test in shared code.
 */
import type { ContextRef, JsonObject, Position, RecordedEvent } from '../events/types.js';
import type { WireEvent } from '../events/wire.js';
import type { MigrateResult, MigrationStatus } from './migrations/load-migrations.js';
import type { ConsumerLease } from './consumer-lease.js';
import type { Backlog, StoredConsumerStatus } from './consumer-status.js';
import type { SqlAccess, SqlValue } from './sql-access.js';

/** A page of the log as verify reads it (`EventStore.readAuditLog`). */
export interface AuditLogPage {
  readonly events: WireEvent[];
  /**
   * `canonicalEvent(events[i])` for each event, written out by the database from the stored
   * row, where it can (SQLite, from the payload's stored text), else absent. It is only as
   * canonical as the stored text, which older rows may not be: whoever hashes it checks the
   * result, and recomputes from the event when it does not match.
   */
  readonly canonical?: readonly string[];
  /**
   * Each event's payload as the database stores its text, where `canonical` is absent but the
   * database keeps the text as written (SQLite), so that what only the text shows (a key held
   * twice in one object) is still seen.
   */
  readonly payloads?: readonly string[];
}

/** What an adapter can do beyond the common port. */
export interface StoreCapabilities {
  /** Many processes may append concurrently (PostgreSQL); otherwise writers take turns. */
  readonly concurrentWriters: boolean;
}

/** A schema version to register: its JSON Schema document. */
export interface EventSchemaRegistration {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly schema: JsonObject;
}

/** A schema version to close for new events. */
export interface EventSchemaDeprecation {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly reason: string;
}

/** A registered schema version as stored. */
export interface RegisteredEventSchema extends EventSchemaRegistration {
  /** The sha256 of the schema's canonical JSON (RFC 8785). */
  readonly sha256: string;
  readonly registeredAt: string;
  /** When the version was closed for new events; `null` while it is open. */
  readonly deprecatedAt: string | null;
}

/** Options for reading the log in global order. */
export interface ReadLogOptions {
  /** Read events after this position (its event's place in log order); default: the start. */
  readonly after?: Position;
  /** At most this many events; default 1000, at most 10,000. */
  readonly limit?: number;
}

/** Options for reading one context. */
export interface ReadContextOptions {
  /** Read events with a context version above this; default 0. */
  readonly afterVersion?: number;
  readonly limit?: number;
}

/** Options for reading events of some types within an occurred_at range. */
export interface ReadByTypeOptions {
  readonly eventTypes: readonly string[];
  /** Inclusive lower bound on occurred_at (RFC 3339). */
  readonly occurredFrom?: string;
  /** Exclusive upper bound on occurred_at (RFC 3339). */
  readonly occurredBefore?: string;
  /** Continue after this event (as returned last by the previous page). */
  readonly after?: Position;
  readonly limit?: number;
}

/**
 * The operations that run inside a transaction. Events are appended only through a unit of
 * work (src/unit-of-work/), which is the one place that may reach the store's append.
 */
export interface StoreTransaction {
  /** Adds a context to the registry so events can name it. */
  registerContext(context: ContextRef): Promise<void>;
  /**
   * Registers a schema version; `unchanged` if it is registered with the same canonical
   * schema. A different schema for a registered version fails with PET_SCHEMA_VERSION_CHANGED.
   */
  registerEventSchema(schema: EventSchemaRegistration): Promise<'registered' | 'unchanged'>;
  /** Closes a schema version for new events; `unchanged` if it was closed already. */
  deprecateEventSchema(deprecation: EventSchemaDeprecation): Promise<'deprecated' | 'unchanged'>;
  /** The domain's own SQL on the transaction's connection (`$1` placeholders on both databases). */
  readonly sql: SqlAccess;
}

/**
 * Where a store's database is: enough for another thread or process to open a store on the
 * same log (`openStoreAt`).
 */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string; readonly schema?: string };

/** Which of the audit chain's entries to read. */
export interface ReadChainOptions {
  readonly after: bigint;
  readonly through?: bigint;
  readonly limit: number;
}

/**
 * An entry of the audit chain as stored: entry number, the position and id of the event it
 * names, its link. Numbers as the driver gives them (PostgreSQL's bigint as text).
 */
export type StoredChainEntry = readonly [
  seq: number | string,
  position: number | string,
  eventId: string,
  link: string,
];

/**
 * An event log on one database.
 *
 * @example
 * const store = await openEventStore('sqlite:./data/pet.db');
 * await store.migrate();
 * await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
 * const events = await store.readLog({ limit: 100 });
 */
export interface EventStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** Where its database is; none for an in-memory SQLite database, which no one else can open. */
  readonly location: StoreLocation | undefined;
  /** Applies pending migrations; a no-op when there are none. */
  migrate(): Promise<MigrateResult>;
  /** The last applied migration and the last this release knows, without changing anything. */
  migrationStatus(): Promise<MigrationStatus>;
  /** Runs `work` in one transaction: commits if it resolves, rolls back if it throws. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Events in global log order. Never skips an event that commits late; never repeats one. */
  readLog(options?: ReadLogOptions): Promise<RecordedEvent[]>;
  /**
   * The same events as `readLog`, in their wire shape (`toWireEvent`): what the audit chain
   * hashes, read without building `RecordedEvent`s on the way (sealing and verifying the log
   * go through every event).
   */
  readWireLog(options?: ReadLogOptions): Promise<WireEvent[]>;
  /**
   * A page of `readWireLog` for verify, with each event's canonical JSON as the database
   * writes it out, where it can.
   */
  readAuditLog(options?: ReadLogOptions): Promise<AuditLogPage>;
  /**
   * The audit chain's stored entries after entry `after`, through entry `through` when given,
   * in entry order, at most `limit` (src/audit/): read as rows of plain values, for verify.
   */
  readChain(options: ReadChainOptions): Promise<StoredChainEntry[]>;
  /** One context's events in context-version order. */
  readContext(context: ContextRef, options?: ReadContextOptions): Promise<RecordedEvent[]>;
  /** Events of the given types, in occurred_at order (ties by position). */
  readByType(options: ReadByTypeOptions): Promise<RecordedEvent[]>;
  getEvent(id: string): Promise<RecordedEvent | undefined>;
  /** The events of one unit of work (one correlation id), in the order they were appended. */
  readCorrelation(correlationId: string): Promise<RecordedEvent[]>;
  /**
   * Takes the right to run a consumer, if no other runner holds it (PostgreSQL: across
   * processes, released when the holder's connection ends; SQLite: within this process).
   */
  acquireConsumerLease(consumer: string): Promise<ConsumerLease | undefined>;
  /**
   * Calls `listener` after events are appended: by this process at once, and on PostgreSQL by
   * any process (LISTEN/NOTIFY). Returns the unsubscribe function.
   */
  onAppended(listener: () => void): () => void;
  /** The last event a consumer handled (its checkpoint); `0n` before its first. */
  readCheckpoint(consumer: string): Promise<Position>;
  /** Every consumer's last reported status (state, failure), by name. */
  readConsumerStatuses(): Promise<StoredConsumerStatus[]>;
  /** The events readers can see after `after` in log order: how many, and the oldest's age. */
  backlog(after: Position): Promise<Backlog>;
  /** The position of the last event readers can see in log order; `0n` for an empty log. */
  headPosition(): Promise<Position>;
  /**
   * The guards (triggers) of the log that are missing or disabled, by name: the append-only
   * triggers of its tables and, on PostgreSQL, the one that checks an event's references
   * resolve. Empty when all are in place.
   */
  missingGuards(): Promise<string[]>;
  /**
   * Read-only SQL outside any transaction (`$1` placeholders on both databases), for queries
   * over read models. A statement that writes is refused with PET_UNIT_OF_WORK_INVALID.
   */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]>;
  /** The registered schema versions, by type then version. */
  listEventSchemas(): Promise<RegisteredEventSchema[]>;
  /** Every registered context's id, by context type (what verify resolves events against). */
  listContextIds(): Promise<Map<string, string[]>>;
  close(): Promise<void>;
}

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;
