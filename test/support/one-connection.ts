/**
 * A seeded PostgreSQL test database with a second store on it that holds one connection: what
 * that connection's session keeps (prepared plans, settings) serves every later call of the
 * store, so a test can read it back or depend on it.
 */
import { afterEach, beforeEach } from 'vitest';
import type { EventStore, StoreLocation } from '../../src/store/event-store.js';
import { createPostgresEventStore } from '../../src/store/postgres/store.js';
import { postgresFactory, type TestDatabase } from './databases.js';
import { seedFixture } from './fixtures.js';

/** Registers the per-test set-up in the calling describe block. */
export function useOneConnectionStore(): () => { db: TestDatabase; single: EventStore } {
  let current: { db: TestDatabase; single: EventStore } | undefined;
  beforeEach(async () => {
    const db = await postgresFactory.create();
    await seedFixture(db.store);
    const single = createPostgresEventStore({
      ...(db.store.location as StoreLocation & { dialect: 'postgres' }),
      poolSize: 1,
    });
    current = { db, single };
  });
  afterEach(async () => {
    await current?.single.close();
    await current?.db.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no database outside a test');
    return current;
  };
}
