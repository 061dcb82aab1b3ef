import {
  ActorUnknownError,
  AppendOnlyViolationError,
  ContextDuplicateError,
  ContextUnresolvedError,
  ContextVersionConflictError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeUnknownError,
  IdempotencyKeyDuplicateError,
  OccurredInFutureError,
  ReferenceUnresolvedError,
  SchemaVersionDeprecatedError,
  SchemaVersionUnregisteredError,
} from '../../events/errors.js';
import type { ContextRef } from '../../events/types.js';
import type { PreparedBatch, PreparedEvent } from '../prepare-events.js';
import { query } from './queryable.js';
import { refineAfterRollback } from './refine-error.js';

/** What the failing statement was doing, to name the offending value. */
export interface ErrorFacts {
  readonly batch?: PreparedBatch;
  readonly context?: ContextRef;
}

interface DatabaseError extends Error {
  code: string;
  constraint?: string;
  detail?: string;
}

function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && typeof (error as Partial<DatabaseError>).code === 'string';
}

/**
 * Turns a PostgreSQL constraint failure into the PET error it stands for; other errors pass.
 * The constraint name says which rule failed; the error's detail (`Key (…)=(…)`) says which
 * event of the batch broke it.
 */
export function translatePostgresError(error: unknown, facts: ErrorFacts): unknown {
  if (!isDatabaseError(error)) return error;
  if (error.message.startsWith('PET_APPEND_ONLY: ')) {
    return new AppendOnlyViolationError(error.message.slice('PET_APPEND_ONLY: '.length));
  }
  if (error.message.startsWith('PET_CONTEXT_VERSION_CONFLICT: ')) {
    const conflict = JSON.parse(error.detail ?? '{}') as Record<string, string | number>;
    return new ContextVersionConflictError(
      { type: String(conflict.context_type), id: String(conflict.context_id) },
      Number(conflict.expected),
      Number(conflict.actual),
    );
  }
  if (error.message.startsWith('PET_SCHEMA_VERSION_DEPRECATED: ')) {
    const closed = JSON.parse(error.detail ?? '{}') as Record<string, string | number>;
    return new SchemaVersionDeprecatedError(
      String(closed.event_type),
      Number(closed.schema_version),
    );
  }
  if (error.message.startsWith('PET_REFERENCE_UNRESOLVED: ')) {
    const missing = JSON.parse(error.detail ?? '{}') as Record<string, string | number>;
    const event = facts.batch?.events[Number(missing.event_index)];
    return new ReferenceUnresolvedError(
      String(missing.pointer),
      { type: String(missing.context_type), id: String(missing.context_id) },
      event?.eventType ?? '',
    );
  }
  if (facts.context && error.constraint === 'contexts_pkey') {
    return new ContextDuplicateError(facts.context);
  }
  const { batch } = facts;
  if (!batch) return error;
  const detail = error.detail ?? '';
  const find = (key: (event: PreparedEvent) => string): PreparedEvent | undefined =>
    batch.events.find((event) => detail.includes(`=(${key(event)})`));
  switch (error.constraint) {
    case 'domain_events_schema_version_fk': {
      const event = find((e) => `${e.eventType}, ${e.schemaVersion}`);
      if (!event) return error;
      return refineAfterRollback(
        new SchemaVersionUnregisteredError(event.eventType, event.schemaVersion),
        async (client) => {
          const type = await query(
            client,
            'pet_event_type_exists',
            'SELECT 1 FROM event_types WHERE event_type = $1',
            [event.eventType],
          );
          return type.length === 0
            ? new EventTypeUnknownError(event.eventType)
            : new SchemaVersionUnregisteredError(event.eventType, event.schemaVersion);
        },
      );
    }
    case 'domain_events_context_fk': {
      const event = find((e) => `${e.contextType}, ${e.contextId}`);
      return event
        ? new ContextUnresolvedError(
            { type: event.contextType, id: event.contextId },
            event.eventType,
          )
        : error;
    }
    case 'domain_events_actor_fk': {
      const event = find((e) => `employee, ${e.actorEmployeeId}`);
      return event?.actorEmployeeId
        ? new ActorUnknownError(event.actorEmployeeId, event.eventType)
        : error;
    }
    case 'domain_events_context_version_key':
      return versionConflict(batch, detail) ?? error;
    case 'domain_events_causation_fk': {
      const event = find((e) => e.causationId ?? '');
      return event
        ? new EventInvalidError('causationId', `names no recorded event: ${event.causationId}`)
        : error;
    }
    case 'domain_events_idempotency_key_key': {
      const event = find((e) => e.idempotencyKey ?? '');
      return event?.idempotencyKey ? new IdempotencyKeyDuplicateError(event.idempotencyKey) : error;
    }
    case 'domain_events_pkey': {
      const event = find((e) => e.id);
      return event ? new EventIdDuplicateError(event.id) : error;
    }
    case 'domain_events_occurred_at_check': {
      const event = batch.events.find((e) => detail.includes(e.id)) ?? batch.events[0];
      return event ? new OccurredInFutureError(event.occurredAt, event.eventType) : error;
    }
    default:
      return error;
  }
}

function versionConflict(
  batch: PreparedBatch,
  detail: string,
): ContextVersionConflictError | undefined {
  const plan = batch.contexts.find((p) =>
    detail.includes(`=(${p.context.type}, ${p.context.id}, `),
  );
  if (!plan) return undefined;
  const { context, expectedVersion } = plan;
  // The concurrent writer that took the version has committed: the rolled-back connection
  // reads the actual version.
  return refineAfterRollback(
    new ContextVersionConflictError(context, expectedVersion, NaN),
    async (client) => {
      const [row] = await query<{ version: number }>(
        client,
        'pet_context_version',
        'SELECT COALESCE(MAX(context_version), 0) AS version FROM domain_events WHERE context_type = $1 AND context_id = $2',
        [context.type, context.id],
      );
      return new ContextVersionConflictError(context, expectedVersion, row?.version ?? 0);
    },
  );
}
