/**
 * The audit chain: the log hash-chained in log order, so that any change to a recorded event,
 * any event removed, added or moved, is found by recomputing the links (docs/integrity.md).
 *
 *   link(0) = 64 zeros
 *   link(n) = sha256(link(n-1) + canonical JSON of the n-th event in its wire shape)
 *
 * The sealer extends the chain after events commit, in log order, so appends on PostgreSQL
 * stay concurrent: the chain follows the log, it does not serialise it.
 */
import { canonicalJsonOf, sha256Hex as sha256 } from '../events/canonical-json.js';
import { EventInvalidError } from '../events/errors.js';
import type { Position } from '../events/types.js';
import { toPosition } from '../events/types.js';
import type { WireEvent } from '../events/wire.js';
import type { EventStore } from '../store/event-store.js';
import { internals, type ChainEntry } from '../store/internal.js';

export const GENESIS_LINK = '0'.repeat(64);

/**
 * An event's canonical JSON: its wire shape (every column) with keys in RFC 8785 order. The
 * same text as `canonicalJson(toWireEvent(event))`, written with the keys' order known.
 */
export function canonicalEvent(event: WireEvent): string {
  const s = JSON.stringify;
  return (
    `{"actor_employee_id":${s(event.actor_employee_id)},"causation_id":${s(event.causation_id)}` +
    `,"context_id":${s(event.context_id)},"context_type":${s(event.context_type)}` +
    `,"context_version":${s(event.context_version)},"correlation_id":${s(event.correlation_id)}` +
    `,"event_type":${s(event.event_type)},"id":${s(event.id)}` +
    `,"idempotency_key":${s(event.idempotency_key)},"occurred_at":${s(event.occurred_at)}` +
    `,"payload":${canonicalJsonOf(event.payload)},"position":${s(event.position)}` +
    `,"recorded_at":${s(event.recorded_at)},"schema_version":${s(event.schema_version)}}`
  );
}

/** The link after `previous` for an event: one hash over both. */
export function nextLink(previous: string, event: WireEvent): string {
  return linkOf(previous, canonicalEvent(event));
}

/** The link after `previous` for an event whose canonical JSON is `canonical`. */
export function linkOf(previous: string, canonical: string): string {
  return sha256(`${previous}${canonical}`);
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
 * from the new end. An event with no canonical JSON (changed behind the store's back) stops
 * it: the chain ends just before that event, and the error (`PET_EVENT_INVALID`) is thrown.
 */
export async function sealLog(
  store: EventStore,
  options: { readonly onPage?: (sealed: number) => void } = {},
): Promise<{ sealed: number; head: ChainHead }> {
  let sealed = 0;
  let head = await chainHead(store);
  for (let conflicts = 0; ;) {
    const events = await store.readWireLog({ after: head.position, limit: 1000 });
    if (events.length === 0) return { sealed, head };
    const sealedAt = new Date().toISOString();
    let { seq, link } = head;
    const entries: ChainEntry[] = [];
    // An event with no canonical JSON (a number no double holds) ends the chain before it:
    // what comes before it on the page is sealed, then the error is thrown.
    let unsealable: Error | undefined;
    for (const event of events) {
      try {
        link = nextLink(link, event);
      } catch (error) {
        unsealable = error as Error;
        break;
      }
      seq += 1n;
      entries.push({
        seq,
        position: toPosition(event.position),
        eventId: event.id,
        link,
        sealedAt,
      });
    }
    if (unsealable !== undefined && entries.length === 0) throw unsealable;
    try {
      await store.transaction((tx) => internals(tx).sealChain(entries));
    } catch (error) {
      // Another sealer extended the chain meanwhile: continue from where it stopped.
      conflicts += 1;
      if (conflicts > 20) throw error;
      head = await chainHead(store);
      continue;
    }
    const last = entries.at(-1) as ChainEntry;
    head = { seq: last.seq, position: last.position, link: last.link, sealedAt };
    sealed += entries.length;
    options.onPage?.(sealed);
    if (unsealable !== undefined) throw unsealable;
  }
}

/** What checking an export found. */
export interface ExportVerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  /** The first line (1-based) that does not hold, and why. */
  readonly finding: { readonly line: number; readonly problem: string } | null;
}

/**
 * Re-verifies an export of the log (`pet-events audit export`) away from the database: the
 * exported events carry their chain entry (`petseq`) and link (`petlink`); each link must
 * follow from the one before and the event as exported. An export that starts at entry 1
 * starts from the genesis link; one that starts later takes its first link as given, unless
 * `previousLink` (the link of the entry before it, from a digest) is passed.
 */
export function verifyExportedChain(
  lines: readonly string[],
  options: { readonly previousLink?: string } = {},
): ExportVerifyReport {
  let link = options.previousLink;
  let seq: bigint | undefined;
  let checked = 0;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const fail = (problem: string): ExportVerifyReport => ({
      ok: false,
      checked,
      finding: { line: index + 1, problem },
    });
    const e = JSON.parse(line) as Record<string, unknown>;
    if (typeof e.petseq !== 'string' || typeof e.petlink !== 'string') {
      return fail('the event is not sealed: it has no chain entry to verify');
    }
    const entry = BigInt(e.petseq);
    if (seq !== undefined && entry !== seq + 1n) {
      return fail(`chain entries jump from ${seq} to ${entry}: an event is missing or added`);
    }
    if (link === undefined && entry === 1n) link = GENESIS_LINK;
    if (link !== undefined) {
      const subject = String(e.subject);
      const slash = subject.indexOf('/');
      const wire: WireEvent = {
        id: String(e.id),
        position: String(e.petposition),
        event_type: String(e.type),
        schema_version: Number(e.petschemaversion),
        occurred_at: String(e.time),
        recorded_at: String(e.petrecordedat),
        actor_employee_id: typeof e.petactor === 'string' ? e.petactor : null,
        context_type: subject.slice(0, slash),
        context_id: subject.slice(slash + 1),
        context_version: Number(e.petcontextversion),
        payload: e.data as WireEvent['payload'],
        idempotency_key: typeof e.petidempotencykey === 'string' ? e.petidempotencykey : null,
        correlation_id: typeof e.petcorrelationid === 'string' ? e.petcorrelationid : null,
        causation_id: typeof e.petcausationid === 'string' ? e.petcausationid : null,
      };
      let next: string;
      try {
        next = nextLink(link, wire);
      } catch (error) {
        // A number no double holds: no canonical JSON, so no link can stand for the event.
        if (!(error instanceof EventInvalidError)) throw error;
        return fail(`the event at #${wire.position} ${error.reason}: it has no canonical JSON`);
      }
      if (next !== e.petlink) {
        return fail(`the event at #${wire.position} does not match its link: it was changed`);
      }
    }
    link = e.petlink;
    seq = entry;
    checked += 1;
  }
  return { ok: true, checked, finding: null };
}
