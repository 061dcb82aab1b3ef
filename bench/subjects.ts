/**
 * The two subjects each benchmark compares: PET Events (`ours`) and the raw database doing the
 * equivalent plain work (`raw`), on the same database in the same run.
 */
import { appendEvents } from '../src/store/internal.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Type } from '@sinclair/typebox';
import { newEventId } from '../src/events/ids.js';
import {
  Code,
  defineContract,
  Instant,
  Minutes,
  Payload,
  Reference,
} from '../src/registry/contract.js';
import { START, type NewEvent } from '../src/events/types.js';
import type { EventStore } from '../src/store/event-store.js';
import { createPostgresEventStore } from '../src/store/postgres/store.js';
import { createSqliteEventStore } from '../src/store/sqlite/store.js';
import { employeePrincipal } from '../src/unit-of-work/principal.js';
import { createUnitOfWork } from '../src/unit-of-work/unit-of-work.js';
import { timeEntryPayload } from './payload.js';
import { RAW_COLUMNS, RAW_POSTGRES_DDL, RAW_SQLITE_DDL } from './raw-tables.js';

export const CONTEXTS = 1000;
const EMPLOYEES = 40;
const PROJECTS = 25;

/** The contract the benchmark's events follow: validation and reference checks stay on. */
const TimeEntrySubmitted = defineContract({
  eventType: 'time_entry.submitted',
  schemaVersion: 1,
  schema: Payload({
    time_entry_id: Type.String({ maxLength: 50 }),
    employee_id: Reference('employee'),
    project_id: Reference('project'),
    ticket_id: Type.Union([Reference('ticket'), Type.Null()]),
    started_at: Instant(),
    ended_at: Instant(),
    minutes: Minutes({ minimum: 1 }),
    billable: Type.Boolean(),
    work_type: Code('project', 'support', 'internal'),
    description_ref: Type.String({ maxLength: 50 }),
    submitted_via: Code('timesheet', 'timer', 'import'),
    timesheet_week: Type.String({ pattern: '^[0-9]{4}-W[0-9]{2}$' }),
  }),
});

/** What every scenario needs from a subject. */
export interface Subject {
  /** Appends events `from` … `from + count - 1` in one transaction. */
  append(from: number, count: number): Promise<void>;
  /** Reads the whole log in order, page by page; resolves to the number of events read. */
  readAll(): Promise<number>;
  /** One transaction that updates one state row and records event `i`. */
  unitOfWork(i: number): Promise<void>;
}

/** The state table the unit-of-work scenario updates, one row per context. */
const STATE_DDL =
  'CREATE TABLE bench_time_entries (id TEXT PRIMARY KEY, submissions INTEGER NOT NULL)';
const STATE_UPDATE = 'UPDATE bench_time_entries SET submissions = submissions + 1 WHERE id = $1';
const stateRows = () => Array.from({ length: CONTEXTS }, (_, c) => `('TE-${c}', 0)`).join(', ');

/** A database with both subjects set up on it. */
export interface BenchDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** `writers` independent handles, as separate processes would hold them. */
  ours(writers?: number): Promise<Subject[]>;
  raw(writers?: number): Promise<Subject[]>;
  close(): Promise<void>;
}

function newEvent(i: number): NewEvent {
  return {
    eventType: 'time_entry.submitted',
    schemaVersion: 1,
    context: { type: 'time_entry', id: `TE-${i % CONTEXTS}` },
    actorEmployeeId: `E-${(i % EMPLOYEES) + 1}`,
    occurredAt: new Date(),
    payload: timeEntryPayload(i),
  };
}

/**
 * The raw row for event `i`: the caller tracks context versions itself, as plain code would.
 * A unit of work's event carries a correlation id (PET Events stores one for every unit), so
 * the raw unit of work stores one too.
 */
