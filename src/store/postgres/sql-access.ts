import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { UnitOfWorkInvalidError } from '../../events/errors.js';
import type { SqlAccess, SqlStatement, SqlValue } from '../sql-access.js';
import { oneStatement } from './queryable.js';

/** Statements per round trip in `executeBatch`. */
const PER_ROUND_TRIP = 1000;

/** Distinct statements prepared on the server, per process; past that, statements go unnamed. */
const MAX_NAMED = 1000;
const PLAIN_WRITE = /^\s*(insert|update|delete)\b/i;
const RETURNING = /\breturning\b/i;
const names = new Map<string, string | undefined>();

/**
 * The name under which a write of the domain's is prepared on each connection, so PostgreSQL
 * parses and plans it once there instead of on every call (the domain runs the same few
 * statements again and again). Only writes that return no rows are named: a prepared
 * statement that returns rows fails once a table it reads is recreated with other columns
 * (as read models are on a rebuild).
 */
function preparedName(text: string): string | undefined {
  if (names.has(text)) return names.get(text);
  if (names.size >= MAX_NAMED) return undefined;
  const name =
    !PLAIN_WRITE.test(text) || RETURNING.test(text)
      ? undefined
      : `pet_sql_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  names.set(text, name);
  return name;
}

/** The domain's SQL on a PostgreSQL connection. */
export function sqlAccess(client: PoolClient): SqlAccess {
  return {
    query: async <Row extends Record<string, unknown>>(
      text: string,
      params: readonly SqlValue[] = [],
    ) => (await client.query<Row>(oneStatement(text, params))).rows,
    execute: async (text: string, params: readonly SqlValue[] = []) =>
      (await client.query(oneStatement(text, params, preparedName(text)))).rowCount ?? 0,
    async executeBatch(statements) {
      for (let start = 0; start < statements.length; start += PER_ROUND_TRIP) {
        const chunk = statements.slice(start, start + PER_ROUND_TRIP);
        // One simple-protocol query of many statements, in the open transaction: the one place
        // the domain's SQL goes without the extended protocol, so checkBatchSql's refusal of
        // semicolons and comments is what keeps each statement to one.
        await client.query(chunk.map((statement) => inline(client, statement)).join(';\n'));
      }
    },
  };
}

/** A statement with its `$n` placeholders replaced by escaped literals. */
function inline(client: PoolClient, { text, params = [] }: SqlStatement): string {
  // checkBatchSql (src/store/sql-guard.ts) refused quotes and comments, where a `$n` could hide.
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) {
      throw new UnitOfWorkInvalidError('sql', `has $${n} but only ${params.length} values`);
    }
    return literal(client, params[index] ?? null);
  });
}

/**
 * A value as an escaped, quoted literal: untyped, so PostgreSQL fits it to its column or
 * operator as it does a parameter.
 */
function literal(client: PoolClient, value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new UnitOfWorkInvalidError('sql', `cannot take the number ${value}`);
  }
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  return client.escapeLiteral(String(value));
}
