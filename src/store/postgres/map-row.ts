import type { EventId, JsonObject, Position, RecordedEvent } from '../../events/types.js';

/** The columns every event read selects. */
export const EVENT_COLUMNS =
  'position, id, event_type, schema_version, occurred_at, recorded_at, actor_employee_id, context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id';

/** A row of `EVENT_COLUMNS` with bigint and timestamptz kept as text (see `store.ts`). */
export interface EventRow {
  position: string;
  id: string;
  event_type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor_employee_id: string | null;
  context_type: string;
  context_id: string;
  context_version: number;
  payload: JsonObject;
  idempotency_key: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** A stored row as a recorded event. */
export function mapEventRow(row: EventRow): RecordedEvent {
  return {
    position: BigInt(row.position) as Position,
    id: row.id as EventId,
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    occurredAt: toIsoInstant(row.occurred_at),
    recordedAt: toIsoInstant(row.recorded_at),
    actorEmployeeId: row.actor_employee_id,
    context: { type: row.context_type, id: row.context_id },
    contextVersion: row.context_version,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
  };
}

/**
 * PostgreSQL's text form of a UTC timestamptz (`2026-11-27 13:40:11.12+00`) as an RFC 3339
 * instant with milliseconds (`2026-11-27T13:40:11.120Z`). The store truncates to milliseconds.
 */
export function toIsoInstant(text: string): string {
  const zone = text.lastIndexOf('+');
  const local = zone > 10 ? text.slice(0, zone) : text;
  const [seconds = '', fraction = ''] = local.split('.');
  return `${seconds.replace(' ', 'T')}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}
