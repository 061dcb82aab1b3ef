import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { DatabaseBusyError } from '../../events/errors.js';

/**
 * SQLite admits one writer per file. better-sqlite3 is synchronous, so its busy handler would
 * block the event loop while waiting, and a second store on the same file in the same
 * process would wait for a transaction that can no longer finish. So: stores of one process
 * on one file queue their transactions here, and waiting on another process's lock backs
 * off with timers instead of blocking.
 */
const queues = new Map<string, { tail: Promise<unknown>; users: number }>();

/** The queue of writers for one database file in this process. */
export class WriteQueue {
  readonly #key: string;
  #released = false;

  constructor(path: string) {
    this.#key = path === ':memory:' ? `:memory:${Math.random()}` : resolve(path);
    const queue = queues.get(this.#key) ?? { tail: Promise.resolve(), users: 0 };
    queue.users += 1;
    queues.set(this.#key, queue);
  }

  /** Runs `work` once every earlier writer of this file in this process has finished. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const queue = queues.get(this.#key);
    if (!queue) throw new Error('write queue released');
    const result = queue.tail.then(work, work);
    queue.tail = result.catch(() => undefined);
    return result;
  }

  /** Waits for queued writers, then forgets the queue when no store uses it any more. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const queue = queues.get(this.#key);
    if (!queue) return;
    await queue.tail;
    queue.users -= 1;
    if (queue.users === 0) queues.delete(this.#key);
  }
}

/** `BEGIN IMMEDIATE`, retrying with back-off while another process holds the write lock. */
export async function beginImmediate(db: Database, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy) throw error;
      if (Date.now() >= deadline) throw new DatabaseBusyError(timeoutMs);
      await sleep(Math.min(2 ** attempt, 50));
    }
  }
}
