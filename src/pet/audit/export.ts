/**
 * The log, or one context's events, as CloudEvents 1.0 in structured JSON mode, one per line,
 * in log order (a context's in context-version order).
 */
import { AuditQueryInvalidError } from '../../events/errors.js';
import { DEFAULT_CLOUDEVENTS_SOURCE, toCloudEvent } from '../../events/cloudevents.js';
import {
  toPosition,
  type ContextRef,
  type Position,
  type RecordedEvent,
} from '../../events/types.js';
import type { EventStore } from '../../store/event-store.js';

/** What to export. */
export interface ExportOptions {
  /** Only this context's events. */
  readonly context?: ContextRef;
  /** Events after this position (default: from the start). */
  readonly after?: Position;
  /** Up to and including the event at this position. */
  readonly to?: Position;
  /** The CloudEvents `source` (default `urn:pet-events`). */
  readonly source?: string;
  /** Called after each page, for progress. */
  readonly onPage?: (exported: number) => void;
}

/** Writes each event as a line of JSON; returns how many. */
export async function exportCloudEvents(
  store: EventStore,
  write: (line: string) => void,
  options: ExportOptions = {},
): Promise<number> {
  const source = options.source ?? DEFAULT_CLOUDEVENTS_SOURCE;
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(source)) {
    throw new AuditQueryInvalidError(
      'source',
      `must be a URI reference, got ${JSON.stringify(source)}`,
    );
  }
  const after = options.after ?? toPosition(0);
  let exported = 0;
  const emit = async (events: readonly RecordedEvent[]): Promise<boolean> => {
    const chain = await chainEntries(store, events);
    for (const event of events) {
      if (options.context !== undefined && event.position <= after) continue;
      write(JSON.stringify(toCloudEvent(event, source, chain.get(event.id))));
      exported += 1;
      if (options.to !== undefined && event.position === options.to) return false;
    }
    return true;
  };
  if (options.context !== undefined) {
    for (let afterVersion = 0; ;) {
      const page = await store.readContext(options.context, { afterVersion, limit: 1000 });
      const last = page.at(-1);
      if (last === undefined || !(await emit(page))) break;
      options.onPage?.(exported);
      afterVersion = last.contextVersion;
    }
    return exported;
  }
  for (let position = after; ;) {
    const page = await store.readLog({ after: position, limit: 1000 });
    const last = page.at(-1);
    if (last === undefined || !(await emit(page))) break;
    options.onPage?.(exported);
    position = last.position;
  }
  return exported;
}

/** The audit chain's entries of these events, by event id (sealed ones only). */
async function chainEntries(
  store: EventStore,
  events: readonly RecordedEvent[],
): Promise<Map<string, { seq: string; link: string }>> {
  if (events.length === 0) return new Map();
  const rows = await store.query<{ event_id: string; seq: string | number; link: string }>(
    `SELECT event_id, seq, link FROM audit_chain
      WHERE event_id IN (${events.map((_, i) => `$${i + 1}`).join(', ')})`,
    events.map((e) => e.id),
  );
  return new Map(rows.map((row) => [row.event_id, { seq: String(row.seq), link: row.link }]));
}
