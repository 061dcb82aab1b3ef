/**
 * Verifying the log: the append-only guards are in place; the chain's entries are numbered
 * without gaps and name the log's events in log order; every link recomputes; every payload
 * validates against its registered schema version; every context, reference and actor is
 * registered; and, given a digest kept outside the database, the chain still reaches it.
 * Stops at the first finding, naming the position.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledSchema } from '../registry/compiled-schema.js';
import { compileSchema } from '../registry/compiled-schema.js';
import { duplicateKey } from '../events/canonical-json.js';
import { EventInvalidError, PositionUnknownError } from '../events/errors.js';
import { toPosition } from '../events/types.js';
import type { WireEvent } from '../events/wire.js';
import type {
  AuditLogPage,
  EventStore,
  StoreLocation,
  StoredChainEntry,
} from '../store/event-store.js';
import { chainHead, GENESIS_LINK, linkOf, nextLink } from './chain.js';

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
  /** How many stretches of the log were checked side by side (1: in one piece; 0: none). */
  readonly stretches: number;
  readonly finding: VerifyFinding | null;
}

interface ChainRow extends Record<string, unknown> {
  seq: string | number;
  position: string | number;
  event_id: string;
  link: string;
}

/** Events per page of the log. */
const PAGE = 500;

/** A chain shorter than this is verified in one piece: a worker thread takes a while to start. */
const PARALLEL_FROM = 200_000;

/** How to verify. */
export interface VerifyOptions {
  /** A digest kept outside the database: the chain must still reach it. */
  readonly digest?: ChainDigest;
  /** Gets the number of events checked so far, now and then. */
  readonly onProgress?: (checked: number) => void;
  /**
   * Into how many stretches the sealed log is cut, each checked in a worker thread of its
   * own. Default: the machine's available parallelism (at most 4) once the chain holds
   * 200,000 entries, else 1; always 1 for a database no other thread can open. When given,
   * the log is cut whenever the chain has at least that many entries.
   */
  readonly threads?: number;
}

/**
 * A stretch of the log, checked on its own: the chain's entries after `afterSeq`, recomputed
 * from `link` (the stored link of entry `afterSeq`), against the log's events after the one at
 * `afterPosition`, in log order, up to and including the entry and event `end` names (none: to
 * the end of the log and of the chain).
 * A stretch trusts only its starting link, and the stretch before it recomputes that link.
 */
export interface VerifySegment {
  readonly afterSeq: bigint;
  readonly afterPosition: string;
  readonly link: string;
  readonly end: { readonly seq: bigint; readonly position: string } | null;
}

/** What checking one stretch found. */
export interface SegmentReport {
  readonly checked: number;
  readonly sealed: number;
  /** The last chain entry it checked. */
  readonly seq: bigint;
  readonly finding: VerifyFinding | null;
}

/**
 * Verifies the log. A long chain is cut into stretches checked side by side (each recomputes
 * its links from the stored link where it starts, which the stretch before it checks), and
 * the first finding in log order is reported.
 */
export async function verifyLog(
  store: EventStore,
  options: VerifyOptions = {},
): Promise<LogVerifyReport> {
  const missing = await store.missingGuards();
  if (missing.length > 0) {
    return {
      ok: false,
      checked: 0,
      sealed: 0,
      stretches: 0,
      finding: {
        position: null,
        problem: `guard triggers missing or disabled: ${missing.join(', ')}`,
      },
    };
  }
  const segments = await planSegments(store, threadsFor(store, options));
  const progress = segments.map(() => 0);
  const progressOf = (index: number) => (checked: number) => {
    progress[index] = checked;
    options.onProgress?.(progress.reduce((sum, n) => sum + n, 0));
  };
  let reports: SegmentReport[];
  if (segments.length === 1) {
    const registry = await loadRegistry(store);
    const whole = segments[0] as VerifySegment;
    reports = [await verifySegment(store, registry, whole, options.digest, progressOf(0))];
  } else {
    // Every stretch in a worker: there the young generation can be given room for the many
    // short-lived rows and strings a stretch makes, which cut its CPU time by about a fifth.
    const workers = segments.map((segment, index) =>
      verifyInWorker(store.location as StoreLocation, segment, options.digest, progressOf(index)),
    );
    try {
      reports = await Promise.all(workers.map((worker) => worker.report));
    } finally {
      // After a failure in one of them, the others have nothing left to report.
      for (const worker of workers) worker.stop();
    }
  }
  const stretches = reports.length;
  let checked = 0;
  let sealed = 0;
  for (const report of reports) {
    checked += report.checked;
    sealed += report.sealed;
    if (report.finding !== null) {
      return { ok: false, checked, sealed, stretches, finding: report.finding };
    }
  }
  const short = shortOfDigest(options.digest, reports.at(-1)?.seq ?? 0n);
  if (short !== null) {
    return { ok: false, checked, sealed, stretches, finding: { position: null, problem: short } };
  }
  return { ok: true, checked, sealed, stretches, finding: null };
}

