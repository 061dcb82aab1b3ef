import type { ContextRef, RecordedEvent } from '../../events/types.js';
import { EVENT_COLUMNS, mapEventRow, type EventRow } from './map-row.js';
import { query, type Queryable } from './queryable.js';

// No snapshot fence is needed here: the append computes version n + 1 from the committed
// maximum, and a concurrent append of the same version fails on the unique key, so the
// versions of a context are committed in order and a reader meets no late gaps.
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
