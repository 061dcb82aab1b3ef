-- 0003 units of work
-- The idempotency keys units of work were run with, scoped by command and principal: the
-- fingerprint of the command's input, the correlation id shared by the unit's events, and the
-- unit's result, so a replay returns what the first run returned without running again.
-- And an index to read a unit's events by correlation id.

CREATE TABLE unit_of_work_keys (
  command text COLLATE "C" NOT NULL CHECK (length(command) BETWEEN 1 AND 100),
  principal text COLLATE "C" NOT NULL CHECK (length(principal) BETWEEN 1 AND 220),
  idempotency_key text COLLATE "C" NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  correlation_id uuid NOT NULL,
  result jsonb,
  recorded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (command, principal, idempotency_key)
);

CREATE INDEX domain_events_correlation_idx ON domain_events (correlation_id)
  WHERE correlation_id IS NOT NULL;
