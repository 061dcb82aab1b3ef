-- 0002 contracts
-- Schema versions can be closed for new events (deprecated): one append-only row per closed
-- version, and a trigger that refuses new events of a closed version, so a deprecation holds
-- in every process at once. (References in payloads are checked by the append, in its write
-- transaction.)

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

CREATE TRIGGER domain_events_open_version BEFORE INSERT ON domain_events
  WHEN EXISTS (SELECT 1 FROM event_schema_deprecations d
    WHERE d.event_type = NEW.event_type AND d.schema_version = NEW.schema_version)
  BEGIN SELECT RAISE(ABORT, 'PET_SCHEMA_VERSION_DEPRECATED'); END;
