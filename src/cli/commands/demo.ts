import { SingleBar, Presets } from 'cli-progress';
import { CliUsageError } from '../../events/errors.js';
import { buildDemoFirm, DEMO_END, type DemoFirmSummary } from '../../pet/demo/firm.js';
import { PET_CONTRACTS } from '../../pet/catalogue.js';
import { builtInDefinitions, registerDefinitions } from '../../pet/kpi/registry.js';
import { createPet } from '../../pet/pet.js';
import { syncContracts } from '../../registry/sync.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

export interface DemoOptions {
  readonly scale: string;
  readonly seed: string;
  readonly end: string;
  readonly days: string;
  readonly json: boolean;
  /** Draw a progress bar (on a terminal, without --json). */
  readonly progress: boolean;
}

/**
 * `pet-events demo`: migrates, registers the contracts and builds the demo firm through
 * PET's commands, with a progress bar. A database that already holds the demo firm is left
 * as it is.
 */
export async function demoCommand(
  store: EventStore,
  output: Output,
  options: DemoOptions,
): Promise<void> {
  const scale = whole(options.scale, '--scale', 1, 10_000);
  const seed = whole(options.seed, '--seed', 0, 2 ** 31 - 1);
  const days = whole(options.days, '--days', 1, 3_660);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.end) || Number.isNaN(Date.parse(options.end))) {
    throw new CliUsageError(
      `--end must be a date (YYYY-MM-DD), got ${JSON.stringify(options.end)}`,
    );
  }
  if (Date.parse(`${options.end}T00:00:00Z`) + 86_400_000 > Date.now()) {
    throw new CliUsageError(`--end must be a day that is over: ${options.end} is not`);
  }
  await store.migrate();
  await syncContracts(store, PET_CONTRACTS);
  await registerDefinitions(store, builtInDefinitions());
  const built = await store.transaction((tx) =>
    tx.sql.query<{ n: number | string }>('SELECT count(*) AS n FROM pet_employees'),
  );
  const head = await store.headPosition();
  if (Number(built[0]?.n ?? 0) > 0) {
    const message = `The database already holds a firm (${head} events); nothing was added.`;
    output.out(options.json ? JSON.stringify({ built: false, events: Number(head) }) : message);
    return;
  }
  const bar =
    options.progress && !options.json
      ? new SingleBar(
          {
            format:
              'Building the demo firm |{bar}| {percentage}% | day {value}/{total} | {events} events | {rate} events/s',
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : undefined;
  const started = performance.now();
  bar?.start(days, 0, { events: 0, rate: 0 });
  let summary: DemoFirmSummary;
  try {
    summary = await buildDemoFirm(createPet(store), {
      scale,
      seed,
      end: options.end,
      days,
      onProgress: ({ day, events }) =>
        bar?.update(day, {
          events,
          rate: Math.round(events / ((performance.now() - started) / 1000)),
        }),
    });
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const report = {
    built: true,
    scale,
    seed,
    from: summary.from,
    to: summary.to,
    events: summary.events,
    commands: summary.commands,
    refused: summary.refused,
    seconds: Math.round(seconds * 10) / 10,
    events_per_second: Math.round(summary.events / seconds),
  };
  output.out(
    options.json
      ? JSON.stringify(report)
      : `Built the demo firm (scale ${scale}, seed ${seed}, ${summary.from.slice(0, 10)} to ${summary.to.slice(0, 10)}): ${summary.events} events from ${summary.commands} commands (${summary.refused} refused by the domain's rules) in ${report.seconds} s (${report.events_per_second} events/s).`,
  );
}

export const DEMO_DEFAULTS = { scale: '1', seed: '1', end: DEMO_END, days: '182' } as const;

function whole(value: string, option: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliUsageError(
      `${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
