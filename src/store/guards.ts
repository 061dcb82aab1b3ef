/**
 * The log's tables whose rows never change once written: each carries append-only triggers
 * (names per adapter), which `EventStore.missingGuards` and `pet-events audit verify` check.
 */
export const GUARDED_TABLES = [
  'domain_events',
  'contexts',
  'event_types',
  'event_schema_versions',
  'event_schema_deprecations',
  'audit_chain',
] as const;
