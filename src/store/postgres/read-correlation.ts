import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE correlation_id = $1 ORDER BY position`;

/** The events of one unit of work, in the order it emitted them (one transaction: one order). */
export async function readCorrelation(
  db: Queryable,
  correlationId: string,
): Promise<RecordedEvent[]> {
  if (!UUID_PATTERN.test(correlationId)) return [];
  return (await query<EventRow>(db, 'pet_read_correlation', SQL, [correlationId])).map(mapEventRow);
}
