/**
 * Copies the event log of a SQLite database (the demo firm, built through the commands) into
 * a fresh PostgreSQL database: registry, contexts and events in log order, through PET's own
 * tables, their foreign keys and triggers. A fixture for the PostgreSQL catch-up benchmark:
 * building the firm through the commands on PostgreSQL takes far longer (see
 * docs/performance.md). The aggregates' rows that read models look names and memberships up
 * in are copied too (customers, employees, teams and memberships, leads, opportunities,
 * quotes, projects, tickets, time entries); the SLA clocks are not.
 *
 *   npx tsx bench/copy-log.ts --from sqlite:/tmp/firm.db --to postgres://postgres@127.0.0.1:5432/pet_bench_firm
 *
 * The target database is dropped and created again.
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PET_CONTRACTS } from '../src/pet/catalogue.js';
import { syncContracts } from '../src/registry/sync.js';
import { openEventStore, parseDatabaseUrl } from '../src/store/open-event-store.js';

const { values: args } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' } },
});
const from = parseDatabaseUrl(args.from ?? '');
const to = parseDatabaseUrl(args.to ?? '');
if (from.dialect !== 'sqlite' || to.dialect !== 'postgres') {
  throw new Error('--from sqlite:PATH --to postgres://…/DATABASE');
}
const target = new URL(to.connectionString);
const database = target.pathname.slice(1);
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name: ${database}`);
const admin = new URL(to.connectionString);
admin.pathname = '/postgres';
const adminClient = new pg.Client({ connectionString: admin.toString() });
await adminClient.connect();
await adminClient.query(`DROP DATABASE IF EXISTS ${database}`);
await adminClient.query(`CREATE DATABASE ${database}`);
await adminClient.end();

const store = openEventStore(to.connectionString);
await store.migrate();
await syncContracts(store, PET_CONTRACTS);
await store.close();

const source = new Database(from.path, { readonly: true });
const client = new pg.Client({ connectionString: to.connectionString });
await client.connect();

async function insertAll(table: string, columns: readonly string[], rows: Iterable<unknown[]>) {
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch
      .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
      .join(', ');
    await client.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`,
      batch.flat(),
    );
    copied += batch.length;
    batch = [];
  };
  await client.query('BEGIN');
  for (const row of rows) {
    batch.push(row);
    if (batch.length === 1000) {
      await flush();
      if (copied % 50_000 === 0) {
        await client.query('COMMIT');
        await client.query('BEGIN');
        process.stderr.write(`\r${table}: ${copied}`);
      }
    }
  }
  await flush();
  await client.query('COMMIT');
  process.stderr.write(`\r${table}: ${copied}\n`);
}

await insertAll(
  'contexts',
  ['context_type', 'context_id'],
  source
    .prepare('SELECT context_type, context_id FROM contexts ORDER BY rowid')
    .raw(true)
    .iterate() as Iterable<unknown[]>,
);
const EVENT_COLUMNS = [
  'id',
  'event_type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'actor_employee_id',
  'context_type',
  'context_id',
  'context_version',
  'payload',
  'idempotency_key',
  'correlation_id',
  'causation_id',
];
await insertAll(
  'domain_events',
  EVENT_COLUMNS,
  source
    .prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM domain_events ORDER BY position`)
    .raw(true)
    .iterate() as Iterable<unknown[]>,
);
for (const table of [
  'pet_customers',
  'pet_employees',
  'pet_teams',
  'pet_team_memberships',
  'pet_leads',
  'pet_opportunities',
  'pet_quotes',
  'pet_projects',
  'pet_tickets',
  'pet_time_entries',
]) {
  const columns = (source.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  await insertAll(
    table,
    columns,
    source
      .prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY rowid`)
      .raw(true)
      .iterate() as Iterable<unknown[]>,
  );
}
await client.query('ANALYZE');
await client.end();
source.close();
