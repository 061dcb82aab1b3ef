import { CliUsageError } from '../../events/errors.js';
import { formatContext } from '../../events/names.js';
import { toPosition, type RecordedEvent } from '../../events/types.js';
import { toWireEvent } from '../../events/wire.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

/** Options of `pet-events events`. */
export interface EventsCommandOptions {
  readonly after: string;
  readonly limit: string;
  readonly json: boolean;
}

/** `pet-events events`: prints the log in order from a position. */
export async function eventsCommand(
  store: EventStore,
  output: Output,
  options: EventsCommandOptions,
): Promise<void> {
  const events = await store.readLog({
    after: toPosition(parseWhole(options.after, '--after')),
    limit: parseWhole(options.limit, '--limit'),
  });
  if (options.json) {
    for (const event of events) output.out(JSON.stringify(toWireEvent(event)));
    return;
  }
  for (const event of events) output.out(formatEventLine(event));
}

/** One readable line per event. */
export function formatEventLine(event: RecordedEvent): string {
  return [
    `#${event.position}`.padEnd(8),
    event.occurredAt,
    `${event.eventType} v${event.schemaVersion}`.padEnd(28),
    `${formatContext(event.context)}@${event.contextVersion}`.padEnd(22),
    event.actorEmployeeId ? `by employee/${event.actorEmployeeId}` : 'by system',
    JSON.stringify(event.payload),
  ].join('  ');
}

function parseWhole(value: string, option: string): number {
  if (!/^\d+$/.test(value))
    throw new CliUsageError(`${option} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * `pet-events tail`: the log as it grows, from a position (default: its head, so only new
 * events), woken by appends; until interrupted.
 */
export async function tailCommand(
  store: EventStore,
  output: Output,
  options: { readonly after?: string; readonly type: readonly string[]; readonly json: boolean },
  signal: AbortSignal,
): Promise<void> {
  let after =
    options.after === undefined
      ? await store.headPosition()
      : toPosition(parseWhole(options.after, '--after'));
  const types = options.type.length === 0 ? undefined : new Set(options.type);
  let wake: (() => void) | undefined;
  const unsubscribe = store.onAppended(() => wake?.());
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      const events = await store.readLog({ after, limit: 1000 });
      for (const event of events) {
        after = event.position;
        if (types !== undefined && !types.has(event.eventType)) continue;
        output.out(options.json ? JSON.stringify(toWireEvent(event)) : formatEventLine(event));
      }
      if (events.length === 1000) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (signal.aborted) wake();
      });
      wake = undefined;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
