import { toPosition, type Position } from '../../events/types.js';
import { query, type Queryable } from './queryable.js';

/** The last event a consumer handled; `0n` before its first. */
export async function readCheckpoint(db: Queryable, consumer: string): Promise<Position> {
  const [row] = await query<{ position: string | null }>(
    db,
    'pet_read_checkpoint',
    'SELECT position FROM consumer_checkpoints WHERE consumer_name = $1',
    [consumer],
  );
  return toPosition(row?.position ?? 0);
}

/**
 * Moves a consumer's checkpoint from `from` to `to` in the caller's transaction (`to` = 0
 * starts it over); `false` if
 * it was not at `from` (another runner moved it first). A concurrent runner moving the same
 * checkpoint waits on the row and then finds it moved.
 */
export async function saveCheckpoint(
  db: Queryable,
  consumer: string,
  from: Position,
  to: Position,
): Promise<boolean> {
  await query(
    db,
    'pet_ensure_checkpoint',
    'INSERT INTO consumer_checkpoints (consumer_name, position) VALUES ($1, NULL) ON CONFLICT DO NOTHING',
    [consumer],
  );
  const moved = await query(
    db,
    'pet_move_checkpoint',
    `UPDATE consumer_checkpoints SET position = $2, updated_at = date_trunc('milliseconds', clock_timestamp())
      WHERE consumer_name = $1 AND position IS NOT DISTINCT FROM $3 RETURNING 1`,
    [consumer, to === 0n ? null : to.toString(), from === 0n ? null : from.toString()],
  );
  return moved.length === 1;
}
