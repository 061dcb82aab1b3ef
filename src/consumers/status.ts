/**
 * Where each consumer stands: its checkpoint, how far behind the log it is (in events and
 * in seconds), its state and its last failure.
 */
import type { Position } from '../events/types.js';
import type { ConsumerFailure, ConsumerState } from '../store/consumer-status.js';
import type { EventStore } from '../store/event-store.js';
import type { Consumer } from './consumer.js';

export interface ConsumerReport {
  readonly consumer: string;
  readonly position: Position;
  /** Events readers can see after the checkpoint. */
  readonly lagEvents: number;
  /** How long ago the oldest of them was recorded; 0 when none is waiting. */
  readonly lagSeconds: number;
  /** What its runner last reported; `never-run` if no runner ever did. */
  readonly state: ConsumerState | 'never-run';
  readonly lastError: ConsumerFailure | null;
  readonly updatedAt: string | null;
}

/** A report for each consumer given, and for any other that has a stored status. */
export async function consumerReports(
  store: EventStore,
  consumers: readonly Consumer[],
  now: Date = new Date(),
): Promise<ConsumerReport[]> {
  const statuses = new Map((await store.readConsumerStatuses()).map((s) => [s.consumer, s]));
  const names = [...new Set([...consumers.map((c) => c.name), ...statuses.keys()])].sort();
  const reports: ConsumerReport[] = [];
  for (const consumer of names) {
    const position = await store.readCheckpoint(consumer);
    const backlog = await store.backlog(position);
    const stored = statuses.get(consumer);
    reports.push({
      consumer,
      position,
      lagEvents: backlog.events,
      lagSeconds:
        backlog.oldestRecordedAt === null
          ? 0
          : Math.max(0, Math.round((now.getTime() - Date.parse(backlog.oldestRecordedAt)) / 1000)),
      state: stored?.state ?? 'never-run',
      lastError: stored?.lastError ?? null,
      updatedAt: stored?.updatedAt ?? null,
    });
  }
  return reports;
}
