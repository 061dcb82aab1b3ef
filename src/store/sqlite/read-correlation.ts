import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS } from './map-row.js';
import { queryEvents } from './queryable.js';

const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE correlation_id = ? ORDER BY position`;

/** The events of one unit of work, in the order it emitted them. */
export function readCorrelation(db: Database, correlationId: string): RecordedEvent[] {
  return queryEvents(db, SQL, [correlationId.toLowerCase()]);
}