function rawRow(
  i: number,
  versions: Map<number, number>,
  correlationId: string | null = null,
): unknown[] {
  const context = i % CONTEXTS;
  const version = (versions.get(context) ?? 0) + 1;
  versions.set(context, version);
  return [
    // The same id generator as ours: ids are not the database's work.
    newEventId(),
    'time_entry.submitted',
    1,
    new Date().toISOString(),
    `E-${(i % EMPLOYEES) + 1}`,
    'time_entry',
    `TE-${context}`,
    version,
    JSON.stringify(timeEntryPayload(i)),
    null,
    correlationId,
    null,
  ];
}

async function seed(store: EventStore): Promise<void> {
  await store.migrate();
  await store.transaction(async (tx) => {
    await tx.registerEventSchema({
      eventType: TimeEntrySubmitted.eventType,
      schemaVersion: TimeEntrySubmitted.schemaVersion,
      schema: TimeEntrySubmitted.document,
    });
    for (let e = 1; e <= EMPLOYEES; e += 1)
      await tx.registerContext({ type: 'employee', id: `E-${e}` });
    for (let p = 1; p <= PROJECTS; p += 1)
      await tx.registerContext({ type: 'project', id: `P-${p}` });
    for (let c = 0; c < CONTEXTS; c += 1)
      await tx.registerContext({ type: 'time_entry', id: `TE-${c}` });
  });
}

function ourSubject(store: EventStore): Subject {
  const unitOfWork = createUnitOfWork(store);
  return {
    async unitOfWork(i) {
      // The actor comes from the principal, never from the event; the event is written out
      // as PET's commands write theirs (src/pet/command.ts).
      const context = { type: 'time_entry', id: `TE-${i % CONTEXTS}` };
      await unitOfWork.run(
        { principal: employeePrincipal(`E-${(i % EMPLOYEES) + 1}`), command: 'time_entry.submit' },
        async ({ sql, emit }) => {
          await sql.execute(STATE_UPDATE, [context.id]);
          emit({
            eventType: 'time_entry.submitted',
            schemaVersion: 1,
            context,
            occurredAt: new Date(),
            payload: timeEntryPayload(i),
          });
        },
      );
    },
    async append(from, count) {
      const events = Array.from({ length: count }, (_, k) => newEvent(from + k));
      await store.transaction((tx) => appendEvents(tx, events));
    },
    async readAll() {
      let read = 0;
      let after = START;
      for (;;) {
        const page = await store.readLog({ after, limit: 1000 });
        if (page.length === 0) return read;
        read += page.length;
        after = page[page.length - 1]!.position;
      }
    },
  };
}

