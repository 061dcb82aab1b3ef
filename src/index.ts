/**
 * PET Events: the public library API. Every export is named here; nothing else is public.
 */
export {
  ActorUnknownError,
  AppendOnlyViolationError,
  CliUsageError,
  ContextDuplicateError,
  ContextInvalidError,
  ContextUnresolvedError,
  ContextVersionConflictError,
  DatabaseBusyError,
  DatabaseUrlInvalidError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeInvalidError,
  EventTypeUnknownError,
  IdempotencyKeyDuplicateError,
  MigrationChangedError,
  MigrationUnknownError,
  OccurredInFutureError,
  PetError,
  PositionUnknownError,
  ReadOptionsInvalidError,
  SchemaVersionChangedError,
  SchemaVersionUnregisteredError,
  StoreClosedError,
  TransactionAbortedError,
} from './events/errors.js';
export { formatContext, isContextTypeName, isEventTypeName } from './events/names.js';
export type {
  Brand,
  ContextRef,
  EventId,
  JsonObject,
  JsonValue,
  NewEvent,
  Position,
  RecordedEvent,
} from './events/types.js';
export { START, toPosition } from './events/types.js';
export { toWireEvent, type WireEvent } from './events/wire.js';
export type {
  EventSchemaRegistration,
  EventStore,
  ReadByTypeOptions,
  ReadContextOptions,
  ReadLogOptions,
  RegisteredEventSchema,
  StoreCapabilities,
  StoreTransaction,
} from './store/event-store.js';
export type { MigrateResult } from './store/migrations/load-migrations.js';
export {
  DEFAULT_DATABASE_URL,
  openEventStore,
  parseDatabaseUrl,
  type DatabaseLocation,
} from './store/open-event-store.js';
export {
  createPostgresEventStore,
  type PostgresEventStoreOptions,
} from './store/postgres/store.js';
export { createSqliteEventStore, type SqliteEventStoreOptions } from './store/sqlite/store.js';
