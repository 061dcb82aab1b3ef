/**
 * Every rejection in PET Events is a `PetError` with a stable string `code`; each condition has
 * its own subclass carrying the facts as fields. Messages state the claim, then the context.
 * Transport layers map codes to their own statuses; nothing here knows about HTTP.
 */
import { formatContext } from './names.js';
import type { ContextRef } from './types.js';

/** The base of every error PET Events raises on purpose. */
export abstract class PetError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An event type name breaks the grammar `segment.segment` (lower_snake). */
export class EventTypeInvalidError extends PetError {
  readonly code = 'PET_EVENT_TYPE_INVALID';
  constructor(readonly eventType: string) {
    super(
      `Event type name invalid: ${JSON.stringify(eventType)} (expected segment.segment in lower_snake, at most 100 characters)`,
    );
  }
}

/** An event names a type that is not registered. */
export class EventTypeUnknownError extends PetError {
  readonly code = 'PET_EVENT_TYPE_UNKNOWN';
  constructor(readonly eventType: string) {
    super(`Event type not registered: ${eventType}`);
  }
}

/** An event names a schema version its type does not have. */
export class SchemaVersionUnregisteredError extends PetError {
  readonly code = 'PET_SCHEMA_VERSION_UNREGISTERED';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
  ) {
    super(`Schema version not registered: ${eventType} v${schemaVersion}`);
  }
}

/** A registered schema version was presented with a different schema; versions are immutable. */
export class SchemaVersionChangedError extends PetError {
  readonly code = 'PET_SCHEMA_VERSION_CHANGED';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly registeredSha256: string,
    readonly presentedSha256: string,
  ) {
    super(
      `Schema version changed: ${eventType} v${schemaVersion} is registered with sha256 ${registeredSha256} but the code declares sha256 ${presentedSha256} (register a new version instead of editing this one)`,
    );
  }
}

/** A context reference has a malformed type or id. */
export class ContextInvalidError extends PetError {
  readonly code = 'PET_CONTEXT_INVALID';
  constructor(
    readonly context: ContextRef,
    readonly reason: string,
  ) {
    super(`Context invalid: ${JSON.stringify(formatContext(context))} (${reason})`);
  }
}

/** An event's primary context is not in the context registry. */
export class ContextUnresolvedError extends PetError {
  readonly code = 'PET_CONTEXT_UNRESOLVED';
  constructor(
    readonly context: ContextRef,
    readonly eventType: string,
  ) {
    super(`Context not resolvable: ${formatContext(context)} (event ${eventType})`);
  }
}

/** A context is registered twice. */
export class ContextDuplicateError extends PetError {
  readonly code = 'PET_CONTEXT_DUPLICATE';
  constructor(readonly context: ContextRef) {
    super(`Context already registered: ${formatContext(context)}`);
  }
}

/** An event's actor is not a registered employee context. */
export class ActorUnknownError extends PetError {
  readonly code = 'PET_ACTOR_UNKNOWN';
  constructor(
    readonly actorEmployeeId: string,
    readonly eventType: string,
  ) {
    super(`Actor not a registered employee: employee/${actorEmployeeId} (event ${eventType})`);
  }
}

/** The context's version is not the one the append expected: someone else appended first. */
export class ContextVersionConflictError extends PetError {
  readonly code = 'PET_CONTEXT_VERSION_CONFLICT';
  constructor(
    readonly context: ContextRef,
    readonly expectedVersion: number | null,
    readonly actualVersion: number,
  ) {
    super(
      `Context version conflict: ${formatContext(context)} expected version ${expectedVersion ?? 'any'}, actual ${actualVersion}`,
    );
  }
}

/** An idempotency key is already recorded on another event. */
export class IdempotencyKeyDuplicateError extends PetError {
  readonly code = 'PET_IDEMPOTENCY_KEY_DUPLICATE';
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency key already recorded: ${JSON.stringify(idempotencyKey)}`);
  }
}

/** An event id is already recorded. */
export class EventIdDuplicateError extends PetError {
  readonly code = 'PET_EVENT_ID_DUPLICATE';
  constructor(readonly eventId: string) {
    super(`Event id already recorded: ${eventId}`);
  }
}

/** A new event is malformed: a field has the wrong shape. */
export class EventInvalidError extends PetError {
  readonly code = 'PET_EVENT_INVALID';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Event invalid: ${field} ${reason}`);
  }
}

/** An event claims to have occurred later than it was recorded, beyond the tolerance. */
export class OccurredInFutureError extends PetError {
  readonly code = 'PET_OCCURRED_AT_IN_FUTURE';
  constructor(
    readonly occurredAt: string,
    readonly eventType: string,
  ) {
    super(
      `Event occurred after it was recorded: occurred_at ${occurredAt} is more than 5 minutes after recorded_at (event ${eventType})`,
    );
  }
}

