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
import { appendEvents } from '../../src/store/internal.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';
import { append, seedFixture, statusChanged, ticketCreated } from '../support/fixtures.js';

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

  it('numbers on after a transaction of the group rolled back, and after another handle appended', async () => {
    await seedFixture(store);
    await append(store, [ticketCreated()]);
    await expect(
      store.transaction(async (tx) => {
        await appendEvents(tx, [statusChanged(), statusChanged()]);
        throw new Error('the work failed after its append');
      }),
    ).rejects.toThrow('the work failed after its append');
    await append(store, [statusChanged()]);
    await store.headPosition(); // a read: the group commits
    const full = createSqliteEventStore({ path });
    try {
      await append(full, [statusChanged()]);
    } finally {
      await full.close();
    }
    await append(store, [statusChanged({ expectedContextVersion: 3 })]);
    await append(store, [statusChanged()]);
    const log = await store.readLog();
    expect(log.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(log.map((e) => e.contextVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it('commits the open group before a read, so reads see every resolved transaction', async () => {
    await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1' }));
    expect(committedTickets()).toEqual([]);
    await store.headPosition();
    expect(committedTickets()).toEqual(['T-1']);
  });
});
