import type { PoolClient } from 'pg';
import { UnitOfWorkInvalidError } from '../../events/errors.js';
import type { SqlAccess, SqlStatement, SqlValue } from '../sql-access.js';

/** Statements per round trip in `executeBatch`. */
const PER_ROUND_TRIP = 1000;

/** The domain's SQL on a PostgreSQL connection. */
export function sqlAccess(client: PoolClient): SqlAccess {
  return {
    query: async <Row extends Record<string, unknown>>(
      text: string,
      params: readonly SqlValue[] = [],
    ) => (await client.query<Row>(text, params as unknown[])).rows,
    execute: async (text: string, params: readonly SqlValue[] = []) =>
      (await client.query(text, params as unknown[])).rowCount ?? 0,
    async executeBatch(statements) {
      for (let start = 0; start < statements.length; start += PER_ROUND_TRIP) {
        const chunk = statements.slice(start, start + PER_ROUND_TRIP);
        // One simple-protocol query of many statements, in the open transaction.
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
