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

/** Records, in the caller's transaction, the last event a consumer handled. */
export function saveCheckpoint(db: Database, consumer: string, position: Position): void {
  prepared(
    db,
    `INSERT INTO consumer_checkpoints (consumer_name, position) VALUES (?, ?)
      ON CONFLICT (consumer_name) DO UPDATE SET position = excluded.position,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  ).run(consumer, position === 0n ? null : position);
}
