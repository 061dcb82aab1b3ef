import { toPosition, type Position } from '../../events/types.js';
import { query, type Queryable } from './queryable.js';

// The last event of the stable prefix that readers see (see read-log.ts).
const SQL = `SELECT position FROM domain_events
  WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id DESC, position DESC LIMIT 1`;

/** The last position in log order; `0n` for an empty log. */
export async function headPosition(db: Queryable): Promise<Position> {
  const rows = await query<{ position: string }>(db, 'pet_head_position', SQL, []);
  return toPosition(rows[0]?.position ?? 0);
}
