import type { Database } from 'better-sqlite3';
import { PositionUnknownError } from '../../events/errors.js';
import type { RecordedEvent } from '../../events/types.js';
import type { ByTypeQuery } from '../read-options.js';
import { EVENT_COLUMNS } from './map-row.js';
import { prepared, queryEvents } from './queryable.js';

/** Events of some types in occurred_at order (ties by position), paged by position. */
export function readByType(db: Database, query: ByTypeQuery): RecordedEvent[] {
  let cursor: { occurred_at: string } | undefined;
  if (query.after > 0n) {
    cursor = prepared(db, 'SELECT occurred_at FROM domain_events WHERE position = ?').get(
      query.after,
    ) as { occurred_at: string } | undefined;
    if (!cursor) throw new PositionUnknownError(query.after);
  }
  const sql = `SELECT ${EVENT_COLUMNS} FROM domain_events
    WHERE event_type IN (SELECT value FROM json_each(?))
      AND (? IS NULL OR occurred_at >= ?)
      AND (? IS NULL OR occurred_at < ?)
      AND (? IS NULL OR occurred_at > ? OR (occurred_at = ? AND position > ?))
    ORDER BY occurred_at, position LIMIT ?`;
  const at = cursor?.occurred_at ?? null;
  return queryEvents(db, sql, [
    JSON.stringify(query.eventTypes),
    query.occurredFrom,
    query.occurredFrom,
    query.occurredBefore,
    query.occurredBefore,
    at,
    at,
    at,
    query.after,
    query.limit,
  ]);
}
