import { PositionUnknownError } from '../../events/errors.js';
import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

/**
 * A page of the log selecting `columns`: the events after position `$1` (0: from the start)
 * in log order, at most `$2`.
 */
export function logPageSql(columns: string): string {
  // Log order is (transaction_id, position). Every transaction below the snapshot's xmin has
  // ended, and any transaction still running or yet to start has an id at or above it, so
  // the prefix read here never changes: an event that commits late is read after, never
  // skipped. A page resumes after the (transaction_id, position) of the event it names.
  return `SELECT ${columns} FROM domain_events
  WHERE (transaction_id, position) > (
      CASE WHEN $1::bigint = 0 THEN '0'::xid8
           ELSE (SELECT transaction_id FROM domain_events WHERE position = $1::bigint) END,
      $1::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, position
  LIMIT $2`;
}

const SQL = logPageSql(EVENT_COLUMNS);

/** Events after `after` in log order. */
export async function readLog(
  db: Queryable,
  after: bigint,
  limit: number,
): Promise<RecordedEvent[]> {
  const rows = await query<EventRow>(db, 'pet_read_log', SQL, [after.toString(), limit]);
  if (rows.length === 0) await checkPositionKnown(db, after);
  return rows.map(mapEventRow);
}

/** An empty page after a position the log does not hold is an error, not the end of the log. */
export async function checkPositionKnown(db: Queryable, after: bigint): Promise<void> {
  if (after === 0n) return;
  const known = await query(
    db,
    'pet_position_exists',
    'SELECT 1 FROM domain_events WHERE position = $1',
    [after.toString()],
  );
  if (known.length === 0) throw new PositionUnknownError(after);
}