/** Something tried to change or remove rows of an append-only table. */
export class AppendOnlyViolationError extends PetError {
  readonly code = 'PET_APPEND_ONLY';
  constructor(readonly detail: string) {
    super(`Append-only table: ${detail}`);
  }
}

/** A transaction was used after one of its operations failed; it can only roll back. */
export class TransactionAbortedError extends PetError {
  readonly code = 'PET_TRANSACTION_ABORTED';
  constructor(cause: unknown) {
    super('Transaction aborted: an earlier operation in it failed, so it was rolled back', {
      cause,
    });
  }
}

/** A read started after a position that no event has. */
export class PositionUnknownError extends PetError {
  readonly code = 'PET_POSITION_UNKNOWN';
  constructor(readonly position: bigint) {
    super(`Position not in the log: ${position}`);
  }
}

/** A database URL is neither `sqlite:PATH` nor `postgres://…`. */
export class DatabaseUrlInvalidError extends PetError {
  readonly code = 'PET_DATABASE_URL_INVALID';
  constructor(readonly url: string) {
    super(
      `Database URL invalid: ${JSON.stringify(url)} (expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE)`,
    );
  }
}

/** An applied migration's file changed after it was applied; migrations are frozen. */
export class MigrationChangedError extends PetError {
  readonly code = 'PET_MIGRATION_CHANGED';
  constructor(
    readonly version: number,
    readonly migration: string,
  ) {
    super(
      `Migration changed after it was applied: ${String(version).padStart(4, '0')} ${migration} (migrations are frozen; add a new one)`,
    );
  }
}

/** The database has migrations this code does not know: it was migrated by a newer release. */
export class MigrationUnknownError extends PetError {
  readonly code = 'PET_MIGRATION_UNKNOWN';
  constructor(readonly version: number) {
    super(`Database has a migration this release does not know: ${version} (upgrade PET Events)`);
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends PetError {
  readonly code = 'PET_STORE_CLOSED';
  constructor() {
    super('Store closed: open a new one');
  }
}

/** A read option is out of range. */
export class ReadOptionsInvalidError extends PetError {
  readonly code = 'PET_READ_OPTIONS_INVALID';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`Read option invalid: ${option} ${reason}`);
  }
}

/** The database stayed locked by another writer for longer than the store waits. */
export class DatabaseBusyError extends PetError {
  readonly code = 'PET_DATABASE_BUSY';
  constructor(readonly waitedMs: number) {
    super(`Database busy: another process held the write lock for more than ${waitedMs} ms`);
  }
}

/** A command line that cannot be carried out as written. */
export class CliUsageError extends PetError {
  readonly code = 'PET_CLI_USAGE';
}

/** A payload does not match the schema version it declares. */
export class PayloadInvalidError extends PetError {
  readonly code = 'PET_PAYLOAD_INVALID';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly violations: readonly { readonly pointer: string; readonly message: string }[],
  ) {
    super(
      `Payload invalid for ${eventType} v${schemaVersion}: ${violations
        .map((v) => `${v.pointer || '/'} ${v.message}`)
        .join('; ')}`,
    );
  }
}

/** A reference field of a payload names a context that is not registered. */
export class ReferenceUnresolvedError extends PetError {
  readonly code = 'PET_REFERENCE_UNRESOLVED';
  constructor(
    readonly pointer: string,
    readonly context: ContextRef,
    readonly eventType: string,
  ) {
    super(
      `Reference not resolvable: ${pointer} names ${formatContext(context)}, which is not registered (event ${eventType})`,
    );
  }
}

/** A schema version is closed for new events; its stored events stay readable. */
export class SchemaVersionDeprecatedError extends PetError {
  readonly code = 'PET_SCHEMA_VERSION_DEPRECATED';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
  ) {
    super(`Schema version closed for new events: ${eventType} v${schemaVersion} is deprecated`);
  }
}

/** A contract invites non-factual payloads; each finding names its rule and schema path. */
export class ContractLintError extends PetError {
  readonly code = 'PET_CONTRACT_LINT';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly findings: readonly {
      readonly rule: string;
      readonly path: string;
      readonly message: string;
    }[],
  ) {
    super(
      `Contract rejected: ${eventType} v${schemaVersion}: ${findings
        .map((f) => `[${f.rule}] ${f.path || '/'} ${f.message}`)
        .join('; ')}`,
    );
  }
}

/** The code's contracts and the database's registry disagree. */
export class SchemaDriftError extends PetError {
  readonly code = 'PET_SCHEMA_DRIFT';
  constructor(readonly drift: readonly string[]) {
    super(`Schema registry drift: ${drift.join('; ')}`);
  }
}