/** Stretches to cut the log into, and the chain length from which to cut it. */
function threadsFor(store: EventStore, options: VerifyOptions): { count: number; from: bigint } {
  if (options.threads === undefined) {
    const count = store.location === undefined ? 1 : Math.min(availableParallelism(), 4);
    return { count, from: BigInt(PARALLEL_FROM) };
  }
  if (!Number.isSafeInteger(options.threads) || options.threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${String(options.threads)}`);
  }
  if (options.threads > 1 && store.location === undefined) {
    throw new RangeError('threads: an in-memory database cannot be opened by another thread');
  }
  return { count: options.threads, from: BigInt(options.threads) };
}

/**
 * Cuts the sealed log into `threads` stretches of about as many chain entries, at entries
 * read from the chain; one stretch for a short chain, or when an entry to cut at is missing
 * (the stretch then finds the gap).
 */
async function planSegments(
  store: EventStore,
  { count: threads, from }: { count: number; from: bigint },
): Promise<VerifySegment[]> {
  const whole: VerifySegment[] = [
    { afterSeq: 0n, afterPosition: '0', link: GENESIS_LINK, end: null },
  ];
  if (threads === 1) return whole;
  const head = await chainHead(store);
  if (head.seq < from) return whole;
  const cuts: ChainRow[] = [];
  for (let k = 1n; k < BigInt(threads); k += 1n) {
    const [row] = await store.query<ChainRow>(
      'SELECT seq, position, event_id, link FROM audit_chain WHERE seq = $1',
      [((head.seq * k) / BigInt(threads)).toString()],
    );
    if (row === undefined) return whole;
    cuts.push(row);
  }
  const starts = [undefined, ...cuts];
  return starts.map((start, index) => {
    const cut = cuts[index];
    return {
      afterSeq: start === undefined ? 0n : BigInt(start.seq),
      afterPosition: start === undefined ? '0' : String(start.position),
      link: start === undefined ? GENESIS_LINK : start.link,
      end: cut === undefined ? null : { seq: BigInt(cut.seq), position: String(cut.position) },
    };
  });
}

/** A stretch checked in a worker thread of its own, on a store of its own. */
function verifyInWorker(
  location: StoreLocation,
  segment: VerifySegment,
  digest: ChainDigest | undefined,
  onProgress: (checked: number) => void,
): { readonly report: Promise<SegmentReport>; stop(): void } {
  const worker = startWorker({ location, segment, digest });
  const report = new Promise<SegmentReport>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if ('checked' in message) onProgress(message.checked);
      else resolve(message.report);
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`a verify worker stopped (exit code ${code}) before reporting`)),
    );
  });
  // Awaited with the others: once one has failed, a later failure of this one is not news.
  report.catch(() => undefined);
  return { report, stop: () => void worker.terminate() };
}

/** What a verify worker is given. */
export interface WorkerInput {
  readonly location: StoreLocation;
  readonly segment: VerifySegment;
  readonly digest: ChainDigest | undefined;
}

/** What a verify worker says: progress, then its report. */
export type WorkerMessage = { readonly checked: number } | { readonly report: SegmentReport };

function startWorker(input: WorkerInput): Worker {
  const compiled = new URL('./verify-worker.js', import.meta.url);
  const options = { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 256 } };
  if (import.meta.url.endsWith('.js')) return new Worker(compiled, options);
  // Running from the TypeScript source (tests): the worker loads the source through tsx.
  const source = new URL('./verify-worker.ts', import.meta.url).href;
  const tsx = tsxLoader();
  return new Worker(
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`,
    { ...options, eval: true },
  );
}

/** tsx's module hooks, when verify runs from source. */
function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exports = (
    require(manifest) as { exports: Record<string, { import: { default: string } }> }
  ).exports;
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']?.import.default ?? '')).href;
}

