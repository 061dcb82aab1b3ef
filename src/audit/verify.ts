/**
 * Verifying the log: the append-only guards are in place; the chain's entries are numbered
 * without gaps and name the log's events in log order; every link recomputes; every payload
 * validates against its registered schema version; every context, reference and actor is
 * registered; and, given a digest kept outside the database, the chain still reaches it.
 * Stops at the first finding, naming the position.
 */
import type { CompiledSchema } from '../registry/compiled-schema.js';
import { compileSchema } from '../registry/compiled-schema.js';
import type { RecordedEvent } from '../events/types.js';
import { toWireEvent } from '../events/wire.js';
import type { EventStore } from '../store/event-store.js';
import { GENESIS_LINK, nextLink } from './chain.js';

/** What an auditor keeps outside the database: where the chain stood, and its link there. */
export interface ChainDigest {
  readonly seq: string;
  readonly position: string;
  readonly link: string;
  readonly at: string;
}

/** The first thing found wrong. */
export interface VerifyFinding {
  /** The position of the event concerned, when there is one. */
  readonly position: string | null;
  readonly problem: string;
}

/** What a verify found. */
export interface LogVerifyReport {
  readonly ok: boolean;
  /** Events read. */
  readonly checked: number;
  /** Of them, those the chain covers (the rest are not sealed yet). */
  readonly sealed: number;
  readonly finding: VerifyFinding | null;
}

interface ChainRow extends Record<string, unknown> {
  seq: string | number;
  position: string | number;
  event_id: string;
  link: string;
}

/** Verifies the log; `onProgress` gets the number of events checked so far. */
export async function verifyLog(
  store: EventStore,
  options: { readonly digest?: ChainDigest; readonly onProgress?: (checked: number) => void } = {},
): Promise<LogVerifyReport> {
  let checked = 0;
  let sealed = 0;
  const fail = (position: string | null, problem: string): LogVerifyReport => ({
    ok: false,
    checked,
    sealed,
    finding: { position, problem },
  });

  const missing = await store.missingGuards();
  if (missing.length > 0) {
    return fail(null, `append-only triggers missing or disabled: ${missing.join(', ')}`);
  }
  const contexts = new Set(
    (
      await store.query<{ t: string; i: string }>(
        'SELECT context_type AS t, context_id AS i FROM contexts',
      )
    ).map((row) => `${row.t}/${row.i}`),
  );
  const schemas = new Map<string, CompiledSchema>();
  for (const registered of await store.listEventSchemas()) {
    schemas.set(
      `${registered.eventType}@${registered.schemaVersion}`,
      compileSchema(registered.schema),
    );
  }

  const digestSeq = options.digest === undefined ? null : BigInt(options.digest.seq);
  let link = GENESIS_LINK;
  let seq = 0n;
  let chain: ChainRow[] = [];
  let chainEnded = false;
  let next = 0;
  /** The next chain entry; reads a page of them when it has none left (awaited only then). */
  const refill = async () => {
    chain = await store.query<ChainRow>(
      'SELECT seq, position, event_id, link FROM audit_chain WHERE seq > $1 ORDER BY seq LIMIT 10000',
      [seq],
    );
    next = 0;
    chainEnded = chain.length === 0;
  };
  const nextEntry = async (): Promise<ChainRow | undefined> => {
    if (next === chain.length && !chainEnded) await refill();
    return chain[next++];
  };

  // The next page is read while this one is checked.
  let page = store.readLog({ limit: 2000 });
  for (;;) {
    const events: RecordedEvent[] = await page;
    const last = events.at(-1);
    if (last === undefined) break;
    page = store.readLog({ after: last.position, limit: 2000 });
    page.catch(() => undefined);
    for (const event of events) {
      const position = event.position.toString();
      checked += 1;
      const entry = next < chain.length ? chain[next++] : await nextEntry();
      if (entry !== undefined) {
        const entrySeq = BigInt(entry.seq);
        if (entrySeq !== seq + 1n) {
          return fail(position, `chain entries jump from ${seq} to ${entrySeq}`);
        }
        if (String(entry.position) !== position || entry.event_id !== event.id) {
          return fail(
            position,
            `chain entry ${entrySeq} names #${String(entry.position)} (${entry.event_id}), but the log's event ${entrySeq} is #${position} (${event.id}): an event was removed, added or moved`,
          );
        }
        link = nextLink(link, toWireEvent(event));
        if (link !== entry.link) {
          return fail(
            position,
            `the event at #${position} does not match chain entry ${entrySeq}: its recorded content changed`,
          );
        }
        seq = entrySeq;
        sealed += 1;
        if (digestSeq !== null && seq === digestSeq && options.digest?.link !== link) {
          return fail(
            position,
            `the chain no longer reaches the digest: link ${link} at entry ${seq}, the digest says ${options.digest?.link ?? ''}`,
          );
        }
      }
      const schema = schemas.get(`${event.eventType}@${event.schemaVersion}`);
      if (schema === undefined) {
        return fail(
          position,
          `${event.eventType} v${event.schemaVersion} is not a registered schema version`,
        );
      }
      const violations = schema.validate(event.payload);
      if (violations.length > 0) {
        const first = violations[0];
        return fail(
          position,
          `the payload breaks ${event.eventType} v${event.schemaVersion} at ${first?.pointer || '/'}: ${first?.message ?? ''}`,
        );
      }
      if (!contexts.has(`${event.context.type}/${event.context.id}`)) {
        return fail(
          position,
          `its context ${event.context.type}/${event.context.id} is not registered`,
        );
      }
      if (event.actorEmployeeId !== null && !contexts.has(`employee/${event.actorEmployeeId}`)) {
        return fail(position, `its actor ${event.actorEmployeeId} is not a registered employee`);
      }
      for (const reference of schema.references(event.payload)) {
        if (!contexts.has(`${reference.context.type}/${reference.context.id}`)) {
          return fail(
            position,
            `${reference.pointer} names ${reference.context.type}/${reference.context.id}, which is not registered`,
          );
        }
      }
    }
    options.onProgress?.(checked);
  }
  const extra = await nextEntry();
  if (extra !== undefined) {
    return fail(
      String(extra.position),
      `chain entry ${String(extra.seq)} names #${String(extra.position)} (${extra.event_id}), which is not in the log`,
    );
  }
  if (digestSeq !== null && seq < digestSeq) {
    return fail(null, `the chain ends at entry ${seq}, before the digest's entry ${digestSeq}`);
  }
  return { ok: true, checked, sealed, finding: null };
}
