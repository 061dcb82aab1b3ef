-- 0008 audit chain
-- The log hash-chained in log order (docs/integrity.md): entry n names the n-th event of the
-- log and holds link(n) = sha256(link(n-1) || canonical JSON of the event). Written by
-- the sealer after events commit, so appends never wait for the chain. Entries are numbered
-- 1, 2, 3 … without gaps (checked on insert) and never change.

CREATE TABLE audit_chain (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  position INTEGER NOT NULL UNIQUE REFERENCES domain_events (position),
  event_id TEXT NOT NULL UNIQUE REFERENCES domain_events (id),
  link TEXT NOT NULL CHECK (length(link) = 64),
  sealed_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_chain_contiguous BEFORE INSERT ON audit_chain
  WHEN NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM audit_chain)
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: audit_chain entries are numbered without gaps'); END;
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on audit_chain is not allowed'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on audit_chain is not allowed'); END;