/** PostgreSQL: a fresh schema holding both domain_events and raw_events. */
export async function openPostgresBench(connectionString: string): Promise<BenchDatabase> {
  const schema = `pet_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path = ${schema}`);
  const stores: EventStore[] = [];
  const pools: pg.Pool[] = [];
  const first = createPostgresEventStore({ connectionString, schema });
  stores.push(first);
  await seed(first);
  await admin.query(RAW_POSTGRES_DDL);
  await admin.query(STATE_DDL);
  await admin.query(`INSERT INTO bench_time_entries VALUES ${stateRows()}`);
  // As pgbench does before a run: the registries were just filled, and in a database in
  // steady state they are vacuumed (visibility map set) and analysed. The logs themselves,
  // ours and raw alike, start empty and are left to autovacuum.
  await admin.query('VACUUM ANALYZE contexts, event_types, event_schema_versions');
  const versions = new Map<number, number>();
  const insertSql = (rows: number) =>
    `INSERT INTO raw_events (${RAW_COLUMNS.join(', ')}) VALUES ${Array.from(
      { length: rows },
      (_, r) => `(${RAW_COLUMNS.map((_, c) => `$${r * RAW_COLUMNS.length + c + 1}`).join(', ')})`,
    ).join(', ')}`;
  return {
    dialect: 'postgres',
    async ours(writers = 1) {
      return [
        first,
        ...Array.from({ length: writers - 1 }, () => {
          const store = createPostgresEventStore({ connectionString, schema });
          stores.push(store);
          return store;
        }),
      ].map(ourSubject);
    },
    async raw(writers = 1) {
      return Array.from({ length: writers }, () => {
        const pool = new pg.Pool({
          connectionString,
          options: `-c TimeZone=UTC -c search_path=${schema}`,
        });
        pools.push(pool);
        const subject: Subject = {
          async unitOfWork(i) {
            const client = await pool.connect();
            try {
              const row = rawRow(i, versions, newEventId());
              await client.query('BEGIN');
              await client.query({
                name: 'raw_state_update',
                text: STATE_UPDATE,
                values: [row[6]],
              });
              await client.query({ name: 'raw_insert_1', text: insertSql(1), values: row });
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          },
          async append(from, count) {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              const values = Array.from({ length: count }, (_, k) =>
                rawRow(from + k, versions),
              ).flat();
              await client.query({ name: `raw_insert_${count}`, text: insertSql(count), values });
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          },
          async readAll() {
            let read = 0;
            let after = '0';
            for (;;) {
              const { rows } = await pool.query<{ position: string }>({
                name: 'raw_read',
                text: 'SELECT * FROM raw_events WHERE position > $1 ORDER BY position LIMIT 1000',
                values: [after],
              });
              if (rows.length === 0) return read;
              read += rows.length;
              after = rows[rows.length - 1]!.position;
            }
          },
        };
        return subject;
      });
    },
    async close() {
      await Promise.all([...stores.map((s) => s.close()), ...pools.map((p) => p.end())]);
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** SQLite: two files in one temp folder, same pragmas (WAL, synchronous FULL). */
export async function openSqliteBench(): Promise<BenchDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'pet-bench-'));
  const store = createSqliteEventStore({ path: join(folder, 'pet.db') });
  await seed(store);
  const raw = new Database(join(folder, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(RAW_SQLITE_DDL);
  for (const db of [raw, new Database(join(folder, 'pet.db'))]) {
    db.exec(STATE_DDL);
    db.exec(`INSERT INTO bench_time_entries VALUES ${stateRows()}`);
    if (db !== raw) db.close();
  }
  const insert = raw.prepare(
    `INSERT INTO raw_events (position, ${RAW_COLUMNS.join(', ')}) VALUES (?, ${RAW_COLUMNS.map(() => '?').join(', ')})`,
  );
  const read = raw
    .prepare('SELECT * FROM raw_events WHERE position > ? ORDER BY position LIMIT 1000')
    .raw(true);
  const versions = new Map<number, number>();
  let position = 0;
  const stateUpdate = raw.prepare(STATE_UPDATE.replace('$1', '?'));
  const rawSubject: Subject = {
    async unitOfWork(i) {
      raw.exec('BEGIN IMMEDIATE');
      const row = rawRow(i, versions, newEventId());
      stateUpdate.run(row[6]);
      position += 1;
      insert.run(position, ...row);
      raw.exec('COMMIT');
    },
    async append(from, count) {
      raw.exec('BEGIN IMMEDIATE');
      for (let k = 0; k < count; k += 1) {
        position += 1;
        insert.run(position, ...rawRow(from + k, versions));
      }
      raw.exec('COMMIT');
    },
    async readAll() {
      let total = 0;
      let after = 0;
      for (;;) {
        const rows = read.all(after) as unknown[][];
        if (rows.length === 0) return total;
        // Plain code needs the payload (column 11) as an object too.
        for (const row of rows) JSON.parse(row[11] as string);
        total += rows.length;
        after = rows[rows.length - 1]![1] as number;
      }
    },
  };
  return {
    dialect: 'sqlite',
    async ours() {
      return [ourSubject(store)];
    },
    async raw() {
      return [rawSubject];
    },
    async close() {
      await store.close();
      raw.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
