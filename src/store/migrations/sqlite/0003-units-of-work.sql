-- 0003 units of work
-- The idempotency keys units of work were run with, scoped by command and principal: the
-- fingerprint of the command's input, the correlation id shared by the unit's events, and the
-- unit's result, so a replay returns what the first run returned without running again.
-- And an index to read a unit's events by correlation id.

CREATE TABLE unit_of_work_keys (
  command TEXT NOT NULL CHECK (length(command) BETWEEN 1 AND 100),
  principal TEXT NOT NULL CHECK (length(principal) BETWEEN 1 AND 220),
  idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
  fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64 AND fingerprint NOT GLOB '*[^0-9a-f]*'),
  correlation_id TEXT NOT NULL CHECK (length(correlation_id) = 36),
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (command, principal, idempotency_key)
) STRICT;

CREATE INDEX domain_events_correlation_idx ON domain_events (correlation_id)
  WHERE correlation_id IS NOT NULL;

-- A key's row is written once, and its result recorded once by the unit that claimed it;
-- nothing else may change or remove it (a replay must return what really happened).
CREATE TRIGGER unit_of_work_keys_no_delete BEFORE DELETE ON unit_of_work_keys
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on unit_of_work_keys is not allowed'); END;
CREATE TRIGGER unit_of_work_keys_result_once BEFORE UPDATE ON unit_of_work_keys
  WHEN OLD.result IS NOT NULL OR NEW.command IS NOT OLD.command OR NEW.principal IS NOT OLD.principal
    OR NEW.idempotency_key IS NOT OLD.idempotency_key OR NEW.fingerprint IS NOT OLD.fingerprint
    OR NEW.correlation_id IS NOT OLD.correlation_id OR NEW.recorded_at IS NOT OLD.recorded_at
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on unit_of_work_keys is not allowed (only the result is recorded, once)'); END;
