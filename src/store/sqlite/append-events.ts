import type { Database } from 'better-sqlite3';
import { canonicalText } from '../../events/canonical-json.js';
import { ContextVersionConflictError, ReferenceUnresolvedError } from '../../events/errors.js';
import type { BatchReference } from '../../registry/schema-catalog.js';
import { contextKey, type EventId, type Position, type RecordedEvent } from '../../events/types.js';
import type { PreparedBatch } from '../prepare-events.js';
import type { LogTip, TipChanges } from './log-tip.js';
import { prepared } from './queryable.js';
import { translateSqliteError } from './translate-error.js';

const CURRENT_VERSION_SQL = `SELECT COALESCE(MAX(context_version), 0) FROM domain_events
  WHERE context_type = ? AND context_id = ?`;

const HEAD_SQL = 'SELECT COALESCE(MAX(position), 0) FROM domain_events';

// Whether another connection has written to the file since this one last looked (see
// log-tip.ts), read once per append under the write lock; a compiled PRAGMA statement reads
// one value from the pager (the table-valued pragma_data_version prepares one per call).
const DATA_VERSION_SQL = 'PRAGMA data_version';

// The caller holds SQLite's write lock (BEGIN IMMEDIATE), so what is read before the batch
// stays true until it commits: the head (positions head + 1, head + 2 … are gapless and in
// commit order) and each context's current version (its events take the next ones; the
// unique key on (context, version) backs this up), whether read from the log or known from
// the tip. Every event of one append is recorded at the same instant, taken at its start
// from the clock SQLite's own 'now' reads (SQLite runs in this process): the same instant,
// in the same form as the column's default writes it, without a statement to ask for it.
const INSERT_SQL = `INSERT INTO domain_events (id, position, event_type, schema_version, occurred_at,
    recorded_at, actor_employee_id, context_type, context_id, context_version, payload,
    idempotency_key, correlation_id, causation_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const CONTEXT_EXISTS_SQL = 'SELECT 1 FROM contexts WHERE context_type = ? AND context_id = ?';

/**
 * Appends a prepared, validated batch inside the caller's write transaction, after checking
 * that every reference its payloads declare names a registered context. Positions and
 * versions continue from `changes` (what this transaction appended, on top of the tip this
 * connection committed), else from the log; `changes` gets what the batch appended.
 */
export function appendEvents(
  db: Database,
  batch: PreparedBatch,
  references: readonly BatchReference[],
  tip: LogTip,
  changes: TipChanges,
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
  tip.check(prepared(db, DATA_VERSION_SQL).pluck(true).get() as number);
  const versions = new Array<number>(batch.events.length);
  const currentVersion = prepared(db, CURRENT_VERSION_SQL).pluck(true);
  for (const plan of batch.contexts) {
    const current =
      changes.version(contextKey(plan.context)) ??
      (currentVersion.get(plan.context.type, plan.context.id) as number);
    if (plan.expectedVersion !== null && plan.expectedVersion !== current) {
      throw new ContextVersionConflictError(plan.context, plan.expectedVersion, current);
    }
    plan.eventIndexes.forEach((eventIndex, offset) => {
      versions[eventIndex] = current + offset + 1;
    });
  }
  const insert = prepared(db, INSERT_SQL);
  const recordedAt = new Date().toISOString();
  let position =
    changes.lastPosition() ??
    (prepared(db, HEAD_SQL).pluck(true).safeIntegers(true).get() as bigint);
  const recorded = batch.events.map((event, index) => {
    const contextVersion = versions[index] as number;
    position += 1n;
    try {
      insert.run(
        event.id,
        position,
        event.eventType,
        event.schemaVersion,
        event.occurredAt,
        recordedAt,
        event.actorEmployeeId,
        event.contextType,
        event.contextId,
        contextVersion,
        // In canonical JSON (keys in code-unit order), whatever order the domain wrote them
        // in: verify hashes an event's canonical JSON as SQLite writes it out from the row,
        // the payload as stored (read-wire-log.ts).
        canonicalText(event.payloadJson, event.payload),
        event.idempotencyKey,
        event.correlationId,
        event.causationId,
      );
    } catch (error) {
      throw translateSqliteError(error, { db, event });
    }
    return {
      position: position as Position,
      id: event.id as EventId,
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      context: { type: event.contextType, id: event.contextId },
      contextVersion,
      occurredAt: event.occurredAt,
      recordedAt,
      actorEmployeeId: event.actorEmployeeId,
      payload: event.payload,
      idempotencyKey: event.idempotencyKey,
      correlationId: event.correlationId,
      causationId: event.causationId,
    };
  });
  changes.head = position;
  for (const plan of batch.contexts) {
    const last = versions[plan.eventIndexes.at(-1) as number] as number;
    changes.versions.set(contextKey(plan.context), last);
  }
  return recorded;
}
