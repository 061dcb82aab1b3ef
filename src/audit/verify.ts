/**
 * Verifying the log: the append-only guards are in place; the chain's entries are numbered
 * without gaps and name the log's events in log order; every link recomputes; every payload
 * validates against its registered schema version; every context, reference and actor is
 * registered; and, given a digest kept outside the database, the chain still reaches it.
 * Stops at the first finding, naming the position.
 */
import type { CompiledSchema } from '../registry/compiled-schema.js';
import { compileSchema } from '../registry/compiled-schema.js';
import { START, toPosition } from '../events/types.js';
import type { WireEvent } from '../events/wire.js';
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

/** Events per page of the log. */
const PAGE = 500;

/** Verifies the log; `onProgress` gets the number of events checked so far. */
export async function verifyLog(
  store: EventStore,
  options: { readonly digest?: ChainDigest; readonly onProgress?: (checked: number) => void } = {},
): Promise<LogVerifyReport> {
  let checked = 0;
  const chain = new ChainCheck(options.digest);
  const fail = (position: string | null, problem: string): LogVerifyReport => ({
    ok: false,
    checked,
    sealed: chain.sealed,
    finding: { position, problem },
  });

  const missing = await store.missingGuards();
  if (missing.length > 0) {
    return fail(null, `append-only triggers missing or disabled: ${missing.join(', ')}`);
  }
  const registry = await loadRegistry(store);
  // Both the log and the chain are read a page ahead of the one being checked.
  const entries = new ChainEntries(
    readAhead<ChainRow>((last) =>
      store.query<ChainRow>(
        'SELECT seq, position, event_id, link FROM audit_chain WHERE seq > $1 ORDER BY seq LIMIT $2',
        [last?.seq ?? 0, PAGE],
      ),
    ),
  );
  const nextEvents = readAhead<WireEvent>((last) =>
    store.readWireLog({ after: last ? toPosition(last.position) : START, limit: PAGE }),
  );
  for (let events = await nextEvents(); events.length > 0; events = await nextEvents()) {
    for (const event of events) {
      checked += 1;
      if (entries.spent) await entries.turn();
      const entry = entries.take();
      const problem =
        (entry === undefined ? null : chain.check(entry, event)) ?? checkEvent(registry, event);
      if (problem !== null) return fail(event.position, problem);
    }
    options.onProgress?.(checked);
  }
  if (entries.spent) await entries.turn();
  const extra = entries.take();
  if (extra !== undefined) {
    return fail(
      String(extra.position),
      `chain entry ${String(extra.seq)} names #${String(extra.position)} (${extra.event_id}), which is not in the log`,
    );
  }
  const short = chain.shortOfDigest();
  if (short !== null) return fail(null, short);
  return { ok: true, checked, sealed: chain.sealed, finding: null };
}

/**
 * Pages of rows, each asked for as soon as the one before it is taken, so that the next is on
 * its way while one is checked. `read` gets the last row of the page before (none at first).
 */
function readAhead<Row>(read: (last: Row | undefined) => Promise<Row[]>): () => Promise<Row[]> {
  let pending = read(undefined);
  return async () => {
    const page = await pending;
    const last = page.at(-1);
    pending = last === undefined ? Promise.resolve([]) : read(last);
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
  #page: ChainRow[] = [];
  #next = 0;
  #ended = false;
  readonly #nextPage: () => Promise<ChainRow[]>;

  constructor(nextPage: () => Promise<ChainRow[]>) {
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
  take(): ChainRow | undefined {
    return this.#ended ? undefined : this.#page[this.#next++];
  }
}

/** The chain recomputed entry by entry, in log order, against the entries stored. */
class ChainCheck {
  sealed = 0;
  #link = GENESIS_LINK;
  #seq = 0n;
  readonly #digestSeq: bigint | null;
  readonly #digest: ChainDigest | undefined;

  constructor(digest: ChainDigest | undefined) {
    this.#digest = digest;
    this.#digestSeq = digest === undefined ? null : BigInt(digest.seq);
  }

  /** What is wrong with `entry` as the chain's entry for `event`, the next of the log. */
  check(entry: ChainRow, event: WireEvent): string | null {
    const seq = BigInt(entry.seq);
    if (seq !== this.#seq + 1n) return `chain entries jump from ${this.#seq} to ${seq}`;
    if (String(entry.position) !== event.position || entry.event_id !== event.id) {
      return `chain entry ${seq} names #${String(entry.position)} (${entry.event_id}), but the log's event ${seq} is #${event.position} (${event.id}): an event was removed, added or moved`;
    }
    const link = nextLink(this.#link, event);
    if (link !== entry.link) {
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

  /** Once the log is read: whether the chain stopped before the digest's entry. */
  shortOfDigest(): string | null {
    if (this.#digestSeq === null || this.#seq >= this.#digestSeq) return null;
    return `the chain ends at entry ${this.#seq}, before the digest's entry ${this.#digestSeq}`;
  }
}

/** The registry as verify looks it up: schemas by type and version, context ids by type. */
interface Registry {
  readonly schemas: ReadonlyMap<string, ReadonlyMap<number, CompiledSchema>>;
  readonly contexts: ReadonlyMap<string, ReadonlySet<string>>;
}

async function loadRegistry(store: EventStore): Promise<Registry> {
  const schemas = new Map<string, Map<number, CompiledSchema>>();
  for (const registered of await store.listEventSchemas()) {
    valueOf(schemas, registered.eventType, () => new Map<number, CompiledSchema>()).set(
      registered.schemaVersion,
      compileSchema(registered.schema),
    );
  }
  const contexts = new Map<string, Set<string>>();
  const rows = await store.query<{ t: string; i: string }>(
    'SELECT context_type AS t, context_id AS i FROM contexts',
  );
  for (const { t, i } of rows) valueOf(contexts, t, () => new Set<string>()).add(i);
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
