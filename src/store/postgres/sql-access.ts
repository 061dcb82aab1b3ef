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
  if (text.includes(';')) {
    throw new UnitOfWorkInvalidError('sql', 'in a batch must be one statement each (no semicolon)');
  }
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(client, params[Number(n) - 1]));
}

function literal(client: PoolClient, value: SqlValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new UnitOfWorkInvalidError('sql', `cannot take the number ${value}`);
    }
    return `(${String(value)})`;
  }
  if (typeof value === 'bigint') return `(${value.toString()})`;
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  return client.escapeLiteral(value);
}
