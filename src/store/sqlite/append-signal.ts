import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';

// Stores of one process on one file share a signal: an append by any wakes the consumers of all.
const signals = new EventEmitter();
signals.setMaxListeners(0);

/** The signal of appends to one database file, within this process. */
export interface AppendSignal {
  /** Tells this process's listeners on the file that events were appended. */
  emit(): void;
  /** Listens for appends to the file in this process; returns the unsubscribe function. */
  on(listener: () => void): () => void;
}

/** The append signal of the file at `path` (resolved once: an emit follows every commit). */
export function appendSignal(path: string): AppendSignal {
  const key = resolve(path);
  return {
    emit: () => void signals.emit(key),
    on(listener) {
      signals.on(key, listener);
      return () => void signals.off(key, listener);
    },
  };
}
