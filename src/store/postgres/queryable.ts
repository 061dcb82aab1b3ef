import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';

/** A pool or one checked-out client. */
export type Queryable = Pool | PoolClient;

/**
 * Runs a named (server-side prepared) statement: PostgreSQL parses and plans it once per
 * connection instead of on every call.
 */
export async function query<Row extends QueryResultRow>(
  db: Queryable,
  name: string,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await db.query<Row>({ name, text, values: values as unknown[] });
  return result.rows;
}

/** `query` with each row as an array of its columns in order: no object built per row. */
export async function queryArrays<Row extends unknown[]>(
  db: Queryable,
  name: string,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await db.query<Row>({ name, text, values: values as unknown[], rowMode: 'array' });
  return result.rows;
}

/**
 * The domain's or a reader's statement, sent with the extended protocol even without
 * parameters: PostgreSQL then takes one statement only, and refuses a second one after a
 * semicolon rather than run it past the store's checks (src/store/sql-guard.ts).
 */
export function oneStatement(text: string, values: readonly unknown[], name?: string): QueryConfig {
  // `queryMode` is pg's (8.x), not in its type definitions.
  return { name, text, values: values as unknown[], queryMode: 'extended' } as QueryConfig;
}
