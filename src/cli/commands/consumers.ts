import { CliUsageError } from '../../events/errors.js';
import type { Consumer } from '../../consumers/consumer.js';
import { START } from '../../events/types.js';
import { rebuildConsumer, verifyConsumer } from '../../consumers/read-model.js';
import { consumerReports } from '../../consumers/status.js';
import { PET_CONSUMERS } from '../../pet/consumers/catalogue.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { progressBar, rate, seconds } from '../progress.js';

/** `pet-events consumers status`: each consumer's position, lag, state and last error. */
export async function consumersStatusCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  for (const report of await consumerReports(store, PET_CONSUMERS)) {
    const error = report.lastError;
    if (json) {
      output.out(
        JSON.stringify({
          consumer: report.consumer,
          position: report.position.toString(),
          lag_events: report.lagEvents,
          lag_seconds: report.lagSeconds,
          state: report.state,
          updated_at: report.updatedAt,
          last_error: error && {
            code: error.code,
            message: error.message,
            position: error.position?.toString() ?? null,
            event_id: error.eventId,
            at: error.at,
          },
        }),
      );
      continue;
    }
    output.out(
      [
        report.consumer.padEnd(28),
        `at #${report.position}`.padEnd(12),
        `lag ${report.lagEvents} events / ${report.lagSeconds} s`.padEnd(28),
        report.state,
        error
          ? `last error at #${error.position ?? '?'} (${error.eventId ?? 'no event'}): [${error.code ?? 'ERROR'}] ${error.message}`
          : '',
      ]
        .join('  ')
        .trimEnd(),
    );
  }
}

/** `pet-events consumers rebuild NAME`: clears the read model and replays the log into it. */
export async function consumersRebuildCommand(
  store: EventStore,
  output: Output,
  options: { name: string; json: boolean; progress: boolean },
): Promise<void> {
  const consumer = findConsumer(options.name);
  const total = Number((await store.backlog(START)).events);
  const bar = progressBar(options, `Rebuilding ${consumer.name}`);
  const started = performance.now();
  bar?.start(total, 0, { rate: 0 });
  try {
    const result = await rebuildConsumer(store, consumer, {
      onBatch: ({ handled }) => bar?.update(handled, { rate: rate(handled, started) }),
    });
    bar?.stop();
    const report = {
      consumer: consumer.name,
      handled: result.handled,
      position: result.position.toString(),
      digest: result.digest,
      seconds: seconds(started),
      events_per_second: rate(result.handled, started),
    };
    output.out(
      options.json
        ? JSON.stringify(report)
        : `Rebuilt ${consumer.name}: ${result.handled} events to #${result.position} in ${report.seconds} s (${report.events_per_second} events/s); read model digest ${result.digest}`,
    );
  } finally {
    bar?.stop();
  }
}

/**
 * `pet-events consumers verify NAME`: replays into scratch copies and compares digests; exits
 * 1 with the first difference when they differ.
 */
export async function consumersVerifyCommand(
  store: EventStore,
  output: Output,
  options: { name: string; json: boolean; progress: boolean },
): Promise<void> {
  const consumer = findConsumer(options.name);
  const bar = progressBar(options, `Verifying ${consumer.name}`);
  const started = performance.now();
  const total = Number((await store.backlog(START)).events);
  bar?.start(total, 0, { rate: 0 });
  let report;
  try {
    report = await verifyConsumer(store, consumer, {
      onBatch: ({ handled }) => bar?.update(handled, { rate: rate(handled, started) }),
    });
  } finally {
    bar?.stop();
  }
  if (options.json) {
    output.out(JSON.stringify({ ...report, position: report.position.toString() }));
  } else if (report.equal) {
    output.out(
      `${consumer.name} verified at #${report.position}: the replay matches the live read model (digest ${report.liveDigest}).`,
    );
  } else {
    const d = report.firstDifference;
    output.out(
      `${consumer.name} differs at #${report.position}: live digest ${report.liveDigest}, replay digest ${report.replayDigest}.`,
    );
    if (d) {
      output.out(
        `First difference in ${d.table} at key ${JSON.stringify(d.key)}: live ${JSON.stringify(d.live)}, replayed ${JSON.stringify(d.replayed)}`,
      );
    }
  }
  if (!report.equal) process.exitCode = 1;
}

function findConsumer(name: string): Consumer {
  const consumer = PET_CONSUMERS.find((c) => c.name === name);
  if (!consumer) {
    throw new CliUsageError(
      `no consumer named ${JSON.stringify(name)}; known: ${PET_CONSUMERS.map((c) => c.name).join(', ')}`,
    );
  }
  return consumer;
}
