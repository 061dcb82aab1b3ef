import type { Database, Statement } from 'better-sqlite3';
import { UnitOfWorkInvalidError } from '../../events/errors.js';
import type { SqlAccess, SqlValue } from '../sql-access.js';
import { prepared } from './queryable.js';

/** A statement rewritten for SQLite. */
interface Rewritten {
  /** With `?` for `$1 … $n`, when those appear each once and in order. */
  readonly positional: string | undefined;
  /** With the named parameter `@p1` for `$1`, so a placeholder may appear more than once. */
  readonly named: string;
  readonly placeholders: number;
}

// The domain runs the same few statements again and again: each is rewritten once.
const rewritten = new Map<string, Rewritten>();
function rewrite(text: string): Rewritten {
  let found = rewritten.get(text);
  if (found === undefined) {
    const numbers = [...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
    found = {
      positional: numbers.every((n, index) => n === index + 1)
        ? text.replace(/\$(\d+)/g, '?')
        : undefined,
      named: text.replace(/\$(\d+)/g, '@p$1'),
      placeholders: numbers.length,
    };
    if (rewritten.size < 10_000) rewritten.set(text, found);
  }
  return found;
}

const sqliteValue = (value: SqlValue): unknown =>
  typeof value === 'boolean' ? Number(value) : value instanceof Date ? value.toISOString() : value;

/**
 * A statement and its values as better-sqlite3 takes them: by position (faster) where the
 * placeholders allow it and every value has its place, by name otherwise.
 */
function bind(
  db: Database,
  text: string,
  params: readonly SqlValue[],
): { statement: Statement; values: unknown[] } {
  const sql = rewrite(text);
  if (sql.positional !== undefined && params.length === sql.placeholders) {
    return { statement: prepared(db, sql.positional), values: params.map(sqliteValue) };
  }
  const named: Record<string, unknown> = {};
  params.forEach((value, index) => {
    named[`p${index + 1}`] = sqliteValue(value);
  });
  return { statement: prepared(db, sql.named), values: [named] };
}

/** Rows of a read-only statement (one that writes is refused by SQLite's own judgement). */
export function readRows<Row>(db: Database, text: string, params: readonly SqlValue[]): Row[] {
  const { statement, values } = bind(db, text, params);
  if (!statement.reader || !statement.readonly) {
    throw new UnitOfWorkInvalidError('sql', 'given to query must only read');
  }
  return statement.all(...values) as Row[];
}

/** The domain's SQL on a SQLite connection. */
export function sqlAccess(db: Database): SqlAccess {
  return {
    query: <Row extends Record<string, unknown>>(
      text: string,
      params: readonly SqlValue[] = [],
    ) => {
      const { statement, values } = bind(db, text, params);
      if (!statement.reader) {
        statement.run(...values);
        return Promise.resolve([] as Row[]);
      }
      return Promise.resolve(statement.all(...values) as Row[]);
    },
    execute: (text: string, params: readonly SqlValue[] = []) => {
      const { statement, values } = bind(db, text, params);
      return Promise.resolve(statement.run(...values).changes);
    },
    executeBatch: (statements) => {
      for (const { text, params = [] } of statements) {
        const { statement, values } = bind(db, text, params);
        statement.run(...values);
      }
      return Promise.resolve();
    },
  };
}
