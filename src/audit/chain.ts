/**
 * The audit chain: the log hash-chained in log order, so that any change to a recorded event,
 * any event removed, added or moved, is found by recomputing the links (docs/integrity.md).
 *
 *   link(0) = 64 zeros
 *   link(n) = sha256(link(n-1) + sha256(canonical JSON of the n-th event in its wire shape))
 *
 * The sealer extends the chain after events commit, in log order, so appends on PostgreSQL
 * stay concurrent: the chain follows the log, it does not serialise it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical-json.js';
import type { Position, RecordedEvent } from '../events/types.js';
import { toPosition } from '../events/types.js';
import { toWireEvent, type WireEvent } from '../events/wire.js';
import type { EventStore } from '../store/event-store.js';
import { internals } from '../store/internal.js';

export const GENESIS_LINK = '0'.repeat(64);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The sha256 of an event's canonical JSON (its wire shape: every column). */
export function eventDigest(event: WireEvent): string {
  return sha256(canonicalJson(event));
}

/** The link after `previous` for an event. */
export function nextLink(previous: string, event: WireEvent): string {
  return sha256(`${previous}${eventDigest(event)}`);
}

/** Where the chain ends. */
export interface ChainHead {
  /** Entries in the chain (0 for none). */
  readonly seq: bigint;
  /** The position of the last sealed event (0 for none). */
  readonly position: Position;
  readonly link: string;
  readonly sealedAt: string | null;
}

/** The chain's last entry. */
export async function chainHead(store: EventStore): Promise<ChainHead> {
  const [row] = await store.query<{
    seq: string | number;
    position: string | number;
    link: string;
    sealed_at: string;
  }>('SELECT seq, position, link, sealed_at FROM audit_chain ORDER BY seq DESC LIMIT 1');
  if (row === undefined) {
    return { seq: 0n, position: toPosition(0), link: GENESIS_LINK, sealedAt: null };
  }
  return {
    seq: BigInt(row.seq),
    position: toPosition(row.position),
    link: row.link,
    sealedAt: row.sealed_at,
  };
}

/**
 * Extends the chain to the head of the log, a page at a time (one transaction each). Two
 * sealers at once cannot both extend it: the second's entries conflict and it starts again
 * from the new end.
 */
export async function sealLog(
  store: EventStore,
  options: { readonly onPage?: (sealed: number) => void } = {},
): Promise<{ sealed: number; head: ChainHead }> {
  let sealed = 0;
  let head = await chainHead(store);
  for (let conflicts = 0; ;) {
    const events: RecordedEvent[] = await store.readLog({ after: head.position, limit: 1000 });
    if (events.length === 0) return { sealed, head };
    const sealedAt = new Date().toISOString();
    let { seq, link } = head;
    const entries = events.map((event) => {
      seq += 1n;
      link = nextLink(link, toWireEvent(event));
      return { seq, position: event.position, eventId: event.id, link, sealedAt };
    });
    try {
      await store.transaction((tx) => internals(tx).sealChain(entries));
    } catch (error) {
      // Another sealer extended the chain meanwhile: continue from where it stopped.
      conflicts += 1;
      if (conflicts > 20) throw error;
      head = await chainHead(store);
      continue;
    }
    const last = entries.at(-1) as (typeof entries)[number];
    head = { seq: last.seq, position: last.position, link: last.link, sealedAt };
    sealed += entries.length;
    options.onPage?.(sealed);
  }
}