/** Checks one stretch of the log against its stretch of the chain. */
export async function verifySegment(
  store: EventStore,
  registry: Registry,
  segment: VerifySegment,
  digest: ChainDigest | undefined,
  onProgress: (checked: number) => void,
): Promise<SegmentReport> {
  let checked = 0;
  const { end } = segment;
  const chain = new ChainCheck(digest, segment.afterSeq, segment.link);
  const fail = (position: string | null, problem: string): SegmentReport => ({
    checked,
    sealed: chain.sealed,
    seq: chain.seq,
    finding: { position, problem },
  });
  // Both the log and the chain are read a page ahead of the one being checked.
  const entries = new ChainEntries(
    readAhead<StoredChainEntry[], StoredChainEntry>(
      (last) =>
        store.readChain({
          after: last === undefined ? segment.afterSeq : BigInt(last[0]),
          ...(end === null ? {} : { through: end.seq }),
          limit: PAGE,
        }),
      (page) => page.at(-1),
      [],
    ),
  );
  const nextEvents = readAhead<AuditLogPage, WireEvent>(
    (last) =>
      end !== null && last?.position === end.position
        ? Promise.resolve(NO_EVENTS)
        : store.readAuditLog({
            after: toPosition(last?.position ?? segment.afterPosition),
            limit: PAGE,
          }),
    (page) => page.events.at(-1),
    NO_EVENTS,
  );
  let first: AuditLogPage;
  try {
    first = await nextEvents();
  } catch (error) {
    // The event a later stretch starts after is gone (the stretch before finds it first).
    if (!(error instanceof PositionUnknownError)) throw error;
    return fail(
      segment.afterPosition,
      `chain entry ${segment.afterSeq} names #${segment.afterPosition}, which is not in the log`,
    );
  }
  reading: for (let page = first; page.events.length > 0; page = await nextEvents()) {
    const { events, canonical, payloads } = page;
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i] as WireEvent;
      checked += 1;
      if (entries.spent) await entries.turn();
      const entry = entries.take();
      if (entry === undefined && end !== null) {
        return fail(event.position, 'the event is not sealed, though later events are');
      }
      const problem =
        (entry === undefined ? null : chain.check(entry, event, canonical?.[i], payloads?.[i])) ??
        checkEvent(registry, event);
      if (problem !== null) return fail(event.position, problem);
      // The stretch ends with the event its last chain entry names (in log order, which on
      // PostgreSQL is not always position order).
      if (end !== null && event.position === end.position) break reading;
    }
    onProgress(checked);
  }
  onProgress(checked);
  if (entries.spent) await entries.turn();
  const extra = entries.take();
  if (extra !== undefined) {
    return fail(
      String(extra[1]),
      `chain entry ${String(extra[0])} names #${String(extra[1])} (${extra[2]}), which is not in the log`,
    );
  }
  return { checked, sealed: chain.sealed, seq: chain.seq, finding: null };
}

const NO_EVENTS: AuditLogPage = { events: [] };

/**
 * Pages of rows, each asked for as soon as the one before it is taken, so that the next is on
 * its way while one is checked. `read` gets the last row of the page before (none at first);
 * after a page without rows comes `empty`.
 */
function readAhead<Page, Row>(
  read: (last: Row | undefined) => Promise<Page>,
  lastOf: (page: Page) => Row | undefined,
  empty: Page,
): () => Promise<Page> {
  let pending = read(undefined);
  return async () => {
    const page = await pending;
    const last = lastOf(page);
    pending = last === undefined ? Promise.resolve(empty) : read(last);
    // Awaited with the next call; until then a failure must not count as unhandled.
    pending.catch(() => undefined);
    return page;
  };
}

/**
 * The chain's entries in order, taken one at a time from pages: only a page's end waits for
 * the database, not every entry.
 */
class ChainEntries {
  #page: StoredChainEntry[] = [];
  #next = 0;
  #ended = false;
  readonly #nextPage: () => Promise<StoredChainEntry[]>;

  constructor(nextPage: () => Promise<StoredChainEntry[]>) {
    this.#nextPage = nextPage;
  }

  /** This page is used up and the chain may go on: `turn` to the next before taking. */
  get spent(): boolean {
    return this.#next === this.#page.length && !this.#ended;
  }

  async turn(): Promise<void> {
    this.#page = await this.#nextPage();
    this.#next = 0;
    this.#ended = this.#page.length === 0;
  }

  /** The next entry; none once the chain has ended. */
  take(): StoredChainEntry | undefined {
    return this.#ended ? undefined : this.#page[this.#next++];
  }
}

/** The chain recomputed entry by entry, in log order, against the entries stored. */
class ChainCheck {
  sealed = 0;
  #link: string;
  #seq: bigint;
  readonly #digestSeq: bigint | null;
  readonly #digest: ChainDigest | undefined;

  constructor(digest: ChainDigest | undefined, afterSeq: bigint, link: string) {
    this.#digest = digest;
    this.#digestSeq = digest === undefined ? null : BigInt(digest.seq);
    this.#seq = afterSeq;
    this.#link = link;
  }

  /** The last entry checked. */
  get seq(): bigint {
    return this.#seq;
  }

