/**
 * What only the unit of work may do with a store transaction: append events and claim
 * idempotency keys. These hide behind a symbol that the package does not export, so an
 * application cannot emit an event except through a unit of work (src/unit-of-work/).
 */
import type { JsonValue, NewEvent, RecordedEvent } from '../events/types.js';
import type { StoreTransaction } from './event-store.js';
import type { ClaimOutcome, IdempotencyClaim } from './idempotency.js';

export const INTERNAL = Symbol('pet-events.transaction-internals');

/** The operations behind `INTERNAL`. */
export interface TransactionInternals {
  append(events: readonly NewEvent[]): Promise<RecordedEvent[]>;
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<ClaimOutcome>;
  recordIdempotencyResult(claim: IdempotencyClaim, result: JsonValue | null): Promise<void>;
}

/** The internal operations of a transaction a store handed out. */
export function internals(tx: StoreTransaction): TransactionInternals {
  const found = (tx as StoreTransaction & { [INTERNAL]?: TransactionInternals })[INTERNAL];
  if (!found) throw new TypeError('Not a transaction handed out by a PET Events store');
  return found;
}

/** Appends events in a transaction: for the unit of work, and for storage-level tests. */
export function appendEvents(
  tx: StoreTransaction,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> {
  return internals(tx).append(events);
}
