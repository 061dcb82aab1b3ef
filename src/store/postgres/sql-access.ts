import type { PoolClient } from 'pg';
import type { SqlAccess, SqlValue } from '../sql-access.js';

/** The domain's SQL on a PostgreSQL connection. */
export function sqlAccess(client: PoolClient): SqlAccess {
  return {
    query: async <Row extends Record<string, unknown>>(
      text: string,
      params: readonly SqlValue[] = [],
    ) => (await client.query<Row>(text, params as unknown[])).rows,
    execute: async (text: string, params: readonly SqlValue[] = []) =>
      (await client.query(text, params as unknown[])).rowCount ?? 0,
  };
}
