import type { Database } from 'better-sqlite3';
import { toPosition, type Position } from '../../events/types.js';
import { prepared } from './queryable.js';

/** The last event a consumer handled; `0n` before its first. */
export function readCheckpoint(db: Database, consumer: string): Position {
  const position = prepared(db, 'SELECT position FROM consumer_checkpoints WHERE consumer_name = ?')
    .pluck(true)
    .safeIntegers(true)
    .get(consumer) as bigint | null | undefined;
  return toPosition(position ?? 0n);
}

/**
 * Moves a consumer's checkpoint from `from` to `to` in the caller's transaction (`to` = 0
 * starts it over); `false` if it was not at `from` (another runner moved it first).
 */
export function saveCheckpoint(
  db: Database,
  consumer: string,
  from: Position,
  to: Position,
): boolean {
  prepared(
    db,
    'INSERT INTO consumer_checkpoints (consumer_name, position) VALUES (?, NULL) ON CONFLICT DO NOTHING',
  ).run(consumer);
  const moved = prepared(
    db,
    `UPDATE consumer_checkpoints SET position = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
      WHERE consumer_name = ? AND position IS ?`,
  ).run(to === 0n ? null : to, consumer, from === 0n ? null : from);
  return moved.changes === 1;
}
