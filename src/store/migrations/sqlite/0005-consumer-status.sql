-- 0005 consumer status
-- What each consumer's active runner last reported: its state and, while it fails, the
-- failure (position, event id, code, message). Written by the runner holding the consumer's
-- lease, outside the consumer's batches, so a failure whose batch rolled back stays on record.

CREATE TABLE consumer_status (
  consumer_name TEXT NOT NULL PRIMARY KEY
    CHECK (length(consumer_name) BETWEEN 1 AND 100 AND consumer_name GLOB '[a-z]*'
      AND consumer_name NOT GLOB '*[^a-z0-9_.-]*'),
  state TEXT NOT NULL
    CHECK (state IN ('standby', 'catching-up', 'live', 'failing', 'stopped', 'rebuilding')),
  error_code TEXT,
  error_message TEXT,
  error_position INTEGER,
  error_event_id TEXT,
  error_at TEXT,
  updated_at TEXT NOT NULL
) STRICT;
