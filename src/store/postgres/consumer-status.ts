import {
  mapStatusRow,
  READ_STATUS_SQL,
  SAVE_STATUS_SQL,
  statusParameters,
  type Backlog,
  type StatusRow,
  type StoredConsumerStatus,
} from '../consumer-status.js';
import { query, type Queryable } from './queryable.js';

/** Records a consumer's status in the caller's transaction. */
export async function saveConsumerStatus(
  db: Queryable,
  status: StoredConsumerStatus,
): Promise<void> {
  await query(db, 'pet_save_consumer_status', SAVE_STATUS_SQL, statusParameters(status));
}

/** Every consumer's last reported status, by name. */
export async function readConsumerStatuses(db: Queryable): Promise<StoredConsumerStatus[]> {
  return (await query<StatusRow>(db, 'pet_read_consumer_status', READ_STATUS_SQL, [])).map(
    mapStatusRow,
  );
}

// The events readers can see after `after`, in log order (as read-log.ts reads them).
const BACKLOG_SQL = `SELECT count(*) AS events,
    to_char(min(recorded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS oldest
  FROM domain_events
  WHERE (transaction_id, position) > (
      CASE WHEN $1::bigint = 0 THEN '0'::xid8
           ELSE (SELECT transaction_id FROM domain_events WHERE position = $1::bigint) END,
      $1::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

export async function backlog(db: Queryable, after: bigint): Promise<Backlog> {
  const [row] = await query<{ events: string; oldest: string | null }>(
    db,
    'pet_backlog',
    BACKLOG_SQL,
    [after.toString()],
  );
  return { events: Number(row?.events ?? 0), oldestRecordedAt: row?.oldest ?? null };
}
