import type { Database } from 'better-sqlite3';
import {
  mapStatusRow,
  READ_STATUS_SQL,
  SAVE_STATUS_SQL,
  statusParameters,
  type Backlog,
  type StatusRow,
  type StoredConsumerStatus,
} from '../consumer-status.js';
import { prepared } from './queryable.js';

const SAVE_SQL = SAVE_STATUS_SQL.replace(/\$(\d+)/g, '@p$1');

/** Records a consumer's status in the caller's transaction. */
export function saveConsumerStatus(db: Database, status: StoredConsumerStatus): void {
  const named = Object.fromEntries(
    statusParameters(status).map((value, i) => [`p${i + 1}`, value]),
  );
  prepared(db, SAVE_SQL).run(named);
}

/** Every consumer's last reported status, by name. */
export function readConsumerStatuses(db: Database): StoredConsumerStatus[] {
  return (prepared(db, READ_STATUS_SQL).all() as StatusRow[]).map(mapStatusRow);
}

const BACKLOG_SQL = `SELECT count(*) AS events, min(recorded_at) AS oldest
  FROM domain_events WHERE position > ?`;

/** The events after `after` (positions are in log order on SQLite). */
export function backlog(db: Database, after: bigint): Backlog {
  const row = prepared(db, BACKLOG_SQL).get(after) as { events: number; oldest: string | null };
  return { events: Number(row.events), oldestRecordedAt: row.oldest };
}
