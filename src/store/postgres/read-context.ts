import type { ContextRef, RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

// No snapshot fence is needed here: version n + 1 can only be inserted once version n has
// committed (the foreign key to the previous version), so a context has no late gaps.
const SQL = `SELECT ${EVENT_COLUMNS} FROM domain_events
  WHERE context_type = $1 AND context_id = $2 AND context_version > $3
  ORDER BY context_version LIMIT $4`;

/** One context's events after `afterVersion`, in context-version order. */
export async function readContext(
  db: Queryable,
  context: ContextRef,
  afterVersion: number,
  limit: number,
): Promise<RecordedEvent[]> {
  const rows = await query<EventRow>(db, 'pet_read_context', SQL, [
    context.type,
    context.id,
    afterVersion,
    limit,
  ]);
  return rows.map(mapEventRow);
}
