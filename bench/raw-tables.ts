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

export const RAW_SQLITE_DDL = `
CREATE TABLE raw_events (
  id TEXT NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  actor_employee_id TEXT,
  actor_context_type TEXT NOT NULL DEFAULT 'employee',
  context_type TEXT NOT NULL,
  context_id TEXT NOT NULL,
  context_version INTEGER NOT NULL,
  payload TEXT NOT NULL,
  idempotency_key TEXT,
  correlation_id TEXT,
  causation_id TEXT,
  UNIQUE (context_type, context_id, context_version),
  UNIQUE (idempotency_key)
) STRICT;
CREATE INDEX raw_events_type_occurred_idx ON raw_events (event_type, occurred_at);`;

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
