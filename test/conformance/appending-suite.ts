/**
 * Appending events and the rejections of bad appends.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/store/internal.js';
import {
  ActorUnknownError,
  ContextInvalidError,
  ContextUnresolvedError,
  ContextVersionConflictError,
  EventIdDuplicateError,
  EventInvalidError,
  EventTypeInvalidError,
  EventTypeUnknownError,
  IdempotencyKeyDuplicateError,
  OccurredInFutureError,
  PayloadInvalidError,
  SchemaVersionUnregisteredError,
  TransactionAbortedError,
} from '../../src/events/errors.js';
import { type NewEvent } from '../../src/events/types.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { TestDatabase } from '../support/databases.js';
import {
  ACME,
  ALICE,
  append,
  OTHER_TICKET,
  statusChanged,
  TICKET,
  ticketCreated,
} from '../support/fixtures.js';
import type { Harness } from './harness.js';

/** Appending events and the rejections of bad appends. */
export function appendingConformance(harness: Harness): void {
  let db: TestDatabase;
  let store: EventStore;
  beforeEach(() => {
    ({ db, store } = harness.current());
  });
  const { expectRejected } = harness;

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

    it('continues positions and versions across handles, and after an append that rolled back', async () => {
      const other = db.openAnother();
      await append(store, [ticketCreated()]);
      await append(other, [statusChanged()]);
      // This handle must see what the other one appended.
      await append(store, [statusChanged(), statusChanged()]);
      await expect(
        store.transaction(async (tx) => {
          await appendEvents(tx, [statusChanged()]);
          throw new Error('the work failed after its append');
        }),
      ).rejects.toThrow('the work failed after its append');
      // Nothing of the rolled-back append remains, not even a gap.
      await append(store, [statusChanged()]);
      await append(other, [statusChanged()]);
      await append(store, [statusChanged({ expectedContextVersion: 6 })]);
      const log = await store.readLog();
      expect(log.map((e) => e.contextVersion)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const positions = log.map((e) => e.position);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(await other.headPosition()).toBe(positions.at(-1));
      // SQLite numbers the log without gaps; PostgreSQL's sequence keeps the number the
      // rolled-back append drew.
      if (store.dialect === 'sqlite') expect(positions).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
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
}
