import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../events/types.js';
import { mapEventRow, type EventRow } from './map-row.js';
import { prepared } from './prepared.js';

/** Runs a query selecting `EVENT_COLUMNS` and maps its rows. */
export function queryEvents(
  db: Database,
  sql: string,
  params: readonly unknown[],
): RecordedEvent[] {
  const rows = prepared(db, sql)
    .raw(true)
    .safeIntegers(true)
    .all(...params) as EventRow[];
  return rows.map(mapEventRow);
}
