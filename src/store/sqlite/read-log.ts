import type { Database } from 'better-sqlite3';
import { PositionUnknownError } from '../../events/errors.js';
import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS } from './map-row.js';
import { prepared, queryEvents } from './queryable.js';

/**
 * A page of the log selecting `columns`: the events after position `?` (0: from the start)
 * in log order, at most `?`.
 */
export function logPageSql(columns: string): string {
  // SQLite serialises writers, so position order is commit order: a reader never meets a gap
  // that a slower transaction fills later.
  return `SELECT ${columns} FROM domain_events WHERE position > ? ORDER BY position LIMIT ?`;
}

const SQL = logPageSql(EVENT_COLUMNS);

/** Events after `after` in log order. */
export function readLog(db: Database, after: bigint, limit: number): RecordedEvent[] {
  const events = queryEvents(db, SQL, [after, limit]);
  if (events.length === 0) checkPositionKnown(db, after);
  return events;
}

/** An empty page after a position the log does not hold is an error, not the end of the log. */
export function checkPositionKnown(db: Database, after: bigint): void {
  if (after === 0n) return;
  const known = prepared(db, 'SELECT 1 FROM domain_events WHERE position = ?').get(after);
  if (!known) throw new PositionUnknownError(after);
}
