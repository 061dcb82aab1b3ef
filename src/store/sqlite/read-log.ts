import type { Database } from 'better-sqlite3';
import { PositionUnknownError } from '../../events/errors.js';
import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS } from './map-row.js';
import { prepared, queryEvents } from './queryable.js';

// SQLite serialises writers, so position order is commit order: a reader never meets a gap
// that a slower transaction fills later.
const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE position > ? ORDER BY position LIMIT ?`;

/** Events after `after` in log order. */
export function readLog(db: Database, after: bigint, limit: number): RecordedEvent[] {
  const events = queryEvents(db, SQL, [after, limit]);
  if (events.length === 0 && after > 0n) {
    const known = prepared(db, 'SELECT 1 FROM domain_events WHERE position = ?').get(after);
    if (!known) throw new PositionUnknownError(after);
  }
  return events;
}
