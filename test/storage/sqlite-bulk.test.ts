/**
 * SQLite's bulk durability: transactions share one SQLite commit, each in its own savepoint.
 * Each stays all-or-nothing, reads see every resolved transaction, and the group reaches the
 * file when it is due, when a read needs it, or when the store closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/store/event-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';

describe('SQLite bulk durability (grouped commits)', () => {
  let folder: string;
  let path: string;
  let store: EventStore;
  let other: Database.Database;
  const committedTickets = () =>
    other
      .prepare("SELECT context_id FROM contexts WHERE context_type = 'ticket' ORDER BY context_id")
      .pluck()
      .all();

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'pet-bulk-'));
    path = join(folder, 'pet.db');
    store = createSqliteEventStore({ path, durability: 'bulk' });
    await store.migrate();
    other = new Database(path, { readonly: true });
  });
  afterEach(async () => {
    other.close();
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('holds resolved transactions in one open commit, then commits them together when due', async () => {
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-2' }));
    expect(committedTickets()).toEqual([]);
    await sleep(300);
    expect(committedTickets()).toEqual(['T-1', 'T-2']);
  });

  it('rolls back a failing transaction alone, keeping the group', async () => {
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
    await expect(
      store.transaction(async (tx) => {
        await tx.registerContext({ type: 'ticket', id: 'T-2' });
        await tx.registerContext({ type: 'ticket', id: 'T-1' }); // a duplicate: fails
      }),
    ).rejects.toMatchObject({ code: 'PET_CONTEXT_DUPLICATE' });
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-3' }));
    await store.close();
    expect(committedTickets()).toEqual(['T-1', 'T-3']);
  });

  it('commits the open group before a read, so reads see every resolved transaction', async () => {
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
    expect(committedTickets()).toEqual([]);
    await store.headPosition();
    expect(committedTickets()).toEqual(['T-1']);
  });
});
