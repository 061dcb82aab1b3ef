/**
 * The event store conformance suite: every storage behaviour, run once per adapter.
 */
import { appendEvents } from '../../src/store/internal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ActorUnknownError,
  ContextDuplicateError,
  ContextInvalidError,
  ContextUnresolvedError,
  ContextVersionConflictError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeInvalidError,
  EventTypeUnknownError,
  IdempotencyKeyDuplicateError,
  MigrationChangedError,
  OccurredInFutureError,
  PayloadInvalidError,
  PositionUnknownError,
  ReadOptionsInvalidError,
  SchemaVersionChangedError,
  SchemaVersionUnregisteredError,
  TransactionAbortedError,
  type PetError,
} from '../../src/events/errors.js';
import { toPosition, type NewEvent, type RecordedEvent } from '../../src/events/types.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory, RawSql, TestDatabase } from '../support/databases.js';
import {
  ACME,
  ALICE,
  append,
  OTHER_TICKET,
  seedFixture,
  statusChanged,
  TICKET,
  TICKET_CREATED_V1,
  ticketCreated,
} from '../support/fixtures.js';

/** Runs every storage behaviour against the databases `factory` makes. */
export function eventStoreConformance(factory: DatabaseFactory): void {
  let db: TestDatabase;
  let store: EventStore;

  beforeEach(async () => {
    db = await factory.create();
    store = db.store;
    await seedFixture(store);
  });
  afterEach(async () => {
    await db.cleanup();
  });

  /** Asserts a rejection's class and code, and that the log did not move. */
  async function expectRejected(
    attempt: () => Promise<unknown>,
    errorClass: new (...args: never[]) => PetError,
    code: string,
    message?: RegExp,
  ): Promise<void> {
    const head = await store.headPosition();
    const error = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as PetError).code).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
    expect(await store.headPosition()).toBe(head);
  }

  describe('migrations', () => {
    it('applies nothing when migrated twice', async () => {
      const again = await store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.current).toBeGreaterThanOrEqual(1);
    });

    it('refuses a database whose applied migration was edited since', async () => {
      await db.raw.run("UPDATE pet_schema_migrations SET sha256 = 'edited' WHERE version = 1");
      const error = await store.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationChangedError);
      expect((error as PetError).code).toBe('PET_MIGRATION_CHANGED');
    });
  });

  describe('append-only tables, tried with raw SQL through the driver', () => {
    beforeEach(async () => {
      await append(store, [ticketCreated()]);
      await store.transaction((tx) =>
        tx.deprecateEventSchema({
          eventType: 'ticket.created',
          schemaVersion: 2,
          reason: 'test row',
        }),
      );
    });
    const tables = [
      'domain_events',
      'event_schema_versions',
      'event_types',
      'contexts',
      'event_schema_deprecations',
    ];

    it.each(tables)('rejects UPDATE on %s', async (table) => {
      const column =
        table === 'domain_events'
          ? 'actor_employee_id'
          : table === 'event_schema_deprecations'
            ? 'reason'
            : 'registered_at';
      const value = table === 'domain_events' ? 'NULL' : column;
      await expect(db.raw.run(`UPDATE ${table} SET ${column} = ${value}`)).rejects.toThrow(
        /PET_APPEND_ONLY: UPDATE on /,
      );
    });

    it.each(tables)('rejects DELETE on %s', async (table) => {
      await expect(db.raw.run(`DELETE FROM ${table}`)).rejects.toThrow(
        /PET_APPEND_ONLY: DELETE on /,
      );
      expect((await db.raw.run(`SELECT COUNT(*) AS n FROM ${table}`)).length).toBe(1);
    });

    if (factory.dialect === 'postgres') {
      it.each(tables)('rejects TRUNCATE on %s', async (table) => {
        await expect(db.raw.run(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(
          /PET_APPEND_ONLY: TRUNCATE on /,
        );
      });
    }

    it('keeps the event intact after every attempt', async () => {
      await db.raw.run('DELETE FROM domain_events').catch(() => undefined);
      const [event] = await store.readLog();
      expect(event?.actorEmployeeId).toBe(ALICE.id);
    });
  });

  describe('rules the database enforces on its own, tried with raw SQL', () => {
    const raw = () => db.raw;

    it('rejects an event type name that breaks the grammar', async () => {
      for (const name of [
        'Ticket.created',
        'ticket',
        'ticket.created.v2',
        'ticket-x.created',
        '1ticket.created',
        'ticket.',
      ]) {
        await expect(
          raw().run(`INSERT INTO event_types (event_type) VALUES ('${name}')`),
        ).rejects.toThrow(/event_type_check/);
      }
      await raw().run("INSERT INTO event_types (event_type) VALUES ('time_entry.submitted')");
    });

    it('rejects an event whose type and version are not registered', async () => {
      await expect(insertRaw(raw(), factory.dialect, { schema_version: '9' })).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      );
    });

    it('rejects a context id with control characters', async () => {
      await expect(
        raw().run(
          "INSERT INTO contexts (context_type, context_id) VALUES ('ticket', 'T-' || char(10) || '1')".replace(
            'char(10)',
            factory.dialect === 'sqlite' ? 'char(10)' : 'chr(10)',
          ),
        ),
      ).rejects.toThrow(/context_id_check/);
    });

    it('rejects an event whose causation names no recorded event', async () => {
      await expect(
        insertRaw(raw(), factory.dialect, {
          causation_id: "'0190a1b2-0000-7000-8000-000000000000'",
        }),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/);
    });

    it('rejects an event whose context is not registered', async () => {
      await expect(insertRaw(raw(), factory.dialect, { context_id: "'T-404'" })).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      );
    });

    it('rejects an actor that is not a registered employee', async () => {
      // C-acme is registered, but as a customer.
      await expect(
        insertRaw(raw(), factory.dialect, { actor_employee_id: "'C-acme'" }),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/);
    });

    it('rejects a second event with the same context version', async () => {
      await insertRaw(raw(), factory.dialect, {});
      await expect(insertRaw(raw(), factory.dialect, {})).rejects.toThrow(/UNIQUE|unique/);
      await insertRaw(raw(), factory.dialect, { context_version: '2' });
    });

    it('rejects a second event with the same idempotency key', async () => {
      await insertRaw(raw(), factory.dialect, { idempotency_key: "'k-1'" });
      await expect(
        insertRaw(raw(), factory.dialect, { idempotency_key: "'k-1'", context_version: '2' }),
      ).rejects.toThrow(/UNIQUE|unique/);
    });
  });

  describe('appending and reading back', () => {
    it('records every field and sets recorded_at and versions itself', async () => {
      const before = Date.now();
      const [recorded] = await append(store, [
        ticketCreated({ occurredAt: '2026-11-20T09:30:00+01:00', idempotencyKey: 'create-T-1042' }),
      ]);
      const [read] = await store.readLog();
      expect(read).toEqual(recorded);
      expect(read).toMatchObject({
        position: 1n,
        eventType: 'ticket.created',
        schemaVersion: 1,
        context: TICKET,
        contextVersion: 1,
        occurredAt: '2026-11-20T08:30:00.000Z',
        actorEmployeeId: ALICE.id,
        payload: { customer_id: ACME.id, priority: 'high' },
        idempotencyKey: 'create-T-1042',
        correlationId: null,
        causationId: null,
      });
      expect(read?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(Date.parse(read?.recordedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
      expect(read?.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('defaults occurred_at to now and allows a system event with no actor', async () => {
      const [recorded] = await append(store, [ticketCreated({ actorEmployeeId: null })]);
      expect(recorded?.actorEmployeeId).toBeNull();
      expect(Math.abs(Date.parse(recorded?.occurredAt ?? '') - Date.now())).toBeLessThan(5000);
    });

    it('numbers each context from 1 within a batch that spans contexts', async () => {
      const recorded = await append(store, [
        ticketCreated(),
        ticketCreated({ context: OTHER_TICKET }),
        statusChanged(),
        statusChanged({ context: OTHER_TICKET }),
        statusChanged({ payload: { from_status: 'open', to_status: 'pending' } }),
      ]);
      expect(recorded.map((e) => [e.context.id, e.contextVersion])).toEqual([
        ['T-1042', 1],
        ['T-1043', 1],
        ['T-1042', 2],
        ['T-1043', 2],
        ['T-1042', 3],
      ]);
      const positions = recorded.map((e) => e.position);
      expect(positions).toEqual([1n, 2n, 3n, 4n, 5n]);
      await append(store, [
        statusChanged({ payload: { from_status: 'pending', to_status: 'open' } }),
      ]);
      const context = await store.readContext(TICKET);
      expect(context.map((e) => e.contextVersion)).toEqual([1, 2, 3, 4]);
      expect(
        (await store.readContext(TICKET, { afterVersion: 2 })).map((e) => e.contextVersion),
      ).toEqual([3, 4]);
    });

    it('keeps two schema versions of one type side by side', async () => {
      await append(store, [
        ticketCreated(),
        ticketCreated({
          context: OTHER_TICKET,
          schemaVersion: 2,
          payload: { customer_id: ACME.id, priority: 'low', sla_version: 3 },
        }),
      ]);
      expect((await store.readLog()).map((e) => e.schemaVersion)).toEqual([1, 2]);
    });

    it('appends with an expected context version and reports a stale one with both versions', async () => {
      await append(store, [ticketCreated({ expectedContextVersion: 0 })]);
      await append(store, [statusChanged({ expectedContextVersion: 1 })]);
      await expectRejected(
        () => append(store, [statusChanged({ expectedContextVersion: 1 })]),
        ContextVersionConflictError,
        'PET_CONTEXT_VERSION_CONFLICT',
        /ticket\/T-1042 expected version 1, actual 2/,
      );
      await expectRejected(
        () => append(store, [statusChanged({ expectedContextVersion: 5 })]),
        ContextVersionConflictError,
        'PET_CONTEXT_VERSION_CONFLICT',
        /expected version 5, actual 2/,
      );
    });

    it('lets exactly one of two concurrent appends with the same expected version win', async () => {
      await append(store, [ticketCreated()]);
      const other = db.openAnother();
      const results = await Promise.allSettled([
        append(store, [statusChanged({ expectedContextVersion: 1 })]),
        append(other, [statusChanged({ expectedContextVersion: 1 })]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(
        ContextVersionConflictError,
      );
      expect((await store.readContext(TICKET)).map((e) => e.contextVersion)).toEqual([1, 2]);
    });
  });

  describe('rejections: a stable code, the offending value, nothing written', () => {
    it('rejects an unregistered event type', () =>
      expectRejected(
        () => append(store, [ticketCreated({ eventType: 'ticket.merged' })]),
        EventTypeUnknownError,
        'PET_EVENT_TYPE_UNKNOWN',
        /ticket\.merged/,
      ));

    it('rejects an unregistered schema version', () =>
      expectRejected(
        () => append(store, [ticketCreated({ schemaVersion: 7 })]),
        SchemaVersionUnregisteredError,
        'PET_SCHEMA_VERSION_UNREGISTERED',
        /ticket\.created v7/,
      ));

    it('rejects an event whose context does not resolve', () =>
      expectRejected(
        () => append(store, [ticketCreated({ context: { type: 'ticket', id: 'T-991' } })]),
        ContextUnresolvedError,
        'PET_CONTEXT_UNRESOLVED',
        /Context not resolvable: ticket\/T-991 \(event ticket\.created\)/,
      ));

    it('rejects an actor who is not a registered employee', () =>
      expectRejected(
        () => append(store, [ticketCreated({ actorEmployeeId: 'E-ghost' })]),
        ActorUnknownError,
        'PET_ACTOR_UNKNOWN',
        /employee\/E-ghost/,
      ));

    it('rejects a type name that breaks the grammar', () =>
      expectRejected(
        () => append(store, [ticketCreated({ eventType: 'Ticket Created' })]),
        EventTypeInvalidError,
        'PET_EVENT_TYPE_INVALID',
        /"Ticket Created"/,
      ));

    it('rejects a duplicate idempotency key', async () => {
      await append(store, [ticketCreated({ idempotencyKey: 'k-1' })]);
      await expectRejected(
        () => append(store, [statusChanged({ idempotencyKey: 'k-1' })]),
        IdempotencyKeyDuplicateError,
        'PET_IDEMPOTENCY_KEY_DUPLICATE',
        /"k-1"/,
      );
    });

    it('rejects a duplicate event id', async () => {
      const [first] = await append(store, [ticketCreated()]);
      await expectRejected(
        () => append(store, [statusChanged({ id: first?.id ?? '' })]),
        EventIdDuplicateError,
        'PET_EVENT_ID_DUPLICATE',
      );
    });

    it('accepts an event that occurred up to the tolerance after now', async () => {
      const [event] = await append(store, [
        ticketCreated({ occurredAt: new Date(Date.now() + 4 * 60_000) }),
      ]);
      expect(Date.parse(event?.occurredAt ?? '')).toBeGreaterThan(Date.now());
    });

    it('validates and stores what the payload serialises to, not what the object claims', async () => {
      class Sneaky {
        toJSON() {
          return { priority: 'high' };
        }
      }
      const payload = Object.assign(new Sneaky(), { customer_id: ACME.id, priority: 'high' });
      await expectRejected(
        () =>
          append(store, [
            ticketCreated({
              schemaVersion: 2,
              payload: payload as unknown as Record<string, string>,
            }),
          ]),
        PayloadInvalidError,
        'PET_PAYLOAD_INVALID',
        /\/customer_id is required/,
      );
    });

    it('rejects an event that claims to occur after it is recorded', () =>
      expectRejected(
        () => append(store, [ticketCreated({ occurredAt: new Date(Date.now() + 3_600_000) })]),
        OccurredInFutureError,
        'PET_OCCURRED_AT_IN_FUTURE',
      ));

    it('rejects malformed events before touching the database', async () => {
      const malformed: Partial<NewEvent>[] = [
        { payload: [] as never },
        { payload: null as never },
        { schemaVersion: 0 },
        { schemaVersion: 1.5 },
        { occurredAt: 'yesterday' },
        { occurredAt: '2026-11-20 09:30' },
        { id: 'not-a-uuid' },
        { correlationId: 'x' },
        { idempotencyKey: '' },
        { payload: { big: 'x'.repeat(300_000) } },
        { payload: { nul: '\u0000' } },
      ];
      for (const overrides of malformed) {
        await expectRejected(
          () => append(store, [ticketCreated(overrides)]),
          EventInvalidError,
          'PET_EVENT_INVALID',
        );
      }
      await expectRejected(() => append(store, []), EventInvalidError, 'PET_EVENT_INVALID');
      await expectRejected(
        () => append(store, [ticketCreated({ context: { type: 'Ticket', id: 'T-1' } })]),
        ContextInvalidError,
        'PET_CONTEXT_INVALID',
      );
    });

    it('writes none of a batch when one of its events is rejected', async () => {
      await expectRejected(
        () =>
          append(store, [
            ticketCreated(),
            statusChanged(),
            ticketCreated({ context: { type: 'ticket', id: 'T-404' } }),
          ]),
        ContextUnresolvedError,
        'PET_CONTEXT_UNRESOLVED',
        /T-404/,
      );
      expect(await store.readLog()).toEqual([]);
    });

    it('refuses to go on, or commit, after a failed append in the same transaction', async () => {
      const attempt = () =>
        store.transaction(async (tx) => {
          await tx.registerContext({ type: 'ticket', id: 'T-2000' });
          await appendEvents(tx, [ticketCreated()]);
          await appendEvents(tx, [ticketCreated({ eventType: 'ticket.merged' })]).catch(
            () => undefined,
          );
          return appendEvents(tx, [statusChanged()]);
        });
      await expectRejected(attempt, TransactionAbortedError, 'PET_TRANSACTION_ABORTED');
      expect(await store.readLog()).toEqual([]);
      expect(await store.readContext({ type: 'ticket', id: 'T-2000' })).toEqual([]);
      // The context registered in the rolled-back transaction is gone too.
      await expectRejected(
        () => append(store, [ticketCreated({ context: { type: 'ticket', id: 'T-2000' } })]),
        ContextUnresolvedError,
        'PET_CONTEXT_UNRESOLVED',
      );
    });

    it('refuses to commit a transaction whose work swallowed an append error', async () => {
      const attempt = () =>
        store.transaction(async (tx) => {
          await appendEvents(tx, [ticketCreated()]);
          await appendEvents(tx, [statusChanged({ actorEmployeeId: 'E-ghost' })]).catch(
            () => undefined,
          );
        });
      await expectRejected(attempt, TransactionAbortedError, 'PET_TRANSACTION_ABORTED');
      expect(await store.readLog()).toEqual([]);
    });

    it('rolls back everything when the work throws after an append', async () => {
      const attempt = store.transaction(async (tx) => {
        await appendEvents(tx, [ticketCreated()]);
        throw new Error('domain failure');
      });
      await expect(attempt).rejects.toThrow('domain failure');
      expect(await store.readLog()).toEqual([]);
    });
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

/** Inserts a `ticket.created` v1 row for T-1042 with raw SQL, with column overrides (SQL literals). */
function insertRaw(
  raw: RawSql,
  dialect: 'sqlite' | 'postgres',
  overrides: Record<string, string>,
): Promise<unknown[]> {
  const columns: Record<string, string> = {
    id: `'${crypto.randomUUID()}'`,
    event_type: "'ticket.created'",
    schema_version: '1',
    occurred_at: "'2026-11-20T09:30:00.000Z'",
    actor_employee_id: "'E-alice'",
    context_type: "'ticket'",
    context_id: "'T-1042'",
    context_version: '1',
    payload: `'{"priority":"low"}'`,
    ...overrides,
  };
  if (dialect === 'sqlite')
    columns.position = '(SELECT COALESCE(MAX(position), 0) + 1 FROM domain_events)';
  return raw.run(
    `INSERT INTO domain_events (${Object.keys(columns).join(', ')}) VALUES (${Object.values(columns).join(', ')})`,
  );
}