/** An idempotency key was reused for a different command input. */
export class IdempotencyConflictError extends PetError {
  readonly code = 'PET_IDEMPOTENCY_CONFLICT';
  constructor(
    readonly command: string,
    readonly idempotencyKey: string,
  ) {
    super(
      `Idempotency key reused with different input: ${JSON.stringify(idempotencyKey)} was first used for another ${command} request`,
    );
  }
}

/** A unit of work was asked for something it cannot do as asked. */
export class UnitOfWorkInvalidError extends PetError {
  readonly code = 'PET_UNIT_OF_WORK_INVALID';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Unit of work invalid: ${field} ${reason}`);
  }
}

/** The database is behind this release's migrations: run `pet-events migrate`. */
export class DatabaseNotMigratedError extends PetError {
  readonly code = 'PET_DATABASE_NOT_MIGRATED';
  constructor(
    readonly current: number,
    readonly latest: number,
  ) {
    super(
      `Database not migrated: it is at migration ${current}, this release needs ${latest} (run pet-events migrate)`,
    );
  }
}

/** A consumer lacks handlers for registered versions of the types it consumes. */
export class ConsumerVersionUnhandledError extends PetError {
  readonly code = 'PET_CONSUMER_VERSION_UNHANDLED';
  constructor(
    readonly consumer: string,
    readonly missing: readonly string[],
  ) {
    super(
      `Consumer cannot handle every registered version: ${consumer} has no handler for ${missing.join(', ')}`,
    );
  }
}

/** A consumer's handler failed on an event; the consumer stopped there, before it. */
export class ConsumerHandlerFailedError extends PetError {
  readonly code = 'PET_CONSUMER_HANDLER_FAILED';
  constructor(
    readonly consumer: string,
    readonly position: bigint,
    readonly eventId: string,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `Consumer stopped: ${consumer} failed on event ${eventId} (${eventType}) at position ${position}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

/** A consumer definition is malformed. */
export class ConsumerInvalidError extends PetError {
  readonly code = 'PET_CONSUMER_INVALID';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Consumer invalid: ${field} ${reason}`);
  }
}

/** Another runner moved the consumer's checkpoint first; this runner's batch rolled back. */
export class ConsumerCheckpointMovedError extends PetError {
  readonly code = 'PET_CONSUMER_CHECKPOINT_MOVED';
  constructor(
    readonly consumer: string,
    readonly expected: bigint,
  ) {
    super(
      `Consumer checkpoint moved: ${consumer} was expected at position ${expected}, another runner moved it first (its batch rolled back)`,
    );
  }
}

/**
 * A command asked an aggregate for a transition its state machine does not allow from its
 * current state (or whose guard fails, such as a time entry of zero minutes). Nothing is written.
 */
export class IllegalTransitionError extends PetError {
  readonly code = 'PET_ILLEGAL_TRANSITION';
  constructor(
    readonly aggregate: string,
    readonly id: string,
    readonly currentState: string,
    readonly attempted: string,
    readonly reason?: string,
  ) {
    super(
      `Illegal transition: ${aggregate} ${id} is ${currentState}, ${attempted} is not allowed${
        reason === undefined ? '' : ` (${reason})`
      }`,
    );
  }
}

/** A command names an aggregate that does not exist. */
export class AggregateNotFoundError extends PetError {
  readonly code = 'PET_AGGREGATE_NOT_FOUND';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`Not found: ${aggregate} ${id}`);
  }
}

/** A command would create an aggregate that already exists (same id, or a unique field taken). */
export class AggregateExistsError extends PetError {
  readonly code = 'PET_AGGREGATE_EXISTS';
  constructor(
    readonly aggregate: string,
    readonly id: string,
    readonly field: string = 'id',
  ) {
    super(`Already exists: ${aggregate} with ${field} ${id}`);
  }
}

/** A command's input is malformed (before any state is read or written). */
export class CommandInvalidError extends PetError {
  readonly code = 'PET_COMMAND_INVALID';
  constructor(
    readonly command: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Command invalid: ${command} ${field} ${reason}`);
  }
}

/** A consumer cannot be rebuilt or verified now: another runner holds it, or keeps moving it. */
export class ConsumerBusyError extends PetError {
  readonly code = 'PET_CONSUMER_BUSY';
  constructor(
    readonly consumer: string,
    readonly reason: string,
  ) {
    super(`Consumer busy: ${consumer} (${reason}); stop its runner and try again`);
  }
}