  /**
   * What is wrong with `entry` as the chain's entry for `event`, the next of the log;
   * `written` is the event's canonical JSON as the database wrote it out, if it did;
   * `storedPayload` its payload's text as stored, where the database keeps one and did not.
   */
  check(
    [storedSeq, position, eventId, storedLink]: StoredChainEntry,
    event: WireEvent,
    written: string | undefined,
    storedPayload?: string,
  ): string | null {
    const seq = BigInt(storedSeq);
    if (seq !== this.#seq + 1n) return `chain entries jump from ${this.#seq} to ${seq}`;
    if (String(position) !== event.position || eventId !== event.id) {
      return `chain entry ${seq} names #${String(position)} (${eventId}), but the log's event ${seq} is #${event.position} (${event.id}): an event was removed, added or moved`;
    }
    // A text written out from the row that hashes to the stored link is the canonical JSON
    // the link was sealed over (SHA-256 admits no other), so the row still holds what was
    // sealed. Any other text (a payload stored before payloads were stored canonical, or one
    // changed) is no finding by itself: the link is recomputed from the event, unless the
    // text holds a key twice in one object, which readers read differently.
    let link: string;
    if (written !== undefined && linkOf(this.#link, written) === storedLink) {
      link = storedLink;
    } else {
      const text = written ?? storedPayload;
      const twice = text === undefined ? undefined : duplicateKey(text);
      if (twice !== undefined) {
        return `the event at #${event.position} holds the key ${JSON.stringify(twice)} twice in one object: readers differ on its content`;
      }
      try {
        link = nextLink(this.#link, event);
      } catch (error) {
        // A number out of a double's range (a text such as 1e400, which JSON.parse reads as
        // Infinity) has no canonical form; JSON.stringify would write it as null.
        if (!(error instanceof EventInvalidError)) throw error;
        return `the event at #${event.position} ${error.reason}: it has no canonical JSON, and readers differ on it`;
      }
    }
    if (link !== storedLink) {
      return `the event at #${event.position} does not match chain entry ${seq}: its recorded content changed`;
    }
    this.#link = link;
    this.#seq = seq;
    this.sealed += 1;
    if (seq === this.#digestSeq && link !== this.#digest?.link) {
      return `the chain no longer reaches the digest: link ${link} at entry ${seq}, the digest says ${this.#digest?.link ?? ''}`;
    }
    return null;
  }
}

/** Once the log is read: whether the chain stopped before the digest's entry. */
function shortOfDigest(digest: ChainDigest | undefined, lastSeq: bigint): string | null {
  if (digest === undefined || lastSeq >= BigInt(digest.seq)) return null;
  return `the chain ends at entry ${lastSeq}, before the digest's entry ${digest.seq}`;
}

/** The registry as verify looks it up: schemas by type and version, context ids by type. */
export interface Registry {
  readonly schemas: ReadonlyMap<string, ReadonlyMap<number, CompiledSchema>>;
  readonly contexts: ReadonlyMap<string, ReadonlySet<string>>;
}

export async function loadRegistry(store: EventStore): Promise<Registry> {
  const schemas = new Map<string, Map<number, CompiledSchema>>();
  for (const registered of await store.listEventSchemas()) {
    valueOf(schemas, registered.eventType, () => new Map<number, CompiledSchema>()).set(
      registered.schemaVersion,
      compileSchema(registered.schema),
    );
  }
  const contexts = new Map<string, Set<string>>();
  for (const [type, ids] of await store.listContextIds()) contexts.set(type, new Set(ids));
  return { schemas, contexts };
}

/** The value a map holds for a key, put there first if it has none. */
function valueOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** What is wrong with an event's payload, context, actor or references, if anything. */
function checkEvent({ schemas, contexts }: Registry, event: WireEvent): string | null {
  const schema = schemas.get(event.event_type)?.get(event.schema_version);
  if (schema === undefined) {
    return `${event.event_type} v${event.schema_version} is not a registered schema version`;
  }
  const violations = schema.validate(event.payload);
  if (violations.length > 0) {
    const first = violations[0];
    return `the payload breaks ${event.event_type} v${event.schema_version} at ${first?.pointer || '/'}: ${first?.message ?? ''}`;
  }
  if (contexts.get(event.context_type)?.has(event.context_id) !== true) {
    return `its context ${event.context_type}/${event.context_id} is not registered`;
  }
  const actor = event.actor_employee_id;
  if (actor !== null && contexts.get('employee')?.has(actor) !== true) {
    return `its actor ${actor} is not a registered employee`;
  }
  for (const { pointer, context } of schema.references(event.payload)) {
    if (contexts.get(context.type)?.has(context.id) !== true) {
      return `${pointer} names ${context.type}/${context.id}, which is not registered`;
    }
  }
  return null;
}
