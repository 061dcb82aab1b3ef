import type { Database } from 'better-sqlite3';
import {
  ActorUnknownError,
  AppendOnlyViolationError,
  ContextDuplicateError,
  ContextUnresolvedError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeUnknownError,
  IdempotencyKeyDuplicateError,
  OccurredInFutureError,
  SchemaVersionDeprecatedError,
  SchemaVersionUnregisteredError,
} from '../../events/errors.js';
import type { ContextRef } from '../../events/types.js';
import type { PreparedEvent } from '../prepare-events.js';
import { prepared } from './queryable.js';

/** What the failing statement was doing, to name the offending value. */
export interface ErrorFacts {
  readonly db?: Database;
  readonly event?: PreparedEvent;
  readonly context?: ContextRef;
}

/** Turns a SQLite constraint failure into the PET error it stands for; other errors pass. */
export function translateSqliteError(error: unknown, facts: ErrorFacts): unknown {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') {
    return error;
  }
  const { message } = error;
  const { event, context } = facts;
  if (message.startsWith('PET_APPEND_ONLY: ')) {
    return new AppendOnlyViolationError(message.slice('PET_APPEND_ONLY: '.length));
  }
  if (event && message === 'PET_SCHEMA_VERSION_DEPRECATED') {
    return new SchemaVersionDeprecatedError(event.eventType, event.schemaVersion);
  }
  if (event && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' && facts.db) {
    return diagnoseForeignKey(facts.db, event) ?? error;
  }
  if (event && message.includes('domain_events.idempotency_key') && event.idempotencyKey) {
    return new IdempotencyKeyDuplicateError(event.idempotencyKey);
  }
  if (event && message.includes('domain_events.id')) return new EventIdDuplicateError(event.id);
  if (event && message.includes('domain_events_occurred_at_check')) {
    return new OccurredInFutureError(event.occurredAt, event.eventType);
  }
  if (context && message.includes('contexts.context_type')) {
    return new ContextDuplicateError(context);
  }
  return error;
}

/** SQLite does not say which foreign key failed; ask the registries, in the same transaction. */
function diagnoseForeignKey(db: Database, event: PreparedEvent): Error | undefined {
  const exists = (sql: string, ...params: unknown[]): boolean =>
    prepared(db, sql).get(...params) !== undefined;
  if (!exists('SELECT 1 FROM event_types WHERE event_type = ?', event.eventType)) {
    return new EventTypeUnknownError(event.eventType);
  }
  if (
    !exists(
      'SELECT 1 FROM event_schema_versions WHERE event_type = ? AND schema_version = ?',
      event.eventType,
      event.schemaVersion,
    )
  ) {
    return new SchemaVersionUnregisteredError(event.eventType, event.schemaVersion);
  }
  const context = { type: event.contextType, id: event.contextId };
  if (
    !exists(
      'SELECT 1 FROM contexts WHERE context_type = ? AND context_id = ?',
      context.type,
      context.id,
    )
  ) {
    return new ContextUnresolvedError(context, event.eventType);
  }
  if (
    event.actorEmployeeId !== null &&
    !exists(
      "SELECT 1 FROM contexts WHERE context_type = 'employee' AND context_id = ?",
      event.actorEmployeeId,
    )
  ) {
    return new ActorUnknownError(event.actorEmployeeId, event.eventType);
  }
  if (
    event.causationId !== null &&
    !exists('SELECT 1 FROM domain_events WHERE id = ?', event.causationId)
  ) {
    return new EventInvalidError('causationId', `names no recorded event: ${event.causationId}`);
  }
  // Nothing the registries explain: let the database's own error speak.
  return undefined;
}
