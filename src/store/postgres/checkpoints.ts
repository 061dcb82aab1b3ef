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

/** Records, in the caller's transaction, the last event a consumer handled. */
export async function saveCheckpoint(
  db: Queryable,
  consumer: string,
  position: Position,
): Promise<void> {
  await query(
    db,
    'pet_save_checkpoint',
    `INSERT INTO consumer_checkpoints (consumer_name, position) VALUES ($1, $2)
      ON CONFLICT (consumer_name) DO UPDATE SET position = excluded.position,
        updated_at = date_trunc('milliseconds', clock_timestamp())`,
    [consumer, position === 0n ? null : position.toString()],
  );
}
