/**
 * Runs a consumer live: catch up from the checkpoint, then wait for new events (woken at once
 * by appends of this process and, on PostgreSQL, of any process; polling only as a fallback).
 * One runner per consumer holds its lease; the others stand by and take over when the holder
 * goes away. A failing handler stops the consumer at that event and is retried with back-off.
 */
import { ConsumerHandlerFailedError } from '../events/errors.js';
import type { ConsumerLease } from '../store/consumer-lease.js';
import type { ConsumerFailure, ConsumerState } from '../store/consumer-status.js';
import { internals } from '../store/internal.js';
import type { EventStore } from '../store/event-store.js';
import { catchUp } from './catch-up.js';
import type { Consumer } from './consumer.js';

export type { ConsumerFailure, ConsumerState } from '../store/consumer-status.js';

/** How a runner runs. */
export interface ConsumerRunnerOptions {
  readonly batchSize?: number;
  /** Fallback poll when no append wakes it; default 5 s. */
  readonly pollIntervalMs?: number;
  /** How often a standby runner tries to take the lease; default 1 s. */
  readonly standbyRetryMs?: number;
  /** First wait after a failure, doubled each time up to `maxBackoffMs`; default 100 ms. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * After a wake-up, wait this long before catching up, so appends that come together are
   * handled in one batch (one transaction) instead of one each; default 0. A service that
   * appends many small units of work trades this much freshness for fewer commits.
   */
  readonly settleMs?: number;
}

/** A running consumer. */
export interface ConsumerRunner {
  readonly consumer: string;
  readonly state: ConsumerState;
  readonly lastError: ConsumerFailure | null;
  /** Stops after the current batch and gives the lease up. */
  stop(): Promise<void>;
}

/**
 * Starts a consumer.
 *
 * @example
 * const runner = startConsumer(store, ticketPriorities);
 * // … later
 * await runner.stop();
 */
export function startConsumer(
  store: EventStore,
  consumer: Consumer,
  options: ConsumerRunnerOptions = {},
): ConsumerRunner {
  return new Runner(store, consumer, options);
}

class Runner implements ConsumerRunner {
  readonly consumer: string;
  state: ConsumerState = 'standby';
  lastError: ConsumerFailure | null = null;
  readonly #store: EventStore;
  readonly #definition: Consumer;
  readonly #options: Required<ConsumerRunnerOptions>;
  readonly #unsubscribe: () => void;
  readonly #done: Promise<void>;
  #lease: ConsumerLease | undefined;
  #stopped = false;
  #unreported = true;
  #woken = false;
  #wake: (() => void) | undefined;
  #interrupt: (() => void) | undefined;

  constructor(store: EventStore, consumer: Consumer, options: ConsumerRunnerOptions) {
    this.consumer = consumer.name;
    this.#store = store;
    this.#definition = consumer;
    this.#options = {
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: options.pollIntervalMs ?? 5000,
      standbyRetryMs: options.standbyRetryMs ?? 1000,
      initialBackoffMs: options.initialBackoffMs ?? 100,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      settleMs: options.settleMs ?? 0,
    };
    this.#unsubscribe = store.onAppended(() => this.#signal());
    this.#done = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    this.#interrupt?.();
    this.#unsubscribe();
    await this.#done;
  }

  async #loop(): Promise<void> {
    let backoff = this.#options.initialBackoffMs;
    while (!this.#stopped) {
      if (!this.#lease) {
        this.state = 'standby';
        this.#lease = await this.#store.acquireConsumerLease(this.consumer).catch(() => undefined);
        if (!this.#lease) {
          await this.#sleep(this.#options.standbyRetryMs);
          continue;
        }
      }
      try {
        if (this.state === 'standby') await this.#report('catching-up', null);
        await catchUp(this.#store, this.#definition, { batchSize: this.#options.batchSize });
        await this.#report('live', null);
        backoff = this.#options.initialBackoffMs;
        await this.#sleep(this.#options.pollIntervalMs);
        await this.#settle();
      } catch (error) {
        if (this.#stopped) break;
        await this.#report('failing', describe(error)).catch(() => undefined);
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      }
    }
    if (this.#lease) await this.#report('stopped', this.lastError).catch(() => undefined);
    await this.#lease?.release();
    this.#lease = undefined;
    this.state = 'stopped';
  }

  /**
   * Records a change of state (or of failure), for `pet-events consumers status`: only the
   * lease holder reports, outside the consumer's batches.
   */
  async #report(state: ConsumerState, failure: ConsumerFailure | null): Promise<void> {
    const changed =
      state !== this.state || failure?.message !== this.lastError?.message || this.#unreported;
    this.state = state;
    this.lastError = failure;
    if (!changed) return;
    this.#unreported = true;
    const status = {
      consumer: this.consumer,
      state,
      lastError: failure,
      updatedAt: new Date().toISOString(),
    };
    await this.#store.transaction((tx) => internals(tx).saveConsumerStatus(status));
    this.#unreported = false;
  }

  /** Lets appends that come together gather for `settleMs`; a stop cuts it short. */
  async #settle(): Promise<void> {
    if (this.#options.settleMs === 0 || this.#stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#options.settleMs);
      this.#interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#interrupt = undefined;
  }

  #signal(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Waits `ms`, or less if an append wakes the runner (also one that came while it worked). */
  #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopped) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

function describe(error: unknown): ConsumerFailure {
  const failed = error instanceof ConsumerHandlerFailedError ? error : undefined;
  return {
    message: error instanceof Error ? error.message : String(error),
    code:
      typeof (error as { code?: unknown }).code === 'string'
        ? (error as { code: string }).code
        : null,
    position: failed?.position ?? null,
    eventId: failed?.eventId ?? null,
    at: new Date().toISOString(),
  };
}
