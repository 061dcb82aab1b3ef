/**
 * A projection's read model: created before its first event, digested, rebuilt from the
 * start, and verified by replaying into scratch copies that shadow the live tables.
 */
import { createHash } from 'node:crypto';
import {
  ConsumerBusyError,
  ConsumerCheckpointMovedError,
  ConsumerInvalidError,
} from '../events/errors.js';
import type { Position } from '../events/types.js';
import type { ConsumerLease } from '../store/consumer-lease.js';
import type { EventStore, StoreTransaction } from '../store/event-store.js';
import { internals } from '../store/internal.js';
import type { SqlAccess } from '../store/sql-access.js';
import {
  catchUp,
  dispatch,
  WriteBehind,
  type CatchUpOptions,
  type CatchUpResult,
} from './catch-up.js';
import type { Consumer, ReadModel, ReadModelTable } from './consumer.js';

/** Creates the read model's tables that do not exist yet. */
export async function createReadModel(tx: StoreTransaction, readModel: ReadModel): Promise<void> {
  for (const table of readModel.tables) {
    await tx.sql.execute(`CREATE TABLE IF NOT EXISTS ${table.name} (${table.columns})`);
    await createIndexes(tx, table, 'IF NOT EXISTS ');
  }
}

/** A table's secondary indexes, named after the table and their position in `indexes`. */
async function createIndexes(tx: StoreTransaction, table: ReadModelTable, ifNotExists = '') {
  // An index goes where its table is: a scratch copy's indexes are temporary too.
  for (const [i, columns] of (table.indexes ?? []).entries()) {
    await tx.sql.execute(
      `CREATE INDEX ${ifNotExists}${table.name}_i${i + 1} ON ${table.name} (${columns.join(', ')})`,
    );
  }
}

type Row = readonly (string | null)[];

/** A read model's rows, table by table: key columns first, then the rest, as text. */
export type ReadModelRows = ReadonlyMap<string, readonly Row[]>;

