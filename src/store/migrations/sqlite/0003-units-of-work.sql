-- 0003 units of work
-- The idempotency keys units of work were run with, scoped by command and principal: the
-- fingerprint of the command's input, the correlation id shared by the unit's events, and the
-- unit's result, so a replay returns what the first run returned without running again.
-- And an index to read a unit's events by correlation id.

CREATE TABLE unit_of_work_keys (
  command TEXT NOT NULL CHECK (length(command) BETWEEN 1 AND 100),
  principal TEXT NOT NULL CHECK (length(principal) BETWEEN 1 AND 220),
  idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
  fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
  correlation_id TEXT NOT NULL CHECK (length(correlation_id) = 36),
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (command, principal, idempotency_key)
) STRICT;

CREATE INDEX domain_events_correlation_idx ON domain_events (correlation_id)
  WHERE correlation_id IS NOT NULL;
