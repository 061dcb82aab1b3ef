import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { StoreClosedError, TransactionAbortedError } from '../../events/errors.js';
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
import { appendSignal, type AppendSignal } from './append-signal.js';
import { appendEvents } from './append-events.js';
import { LogTip, TipChanges } from './log-tip.js';
import { acquireConsumerLease } from './consumer-lease.js';
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
import { beginImmediate, WriteQueue } from './write-lock.js';
import { readByType } from './read-by-type.js';
import { readContext } from './read-context.js';
import { readCorrelation } from './read-correlation.js';
import { readLog } from './read-log.js';
import { readChain } from './read-chain.js';
import { readAuditLog, readWireLog } from './read-wire-log.js';
import { registerContext } from './register-context.js';
import { registerEventSchema } from './register-event-schema.js';
import { readRows, sqlAccess } from './sql-access.js';
import { GUARDED_TABLES } from '../guards.js';
import { checkReadSql } from '../sql-guard.js';
import type { SqlValue } from '../sql-access.js';

export type Durability = 'full' | 'relaxed' | 'bulk';

/** A group of transactions sharing one SQLite commit (`bulk` durability). */
interface CommitGroup {
  readonly started: number;
  units: number;
  appended: boolean;
  timer: NodeJS.Timeout | undefined;
  /** What the group's released transactions appended, for the tip once it commits. */
  readonly changes: TipChanges;
}

const GROUP_MAX_UNITS = 2000;
const GROUP_MAX_MS = 200;

/** Options for a SQLite event store. */
export interface SqliteEventStoreOptions {
  /** The database file; created (with its folder) if missing. */
  readonly path: string;
  /** How long a writer waits for another process's write lock; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * `full` (the default): a committed transaction survives a power loss. `relaxed`: it
   * survives the process crashing, not the machine (SQLite `synchronous = NORMAL` in WAL
   * mode, checkpoints every 10,000 pages). `bulk`: relaxed, and transactions are grouped
   * into one SQLite commit (up to 2,000 of them or 200 ms), each inside its own savepoint;
   * a crash loses the open group (whole transactions, never part of one). For bulk loads
   * that can be redone, such as the demo firm. Reads commit the open group first.
   */
  readonly durability?: Durability;
}

