/**
 * What only the unit of work may do with a store transaction: append events and claim
 * idempotency keys. They are kept beside the transaction, in a table only this module can
 * read, and the package does not export it: an application cannot reach them from the
 * transaction object by any property or symbol, so it cannot emit an event except through a
 * unit of work (src/unit-of-work/).
 */
import type { JsonValue, NewEvent, Position, RecordedEvent } from '../events/types.js';
import type { StoreTransaction } from './event-store.js';
import type { StoredConsumerStatus } from './consumer-status.js';
import type { ClaimOutcome, IdempotencyClaim } from './idempotency.js';

const table = new WeakMap<StoreTransaction, TransactionInternals>();

/** The operations kept beside a transaction. */
export interface TransactionInternals {
  append(events: readonly NewEvent[]): Promise<RecordedEvent[]>;
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<ClaimOutcome>;
  recordIdempotencyResult(claim: IdempotencyClaim, result: JsonValue | null): Promise<void>;
  /**
   * Moves a consumer's checkpoint from `from` to `to` in this transaction; `false` if another
   * runner moved it first.
   */
  saveCheckpoint(consumer: string, from: Position, to: Position): Promise<boolean>;
  /** Records a consumer's status in this transaction. */
  saveConsumerStatus(status: StoredConsumerStatus): Promise<void>;
  /** Extends the audit chain by these entries, in order (src/audit/chain.ts). */
  sealChain(entries: readonly ChainEntry[]): Promise<void>;
}

/** One entry of the audit chain. */
export interface ChainEntry {
  readonly seq: bigint;
  readonly position: Position;
  readonly eventId: string;
  readonly link: string;
  readonly sealedAt: string;
}

/** Keeps a transaction's internal operations (called by the store that makes it). */
export function attachInternals(tx: StoreTransaction, operations: TransactionInternals): void {
  table.set(tx, operations);
}

/** The internal operations of a transaction a store handed out. */
export function internals(tx: StoreTransaction): TransactionInternals {
  const found = table.get(tx);
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
