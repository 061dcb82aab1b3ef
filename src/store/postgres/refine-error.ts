import type { PoolClient } from 'pg';

/**
 * Some facts an error should name (the actual version of a context, whether a type exists)
 * can only be read once the failed transaction has rolled back, and reading them on another
 * connection while this one is held could wait forever on a busy pool. So the error carries
 * a refinement that the transaction runs on its own connection right after ROLLBACK.
 */
const refinements = new WeakMap<Error, (client: PoolClient) => Promise<Error>>();

/** Attaches to `error` the lookup that completes it after rollback. */
export function refineAfterRollback<E extends Error>(
  error: E,
  refine: (client: PoolClient) => Promise<Error>,
): E {
  refinements.set(error, refine);
  return error;
}

/** The completed error, read on the (now idle) connection of the rolled-back transaction. */
export async function refined(error: unknown, client: PoolClient): Promise<unknown> {
  const refine = error instanceof Error ? refinements.get(error) : undefined;
  if (!refine) return error;
  try {
    return await refine(client);
  } catch {
    return error;
  }
}
