import type { EventId, Position, RecordedEvent } from '../../events/types.js';
import type { BatchReference } from '../../registry/schema-catalog.js';
import type { PreparedBatch } from '../prepare-events.js';
import { toIsoInstant } from './map-row.js';
import { queryArrays, type Queryable } from './queryable.js';
import { translatePostgresError } from './translate-error.js';

// The references the payloads declare that name no registered context; for the first such
// reference pet_reference_unresolved raises. Evaluated once per statement, before any row.
// The scalar subquery (not EXISTS, which the planner may turn into a hashed scan of the
// whole registry) keeps each check one index probe. The arrays are walked by subscript, not
// unnest: PostgreSQL estimates unnest of a parameter at 100 rows in a generic plan but at its
// real length in a custom one, so it kept planning the statement anew on every call.
const UNRESOLVED_REFERENCES = (types: string, ids: string, pointers: string, indexes: string) => {
  const at = (array: string, type: string) => `(${array}::${type}[])[r.i]`;
  return `SELECT 1 FROM generate_subscripts(${types}::text[], 1) AS r(i)
    WHERE CASE WHEN (SELECT true FROM contexts k
        WHERE k.context_type = ${at(types, 'text')} AND k.context_id = ${at(ids, 'text')} LIMIT 1)
      THEN false
      ELSE pet_reference_unresolved(${at(types, 'text')}, ${at(ids, 'text')},
        ${at(pointers, 'text')}, ${at(indexes, 'int')}) END`;
};

// True for a version open for new events; raises PET_SCHEMA_VERSION_DEPRECATED otherwise.
const OPEN_VERSION = (eventType: string, schemaVersion: string) =>
  `CASE WHEN (SELECT true FROM event_schema_deprecations x
      WHERE x.event_type = ${eventType} AND x.schema_version = ${schemaVersion} LIMIT 1)
    THEN pet_schema_version_deprecated(${eventType}, ${schemaVersion}) ELSE true END`;

// One statement for the whole batch, after the reference check above (left out, with its
// four array parameters, when the batch has no reference left to check, the usual case). A
// context's next version is its current version plus the event's place among the context's
// events in the batch. An expected version that is not the current one raises a conflict in
// the database; a concurrent writer that took the same version in the meantime makes the
// unique key fail. Either way nothing is written.
const batchSql = (
  references: boolean,
) => `INSERT INTO domain_events (id, event_type, schema_version, occurred_at, actor_employee_id,
    context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id)
  SELECT e.id, e.event_type, e.schema_version, e.occurred_at, e.actor_employee_id,
    e.context_type, e.context_id,
    CASE WHEN e.expected IS NULL OR e.expected = c.current THEN c.current + e.offset_in_context
      ELSE pet_context_version_conflict(e.context_type, e.context_id, e.expected, c.current) END,
    e.payload, e.idempotency_key, e.correlation_id, e.causation_id
  FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[],
      $7::text[], $8::int[], $9::int[], $10::jsonb[], $11::text[], $12::uuid[], $13::uuid[])
    WITH ORDINALITY AS e(id, event_type, schema_version, occurred_at, actor_employee_id,
      context_type, context_id, expected, offset_in_context, payload, idempotency_key,
      correlation_id, causation_id, n)
  CROSS JOIN LATERAL (SELECT COALESCE(max(d.context_version), 0) AS current FROM domain_events d
    WHERE d.context_type = e.context_type AND d.context_id = e.context_id) c
  WHERE ${references ? `NOT EXISTS (${UNRESOLVED_REFERENCES('$14', '$15', '$16', '$17')}) AND ` : ''}${OPEN_VERSION('e.event_type', 'e.schema_version')}
  ORDER BY e.n
  RETURNING id, position, context_version, recorded_at`;

// The same insert for the common batch of one event, without the cost of array parameters.
const singleSql = (
  references: boolean,
) => `INSERT INTO domain_events (id, event_type, schema_version, occurred_at, actor_employee_id,
    context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id)
  SELECT $1, $2, $3, $4, $5, $6, $7,
    CASE WHEN $8::int IS NULL OR $8::int = c.current THEN c.current + 1
      ELSE pet_context_version_conflict($6, $7, $8::int, c.current) END,
    $9, $10, $11, $12
  FROM (SELECT COALESCE(max(d.context_version), 0) AS current FROM domain_events d
    WHERE d.context_type = $6 AND d.context_id = $7) c
  WHERE ${references ? `NOT EXISTS (${UNRESOLVED_REFERENCES('$13', '$14', '$15', '$16')}) AND ` : ''}${OPEN_VERSION('$2::text', '$3::int')}
  RETURNING id, position, context_version, recorded_at`;

/** The four statements, by name: one event or many, with references to check or none. */
const STATEMENTS = {
  pet_append_event: singleSql(true),
  pet_append_event_unreferenced: singleSql(false),
  pet_append_events: batchSql(true),
  pet_append_events_unreferenced: batchSql(false),
};

/** A returned row, as an array (no object built per row: a tenth of a unit of work's JavaScript). */
type Row = [id: string, position: string, contextVersion: number, recordedAt: string];

/**
 * Appends a prepared, validated batch inside the caller's transaction; the statement also
 * checks that every reference its payloads declare names a registered context.
 */
export async function appendEvents(
  db: Queryable,
  batch: PreparedBatch,
  references: readonly BatchReference[],
): Promise<RecordedEvent[]> {
  const { events } = batch;
  const referenceParams =
    references.length === 0
      ? []
      : [
          references.map((r) => r.context.type),
          references.map((r) => r.context.id),
          references.map((r) => r.pointer),
          references.map((r) => r.eventIndex),
        ];
  const suffix = references.length === 0 ? '_unreferenced' : '';
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
    const [single] = events;
    if (events.length === 1 && single) {
      const name = `pet_append_event${suffix}` as const;
      rows = await queryArrays<Row>(db, name, STATEMENTS[name], [
        single.id,
        single.eventType,
        single.schemaVersion,
        single.occurredAt,
        single.actorEmployeeId,
        single.contextType,
        single.contextId,
        expected[0],
        single.payloadJson,
        single.idempotencyKey,
        single.correlationId,
        single.causationId,
        ...referenceParams,
      ]);
    } else {
      const name = `pet_append_events${suffix}` as const;
      rows = await queryArrays<Row>(db, name, STATEMENTS[name], [
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
        ...referenceParams,
      ]);
    }
  } catch (error) {
    throw translatePostgresError(error, { batch });
  }
  const byId = new Map(rows.map((row) => [row[0], row]));
  return events.map((event) => {
    const row = byId.get(event.id);
    if (!row) throw new Error(`Append returned no row for event ${event.id}`);
    return {
      position: BigInt(row[1]) as Position,
      id: event.id as EventId,
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      context: { type: event.contextType, id: event.contextId },
      contextVersion: row[2],
      occurredAt: event.occurredAt,
      recordedAt: toIsoInstant(row[3]),
      actorEmployeeId: event.actorEmployeeId,
      payload: event.payload,
      idempotencyKey: event.idempotencyKey,
      correlationId: event.correlationId,
      causationId: event.causationId,
    };
  });
}
