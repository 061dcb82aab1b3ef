import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../events/types.js';
import { mapEventRow, type EventRow } from './map-row.js';

const caches = new WeakMap<Database, Map<string, Statement>>();

/** A statement compiled once per connection and reused. */
export function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** Runs a query selecting `EVENT_COLUMNS` and maps its rows. */
export function queryEvents(
  db: Database,
  sql: string,
  params: readonly unknown[],
): RecordedEvent[] {
  const rows = prepared(db, sql)
    .raw(true)
    .safeIntegers(false)
    .all(...params) as EventRow[];
  return rows.map(mapEventRow);
}
