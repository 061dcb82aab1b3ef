-- 0008 audit chain
-- The log hash-chained in log order (docs/integrity.md): entry n names the n-th event of the
-- log and holds link(n) = sha256(link(n-1) || canonical JSON of the event). Written by
-- the sealer after events commit, so appends never wait for the chain. Entries are numbered
-- 1, 2, 3 … without gaps (checked on insert) and never change.

CREATE TABLE audit_chain (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  position bigint NOT NULL UNIQUE REFERENCES domain_events (position),
  event_id uuid NOT NULL UNIQUE REFERENCES domain_events (id),
  link text NOT NULL CHECK (length(link) = 64),
  sealed_at text NOT NULL
);

CREATE FUNCTION pet_audit_chain_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One sealer at a time extends the chain.
  PERFORM pg_advisory_xact_lock(hashtext('pet_audit_chain'));
  IF NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM audit_chain) THEN
    RAISE EXCEPTION 'PET_APPEND_ONLY: audit_chain entries are numbered without gaps'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_chain_contiguous BEFORE INSERT ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION pet_audit_chain_contiguous();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
