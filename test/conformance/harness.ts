/**
 * The shared set-up of the storage suites: a fresh, seeded database per test, and the
 * assertion that a rejection carries its code and left the log where it was.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { PetError } from '../../src/events/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import { seedFixture } from '../support/fixtures.js';

/** The current test's database, and assertions over it. */
export interface Harness {
  readonly factory: DatabaseFactory;
  /** The database of the running test. */
  current(): { db: TestDatabase; store: EventStore };
  /** Asserts a rejection's class and code, and that the log did not move. */
  readonly expectRejected: (
    attempt: () => Promise<unknown>,
    errorClass: new (...args: never[]) => PetError,
    code: string,
    message?: RegExp,
  ) => Promise<void>;
}

/** Registers the per-test set-up in the calling describe block. */
export function useSeededDatabase(factory: DatabaseFactory): Harness {
  let db: TestDatabase | undefined;
  beforeEach(async () => {
    db = await factory.create();
    await seedFixture(db.store);
  });
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });
  const current = () => {
    if (!db) throw new Error('no database outside a test');
    return { db, store: db.store };
  };
  return {
    factory,
    current,
    async expectRejected(attempt, errorClass, code, message) {
      const { store } = current();
      const head = await store.headPosition();
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errorClass);
      expect((error as PetError).code).toBe(code);
      if (message) expect((error as Error).message).toMatch(message);
      expect(await store.headPosition()).toBe(head);
    },
  };
}
