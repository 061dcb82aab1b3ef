/**
 * Progress of long work on the terminal: a bar on stderr, only when it is a terminal and the
 * output is not JSON.
 */
import { Presets, SingleBar } from 'cli-progress';
import { catchUp } from '../consumers/catch-up.js';
import type { Consumer } from '../consumers/consumer.js';
import type { EventStore } from '../store/event-store.js';

export function progressBar(options: { json: boolean; progress: boolean }, title: string) {
  if (!options.progress || options.json) return undefined;
  return new SingleBar(
    {
      format: `${title} |{bar}| {percentage}% | {value}/{total} events | {rate} events/s`,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
}

export const seconds = (started: number) => Math.round((performance.now() - started) / 100) / 10;
export const rate = (handled: number, started: number) =>
  Math.round(handled / Math.max((performance.now() - started) / 1000, 0.001));

/**
 * Brings a consumer up to the head of the log before a command reads its read model, with a
 * progress bar when there is much to do.
 */
export async function catchUpWithProgress(
  store: EventStore,
  consumer: Consumer,
  options: { json: boolean; progress: boolean },
  title: string,
): Promise<void> {
  const backlog = Number((await store.backlog(await store.readCheckpoint(consumer.name))).events);
  if (backlog === 0) return;
  const bar = backlog >= 10_000 ? progressBar(options, title) : undefined;
  const started = performance.now();
  bar?.start(backlog, 0, { rate: 0 });
  try {
    await catchUp(store, consumer, {
      onBatch: ({ handled }) => bar?.update(handled, { rate: rate(handled, started) }),
    });
  } finally {
    bar?.stop();
  }
}
