import { UnitOfWorkInvalidError } from '../events/errors.js';

// Statements that would end or split the unit's transaction.
const TRANSACTION_CONTROL =
  /^\s*(begin|start|commit|end|rollback|abort|savepoint|release|prepare\s+transaction)\b/i;
// PET Events' own tables: written only through the store, never by the domain's SQL.
export const OWN_TABLES =
  /\b(domain_events|event_types|event_schema_versions|event_schema_deprecations|contexts|consumer_checkpoints|consumer_status|unit_of_work_keys|pet_schema_migrations|audit_chain)\b/i;
const WRITES =
  /^\s*(with\b[\s\S]*\b)?(insert|update|delete|merge|truncate|alter|drop|create|grant|revoke|copy)\b/i;
// What outlives the statement on the connection it ran on, which the store's own statements
// use after it: PostgreSQL's session settings (the time zone and date style instants are
// written in, the search path tables are found by), its prepared statements, SQLite's pragmas
// (foreign keys, CHECK constraints). `SET LOCAL`, `SET TRANSACTION` and `SET CONSTRAINTS` end
// with the transaction.
const CONNECTION_SETTINGS =
  /\bset_config\s*\(|^\s*(set(?!\s+(local|transaction|constraints)\b)|pragma|discard|deallocate)\b/i;

/**
 * Refuses domain SQL that would end the unit's transaction, or write PET Events' own tables
 * (which would emit events, or forge contexts, around the unit of work). Reading them is fine.
 */
export function checkDomainSql(text: string): void {
  if (allowed.has(text)) return;
  if (TRANSACTION_CONTROL.test(text)) {
    throw new UnitOfWorkInvalidError(
      'sql',
      'must not control the transaction: the unit of work commits or rolls back',
    );
  }
  if (CONNECTION_SETTINGS.test(text)) throw settingsRefused();
  if (WRITES.test(text) && OWN_TABLES.test(text)) {
    throw new UnitOfWorkInvalidError(
      'sql',
      "must not write PET Events' own tables: emit events and register contexts through the unit of work",
    );
  }
  // The domain runs the same statements again and again: each is judged once.
  if (allowed.size < 10_000) allowed.add(text);
}

const allowed = new Set<string>();

// PostgreSQL batches replace placeholders textually: no literal, quoted identifier, comment
// or second statement may hold a `$n`, so values only ever land as values.
const UNSAFE_IN_BATCH = /['"`;]|--|\/\*|\$\$|\$[A-Za-z_]/;

/** A batched statement: the domain SQL rules, and no quotes, comments or semicolons. */
export function checkBatchSql(text: string): void {
  checkDomainSql(text);
  if (UNSAFE_IN_BATCH.test(text)) {
    throw new UnitOfWorkInvalidError(
      'sql',
      'in a batch must be one statement without quotes, comments or semicolons (values go in parameters)',
    );
  }
}

/** Refuses a statement that writes: `EventStore.query` only reads. */
export function checkReadSql(text: string): void {
  if (WRITES.test(text) || TRANSACTION_CONTROL.test(text)) {
    throw new UnitOfWorkInvalidError('sql', 'given to query must only read');
  }
  if (CONNECTION_SETTINGS.test(text)) throw settingsRefused();
}

function settingsRefused(): UnitOfWorkInvalidError {
  return new UnitOfWorkInvalidError(
    'sql',
    "must not change the connection's settings (SET, set_config, PRAGMA, DISCARD, DEALLOCATE): the store's own statements run on that connection after it (SET LOCAL lasts the transaction)",
  );
}
