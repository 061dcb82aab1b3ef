-- 0001 event log
-- Creates the append-only domain_events table and its companions: the registry of event types
-- and their schema versions, the registry of resolvable contexts, and consumer checkpoints.
-- The database enforces the name grammars (CHECK with GLOB), registered type versions, contexts
-- and actors (foreign keys; the store turns PRAGMA foreign_keys on for every connection),
-- one event per context version and idempotency key (unique keys), and append-only tables
-- (triggers on UPDATE and DELETE). Writers are serialised by SQLite, so log order is
-- position order.

CREATE TABLE event_types (
  event_type TEXT NOT NULL PRIMARY KEY
    CONSTRAINT event_types_event_type_check
    CHECK (length(event_type) <= 100 AND event_type GLOB '[a-z]*.[a-z]*'
      AND event_type NOT GLOB '*[^a-z0-9_.]*' AND event_type NOT GLOB '*.*.*'),
  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE event_schema_versions (
  event_type TEXT NOT NULL REFERENCES event_types (event_type),
  schema_version INTEGER NOT NULL CONSTRAINT event_schema_versions_version_check CHECK (schema_version >= 1),
  schema TEXT NOT NULL CHECK (json_valid(schema) AND json_type(schema) = 'object'),
  schema_sha256 TEXT NOT NULL CHECK (length(schema_sha256) = 64 AND schema_sha256 NOT GLOB '*[^0-9a-f]*'),
  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (event_type, schema_version)
) STRICT;

CREATE TABLE contexts (
  context_type TEXT NOT NULL
    CONSTRAINT contexts_context_type_check
    CHECK (length(context_type) <= 64 AND context_type GLOB '[a-z]*' AND context_type NOT GLOB '*[^a-z0-9_]*'),
  context_id TEXT NOT NULL
    CONSTRAINT contexts_context_id_check
    CHECK (length(context_id) BETWEEN 1 AND 200
      AND context_id NOT GLOB ('*[' || char(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127) || ']*')),
  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (context_type, context_id)
) STRICT;

CREATE TABLE domain_events (
  id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
  -- Assigned as max + 1 by the insert: SQLite serialises writers, so positions are gapless
  -- and in commit order.
  position INTEGER NOT NULL CONSTRAINT domain_events_position_key UNIQUE CHECK (position >= 1),
  -- Its grammar is checked once, in event_types, which the foreign key below leads to.
  event_type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at TEXT NOT NULL
    CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  actor_employee_id TEXT,
  -- Always 'employee': lets a foreign key say "a non-null actor is a registered employee".
  actor_context_type TEXT NOT NULL DEFAULT 'employee' CHECK (actor_context_type = 'employee'),
  context_type TEXT NOT NULL,
  context_id TEXT NOT NULL,
  context_version INTEGER NOT NULL CHECK (context_version >= 1),
  payload TEXT NOT NULL
    CONSTRAINT domain_events_payload_check CHECK (json_valid(payload) AND json_type(payload) = 'object'),
  idempotency_key TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  correlation_id TEXT CHECK (length(correlation_id) = 36),
  causation_id TEXT CHECK (length(causation_id) = 36),
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
  CONSTRAINT domain_events_occurred_at_check
    CHECK (julianday(occurred_at) <= julianday(recorded_at) + 5.0 / 1440.0)
) STRICT;

CREATE INDEX domain_events_type_occurred_idx ON domain_events (event_type, occurred_at);

CREATE TABLE consumer_checkpoints (
  consumer_name TEXT NOT NULL PRIMARY KEY
    CONSTRAINT consumer_checkpoints_name_check
    CHECK (length(consumer_name) BETWEEN 1 AND 100 AND consumer_name GLOB '[a-z]*'
      AND consumer_name NOT GLOB '*[^a-z0-9_.-]*'),
  -- NULL: nothing consumed yet. Otherwise the last event handled.
  position INTEGER REFERENCES domain_events (position),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TRIGGER event_types_no_update BEFORE UPDATE ON event_types
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on event_types is not allowed'); END;
CREATE TRIGGER event_types_no_delete BEFORE DELETE ON event_types
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on event_types is not allowed'); END;
CREATE TRIGGER event_schema_versions_no_update BEFORE UPDATE ON event_schema_versions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on event_schema_versions is not allowed'); END;
CREATE TRIGGER event_schema_versions_no_delete BEFORE DELETE ON event_schema_versions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on event_schema_versions is not allowed'); END;
CREATE TRIGGER contexts_no_update BEFORE UPDATE ON contexts
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on contexts is not allowed'); END;
CREATE TRIGGER contexts_no_delete BEFORE DELETE ON contexts
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on contexts is not allowed'); END;
CREATE TRIGGER domain_events_no_update BEFORE UPDATE ON domain_events
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on domain_events is not allowed'); END;
CREATE TRIGGER domain_events_no_delete BEFORE DELETE ON domain_events
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on domain_events is not allowed'); END;
