/**
 * Runs a consumer from its checkpoint to the head of the log, in batches.
 */
import {
  ConsumerCheckpointMovedError,
  ConsumerHandlerFailedError,
  ConsumerVersionUnhandledError,
} from '../events/errors.js';
import type { Position, RecordedEvent } from '../events/types.js';
import type { EventStore, StoreTransaction } from '../store/event-store.js';
import { internals } from '../store/internal.js';
import { deepFreeze, type Consumer, type Handler, type HandlerContext } from './consumer.js';
import type { SqlAccess, SqlStatement } from '../store/sql-access.js';
import { createReadModel } from './read-model.js';

/** How to catch up. */
export interface CatchUpOptions {
  /** Events per read (and per transaction, for a projection); default 500. */
  readonly batchSize?: number;
  /** Called after each batch, for progress reports. */
  readonly onBatch?: (progress: { handled: number; position: Position }) => void;
}

/** What a catch-up did. */
export interface CatchUpResult {
  readonly handled: number;
  readonly position: Position;
}

/**
 * Refuses a consumer that lacks a handler for any version registered for the types it
 * consumes, listing every missing `type@version`.
 */
export async function assertVersionsHandled(store: EventStore, consumer: Consumer): Promise<void> {
  const missing = (await store.listEventSchemas())
    .filter((s) => consumer.eventTypes.has(s.eventType))
    .map((s) => `${s.eventType}@${s.schemaVersion}`)
    .filter((key) => !consumer.handlers.has(key));
  if (missing.length > 0) throw new ConsumerVersionUnhandledError(consumer.name, missing);
}

/**
 * Handles every event after the consumer's checkpoint. A projection handles each batch in one
 * transaction with its checkpoint: a failure anywhere rolls the batch back, so no event is
 * ever applied twice or skipped. An effect consumer stores its checkpoint after each event:
 * at least once. A handler that throws stops the consumer at that event with
 * PET_CONSUMER_HANDLER_FAILED (position, event id, cause); the checkpoint stays before it.
 * The checkpoint moves only from where this run found it: a second runner of the same
 * consumer fails with PET_CONSUMER_CHECKPOINT_MOVED instead of applying a batch twice.
 */
export async function catchUp(
  store: EventStore,
  consumer: Consumer,
  options: CatchUpOptions = {},
): Promise<CatchUpResult> {
  await assertVersionsHandled(store, consumer);
  const batchSize = options.batchSize ?? 500;
  let position = await store.readCheckpoint(consumer.name);
  // A projection's read model exists before its first event.
  if (position === 0n && consumer.readModel) {
    const { readModel } = consumer;
    await store.transaction((tx) => createReadModel(tx, readModel));
  }
  const state = consumer.runState?.(position);
  let handled = 0;
  let page = store.readLog({ after: position, limit: batchSize });
  for (;;) {
    const events = await page;
    const last = events.at(-1);
    if (!last) return { handled, position };
    // The next page is read while this one is handled (on PostgreSQL, on another connection).
    page = store.readLog({ after: last.position, limit: batchSize });
    page.catch(() => undefined);
    if (consumer.kind === 'projection') {
      const from = position;
      const project = (deferred: boolean) =>
        store.transaction(async (tx) => {
          const writes = new WriteBehind(tx.sql, deferred, state);
          for (const event of events) await dispatch(consumer, event, tx, writes);
          await writes.flushBatch();
          await moveCheckpoint(tx, consumer, from, last.position);
        });
      try {
        await project(true);
      } catch (error) {
        // A queued write failed: run the batch again writing after each event, to name it.
        if (!(error instanceof DeferredWriteError)) throw error;
        await project(false);
      }
    } else {
      let from = position;
      for (const event of events) {
        await store.transaction(async (tx) => {
          await dispatch(consumer, event, tx, new WriteBehind(tx.sql, false, state));
          await moveCheckpoint(tx, consumer, from, event.position);
        });
        from = event.position;
      }
    }
    handled += events.length;
    position = last.position;
    options.onBatch?.({ handled, position });
  }
}

/** Moves the checkpoint only from where this runner found it: two runners never both apply. */
async function moveCheckpoint(
  tx: StoreTransaction,
  consumer: Consumer,
  from: Position,
  to: Position,
): Promise<void> {
  if (!(await internals(tx).saveCheckpoint(consumer.name, from, to))) {
    throw new ConsumerCheckpointMovedError(consumer.name, from);
  }
}

/** Hands one event to the consumer's handler for its version (events of other types pass). */
export async function dispatch(
  consumer: Consumer,
  event: RecordedEvent,
  tx: StoreTransaction,
  writes: WriteBehind,
): Promise<void> {
  if (!consumer.eventTypes.has(event.eventType)) return;
  const key = `${event.eventType}@${event.schemaVersion}`;
  const handler: Handler<unknown, unknown> | undefined = consumer.handlers.get(key);
  if (!handler) throw new ConsumerVersionUnhandledError(consumer.name, [key]);
  try {
    await handler(deepFreeze(event), writes.context);
    await writes.flushEvent();
  } catch (error) {
    // Whatever the handler made of it, a failed queued write sends the batch round again.
    if (error instanceof DeferredWriteError || writes.poisoned) throw writes.poisoned ?? error;
    throw new ConsumerHandlerFailedError(
      consumer.name,
      event.position,
      event.id,
      event.eventType,
      error,
    );
  }
}

/** A queued write of an earlier event failed; the batch is run again to name the event. */
class DeferredWriteError extends Error {}

/**
 * The writes handlers queue with `defer`. Deferred: they run at the end of the batch (or
 * before the handler's next `sql` statement), many per round trip. Not deferred: after each
 * event, so a failure is that event's.
 */
export class WriteBehind {
  readonly context: HandlerContext<unknown>;
  #pending: SqlStatement[] = [];
  /** A failed deferred flush: the batch must be run again, whatever a handler did with it. */
  #poisoned: DeferredWriteError | undefined;

  constructor(
    private readonly sql: SqlAccess,
    private readonly deferred: boolean,
    state: unknown,
  ) {
    this.context = {
      state,
      sql: {
        query: async (text, params) => {
          await this.#flush();
          return sql.query(text, params);
        },
        execute: async (text, params) => {
          await this.#flush();
          return sql.execute(text, params);
        },
        executeBatch: async (statements) => {
          await this.#flush();
          return sql.executeBatch(statements);
        },
      },
      defer: (text, params = []) => {
        this.#pending.push({ text, params });
      },
    };
  }

  get poisoned(): DeferredWriteError | undefined {
    return this.#poisoned;
  }

  /** After an event: writes it queued run now, unless the batch defers them. */
  async flushEvent(): Promise<void> {
    if (this.#poisoned) throw this.#poisoned;
    if (!this.deferred) await this.#flush();
  }

  /** At the end of the batch, before its checkpoint. */
  async flushBatch(): Promise<void> {
    if (this.#poisoned) throw this.#poisoned;
    await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#poisoned) throw this.#poisoned;
    if (this.#pending.length === 0) return;
    const statements = this.#pending;
    this.#pending = [];
    try {
      await this.sql.executeBatch(statements);
    } catch (error) {
      if (!this.deferred) throw error;
      this.#poisoned = new DeferredWriteError('a queued write failed', { cause: error });
      throw this.#poisoned;
    }
  }
}
