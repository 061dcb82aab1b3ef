import type { Database } from 'better-sqlite3';
import type { ContextRef } from '../../events/types.js';
import { checkContext } from '../prepare-events.js';
import { prepared } from './queryable.js';
import { translateSqliteError } from './translate-error.js';

const SQL = 'INSERT INTO contexts (context_type, context_id) VALUES (?, ?)';

/** Adds a context to the registry. */
export function registerContext(db: Database, context: ContextRef): void {
  checkContext(context);
  try {
    prepared(db, SQL).run(context.type, context.id);
  } catch (error) {
    throw translateSqliteError(error, { context });
  }
}
