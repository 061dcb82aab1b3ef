import type { Database } from 'better-sqlite3';
import type { JsonObject } from '../../events/types.js';
import type { WireEvent } from '../../events/wire.js';
import { EVENT_COLUMNS, type EventRow } from './map-row.js';
import { prepared } from './queryable.js';
import { checkPositionKnown, logPageSql } from './read-log.js';

const SQL = logPageSql(EVENT_COLUMNS);

/** Events after `after` in log order, in their wire shape. */
export function readWireLog(db: Database, after: bigint, limit: number): WireEvent[] {
  const rows = prepared(db, SQL).raw(true).safeIntegers(false).all(after, limit) as EventRow[];
  if (rows.length === 0) checkPositionKnown(db, after);
  return rows.map((row) => ({
    id: row[1],
    position: String(row[0]),
    event_type: row[2],
    schema_version: row[3],
    occurred_at: row[4],
    recorded_at: row[5],
    actor_employee_id: row[6],
    context_type: row[7],
    context_id: row[8],
    context_version: row[9],
    payload: JSON.parse(row[10]) as JsonObject,
    idempotency_key: row[11],
    correlation_id: row[12],
    causation_id: row[13],
  }));
}
