/**
 * Progress of long work on the terminal: a bar on stderr, only when it is a terminal and the
 * output is not JSON.
 */
import { Presets, SingleBar } from 'cli-progress';

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
