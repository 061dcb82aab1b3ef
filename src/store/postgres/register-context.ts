import type { ContextRef } from '../../events/types.js';
import { checkContext } from '../prepare-events.js';
import { query, type Queryable } from './queryable.js';
import { translatePostgresError } from './translate-error.js';

const SQL = 'INSERT INTO contexts (context_type, context_id) VALUES ($1, $2)';

/** Adds a context to the registry. */
export async function registerContext(db: Queryable, context: ContextRef): Promise<void> {
  checkContext(context);
  try {
    await query(db, 'pet_register_context', SQL, [context.type, context.id]);
  } catch (error) {
    throw translatePostgresError(error, { context });
  }
}
