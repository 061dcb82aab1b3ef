import type { EventId, JsonObject, Position, RecordedEvent } from '../../events/types.js';

/** The columns every event read selects, in this order. */
export const EVENT_COLUMNS =
  'position, id, event_type, schema_version, occurred_at, recorded_at, actor_employee_id, context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id';

/**
 * A row of `EVENT_COLUMNS`, read in raw (array) mode. Integers come as numbers: positions are
 * exact up to 2^53 (nine quadrillion events), and only the position becomes a bigint.
 */
export type EventRow = [
  number,
  string,
  string,
  number,
  string,
  string,
  string | null,
  string,
  string,
  number,
  string,
  string | null,
  string | null,
  string | null,
];

/** A stored row as a recorded event. */
export function mapEventRow(row: EventRow): RecordedEvent {
  return {
    position: BigInt(row[0]) as Position,
    id: row[1] as EventId,
    eventType: row[2],
    schemaVersion: row[3],
    occurredAt: row[4],
    recordedAt: row[5],
    actorEmployeeId: row[6],
    context: { type: row[7], id: row[8] },
    contextVersion: row[9],
    payload: JSON.parse(row[10]) as JsonObject,
    idempotencyKey: row[11],
    correlationId: row[12],
    causationId: row[13],
  };
}