/** A feed query or reaction is malformed: names the field and what is wrong. */
export class FeedQueryInvalidError extends PetError {
  readonly code = 'PET_FEED_QUERY_INVALID';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Feed ${field} ${problem}`);
  }
}

/** The feed's viewer is not an active employee. */
export class FeedViewerUnknownError extends PetError {
  readonly code = 'PET_FEED_VIEWER_UNKNOWN';
  constructor(readonly viewer: string) {
    super(`No active employee ${viewer} to show the feed to`);
  }
}

/**
 * A feed item does not exist or the viewer may not see it (the two are not told apart, so
 * the error is no hint).
 */
export class FeedItemNotFoundError extends PetError {
  readonly code = 'PET_FEED_ITEM_NOT_FOUND';
  constructor(readonly itemId: string) {
    super(`No feed item ${itemId} for this viewer`);
  }
}

/** A KPI definition document breaks its schema or its rules: names where and what. */
export class KpiDefinitionInvalidError extends PetError {
  readonly code = 'PET_KPI_DEFINITION_INVALID';
  constructor(
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`KPI definition invalid at ${pointer || '/'}: ${problem}`);
  }
}

/**
 * A KPI definition version is registered with other content: a definition never changes;
 * a changed one is a new version.
 */
export class KpiDefinitionChangedError extends PetError {
  readonly code = 'PET_KPI_DEFINITION_CHANGED';
  constructor(
    readonly key: string,
    readonly version: number,
    readonly registeredSha256: string,
    readonly givenSha256: string,
  ) {
    super(
      `KPI ${key} v${version} is registered with sha256 ${registeredSha256}, given ${givenSha256}: a changed definition is a new version`,
    );
  }
}

/** A KPI key (or key and version) that is not registered. */
export class KpiUnknownError extends PetError {
  readonly code = 'PET_KPI_UNKNOWN';
  constructor(
    readonly key: string,
    readonly version?: number,
  ) {
    super(`No KPI ${key}${version === undefined ? '' : ` v${version}`} is registered`);
  }
}

/** A KPI query is malformed (scope, window, instant): names the field and what is wrong. */
export class KpiQueryInvalidError extends PetError {
  readonly code = 'PET_KPI_QUERY_INVALID';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`KPI ${field} ${problem}`);
  }
}

/** An audit request is malformed (a context reference, an instant): names what is wrong. */
export class AuditQueryInvalidError extends PetError {
  readonly code = 'PET_AUDIT_QUERY_INVALID';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Audit ${field} ${problem}`);
  }
}

/** An HTTP request is malformed: its body, query or parameters break the route's schema. */
export class RequestInvalidError extends PetError {
  readonly code = 'PET_REQUEST_INVALID';
  constructor(
    readonly violations: readonly { readonly pointer: string; readonly message: string }[],
  ) {
    super(
      `Request invalid: ${violations.map((v) => `${v.pointer || '/'} ${v.message}`).join('; ')}`,
    );
  }
}

/** An HTTP request carries no bearer token, or one that is unknown, revoked or malformed. */
export class UnauthenticatedError extends PetError {
  readonly code = 'PET_UNAUTHENTICATED';
  constructor() {
    super('Authentication required: send Authorization: Bearer <token> with a valid token');
  }
}

/** The authenticated caller may not run this command or read this collection. */
export class ForbiddenError extends PetError {
  readonly code = 'PET_FORBIDDEN';
  constructor(
    readonly action: string,
    readonly allowed: readonly string[],
  ) {
    super(`Not allowed: ${action} needs one of the roles ${allowed.join(', ')}`);
  }
}

/** No such resource, or one the caller may not see (the two are told apart to no one). */
export class NotFoundError extends PetError {
  readonly code = 'PET_NOT_FOUND';
  constructor(readonly what: string) {
    super(`Not found: ${what}`);
  }
}

/** An HTTP request body is larger than the service accepts. */
export class RequestTooLargeError extends PetError {
  readonly code = 'PET_REQUEST_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`Request body too large: at most ${limitBytes} bytes`);
  }
}

/** The database cannot be reached (down, restarting, out of connections): try again later. */
export class DatabaseUnavailableError extends PetError {
  readonly code = 'PET_DATABASE_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`Database unavailable: ${reason}`);
  }
}

/** The service is shutting down and takes no new requests. */
export class ServiceStoppingError extends PetError {
  readonly code = 'PET_SERVICE_STOPPING';
  constructor() {
    super('The service is shutting down: send the request to another instance or try again');
  }
}

/** An error nobody raised on purpose; its details are in the service's log, not the response. */
export class InternalError extends PetError {
  readonly code = 'PET_INTERNAL';
  constructor(readonly requestId: string) {
    super(`Internal error (request ${requestId}); the service log has the details`);
  }
}
