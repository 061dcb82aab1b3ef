import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE id = $1`;

/** One event by id. */
export async function getEvent(db: Queryable, id: string): Promise<RecordedEvent | undefined> {
  // Not a UUID means no such event, not a cast error from the database.
  if (!UUID_PATTERN.test(id)) return undefined;
  const rows = await query<EventRow>(db, 'pet_get_event', SQL, [id]);
  return rows[0] && mapEventRow(rows[0]);
}
