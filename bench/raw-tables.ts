import { readdirSync, readFileSync } from 'node:fs';

/**
 * The baseline: a plain table with the same columns and indexes as domain_events, but no
 * triggers and no foreign keys.
 */
/**
 * PostgreSQL: a copy of domain_events as the migration defines it (columns, collations,
 * defaults, CHECK constraints, indexes), which by LIKE's rules has no triggers and no
 * foreign keys.
 */
export const RAW_POSTGRES_DDL = `CREATE TABLE raw_events (LIKE domain_events
  INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)`;

/**
 * SQLite: domain_events as the migrations define it (the table from 0001 with its CHECK
 * constraints, and every index any migration puts on it), renamed, with its foreign keys taken
 * out; triggers are separate statements and not copied.
 */
export const RAW_SQLITE_DDL = (() => {
  const folder = new URL('../src/store/migrations/sqlite/', import.meta.url);
  const migrations = readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => readFileSync(new URL(name, folder), 'utf8'));
  const table =
    /CREATE TABLE domain_events \([\s\S]*?\) STRICT;/.exec(migrations[0] ?? '')?.[0] ?? '';
  const indexes = migrations.flatMap(
    (sql) => sql.match(/CREATE INDEX domain_events_\w+ ON domain_events [^;]*;/g) ?? [],
  );
  const withoutForeignKeys = table
    .replace(/,\s*CONSTRAINT \w+_fk\s+FOREIGN KEY \([^)]*\) REFERENCES \w+ \([^)]*\)/g, '')
    .replace(/CONSTRAINT domain_events_/g, 'CONSTRAINT raw_events_');
  return [withoutForeignKeys, ...indexes].join('\n').replace(/domain_events/g, 'raw_events');
})();

/** The raw insert's columns, in parameter order. */
export const RAW_COLUMNS = [
  'id',
  'event_type',
  'schema_version',
  'occurred_at',
  'actor_employee_id',
  'context_type',
  'context_id',
  'context_version',
  'payload',
  'idempotency_key',
  'correlation_id',
  'causation_id',
] as const;
