import { TransactionAbortedError } from '../events/errors.js';

/**
 * Keeps a transaction honest: once an operation in it has failed, or the transaction has
 * ended, every further operation is refused, and the transaction cannot commit. A caller
 * that catches an append error and carries on therefore cannot commit half of its work.
 */
export class TransactionGuard {
  #failure: unknown = undefined;
  #failed = false;
  #finished = false;

  /** Runs one operation of the transaction, remembering a failure. */
  async run<T>(operation: () => T | Promise<T>): Promise<T> {
    this.#assertUsable();
    try {
      return await operation();
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      throw error;
    }
  }

  /** Ends the transaction before commit; throws if an operation failed, so it rolls back. */
  finish(): void {
    this.#assertUsable();
    this.#finished = true;
  }

  /** Ends the transaction without judgement, before a rollback. */
  end(): void {
    this.#finished = true;
  }

  #assertUsable(): void {
    if (this.#failed) throw new TransactionAbortedError(this.#failure);
    if (this.#finished) throw new TransactionAbortedError(new Error('transaction already ended'));
  }
}
