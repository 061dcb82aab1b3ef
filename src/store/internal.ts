/**
 * What only the unit of work may do with a store transaction: append events and claim
 * idempotency keys. They are kept in a private field of the transaction that only this module
 * reads, and the package does not export it: an application cannot reach them from the
 * transaction object by any property or symbol, so it cannot emit an event except through a
 * unit of work (src/unit-of-work/).
 */
import type { JsonValue, NewEvent, Position, RecordedEvent } from '../events/types.js';
import type { StoreTransaction } from './event-store.js';
import type { StoredConsumerStatus } from './consumer-status.js';
import type { ClaimOutcome, IdempotencyClaim } from './idempotency.js';

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

let read: ((tx: object) => TransactionInternals | undefined) | undefined;

/**
 * Sets how the internal operations are read from a transaction: once, by the transaction
 * class that keeps them in a private field (src/store/checked-transaction.ts). Not a WeakMap
 * keyed by transaction: V8 scavenges a WeakMap's young keys one by one, which cost a unit of
 * work a fifth of its JavaScript time.
 */
export function readInternalsWith(reader: (tx: object) => TransactionInternals | undefined): void {
  if (read) throw new Error('The reader of transaction internals is set already');
  read = reader;
}

/** The internal operations of a transaction a store handed out. */
export function internals(tx: StoreTransaction): TransactionInternals {
  const found = typeof tx === 'object' && tx !== null ? read?.(tx) : undefined;
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
