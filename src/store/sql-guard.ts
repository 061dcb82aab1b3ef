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
  /^\s*(set(?!\s+(local|transaction|constraints)\b)|pragma|discard|deallocate)\b/i;
// Set for the transaction only, but the store's own statements in the same unit depend on
// them: where its tables are found, who runs them, how instants are written.
const STORE_SETTINGS =
  /^\s*set\s+local\s+(search_path|role|session\s+authorization|time\s*zone|datestyle)\b/i;
// set_config however it is spelled (quoted, a comment before its parenthesis), and
// pg_settings, through which an UPDATE sets what SET does.
const SET_CONFIG = /\bset_config\b|\bpg_settings\b/i;
// Statements that run others the rules here cannot see into: a code block, a prepared
// statement (the store's own ones included, on the connection they were prepared on), a
// procedure, a plan run for real.
const INDIRECT = /^\s*(do|prepare|execute|call|explain\b[\s\S]*?\banaly[sz]e)\b/i;
// A Unicode-escaped identifier, which could spell the store's tables past OWN_TABLES.
const ESCAPED_IDENTIFIER = /\bu&"/i;
// SELECT … INTO makes a table (a temporary one named as the store's would hide it).
const INTO = /\binto\b/i;
// What a read may start with.
const READS = /^\s*(select|with|values|table|show|explain)\b/i;

/**
 * Refuses domain SQL that would end the unit's transaction, write PET Events' own tables
 * (which would emit events, or forge contexts, around the unit of work), or change the
 * connection's settings for the store's statements after it. Reading the tables is fine.
 */
export function checkDomainSql(text: string): void {
  if (allowed.has(text)) return;
  const starts = statementStarts(text);
  if (starts.some((start) => TRANSACTION_CONTROL.test(start))) {
    throw new UnitOfWorkInvalidError(
      'sql',
      'must not control the transaction: the unit of work commits or rolls back',
    );
  }
  // The words below are looked for in the whole text, string literals included: a quote
  // inside an identifier, a comment or an E'' string would make a literal-stripping reading
  // swallow real SQL, and a false refusal is the safe side.
  if (changesSettings(text, starts)) throw settingsRefused();
  if (starts.some((start) => STORE_SETTINGS.test(start))) throw settingsRefused();
  if (starts.some((start) => INDIRECT.test(start)) || ESCAPED_IDENTIFIER.test(text)) {
    throw indirectRefused();
  }
  const writes = starts.some((start) => WRITES.test(start)) || INTO.test(text);
  if (writes && OWN_TABLES.test(text)) {
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

/**
 * Refuses a statement that writes or changes the connection's settings: `EventStore.query`
 * only reads.
 */
export function checkReadSql(text: string): void {
  const starts = statementStarts(text);
  if (changesSettings(text, starts)) throw settingsRefused();
  const reads = starts.every(
    (start) => READS.test(start) && !WRITES.test(start) && !INDIRECT.test(start),
  );
  if (!reads || INTO.test(text) || ESCAPED_IDENTIFIER.test(text)) {
    throw new UnitOfWorkInvalidError(
      'sql',
      'given to query must only read: one SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN, without INTO',
    );
  }
}

function changesSettings(text: string, starts: readonly string[]): boolean {
  return SET_CONFIG.test(text) || starts.some((start) => CONNECTION_SETTINGS.test(start));
}

/**
 * The statement from its first keyword on, as each database reads it: leading whitespace and
 * comments skipped, block comments nested (PostgreSQL) and not (SQLite), line comments ended
 * by a carriage return (PostgreSQL) and not (SQLite), so that a comment cannot hide the
 * keyword a rule looks for. (A second statement after a semicolon is refused
 * by the databases themselves: better-sqlite3 prepares one statement, and PostgreSQL's
 * extended protocol, which the store uses for the domain's SQL, takes one.)
 */
function statementStarts(text: string): string[] {
  const first = text.charCodeAt(text.search(/\S/));
  // Most statements start with their keyword.
  if (first !== 0x2d && first !== 0x2f) return [text];
  return [skipLeading(text, true), skipLeading(text, false)];
}

function skipLeading(text: string, nested: boolean): string {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
    if (text.startsWith('--', i)) {
      // PostgreSQL ends the comment at a carriage return too; SQLite at a line feed only.
      const end = nested ? text.slice(i).search(/[\n\r]/) + i : text.indexOf('\n', i);
      if (end < i) return '';
      i = end + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (nested && text.startsWith('/*', i)) {
          depth += 1;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth -= 1;
          i += 2;
        } else {
          i += 1;
        }
      }
    } else {
      return text.slice(i);
    }
  }
}

function indirectRefused(): UnitOfWorkInvalidError {
  return new UnitOfWorkInvalidError(
    'sql',
    'must be a statement of its own, not one that runs others (DO, PREPARE, EXECUTE, CALL, EXPLAIN ANALYZE) nor names tables in Unicode escapes',
  );
}

function settingsRefused(): UnitOfWorkInvalidError {
  return new UnitOfWorkInvalidError(
    'sql',
    "must not change the connection's settings (SET, set_config, pg_settings, PRAGMA, DISCARD, DEALLOCATE, and SET LOCAL of the search path, role, time zone or date style): the store's own statements run on that connection after it",
  );
}
