import type { EventId, Position, RecordedEvent } from '../../events/types.js';
import type { PreparedBatch } from '../prepare-events.js';
import { toIsoInstant } from './map-row.js';
import { query, type Queryable } from './queryable.js';
import { translatePostgresError } from './translate-error.js';

// One statement for the whole batch. A context's next version is its expected version, or
// else its current maximum, plus the event's place among the context's events in the batch.
// A concurrent writer that took the same version makes the unique key fail; an expected
// version above the real one makes the foreign key to the previous version fail: either way
// nothing is written and the caller hears of a conflict.
const SQL = `INSERT INTO domain_events (id, event_type, schema_version, occurred_at, actor_employee_id,
    context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id)
  SELECT e.id, e.event_type, e.schema_version, e.occurred_at, e.actor_employee_id,
    e.context_type, e.context_id,
    COALESCE(e.expected, (SELECT max(d.context_version) FROM domain_events d
      WHERE d.context_type = e.context_type AND d.context_id = e.context_id), 0) + e.offset_in_context,
    e.payload, e.idempotency_key, e.correlation_id, e.causation_id
  FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[],
      $7::text[], $8::int[], $9::int[], $10::jsonb[], $11::text[], $12::uuid[], $13::uuid[])
    WITH ORDINALITY AS e(id, event_type, schema_version, occurred_at, actor_employee_id,
      context_type, context_id, expected, offset_in_context, payload, idempotency_key,
      correlation_id, causation_id, n)
  ORDER BY e.n
  RETURNING id, position, context_version, recorded_at`;

interface Row {
  id: string;
  position: string;
  context_version: number;
  recorded_at: string;
}

/** Appends a prepared batch inside the caller's transaction. */
export async function appendEvents(
  db: Queryable,
  batch: PreparedBatch,
  lookup: Queryable,
): Promise<RecordedEvent[]> {
  const { events } = batch;
  const expected = new Array<number | null>(events.length);
  const offsets = new Array<number>(events.length);
  for (const plan of batch.contexts) {
    plan.eventIndexes.forEach((eventIndex, offset) => {
      expected[eventIndex] = plan.expectedVersion;
      offsets[eventIndex] = offset + 1;
    });
  }
  let rows: Row[];
  try {
    rows = await query<Row>(db, 'pet_append_events', SQL, [
      events.map((e) => e.id),
      events.map((e) => e.eventType),
      events.map((e) => e.schemaVersion),
      events.map((e) => e.occurredAt),
      events.map((e) => e.actorEmployeeId),
      events.map((e) => e.contextType),
      events.map((e) => e.contextId),
      expected,
      offsets,
      events.map((e) => e.payloadJson),
      events.map((e) => e.idempotencyKey),
      events.map((e) => e.correlationId),
      events.map((e) => e.causationId),
    ]);
  } catch (error) {
    throw await translatePostgresError(error, { batch, lookup });
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  return events.map((event) => {
    const row = byId.get(event.id);
    if (!row) throw new Error(`Append returned no row for event ${event.id}`);
    return {
      position: BigInt(row.position) as Position,
      id: event.id as EventId,
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      context: { type: event.contextType, id: event.contextId },
      contextVersion: row.context_version,
      occurredAt: event.occurredAt,
      recordedAt: toIsoInstant(row.recorded_at),
      actorEmployeeId: event.actorEmployeeId,
      payload: JSON.parse(event.payloadJson) as RecordedEvent['payload'],
      idempotencyKey: event.idempotencyKey,
      correlationId: event.correlationId,
      causationId: event.causationId,
    };
  });
}
