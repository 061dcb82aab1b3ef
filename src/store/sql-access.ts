/**
 * The domain's own SQL inside a transaction: one placeholder style (`$1`, `$2` …) on both
 * databases, so the domain's state-table statements are written once.
 */

/** A value a statement can take. */
export type SqlValue = string | number | bigint | boolean | null | Date;

/** Plain SQL on the transaction's connection. */
export interface SqlAccess {
  /** Runs a statement and resolves to its rows (empty for statements without results). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]>;
  /** Runs a statement and resolves to the number of rows it changed. */
  execute(text: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs writes in order, in as few round trips as the database allows (PostgreSQL: many
   * statements per round trip, their values inlined as escaped literals). One statement
   * each, no results.
   */
  executeBatch(statements: readonly SqlStatement[]): Promise<void>;
}

/** A statement and its values, for `executeBatch`. */
export interface SqlStatement {
  readonly text: string;
  readonly params?: readonly SqlValue[];
}
