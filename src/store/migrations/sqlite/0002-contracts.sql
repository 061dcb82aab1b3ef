-- 0002 contracts
-- Schema versions can be closed for new events (deprecated): one append-only row per closed
-- version. (References in payloads are checked by the append, in its write transaction.)

CREATE TABLE event_schema_deprecations (
  event_type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  deprecated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (event_type, schema_version),
  FOREIGN KEY (event_type, schema_version) REFERENCES event_schema_versions (event_type, schema_version)
) STRICT;

CREATE TRIGGER event_schema_deprecations_no_update BEFORE UPDATE ON event_schema_deprecations
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on event_schema_deprecations is not allowed'); END;
CREATE TRIGGER event_schema_deprecations_no_delete BEFORE DELETE ON event_schema_deprecations
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on event_schema_deprecations is not allowed'); END;