/** Reads every row of the read model, in key order, as text (the same on both databases). */
export async function readModelRows(sql: SqlAccess, readModel: ReadModel): Promise<ReadModelRows> {
  const rows = new Map<string, Row[]>();
  for (const table of [...readModel.tables].sort((a, b) => a.name.localeCompare(b.name))) {
    const found = await sql.query(`SELECT * FROM ${table.name} ORDER BY ${table.key.join(', ')}`);
    rows.set(
      table.name,
      found.map((row) => {
        const rest = Object.keys(row).filter((column) => !table.key.includes(column));
        return [...table.key, ...rest].map((column) => {
          const value = row[column];
          return value === null || value === undefined ? null : text(value);
        });
      }),
    );
  }
  return rows;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The sha256 of a read model's rows: equal rows, equal digests, on either database. */
export function digestRows(rows: ReadModelRows): string {
  const hash = createHash('sha256');
  for (const [table, tableRows] of rows) {
    hash.update(`${JSON.stringify(table)}\n`);
    for (const row of tableRows) hash.update(`${JSON.stringify(row)}\n`);
  }
  return hash.digest('hex');
}

/** What a rebuild did. */
export interface RebuildResult extends CatchUpResult {
  readonly digest: string;
}

/**
 * Drops and creates again a projection's read model (as it is declared now), resets its
 * checkpoint in one transaction, and replays the whole log into it. Holds the consumer's lease meanwhile: a runner elsewhere makes it refuse with
 * PET_CONSUMER_BUSY.
 */
export async function rebuildConsumer(
  store: EventStore,
  consumer: Consumer,
  options: CatchUpOptions = {},
): Promise<RebuildResult> {
  const readModel = requireReadModel(consumer);
  return withLease(store, consumer, async () => {
    const from = await store.readCheckpoint(consumer.name);
    await store.transaction(async (tx) => {
      // Dropped and created again: a rebuild also brings the tables to their declaration.
      for (const table of readModel.tables)
        await tx.sql.execute(`DROP TABLE IF EXISTS ${table.name}`);
      await createReadModel(tx, readModel);
      if (
        from !== 0n &&
        !(await internals(tx).saveCheckpoint(consumer.name, from, 0n as Position))
      ) {
        throw new ConsumerCheckpointMovedError(consumer.name, from);
      }
      await internals(tx).saveConsumerStatus(status(consumer, 'rebuilding'));
    });
    const result = await catchUp(store, consumer, options);
    // Fresh statistics, so the planner knows the rebuilt tables' sizes at once.
    await store.transaction(async (tx) => {
      for (const table of readModel.tables) await tx.sql.execute(`ANALYZE ${table.name}`);
    });
    const digest = digestRows(await store.transaction((tx) => readModelRows(tx.sql, readModel)));
    await store.transaction((tx) => internals(tx).saveConsumerStatus(status(consumer, 'stopped')));
    return { ...result, digest };
  });
}

/** The first row where a verify's replay and the live read model disagree. */
export interface ReadModelDifference {
  readonly table: string;
  /** The row's key (column values of `key`), of whichever side has the row. */
  readonly key: readonly (string | null)[];
  /** The live row, or null if only the replay has it. */
  readonly live: Row | null;
  /** The replayed row, or null if only the live read model has it. */
  readonly replayed: Row | null;
}

/** What a verify found. */
export interface VerifyReport {
  readonly consumer: string;
  /** The checkpoint both sides stand at. */
  readonly position: Position;
  readonly liveDigest: string;
  readonly replayDigest: string;
  readonly equal: boolean;
  readonly firstDifference: ReadModelDifference | null;
}

/**
 * Replays the log up to the consumer's checkpoint into scratch copies of its tables
 * (temporary tables of the same names, which shadow the live ones on the transaction's
 * connection) and compares their digest with the live read model's. Nothing live changes.
 * On SQLite the replay holds the write lock for its duration.
 */
export async function verifyConsumer(
  store: EventStore,
  consumer: Consumer,
  options: CatchUpOptions = {},
): Promise<VerifyReport> {
  const readModel = requireReadModel(consumer);
  const { position, live } = await liveSnapshot(store, consumer, readModel);
  const replayed = await store.transaction(async (tx) => {
    for (const table of readModel.tables) {
      await tx.sql.execute(`CREATE TEMP TABLE ${table.name} (${table.columns})`);
      await createIndexes(tx, table);
    }
    let after = 0n as Position;
    let handled = 0;
    const writes = new WriteBehind(tx.sql, false, consumer.runState?.(after));
    while (after !== position) {
      const events = await store.readLog({ after, limit: options.batchSize ?? 500 });
      if (events.length === 0) break;
      for (const event of events) {
        await dispatch(consumer, event, tx, writes);
        after = event.position;
        handled += 1;
        if (after === position) break;
      }
      options.onBatch?.({ handled, position: after });
    }
    const rows = await readModelRows(tx.sql, readModel);
    for (const table of readModel.tables) await tx.sql.execute(`DROP TABLE ${table.name}`);
    return rows;
  });
  const liveDigest = digestRows(live);
  const replayDigest = digestRows(replayed);
  return {
    consumer: consumer.name,
    position,
    liveDigest,
    replayDigest,
    equal: liveDigest === replayDigest,
    firstDifference:
      liveDigest === replayDigest ? null : firstDifference(readModel, live, replayed),
  };
}

/** The live rows and the checkpoint they stand at (read again if a runner moved meanwhile). */
async function liveSnapshot(store: EventStore, consumer: Consumer, readModel: ReadModel) {
  for (let attempt = 0; ; attempt += 1) {
    const before = await store.readCheckpoint(consumer.name);
    const live = await store.transaction(async (tx) => {
      await createReadModel(tx, readModel);
      return readModelRows(tx.sql, readModel);
    });
    const after = await store.readCheckpoint(consumer.name);
    if (before === after) return { position: after, live };
    if (attempt >= 10) throw new ConsumerBusyError(consumer.name, 'its runner keeps moving');
  }
}

function firstDifference(
  readModel: ReadModel,
  live: ReadModelRows,
  replayed: ReadModelRows,
): ReadModelDifference | null {
  for (const [name, liveRows] of live) {
    const table = readModel.tables.find((t) => t.name === name) as ReadModelTable;
    const replayRows = replayed.get(name) ?? [];
    for (let i = 0; i < Math.max(liveRows.length, replayRows.length); i += 1) {
      const a = liveRows[i] ?? null;
      const b = replayRows[i] ?? null;
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      return { table: name, key: (a ?? b ?? []).slice(0, table.key.length), live: a, replayed: b };
    }
  }
  return null;
}

function requireReadModel(consumer: Consumer): ReadModel {
  if (!consumer.readModel) {
    throw new ConsumerInvalidError(
      'readModel',
      `is not declared by ${consumer.name}: only a projection with a read model can be rebuilt or verified`,
    );
  }
  return consumer.readModel;
}

async function withLease<T>(
  store: EventStore,
  consumer: Consumer,
  work: () => Promise<T>,
): Promise<T> {
  const lease: ConsumerLease | undefined = await store.acquireConsumerLease(consumer.name);
  if (!lease) throw new ConsumerBusyError(consumer.name, 'a runner holds its lease');
  try {
    return await work();
  } finally {
    await lease.release();
  }
}

function status(consumer: Consumer, state: 'rebuilding' | 'stopped') {
  return { consumer: consumer.name, state, lastError: null, updatedAt: new Date().toISOString() };
}
