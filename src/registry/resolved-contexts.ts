/**
 * Contexts a store has seen registered and committed. The registry is append-only (the
 * database refuses UPDATE, DELETE and TRUNCATE on `contexts`), so a context once committed
 * resolves for ever: a reference to it needs no second look in the database. Contexts are
 * remembered only after the transaction that checked or registered them has committed.
 */
import { contextKey, type ContextRef } from '../events/types.js';

/** How many contexts are remembered; past that, the memory starts again from empty. */
const CAPACITY = 100_000;

export class ResolvedContexts {
  #known = new Set<string>();

  has(context: ContextRef): boolean {
    return this.#known.has(contextKey(context));
  }

  /** Remembers contexts that a committed transaction found or registered. */
  remember(contexts: readonly ContextRef[]): void {
    for (const context of contexts) {
      if (this.#known.size >= CAPACITY) this.#known = new Set();
      this.#known.add(contextKey(context));
    }
  }
}
