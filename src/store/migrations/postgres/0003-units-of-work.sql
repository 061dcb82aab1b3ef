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

-- A key's row is written once, and its result recorded once by the unit that claimed it;
-- nothing else may change or remove it (a replay must return what really happened).
CREATE FUNCTION pet_unit_of_work_key_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.result IS NOT NULL
    OR (NEW.command, NEW.principal, NEW.idempotency_key, NEW.fingerprint, NEW.correlation_id, NEW.recorded_at)
      IS DISTINCT FROM (OLD.command, OLD.principal, OLD.idempotency_key, OLD.fingerprint, OLD.correlation_id, OLD.recorded_at)
  THEN
    RAISE EXCEPTION 'PET_APPEND_ONLY: % on unit_of_work_keys is not allowed (only the result is recorded, once)', TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER unit_of_work_keys_guard BEFORE UPDATE OR DELETE ON unit_of_work_keys
  FOR EACH ROW EXECUTE FUNCTION pet_unit_of_work_key_guard();
CREATE TRIGGER unit_of_work_keys_no_truncate BEFORE TRUNCATE ON unit_of_work_keys
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
