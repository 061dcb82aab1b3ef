-- 0006 feed reactions
-- Comments, mentions and acknowledgements on feed items: rows of their own that reference the
-- item (by the id of its first event, which no rebuild of the feed changes) and never change
-- it; `seq` keeps the order they were added in. Append-only: a withdrawn reaction is a new
-- row naming the one it withdraws.

CREATE TABLE pet_feed_reactions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_id TEXT NOT NULL REFERENCES domain_events (id),
  employee_id TEXT NOT NULL REFERENCES pet_employees (id),
  kind TEXT NOT NULL CHECK (kind IN ('comment', 'mention', 'acknowledgement', 'withdrawal')),
  body TEXT CHECK (body IS NULL OR length(body) BETWEEN 1 AND 4000),
  mentioned_employee_id TEXT REFERENCES pet_employees (id),
  withdraws_id TEXT UNIQUE REFERENCES pet_feed_reactions (id),
  created_at TEXT NOT NULL,
  CHECK ((kind = 'mention') = (mentioned_employee_id IS NOT NULL)),
  CHECK ((kind = 'withdrawal') = (withdraws_id IS NOT NULL)),
  CHECK (kind <> 'comment' OR body IS NOT NULL),
  CHECK (kind NOT IN ('acknowledgement', 'withdrawal') OR body IS NULL)
) STRICT;
CREATE INDEX pet_feed_reactions_item ON pet_feed_reactions (item_id, seq);

-- A withdrawal withdraws a reaction (not a withdrawal) of its own author on the same item.
CREATE TRIGGER pet_feed_reactions_withdrawal BEFORE INSERT ON pet_feed_reactions
  WHEN NEW.kind = 'withdrawal' AND NOT EXISTS (
    SELECT 1 FROM pet_feed_reactions r
     WHERE r.id = NEW.withdraws_id AND r.employee_id = NEW.employee_id
       AND r.item_id = NEW.item_id AND r.kind <> 'withdrawal')
  BEGIN SELECT RAISE(ABORT, 'PET_REACTION_WITHDRAWAL: a reaction is withdrawn by its author, on its item'); END;
CREATE TRIGGER pet_feed_reactions_no_update BEFORE UPDATE ON pet_feed_reactions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on pet_feed_reactions is not allowed'); END;
CREATE TRIGGER pet_feed_reactions_no_delete BEFORE DELETE ON pet_feed_reactions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on pet_feed_reactions is not allowed'); END;
