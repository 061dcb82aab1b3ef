import type { Database } from 'better-sqlite3';
import { ContextVersionConflictError } from '../../events/errors.js';
import type { EventId, JsonObject, Position, RecordedEvent } from '../../events/types.js';
import type { PreparedBatch } from '../prepare-events.js';
import { prepared } from './prepared.js';
import { translateSqliteError } from './translate-error.js';

const CURRENT_VERSION_SQL = `SELECT COALESCE(MAX(context_version), 0) FROM domain_events
  WHERE context_type = ? AND context_id = ?`;

// The caller holds SQLite's write lock (BEGIN IMMEDIATE), so max + 1 is gapless and in
// commit order.
const INSERT_SQL = `INSERT INTO domain_events (id, position, event_type, schema_version, occurred_at,
    actor_employee_id, context_type, context_id, context_version, payload, idempotency_key,
    correlation_id, causation_id)
  VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM domain_events), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  RETURNING position, recorded_at`;

/** Appends a prepared batch inside the caller's write transaction. */
export function appendEvents(db: Database, batch: PreparedBatch): RecordedEvent[] {
  const versions = new Array<number>(batch.events.length);
  const currentVersion = prepared(db, CURRENT_VERSION_SQL).pluck(true);
  for (const plan of batch.contexts) {
    const current = currentVersion.get(plan.context.type, plan.context.id) as number;
    if (plan.expectedVersion !== null && plan.expectedVersion !== current) {
      throw new ContextVersionConflictError(plan.context, plan.expectedVersion, current);
    }
    plan.eventIndexes.forEach((eventIndex, offset) => {
      versions[eventIndex] = current + offset + 1;
    });
  }
  const insert = prepared(db, INSERT_SQL).safeIntegers(true);
  return batch.events.map((event, index) => {
    const contextVersion = versions[index] ?? 0;
    let row: { position: bigint; recorded_at: string };
    try {
      row = insert.get(
        event.id,
        event.eventType,
        event.schemaVersion,
        event.occurredAt,
        event.actorEmployeeId,
        event.contextType,
        event.contextId,
        contextVersion,
        event.payloadJson,
        event.idempotencyKey,
        event.correlationId,
        event.causationId,
      ) as typeof row;
    } catch (error) {
      throw translateSqliteError(error, { db, event });
    }
    return {
      position: row.position as Position,
      id: event.id as EventId,
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      context: { type: event.contextType, id: event.contextId },
      contextVersion,
      occurredAt: event.occurredAt,
      recordedAt: row.recorded_at,
      actorEmployeeId: event.actorEmployeeId,
      payload: JSON.parse(event.payloadJson) as JsonObject,
      idempotencyKey: event.idempotencyKey,
      correlationId: event.correlationId,
      causationId: event.causationId,
    };
  });
}
