/**
 * The baseline: a plain table with the same columns and indexes as domain_events, but no
 * triggers, no foreign keys and no checks.
 */
export const RAW_POSTGRES_DDL = `
CREATE TABLE raw_events (
  position bigint GENERATED ALWAYS AS IDENTITY,
  id uuid NOT NULL PRIMARY KEY,
  event_type text NOT NULL,
  schema_version integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  actor_employee_id text,
  actor_context_type text NOT NULL DEFAULT 'employee',
  context_type text NOT NULL,
  context_id text NOT NULL,
  context_version integer NOT NULL,
  payload jsonb NOT NULL,
  idempotency_key text,
  correlation_id uuid,
  causation_id uuid,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (position),
  UNIQUE (context_type, context_id, context_version),
  UNIQUE (idempotency_key)
);
CREATE INDEX raw_events_log_order_idx ON raw_events (transaction_id, position);
CREATE INDEX raw_events_type_occurred_idx ON raw_events (event_type, occurred_at);`;

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
