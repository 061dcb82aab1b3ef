import type { Database } from 'better-sqlite3';
import type { ContextRef, RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS } from './map-row.js';
import { queryEvents } from './queryable.js';

const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events
  WHERE context_type = ? AND context_id = ? AND context_version > ?
  ORDER BY context_version LIMIT ?`;

/** One context's events after `afterVersion`, in context-version order. */
export function readContext(
  db: Database,
  context: ContextRef,
  afterVersion: number,
  limit: number,
): RecordedEvent[] {
  return queryEvents(db, SQL, [context.type, context.id, afterVersion, limit]);
}
