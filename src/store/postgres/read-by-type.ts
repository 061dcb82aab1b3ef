import { PositionUnknownError } from '../../events/errors.js';
import type { RecordedEvent } from '../../events/types.js';
import type { ByTypeQuery } from '../read-options.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

const SQL = `WITH cursor AS (SELECT occurred_at FROM domain_events WHERE position = $4::bigint)
  SELECT ${EVENT_COLUMNS} FROM domain_events
  WHERE event_type = ANY($1::text[])
    AND ($2::timestamptz IS NULL OR occurred_at >= $2::timestamptz)
    AND ($3::timestamptz IS NULL OR occurred_at < $3::timestamptz)
    AND ($4::bigint = 0 OR (occurred_at, position) > ((SELECT occurred_at FROM cursor), $4::bigint))
  ORDER BY occurred_at, position LIMIT $5`;

/** Events of some types in occurred_at order (ties by position), paged by position. */
export async function readByType(db: Queryable, byType: ByTypeQuery): Promise<RecordedEvent[]> {
  const rows = await query<EventRow>(db, 'pet_read_by_type', SQL, [
    byType.eventTypes,
    byType.occurredFrom,
    byType.occurredBefore,
    byType.after.toString(),
    byType.limit,
  ]);
  if (rows.length === 0 && byType.after > 0n) {
    const known = await query(
      db,
      'pet_position_exists',
      'SELECT 1 FROM domain_events WHERE position = $1',
      [byType.after.toString()],
    );
    if (known.length === 0) throw new PositionUnknownError(byType.after);
  }
  return rows.map(mapEventRow);
}
