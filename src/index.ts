/**
 * PET Events: the public library API. Every export is named here; nothing else is public.
 */
export {
  ActorUnknownError,
  AppendOnlyViolationError,
  CliUsageError,
  ConsumerCheckpointMovedError,
  ConsumerHandlerFailedError,
  ConsumerInvalidError,
  ConsumerVersionUnhandledError,
  ContextDuplicateError,
  ContractLintError,
  ContextInvalidError,
  ContextUnresolvedError,
  ContextVersionConflictError,
  DatabaseBusyError,
  DatabaseNotMigratedError,
  DatabaseUrlInvalidError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeInvalidError,
  EventTypeUnknownError,
  IdempotencyConflictError,
  IdempotencyKeyDuplicateError,
  MigrationChangedError,
  MigrationUnknownError,
  OccurredInFutureError,
  PayloadInvalidError,
  PetError,
  PositionUnknownError,
  ReadOptionsInvalidError,
  ReferenceUnresolvedError,
  SchemaDriftError,
  SchemaVersionChangedError,
  SchemaVersionDeprecatedError,
  SchemaVersionUnregisteredError,
  StoreClosedError,
  TransactionAbortedError,
  UnitOfWorkInvalidError,
  IllegalTransitionError,
  AggregateNotFoundError,
  AggregateExistsError,
  CommandInvalidError,
  ConsumerBusyError,
  FeedItemNotFoundError,
  FeedQueryInvalidError,
  FeedViewerUnknownError,
  KpiDefinitionChangedError,
  KpiDefinitionInvalidError,
  KpiQueryInvalidError,
  KpiUnknownError,
  AuditQueryInvalidError,
} from './events/errors.js';
export {
  assertVersionsHandled,
  catchUp,
  type CatchUpOptions,
  type CatchUpResult,
} from './consumers/catch-up.js';
export {
  deepFreeze,
  defineConsumer,
  type Consumer,
  type ConsumerKind,
  type DeepReadonly,
  type HandledEvent,
  type Handler,
  type HandlerContext,
  type Handlers,
} from './consumers/consumer.js';
export {
  startConsumer,
  type ConsumerFailure,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type ConsumerState,
} from './consumers/runner.js';
export { canonicalJson, canonicalSha256 } from './events/canonical-json.js';
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
export {
  CalendarDate,
  Code,
  CurrencyCode,
  defineContract,
  Instant,
  MinorUnits,
  Minutes,
  Payload,
  Reference,
  REFERENCE_KEYWORD,
  type EventContract,
  type PayloadOf,
} from './registry/contract.js';
export { lintSchema, type LintFinding, type LintRule } from './registry/lint.js';
export { DEFAULT_SCHEMA_BASE_URI, schemaDocument, schemaId } from './registry/publish.js';
export {
  checkContracts,
  hasDrift,
  syncContracts,
  type DriftReport,
  type SyncReport,
} from './registry/sync.js';
export { PET_CONTRACTS } from './pet/catalogue.js';
export { PET_CONSUMERS } from './pet/consumers/catalogue.js';
export {
  auditHistory,
  foldEvent,
  type AuditEntry,
  type AuditFinding,
  type AuditHistory,
  type AuditState,
} from './pet/audit/history.js';
export { exportCloudEvents, type ExportOptions } from './pet/audit/export.js';
export {
  DEFAULT_CLOUDEVENTS_SOURCE,
  toCloudEvent,
  type PetCloudEvent,
} from './events/cloudevents.js';
export { kpiProjector, KPI_CONSUMER_NAME } from './pet/kpi/projector.js';
export {
  kpiValue,
  explainKpi,
  windowStart,
  KPI_WINDOWS,
  type KpiExplanation,
  type KpiFigures,
  type KpiQuery,
  type KpiValue,
  type KpiWindow,
} from './pet/kpi/query.js';
export {
  builtInDefinitions,
  findDefinition,
  listDefinitions,
  registerDefinitions,
  type RegisteredDefinition,
} from './pet/kpi/registry.js';
export {
  classify,
  validateDefinition,
  KpiDefinitionSchema,
  type Classification,
  type KpiDefinition,
} from './pet/kpi/definition.js';
export {
  feedProjector,
  FEED_CONSUMER_NAME,
  isCommercial,
  severityOf,
  type Severity,
} from './pet/feed/projector.js';
export {
  queryFeed,
  DEFAULT_FEED_LIMIT,
  MAX_FEED_LIMIT,
  type FeedItem,
  type FeedPage,
  type FeedQuery,
} from './pet/feed/query.js';
export {
  react,
  reactionsTo,
  withdrawReaction,
  type NewReaction,
  type Reaction,
  type ReactionKind,
} from './pet/feed/reactions.js';
export type { CommandOptions, CommandResult } from './pet/command.js';
export {
  buildDemoFirm,
  DEMO_END,
  type DemoFirmOptions,
  type DemoFirmSummary,
  type DemoProgress,
} from './pet/demo/firm.js';
export { createPet, type Pet } from './pet/pet.js';
export { defineStateMachine, type StateMachine } from './pet/state-machine.js';
export { customerMachine } from './pet/customer/machine.js';
export { employeeMachine } from './pet/employee/machine.js';
export { leadMachine } from './pet/lead/machine.js';
export { opportunityMachine } from './pet/opportunity/machine.js';
export { projectMachine } from './pet/project/machine.js';
export { quoteMachine } from './pet/quote/machine.js';
export { membershipMachine } from './pet/team/machine.js';
export { teamsAt } from './pet/team/commands.js';
export { ticketMachine } from './pet/ticket/machine.js';
export { timeEntryMachine } from './pet/time-entry/machine.js';
export {
  CURRENT_SLA_VERSION,
  SLA_POLICIES,
  ticketClocks,
  type SlaClock,
  type SlaPolicy,
} from './pet/ticket/sla.js';
export type {
  EventSchemaDeprecation,
  EventSchemaRegistration,
  EventStore,
  ReadByTypeOptions,
  ReadContextOptions,
  ReadLogOptions,
  RegisteredEventSchema,
  StoreCapabilities,
  StoreTransaction,
} from './store/event-store.js';
export type { MigrateResult, MigrationStatus } from './store/migrations/load-migrations.js';
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
export {
  createSqliteEventStore,
  type Durability,
  type SqliteEventStoreOptions,
} from './store/sqlite/store.js';
export type { ConsumerLease } from './store/consumer-lease.js';
export type { SqlAccess, SqlValue } from './store/sql-access.js';
export { employeePrincipal, systemPrincipal, type Principal } from './unit-of-work/principal.js';
export {
  createUnitOfWork,
  type Emission,
  type UnitOfWork,
  type UnitOfWorkContext,
  type UnitOfWorkOptions,
  type UnitOfWorkResult,
} from './unit-of-work/unit-of-work.js';
