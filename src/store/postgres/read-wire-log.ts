import type { JsonObject } from '../../events/types.js';
import type { WireEvent } from '../../events/wire.js';
import { queryArrays, type Queryable } from './queryable.js';
import { checkPositionKnown, logPageSql } from './read-log.js';

// The server writes each instant in RFC 3339 (work taken off the reading process, which hashes
// and validates every event), to the microsecond the column holds: `wireInstant` keeps three
// digits of a whole millisecond, as the store writes every instant, and all six otherwise, so
// an instant moved by less than a millisecond does not read as the one that was sealed. In UTC
// whatever the session's time zone (a read may have changed it), and with its era: `YYYY`
// alone writes a year before Christ as the same year after. An infinite instant, which to_char
// leaves NULL, reads as PostgreSQL writes it.
const instant = (column: string) =>
  `COALESCE(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"BC'), ${column}::text) AS ${column}`;

/**
 * An instant as `instant` writes it, in the wire shape: milliseconds when nothing finer. The
 * store writes no instant before Christ; such a one keeps its era and reads as nothing sealed.
 */
function wireInstant(text: string): string {
  if (!text.endsWith('ZAD')) return text;
  return text.endsWith('000ZAD') ? `${text.slice(0, -6)}Z` : text.slice(0, -2);
}
const SQL = logPageSql(
  `position, id, event_type, schema_version, ${instant('occurred_at')}, ${instant('recorded_at')}, actor_employee_id, context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id`,
);

/** A row of `SQL`, columns in order (bigint as text). */
type WireRow = [
  string,
  string,
  string,
  number,
  string,
  string,
  string | null,
  string,
  string,
  number,
  JsonObject,
  string | null,
  string | null,
  string | null,
];

/** Events after `after` in log order, in their wire shape. */
export async function readWireLog(
  db: Queryable,
  after: bigint,
  limit: number,
): Promise<WireEvent[]> {
  const rows = await queryArrays<WireRow>(db, 'pet_read_wire_log', SQL, [after.toString(), limit]);
  if (rows.length === 0) await checkPositionKnown(db, after);
  return rows.map((row) => ({
    id: row[1],
    position: row[0],
    event_type: row[2],
    schema_version: row[3],
    occurred_at: wireInstant(row[4]),
    recorded_at: wireInstant(row[5]),
    actor_employee_id: row[6],
    context_type: row[7],
    context_id: row[8],
    context_version: row[9],
    payload: row[10],
    idempotency_key: row[11],
    correlation_id: row[12],
    causation_id: row[13],
  }));
}
