import type { Database } from 'better-sqlite3';
import { ContextVersionConflictError, ReferenceUnresolvedError } from '../../events/errors.js';
import type { BatchReference } from '../../registry/schema-catalog.js';
import type { EventId, Position, RecordedEvent } from '../../events/types.js';
import type { PreparedBatch } from '../prepare-events.js';
import { prepared } from './queryable.js';
import { translateSqliteError } from './translate-error.js';

const CURRENT_VERSION_SQL = `SELECT COALESCE(MAX(context_version), 0) FROM domain_events
  WHERE context_type = ? AND context_id = ?`;

const HEAD_SQL = 'SELECT COALESCE(MAX(position), 0) FROM domain_events';

// The caller holds SQLite's write lock (BEGIN IMMEDIATE), so the head read before the batch
// stays the head: positions head + 1, head + 2 … are gapless and in commit order. Context
// versions are max + 1, and each insert sees the rows the batch inserted before it.
const INSERT_SQL = `INSERT INTO domain_events (id, position, event_type, schema_version, occurred_at,
    actor_employee_id, context_type, context_id, context_version, payload, idempotency_key,
    correlation_id, causation_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?,
    (SELECT COALESCE(MAX(context_version), 0) + 1 FROM domain_events
      WHERE context_type = ? AND context_id = ?),
    ?, ?, ?, ?)
  RETURNING context_version, recorded_at`;

interface Row {
  context_version: bigint;
  recorded_at: string;
}

const CONTEXT_EXISTS_SQL = 'SELECT 1 FROM contexts WHERE context_type = ? AND context_id = ?';

/**
 * Appends a prepared, validated batch inside the caller's write transaction, after checking
 * that every reference its payloads declare names a registered context.
 */
export function appendEvents(
  db: Database,
  batch: PreparedBatch,
  references: readonly BatchReference[],
): RecordedEvent[] {
  const contextExists = prepared(db, CONTEXT_EXISTS_SQL);
  for (const { pointer, context, eventIndex } of references) {
    if (contextExists.get(context.type, context.id) === undefined) {
      throw new ReferenceUnresolvedError(
        pointer,
        context,
        batch.events[eventIndex]?.eventType ?? '',
      );
    }
  }
  for (const plan of batch.contexts) {
    if (plan.expectedVersion === null) continue;
    const current = prepared(db, CURRENT_VERSION_SQL)
      .pluck(true)
      .get(plan.context.type, plan.context.id) as number;
    if (plan.expectedVersion !== current) {
      throw new ContextVersionConflictError(plan.context, plan.expectedVersion, current);
    }
  }
  const insert = prepared(db, INSERT_SQL).safeIntegers(true);
  let position = prepared(db, HEAD_SQL).pluck(true).safeIntegers(true).get() as bigint;
  return batch.events.map((event) => {
    let row: Row;
    position += 1n;
    try {
      row = insert.get(
        event.id,
        position,
        event.eventType,
        event.schemaVersion,
        event.occurredAt,
        event.actorEmployeeId,
        event.contextType,
        event.contextId,
        event.contextType,
        event.contextId,
        event.payloadJson,
        event.idempotencyKey,
        event.correlationId,
        event.causationId,
      ) as Row;
    } catch (error) {
      throw translateSqliteError(error, { db, event });
    }
    return {
      position: position as Position,
      id: event.id as EventId,
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      context: { type: event.contextType, id: event.contextId },
      contextVersion: Number(row.context_version),
      occurredAt: event.occurredAt,
      recordedAt: row.recorded_at,
      actorEmployeeId: event.actorEmployeeId,
      payload: event.payload,
      idempotencyKey: event.idempotencyKey,
      correlationId: event.correlationId,
      causationId: event.causationId,
    };
  });
}
