/**
 * What only the unit of work may do with a transaction is read through one function, set once
 * by the transaction class. In a file of its own: were the guard to fail, the reader replaced
 * here would break every later test of the file for another reason.
 */
import { expect, it } from 'vitest';
import '../../src/store/checked-transaction.js';
import { internals, readInternalsWith } from '../../src/store/internal.js';
import type { StoreTransaction } from '../../src/store/event-store.js';

it('keeps the way transaction internals are read from being replaced once set', () => {
  expect(() => readInternalsWith(() => undefined)).toThrow(/set already/);
  // Nor does anything but a transaction the store made have them.
  expect(() => internals({} as StoreTransaction)).toThrow(TypeError);
});