/**
 * Opens an event log in a SQLite file: WAL journal, `synchronous = FULL` (a committed event
 * survives power loss), foreign keys on. Writes go through one connection and take turns;
 * reads use a second connection, so they only ever see committed events.
 *
 * @example
 * const store = createSqliteEventStore({ path: './data/pet.db' });
 * await store.migrate();
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  return new SqliteEventStore(options);
}

class SqliteEventStore implements EventStore {
  readonly dialect = 'sqlite';
  readonly capabilities = { concurrentWriters: false };
  readonly location: StoreLocation | undefined;
  readonly #writer: Connection;
  readonly #reader: Connection;
  readonly #queue: WriteQueue;
  readonly #busyTimeoutMs: number;
  readonly #path: string;
  readonly #appended: AppendSignal;
  readonly #catalog: SchemaCatalog;
  readonly #resolved = new ResolvedContexts();
  /** Where the log ends, as the writer connection committed it (log-tip.ts). */
  readonly #tip = new LogTip();
  readonly #grouped: boolean;
  #group: CommitGroup | undefined;
  /** Set when SQLite rolled an open commit group back: its resolved transactions are gone. */
  #groupLost: Error | undefined;
  /** A grouped transaction's work is running (between its SAVEPOINT and RELEASE). */
  #inTransaction = false;
  #closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.#path = options.path === ':memory:' ? `:memory:${Math.random()}` : options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.location =
      options.path === ':memory:' ? undefined : { dialect: 'sqlite', path: resolve(options.path) };
    // The writer never waits inside SQLite (see write-lock.ts); readers in WAL mode rarely
    // wait, and then only briefly.
    const durability = options.durability ?? 'full';
    this.#grouped = durability === 'bulk';
    this.#writer = openConnection(options.path, 0, durability);
    this.#reader =
      options.path === ':memory:'
        ? this.#writer
        : openConnection(options.path, this.#busyTimeoutMs, durability);
    this.#queue = new WriteQueue(options.path);
    this.#appended = appendSignal(this.#path);
    this.#catalog = new SchemaCatalog(() => this.listEventSchemas());
  }

  migrate(): Promise<MigrateResult> {
    return this.#exclusive(async () => {
      this.#commitGroup();
      await beginImmediate(this.#writer, this.#busyTimeoutMs);
      return migrate(this.#writer);
    });
  }

  migrationStatus(): Promise<MigrationStatus> {
    return this.#read(() => migrationStatus(this.#reader));
  }

  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // Before queueing: loading the registry is a read, which must not wait on this writer.
    await this.#catalog.prime();
    if (this.#grouped) return this.#exclusive(() => this.#groupedTransaction(work));
    return this.#exclusive(async () => {
      const db = this.#writer;
      const guard = new TransactionGuard();
      await beginImmediate(db, this.#busyTimeoutMs);
      const changes = this.#tip.begin();
      try {
        const tx = new CheckedTransaction(
          operations(db, this.#tip, changes),
          guard,
          this.#catalog,
          this.#resolved,
        );
        const result = await work(tx);
        guard.finish();
        db.exec('COMMIT');
        this.#tip.commit(changes);
        tx.committed();
        if (tx.changedRegistry) this.#catalog.invalidate();
        if (tx.appended) this.#appended.emit();
        return result;
      } catch (error) {
        guard.end();
        if (db.inTransaction) db.exec('ROLLBACK');
        // A COMMIT that failed may still have reached the file: know nothing rather than guess.
        else if (changes.head !== undefined) this.#tip.forget();
        throw error;
      }
    });
  }

  /** A transaction as a savepoint of the open commit group (`bulk` durability). */
  async #groupedTransaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const db = this.#writer;
    const guard = new TransactionGuard();
    if (this.#groupLost) throw new TransactionAbortedError(this.#groupLost);
    if (this.#group === undefined) {
      await beginImmediate(db, this.#busyTimeoutMs);
      this.#group = {
        started: Date.now(),
        units: 0,
        appended: false,
        timer: undefined,
        changes: this.#tip.begin(),
      };
    }
    const group = this.#group;
    db.exec('SAVEPOINT pet_transaction');
    this.#inTransaction = true;
    const changes = new TipChanges(group.changes);
    try {
      const tx = new CheckedTransaction(
        operations(db, this.#tip, changes),
        guard,
        this.#catalog,
        this.#resolved,
      );
      const result = await work(tx);
      guard.finish();
      db.exec('RELEASE pet_transaction');
      group.changes.absorb(changes);
      // Resolved: the group commits it, or a lost group stops the store (see below).
      tx.committed();
      group.units += 1;
      group.appended ||= tx.appended;
      // The registry is read through the other connection: it must see a change at once.
      if (tx.changedRegistry) {
        this.#commitGroup();
        this.#catalog.invalidate();
      } else if (group.units >= GROUP_MAX_UNITS || Date.now() - group.started >= GROUP_MAX_MS) {
        this.#commitGroup();
      } else {
        group.timer ??= setTimeout(() => this.#flush(), GROUP_MAX_MS).unref();
      }
      return result;
    } catch (error) {
      guard.end();
      if (db.inTransaction) {
        db.exec('ROLLBACK TO pet_transaction');
        db.exec('RELEASE pet_transaction');
        if (Date.now() - group.started >= GROUP_MAX_MS) this.#commitGroup();
        else group.timer ??= setTimeout(() => this.#flush(), GROUP_MAX_MS).unref();
      } else {
        // SQLite rolled the whole group back (an I/O error, a full disk): transactions that
        // resolved are gone, so the store refuses every further one instead of going on.
        clearTimeout(group.timer);
        this.#group = undefined;
        this.#tip.forget();
        this.#groupLost = new Error(
          `SQLite rolled back an open commit group of ${group.units} resolved transactions (bulk durability); reopen the store and redo the load`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  #commitGroup(): void {
    const group = this.#group;
    if (group === undefined) return;
    clearTimeout(group.timer);
    this.#group = undefined;
    try {
      this.#writer.exec('COMMIT');
    } catch (error) {
      this.#tip.forget();
      throw error;
    }
    this.#tip.commit(group.changes);
    if (group.appended) this.#appended.emit();
  }

  /**
   * Commits the open group unless a transaction is running (which then commits it when it
   * ends, the group being due). Synchronous: nothing runs between the check and the commit.
   */
  #flush(): void {
    if (this.#group !== undefined && !this.#inTransaction && !this.#closed) this.#commitGroup();
  }

  readLog(options: ReadLogOptions = {}): Promise<RecordedEvent[]> {
    return this.#read(() =>
      readLog(this.#reader, readAfter(options.after), readLimit(options.limit)),
    );
  }

  readWireLog(options: ReadLogOptions = {}): Promise<WireEvent[]> {
    return this.#read(() =>
      readWireLog(this.#reader, readAfter(options.after), readLimit(options.limit)),
    );
  }

  readAuditLog(options: ReadLogOptions = {}): Promise<AuditLogPage> {
    return this.#read(() =>
      readAuditLog(this.#reader, readAfter(options.after), readLimit(options.limit)),
    );
  }

  readChain(options: ReadChainOptions): Promise<StoredChainEntry[]> {
    return this.#read(() => readChain(this.#reader, options));
  }

  readContext(context: ContextRef, options: ReadContextOptions = {}): Promise<RecordedEvent[]> {
    return this.#read(() =>
      readContext(this.#reader, context, options.afterVersion ?? 0, readLimit(options.limit)),
    );
  }

  readByType(options: ReadByTypeOptions): Promise<RecordedEvent[]> {
    return this.#read(() => readByType(this.#reader, byTypeQuery(options)));
  }

  getEvent(id: string): Promise<RecordedEvent | undefined> {
    return this.#read(() => getEvent(this.#reader, id));
  }

  readCorrelation(correlationId: string): Promise<RecordedEvent[]> {
    return this.#read(() => readCorrelation(this.#reader, correlationId));
  }

  acquireConsumerLease(consumer: string): Promise<ConsumerLease | undefined> {
    return this.#read(() => acquireConsumerLease(this.#path, consumer));
  }

  onAppended(listener: () => void): () => void {
    return this.#appended.on(listener);
  }

  readCheckpoint(consumer: string): Promise<Position> {
    return this.#read(() => readCheckpoint(this.#reader, consumer));
  }

  readConsumerStatuses(): Promise<StoredConsumerStatus[]> {
    return this.#read(() => readConsumerStatuses(this.#reader));
  }

  backlog(after: Position): Promise<Backlog> {
    return this.#read(() => backlog(this.#reader, after));
  }

  headPosition(): Promise<Position> {
    return this.#read(() => headPosition(this.#reader));
  }

  missingGuards(): Promise<string[]> {
    return this.#read(() => {
      const present = new Set(
        (
          this.#reader.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as {
            name: string;
          }[]
        ).map((row) => row.name),
      );
      return GUARDED_TABLES.flatMap((table) => [`${table}_no_update`, `${table}_no_delete`]).filter(
        (name) => !present.has(name),
      );
    });
  }

  async query<Row extends Record<string, unknown>>(
    text: string,
    params: readonly SqlValue[] = [],
  ): Promise<Row[]> {
    checkReadSql(text);
    return this.#read(() => readRows<Row>(this.#reader, text, params));
  }

  listEventSchemas(): Promise<RegisteredEventSchema[]> {
    return this.#read(() => listEventSchemas(this.#reader));
  }

  listContextIds(): Promise<Map<string, string[]>> {
    return this.#read(() => listContextIds(this.#reader));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.release();
    this.#commitGroup();
    if (this.#reader !== this.#writer) this.#reader.close();
    this.#writer.close();
  }

  #read<T>(read: () => T): Promise<T> {
    // Reads see every transaction that resolved, also those of an open commit group.
    this.#flush();
    const run = () =>
      new Promise<T>((resolve) => {
        if (this.#closed) throw new StoreClosedError();
        resolve(read());
      });
    // An in-memory database has one connection: a read waits for the open transaction, so
    // it never sees events that may still roll back.
    return this.#reader === this.#writer ? this.#queue.run(run) : run();
  }

  /** One writer at a time per file in this process: transactions run one after another. */
  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return this.#queue.run(run);
  }
}

function openConnection(path: string, busyTimeoutMs: number, durability: Durability): Connection {
  const db = new Database(path, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  if (durability === 'full') {
    db.pragma('synchronous = FULL');
  } else {
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 10000');
  }
  // A commit group holds thousands of transactions' pages: keep them in memory until it commits.
  if (durability === 'bulk') {
    db.pragma('cache_size = -262144');
    db.pragma('mmap_size = 2147483648');
  }
  db.pragma('foreign_keys = ON');
  return db;
}

function operations(db: Connection, tip: LogTip, changes: TipChanges): AdapterOperations {
  return {
    append: (batch, references) => appendEvents(db, batch, references, tip, changes),
    registerContext: (context) => registerContext(db, context),
    registerEventSchema: (registration) => registerEventSchema(db, registration),
    deprecateEventSchema: (deprecation) => deprecateEventSchema(db, deprecation),
    sql: sqlAccess(db),
    listEventSchemas: () => listEventSchemas(db),
    claimIdempotencyKey: (claim) => claimIdempotencyKey(db, claim),
    recordIdempotencyResult: (claim, result) => recordIdempotencyResult(db, claim, result),
    saveCheckpoint: (consumer, from, to) => saveCheckpoint(db, consumer, from, to),
    saveConsumerStatus: (status) => saveConsumerStatus(db, status),
  };
}
