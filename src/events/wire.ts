import type { RecordedEvent } from './types.js';

/**
 * An event's own JSON shape, as the CLI and the HTTP API print it: the spec's column names,
 * and the position as a decimal string (it is a 64-bit integer).
 */
export interface WireEvent {
  id: string;
  position: string;
  event_type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor_employee_id: string | null;
  context_type: string;
  context_id: string;
  context_version: number;
  payload: RecordedEvent['payload'];
  idempotency_key: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** A recorded event in its JSON shape. */
export function toWireEvent(event: RecordedEvent): WireEvent {
  return {
    id: event.id,
    position: event.position.toString(),
    event_type: event.eventType,
    schema_version: event.schemaVersion,
    occurred_at: event.occurredAt,
    recorded_at: event.recordedAt,
    actor_employee_id: event.actorEmployeeId,
    context_type: event.context.type,
    context_id: event.context.id,
    context_version: event.contextVersion,
    payload: event.payload,
    idempotency_key: event.idempotencyKey,
    correlation_id: event.correlationId,
    causation_id: event.causationId,
  };
}
