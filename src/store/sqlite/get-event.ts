import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS } from './map-row.js';
import { queryEvents } from './queryable.js';

const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE id = ?`;

/** One event by id. */
export function getEvent(db: Database, id: string): RecordedEvent | undefined {
  return queryEvents(db, SQL, [id.toLowerCase()])[0];
}
