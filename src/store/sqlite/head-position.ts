import type { Database } from 'better-sqlite3';
import { toPosition, type Position } from '../../events/types.js';
import { prepared } from './queryable.js';

const SQL = 'SELECT COALESCE(MAX(position), 0) FROM domain_events';

/** The last position in log order; `0n` for an empty log. */
export function headPosition(db: Database): Position {
  const value = prepared(db, SQL).pluck(true).safeIntegers(true).get() as bigint;
  return toPosition(value);
}
