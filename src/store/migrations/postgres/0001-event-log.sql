-- 0001 event log
-- Creates the append-only domain_events table and its companions: the registry of event types
-- and their schema versions, the registry of resolvable contexts, and consumer checkpoints.
-- The database enforces the name grammars (CHECK), registered type versions, contexts and
-- actors (foreign keys), one event per context version and idempotency key (unique keys),
-- and append-only tables (triggers on UPDATE, DELETE and TRUNCATE).
-- Names and ids compare byte by byte (COLLATE "C"), as on SQLite, whatever the database's locale.
-- Log order is (transaction_id, position): readers only read below the oldest running
-- transaction, so an event that commits late is never skipped (docs/storage.md).

CREATE FUNCTION pet_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'PET_APPEND_ONLY: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END
$$;

-- Raised by the append statement when a context's version is not the one the caller expected.
CREATE FUNCTION pet_context_version_conflict(context_type text, context_id text, expected integer, actual integer)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'PET_CONTEXT_VERSION_CONFLICT: %/% expected version %, actual %',
    context_type, context_id, expected, actual
    USING ERRCODE = 'serialization_failure',
      DETAIL = json_build_object('context_type', context_type, 'context_id', context_id,
        'expected', expected, 'actual', actual)::text;
END
$$;

CREATE TABLE event_types (
  event_type text COLLATE "C" PRIMARY KEY
    CONSTRAINT event_types_event_type_check
    CHECK (length(event_type) <= 100 AND event_type ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'),
  registered_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);

CREATE TABLE event_schema_versions (
  event_type text COLLATE "C" NOT NULL REFERENCES event_types (event_type),
  schema_version integer NOT NULL CONSTRAINT event_schema_versions_version_check CHECK (schema_version >= 1),
  schema jsonb NOT NULL CHECK (jsonb_typeof(schema) = 'object'),
  schema_sha256 text NOT NULL CHECK (schema_sha256 ~ '^[0-9a-f]{64}$'),
  registered_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (event_type, schema_version)
);

CREATE TABLE contexts (
  context_type text COLLATE "C" NOT NULL
    CONSTRAINT contexts_context_type_check
    CHECK (length(context_type) <= 64 AND context_type ~ '^[a-z][a-z0-9_]*$'),
  context_id text COLLATE "C" NOT NULL
    CONSTRAINT contexts_context_id_check
    CHECK (length(context_id) BETWEEN 1 AND 200 AND context_id !~ '[\x01-\x1f\x7f]'),
  registered_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (context_type, context_id)
);

CREATE TABLE domain_events (
  position bigint GENERATED ALWAYS AS IDENTITY,
  id uuid NOT NULL,
  -- Its grammar is checked once, in event_types, which the foreign key below leads to.
  event_type text COLLATE "C" NOT NULL,
  schema_version integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  actor_employee_id text COLLATE "C",
  -- Always 'employee': lets a foreign key say "a non-null actor is a registered employee".
  actor_context_type text COLLATE "C" NOT NULL DEFAULT 'employee' CHECK (actor_context_type = 'employee'),
  context_type text COLLATE "C" NOT NULL,
  context_id text COLLATE "C" NOT NULL,
  context_version integer NOT NULL CHECK (context_version >= 1),
  payload jsonb NOT NULL CONSTRAINT domain_events_payload_check CHECK (jsonb_typeof(payload) = 'object'),
  idempotency_key text COLLATE "C" CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  correlation_id uuid,
  causation_id uuid,
  -- The appending transaction; log order is (transaction_id, position).
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT domain_events_pkey PRIMARY KEY (id),
  CONSTRAINT domain_events_position_key UNIQUE (position),
  CONSTRAINT domain_events_context_version_key UNIQUE (context_type, context_id, context_version),
  CONSTRAINT domain_events_idempotency_key_key UNIQUE (idempotency_key),
  CONSTRAINT domain_events_schema_version_fk
    FOREIGN KEY (event_type, schema_version) REFERENCES event_schema_versions (event_type, schema_version),
  CONSTRAINT domain_events_context_fk
    FOREIGN KEY (context_type, context_id) REFERENCES contexts (context_type, context_id),
  CONSTRAINT domain_events_actor_fk
    FOREIGN KEY (actor_context_type, actor_employee_id) REFERENCES contexts (context_type, context_id),
  -- The event this one reacts to, when there is one, must be recorded.
  CONSTRAINT domain_events_causation_fk FOREIGN KEY (causation_id) REFERENCES domain_events (id),
  CONSTRAINT domain_events_occurred_at_check CHECK (occurred_at <= recorded_at + interval '5 minutes')
);

CREATE INDEX domain_events_log_order_idx ON domain_events (transaction_id, position);
CREATE INDEX domain_events_type_occurred_idx ON domain_events (event_type, occurred_at);

CREATE TABLE consumer_checkpoints (
  consumer_name text COLLATE "C" PRIMARY KEY
    CONSTRAINT consumer_checkpoints_name_check
    CHECK (length(consumer_name) BETWEEN 1 AND 100 AND consumer_name ~ '^[a-z][a-z0-9_.-]*$'),
  -- NULL: nothing consumed yet. Otherwise the last event handled.
  position bigint REFERENCES domain_events (position),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);

CREATE TRIGGER event_types_append_only BEFORE UPDATE OR DELETE ON event_types
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER event_types_no_truncate BEFORE TRUNCATE ON event_types
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER event_schema_versions_append_only BEFORE UPDATE OR DELETE ON event_schema_versions
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER event_schema_versions_no_truncate BEFORE TRUNCATE ON event_schema_versions
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER contexts_append_only BEFORE UPDATE OR DELETE ON contexts
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER contexts_no_truncate BEFORE TRUNCATE ON contexts
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER domain_events_append_only BEFORE UPDATE OR DELETE ON domain_events
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON domain_events
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
