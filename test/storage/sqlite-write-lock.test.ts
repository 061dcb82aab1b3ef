import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseBusyError } from '../../src/events/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';

describe('SQLite write lock held by another process', () => {
  let folder: string;
  let path: string;
  let store: EventStore;
  // Another process's connection: it takes SQLite's write lock outside this store.
  let other: Database.Database;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'pet-lock-'));
    path = join(folder, 'pet.db');
    store = createSqliteEventStore({ path, busyTimeoutMs: 300 });
    await store.migrate();
    other = new Database(path);
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('waits for the lock without blocking the event loop, then commits', async () => {
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    setTimeout(() => other.exec('COMMIT'), 120);
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(
      other.prepare("SELECT context_id FROM contexts WHERE context_type = 'ticket'").pluck().all(),
    ).toEqual(['T-1']);
  });

  it('gives up with PET_DATABASE_BUSY when the lock is held past the timeout', async () => {
    other.exec('BEGIN IMMEDIATE');
    const error = await store
      .transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-2' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect((error as DatabaseBusyError).code).toBe('PET_DATABASE_BUSY');
    other.exec('ROLLBACK');
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-2' }));
  });
});
