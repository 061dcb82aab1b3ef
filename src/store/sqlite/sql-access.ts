import type { Database } from 'better-sqlite3';
import { UnitOfWorkInvalidError } from '../../events/errors.js';
import type { SqlAccess, SqlValue } from '../sql-access.js';
import { prepared } from './queryable.js';

// `$1` becomes the named parameter `@p1`, so a placeholder may appear more than once.
// The domain runs the same few statements again and again: each is rewritten once.
const named = new Map<string, string>();
function toNamed(text: string): string {
  let rewritten = named.get(text);
  if (rewritten === undefined) {
    rewritten = text.replace(/\$(\d+)/g, '@p$1');
    if (named.size < 10_000) named.set(text, rewritten);
  }
  return rewritten;
}

function bind(params: readonly SqlValue[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((value, index) => {
    named[`p${index + 1}`] =
      typeof value === 'boolean'
        ? Number(value)
        : value instanceof Date
          ? value.toISOString()
          : value;
  });
  return named;
}

/** Rows of a read-only statement (one that writes is refused by SQLite's own judgement). */
export function readRows<Row>(db: Database, text: string, params: readonly SqlValue[]): Row[] {
  const statement = prepared(db, toNamed(text));
  if (!statement.reader || !statement.readonly) {
    throw new UnitOfWorkInvalidError('sql', 'given to query must only read');
  }
  return statement.all(bind(params)) as Row[];
}

/** The domain's SQL on a SQLite connection. */
export function sqlAccess(db: Database): SqlAccess {
  return {
    query: <Row extends Record<string, unknown>>(
      text: string,
      params: readonly SqlValue[] = [],
    ) => {
      const statement = prepared(db, toNamed(text));
      if (!statement.reader) {
        statement.run(bind(params));
        return Promise.resolve([] as Row[]);
      }
      return Promise.resolve(statement.all(bind(params)) as Row[]);
    },
    execute: (text: string, params: readonly SqlValue[] = []) =>
      Promise.resolve(prepared(db, toNamed(text)).run(bind(params)).changes),
    executeBatch: (statements) => {
      for (const { text, params = [] } of statements) prepared(db, toNamed(text)).run(bind(params));
      return Promise.resolve();
    },
  };
}
