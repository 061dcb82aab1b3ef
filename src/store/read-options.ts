import { ReadOptionsInvalidError } from '../events/errors.js';
import { normaliseInstant } from './prepare-events.js';
import {
  DEFAULT_READ_LIMIT,
  MAX_READ_LIMIT,
  type ReadByTypeOptions,
  type ReadChainOptions,
} from './event-store.js';

/** The page size a read asked for, checked. */
export function readLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_READ_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw new ReadOptionsInvalidError(
      'limit',
      `must be an integer from 1 to ${MAX_READ_LIMIT}, got ${String(limit)}`,
    );
  }
  return limit;
}

/** A position a read starts after, checked. */
export function readAfter(after: bigint | undefined): bigint {
  if (after === undefined) return 0n;
  if (typeof after !== 'bigint' || after < 0n) {
    throw new ReadOptionsInvalidError(
      'after',
      `must be a non-negative bigint position, got ${String(after)}`,
    );
  }
  return after;
}

/** An optional instant bound of a read, normalised. */
export function readInstant(value: string | undefined, option: string): string | null {
  if (value === undefined) return null;
  try {
    return normaliseInstant(value, option);
  } catch {
    throw new ReadOptionsInvalidError(
      option,
      `must be an RFC 3339 instant, got ${JSON.stringify(value)}`,
    );
  }
}

/** A read by type, its options checked: what both adapters' `read-by-type.ts` take. */
export interface ByTypeQuery {
  readonly eventTypes: readonly string[];
  readonly occurredFrom: string | null;
  readonly occurredBefore: string | null;
  readonly after: bigint;
  readonly limit: number;
}

/** Checks the options of a read by type. */
export function byTypeQuery(options: ReadByTypeOptions): ByTypeQuery {
  return {
    eventTypes: options.eventTypes,
    occurredFrom: readInstant(options.occurredFrom, 'occurredFrom'),
    occurredBefore: readInstant(options.occurredBefore, 'occurredBefore'),
    after: readAfter(options.after),
    limit: readLimit(options.limit),
  };
}

/** A read of the audit chain's entries, checked: entry numbers are bigints from 0. */
export function chainRead(options: ReadChainOptions): Required<ReadChainOptions> {
  const { after, through } = options;
  if (typeof after !== 'bigint' || after < 0n) {
    throw new ReadOptionsInvalidError('after', 'must be a chain entry number (a bigint from 0)');
  }
  if (through !== undefined && (typeof through !== 'bigint' || through < after)) {
    throw new ReadOptionsInvalidError('through', 'must be a chain entry number from `after` on');
  }
  return { after, through: through ?? MAX_CHAIN_ENTRY, limit: readLimit(options.limit) };
}

/** The largest entry number a chain can have (PostgreSQL's bigint). */
const MAX_CHAIN_ENTRY = 9223372036854775807n;
