/**
 * Reading aggregate rows inside commands.
 */
import { AggregateExistsError, AggregateNotFoundError } from '../events/errors.js';
import type { SqlAccess, SqlValue } from '../store/sql-access.js';

/** Throws `PET_AGGREGATE_EXISTS` if `table` already has a row with this id. */
export async function assertNew(
  sql: SqlAccess,
  aggregate: string,
  table: string,
  aggregateId: string,
): Promise<void> {
  const rows = await sql.query(`SELECT 1 AS found FROM ${table} WHERE id = $1`, [aggregateId]);
  if (rows.length > 0) throw new AggregateExistsError(aggregate, aggregateId);
}

/** The row of `table` with this id; `PET_AGGREGATE_NOT_FOUND` if there is none. */
export async function requireRow<Row extends Record<string, unknown>>(
  sql: SqlAccess,
  aggregate: string,
  table: string,
  aggregateId: string,
  columns = '*',
): Promise<Row> {
  const rows = await sql.query<Row>(`SELECT ${columns} FROM ${table} WHERE id = $1`, [
    aggregateId,
  ] satisfies SqlValue[]);
  const row = rows[0];
  if (row === undefined) throw new AggregateNotFoundError(aggregate, aggregateId);
  return row;
}
