import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';

// Stores of one process on one file share a signal: an append by any wakes the consumers of all.
const signals = new EventEmitter();
signals.setMaxListeners(0);

/** Tells this process's listeners on `path` that events were appended. */
export function signalAppended(path: string): void {
  signals.emit(resolve(path));
}

/** Listens for appends to `path` in this process; returns the unsubscribe function. */
export function onAppended(path: string, listener: () => void): () => void {
  const key = resolve(path);
  signals.on(key, listener);
  return () => signals.off(key, listener);
}
