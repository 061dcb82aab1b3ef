import type { Database } from 'better-sqlite3';
import type { JsonObject } from '../../events/types.js';
import type { WireEvent } from '../../events/wire.js';
import type { AuditLogPage } from '../event-store.js';
import { EVENT_COLUMNS, type EventRow } from './map-row.js';
import { prepared } from './queryable.js';
import { checkPositionKnown, logPageSql } from './read-log.js';

const SQL = logPageSql(EVENT_COLUMNS);

/**
 * An event's canonical JSON (`canonicalEvent`, src/audit/chain.ts) written out by SQLite:
 * `json_quote` escapes text as `JSON.stringify` does, and the payload goes in as stored, which
 * SQLite's appends store in canonical JSON (append-events.ts). A row an earlier version wrote
 * may hold its payload's keys in another order: then this text is not the canonical JSON, and
 * verify writes that itself (src/audit/verify.ts).
 */
const CANONICAL = `'{"actor_employee_id":' || json_quote(actor_employee_id)
  || ',"causation_id":' || json_quote(causation_id)
  || ',"context_id":' || json_quote(context_id)
  || ',"context_type":' || json_quote(context_type)
  || ',"context_version":' || json_quote(context_version)
  || ',"correlation_id":' || json_quote(correlation_id)
  || ',"event_type":' || json_quote(event_type)
  || ',"id":' || json_quote(id)
  || ',"idempotency_key":' || json_quote(idempotency_key)
  || ',"occurred_at":' || json_quote(occurred_at)
  || ',"payload":' || payload
  || ',"position":' || json_quote(CAST(position AS TEXT))
  || ',"recorded_at":' || json_quote(recorded_at)
  || ',"schema_version":' || json_quote(schema_version) || '}'`;

const AUDIT_SQL = logPageSql(`${EVENT_COLUMNS}, ${CANONICAL}`);

const toWireEvent = (row: readonly [...EventRow, ...unknown[]]): WireEvent => ({
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
});

/** Events after `after` in log order, in their wire shape. */
export function readWireLog(db: Database, after: bigint, limit: number): WireEvent[] {
  return readRows(db, after, limit).map(toWireEvent);
}

function readRows(db: Database, after: bigint, limit: number): EventRow[] {
  const rows = prepared(db, SQL).raw(true).safeIntegers(false).all(after, limit) as EventRow[];
  if (rows.length === 0) checkPositionKnown(db, after);
  return rows;
}

/**
 * `readWireLog`, each event with its canonical JSON as SQLite writes it out: verify hashes
 * that text without writing JSON per event.
 */
export function readAuditLog(db: Database, after: bigint, limit: number): AuditLogPage {
  let rows: [...EventRow, string][];
  try {
    rows = prepared(db, AUDIT_SQL).raw(true).safeIntegers(false).all(after, limit) as [
      ...EventRow,
      string,
    ][];
  } catch (error) {
    // A BLOB put into a column behind the table's back has no JSON text: the page goes
    // without SQLite's texts, and verify writes each event's canonical JSON itself, with the
    // payloads' texts as stored beside it (JSON.parse reads a BLOB's bytes as UTF-8 text).
    if (!/JSON cannot hold BLOB values/.test((error as Error).message)) throw error;
    const plain = readRows(db, after, limit);
    return { events: plain.map(toWireEvent), payloads: plain.map((row) => String(row[10])) };
  }
  if (rows.length === 0) checkPositionKnown(db, after);
  return { events: rows.map(toWireEvent), canonical: rows.map((row) => row[14]) };
}
