import { resolve } from 'node:path';
import type { ConsumerLease } from '../consumer-lease.js';

// SQLite serves one process: leases are held in this process, per file and consumer.
// (Two processes on one file stay safe: checkpoints move by compare-and-set.)
const held = new Set<string>();

/** Takes the lease of a consumer on a SQLite file if no runner of this process holds it. */
export function acquireConsumerLease(path: string, consumer: string): ConsumerLease | undefined {
  const key = `${resolve(path)}\u0000${consumer}`;
  if (held.has(key)) return undefined;
  held.add(key);
  return {
    release: () => {
      held.delete(key);
      return Promise.resolve();
    },
  };
}
