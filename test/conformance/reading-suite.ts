/**
 * Registries, reads, and the global order under concurrency.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/store/internal.js';
import {
  ContextDuplicateError,
  ContextInvalidError,
  PositionUnknownError,
  ReadOptionsInvalidError,
  SchemaVersionChangedError,
} from '../../src/events/errors.js';
import { toPosition, type RecordedEvent } from '../../src/events/types.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { TestDatabase } from '../support/databases.js';
import {
  append,
  OTHER_TICKET,
  statusChanged,
  TICKET,
  TICKET_CREATED_V1,
  ticketCreated,
} from '../support/fixtures.js';
import type { Harness } from './harness.js';

/** Registries, reads, and the global order under concurrency. */
export function readingConformance(harness: Harness): void {
  let db: TestDatabase;
  let store: EventStore;
  beforeEach(() => {
    ({ db, store } = harness.current());
  });

  describe('registries', () => {
    it('refuses to register a context twice or a malformed one', async () => {
      await expect(store.transaction((tx) => tx.registerContext(TICKET))).rejects.toBeInstanceOf(
        ContextDuplicateError,
      );
      await expect(
        store.transaction((tx) => tx.registerContext({ type: 'time entry', id: 'X' })),
      ).rejects.toBeInstanceOf(ContextInvalidError);
    });

    it('registers a schema version once and refuses a changed one', async () => {
      expect(await store.transaction((tx) => tx.registerEventSchema(TICKET_CREATED_V1))).toBe(
        'unchanged',
      );
      const changed = {
        ...TICKET_CREATED_V1,
        schema: { ...TICKET_CREATED_V1.schema, required: ['priority'] },
      };
      const error = await store
        .transaction((tx) => tx.registerEventSchema(changed))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaVersionChangedError);
      const [registered] = await store.listEventSchemas();
      expect((error as SchemaVersionChangedError).registeredSha256).toBe(registered?.sha256);
      expect((error as Error).message).toContain(registered?.sha256);
      expect(
        (await store.listEventSchemas()).map((s) => `${s.eventType} v${s.schemaVersion}`),
      ).toEqual(['ticket.created v1', 'ticket.created v2', 'ticket.status_changed v1']);
    });
  });

  describe('reading', () => {
    let all: RecordedEvent[];
    beforeEach(async () => {
      all = await append(store, [
        ticketCreated({ occurredAt: '2026-11-02T10:00:00Z' }),
        statusChanged({ occurredAt: '2026-11-03T10:00:00Z' }),
        ticketCreated({ context: OTHER_TICKET, occurredAt: '2026-11-01T10:00:00Z' }),
        statusChanged({ context: OTHER_TICKET, occurredAt: '2026-11-04T10:00:00Z' }),
      ]);
    });

    it('pages through the log in order from a position', async () => {
      const first = await store.readLog({ limit: 2 });
      const rest = await store.readLog({
        after: first.at(-1)?.position ?? toPosition(0),
        limit: 10,
      });
      expect([...first, ...rest]).toEqual(all);
      expect(await store.readLog({ after: all[3]?.position ?? toPosition(0) })).toEqual([]);
    });

    it('refuses a position that no event has, and a limit out of range', async () => {
      await expect(store.readLog({ after: toPosition(999) })).rejects.toBeInstanceOf(
        PositionUnknownError,
      );
      await expect(store.readLog({ limit: 0 })).rejects.toBeInstanceOf(ReadOptionsInvalidError);
      await expect(store.readLog({ limit: 10_001 })).rejects.toBeInstanceOf(
        ReadOptionsInvalidError,
      );
    });

    it('reads events of a type within an occurred_at range, in occurred_at order', async () => {
      const created = await store.readByType({ eventTypes: ['ticket.created'] });
      expect(created.map((e) => e.context.id)).toEqual(['T-1043', 'T-1042']);
      const window = await store.readByType({
        eventTypes: ['ticket.created', 'ticket.status_changed'],
        occurredFrom: '2026-11-02T00:00:00Z',
        occurredBefore: '2026-11-04T00:00:00Z',
      });
      expect(window.map((e) => e.occurredAt)).toEqual([
        '2026-11-02T10:00:00.000Z',
        '2026-11-03T10:00:00.000Z',
      ]);
      const types = ['ticket.created', 'ticket.status_changed'];
      const page1 = await store.readByType({ eventTypes: types, limit: 3 });
      const page2 = await store.readByType({
        eventTypes: types,
        after: page1[2]?.position ?? toPosition(0),
      });
      expect([...page1, ...page2].map((e) => e.occurredAt)).toEqual([
        '2026-11-01T10:00:00.000Z',
        '2026-11-02T10:00:00.000Z',
        '2026-11-03T10:00:00.000Z',
        '2026-11-04T10:00:00.000Z',
      ]);
    });

    it('gets one event by id, and nothing for an unknown id', async () => {
      expect(await store.getEvent(all[1]?.id ?? '')).toEqual(all[1]);
      expect(await store.getEvent('0190a1b2-0000-7000-8000-000000000000')).toBeUndefined();
      expect(await store.getEvent('nonsense')).toBeUndefined();
    });

    it('reports the head position', async () => {
      expect(await store.headPosition()).toBe(all[3]?.position);
    });

    it('runs read-only SQL with placeholders, and refuses SQL that writes', async () => {
      const rows = await store.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM domain_events WHERE context_id = $1',
        ['T-1042'],
      );
      expect(Number(rows[0]?.n)).toBe(2);
      await store.transaction((tx) => tx.sql.execute('CREATE TABLE scratch_rows (n INTEGER)'));
      for (const statement of [
        'INSERT INTO scratch_rows (n) VALUES (1)',
        'WITH x AS (SELECT 1) DELETE FROM scratch_rows',
        '  update scratch_rows SET n = 2',
        'BEGIN',
        // Settings that would outlive the read on the connection the store goes on using.
        "SELECT set_config('TimeZone', 'America/New_York', false)",
        'SET search_path = public',
        'PRAGMA ignore_check_constraints = ON',
        'DISCARD ALL',
        // A comment before the keyword hides nothing, nested as PostgreSQL nests them or not.
        '/* note */ DELETE FROM scratch_rows',
        '-- note\n  DELETE FROM scratch_rows',
        '/* a /* nested */ note */ DELETE FROM scratch_rows',
        "/* note */ SET TimeZone = 'America/New_York'",
        // PostgreSQL ends a line comment at a carriage return too.
        '-- note\rDELETE FROM scratch_rows',
        // Statements that run others, or make a table.
        'EXPLAIN ANALYZE DELETE FROM scratch_rows',
        'DO $$ BEGIN DELETE FROM scratch_rows; END $$',
        'EXECUTE pet_move_checkpoint(1)',
        'SELECT * INTO scratch_copy FROM scratch_rows',
        "UPDATE pg_settings SET setting = 'UTC' WHERE name = 'TimeZone'",
        "SELECT \"set_config\"('TimeZone', 'UTC', false)",
      ]) {
        await expect(store.query(statement), statement).rejects.toMatchObject({
          code: 'PET_UNIT_OF_WORK_INVALID',
        });
      }
      // Nor does a second statement after a semicolon: the database takes one.
      await expect(store.query('SELECT 1; DELETE FROM scratch_rows')).rejects.toThrow();

      const [left] = await store.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM scratch_rows',
      );
      expect(Number(left?.n)).toBe(0);
    });
  });

  describe('ordering under concurrency', () => {
    it('never reads past an event whose transaction is still open, and reads it once it commits', async () => {
      const writer = db.openAnother();
      await append(store, [ticketCreated({ context: OTHER_TICKET })]);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let appended!: () => void;
      const appendedSignal = new Promise<void>((resolve) => (appended = resolve));
      const slow = writer.transaction(async (tx) => {
        await appendEvents(tx, [ticketCreated()]);
        appended();
        await held;
      });
      await appendedSignal;
      let checkpoint = (await store.readLog()).at(-1)?.position ?? toPosition(0);
      expect(checkpoint).toBe(1n);
      if (store.capabilities.concurrentWriters) {
        // Others append and commit while the slow transaction is open.
        for (let i = 0; i < 5; i += 1)
          await append(store, [statusChanged({ context: OTHER_TICKET })]);
        expect(await store.readLog({ after: checkpoint })).toEqual([]);
        expect(await store.headPosition()).toBe(1n);
      }
      release();
      await slow;
      const seen: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readLog({ after: checkpoint, limit: 2 });
        if (page.length === 0) break;
        seen.push(...page);
        checkpoint = page.at(-1)?.position ?? checkpoint;
      }
      const slowEvents = seen.filter((e) => e.context.id === TICKET.id);
      expect(slowEvents).toHaveLength(1);
      expect(seen).toHaveLength(store.capabilities.concurrentWriters ? 6 : 1);
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    });

    it('gives a reader following 8 concurrent writers every event once, in the order of a full read', async () => {
      const writers = Array.from({ length: 8 }, () => db.openAnother());
      const perWriter = 25;
      for (let w = 0; w < writers.length; w += 1) {
        await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: `W-${w}` }));
      }
      let done = false;
      const writing = Promise.all(
        writers.map(async (writer, w) => {
          for (let i = 0; i < perWriter; i += 1) {
            await append(writer, [
              ticketCreated({
                context: { type: 'ticket', id: `W-${w}` },
              }),
            ]);
          }
        }),
      ).finally(() => (done = true));
      const followed: RecordedEvent[] = [];
      let checkpoint = toPosition(0);
      for (;;) {
        const finished = done;
        const page = await store.readLog({ after: checkpoint, limit: 7 });
        followed.push(...page);
        checkpoint = page.at(-1)?.position ?? checkpoint;
        if (finished && page.length === 0) break;
      }
      await writing;
      const total = writers.length * perWriter;
      const full = await store.readLog({ limit: 10_000 });
      expect(followed.map((e) => e.id)).toEqual(full.map((e) => e.id));
      expect(new Set(followed.map((e) => e.id)).size).toBe(total);
      expect([...followed.map((e) => e.position)].sort((a, b) => (a < b ? -1 : 1))).toEqual(
        Array.from({ length: total }, (_, i) => BigInt(i + 1)),
      );
      for (let w = 0; w < writers.length; w += 1) {
        const versions = followed
          .filter((e) => e.context.id === `W-${w}`)
          .map((e) => e.contextVersion);
        expect(versions).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
      }
    });
  });
}
