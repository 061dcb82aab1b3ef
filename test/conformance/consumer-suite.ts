/**
 * Consumers, run once per adapter: version-exhaustive, deep-frozen events, a projection's
 * read model and checkpoint in one transaction, catch-up in batches.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { assertVersionsHandled, catchUp } from '../../src/consumers/catch-up.js';
import { defineConsumer, type HandlerContext } from '../../src/consumers/consumer.js';
import {
  ConsumerCheckpointMovedError,
  ConsumerHandlerFailedError,
  ConsumerVersionUnhandledError,
  type PetError,
} from '../../src/events/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import {
  ACME,
  append,
  OTHER_TICKET,
  statusChanged,
  TICKET,
  ticketCreated,
  CreatedV1,
  CreatedV2,
} from '../support/fixtures.js';
import { useSeededDatabase } from './harness.js';

const READ_MODEL =
  'CREATE TABLE test_ticket_priorities (event_id TEXT NOT NULL, ticket_id TEXT NOT NULL, priority TEXT NOT NULL, version INTEGER NOT NULL)';

/** A projection of ticket priorities; `failOn` makes its handler throw on that ticket. */
function priorities(failOn?: string) {
  const record = async (
    event: { id: string; context: { id: string }; payload: { priority: string } },
    version: number,
    { sql }: HandlerContext,
  ) => {
    if (event.context.id === failOn) throw new Error(`cannot project ${failOn}`);
    await sql.execute(
      'INSERT INTO test_ticket_priorities (event_id, ticket_id, priority, version) VALUES ($1, $2, $3, $4)',
      [event.id, event.context.id, event.payload.priority, version],
    );
  };
  return defineConsumer({
    name: 'ticket-priorities',
    kind: 'projection',
    contracts: [CreatedV1, CreatedV2],
    handlers: {
      'ticket.created@1': (event, context) => record(event, 1, context),
      'ticket.created@2': (event, context) => record(event, 2, context),
    },
  });
}

/** Runs every consumer behaviour against the databases `factory` makes. */
export function consumerConformance(factory: DatabaseFactory): void {
  describe('consumers', () => {
    const harness = useSeededDatabase(factory);
    let db: TestDatabase;
    let store: EventStore;
    beforeEach(async () => {
      ({ db, store } = harness.current());
      await db.raw.run(READ_MODEL);
    });

    const rows = () =>
      db.raw.run(
        'SELECT ticket_id, priority, version FROM test_ticket_priorities ORDER BY ticket_id, version',
      );

    it('refuses to start without a handler for every registered version, listing them', async () => {
      const onlyV1 = defineConsumer({
        name: 'v1-only',
        kind: 'projection',
        contracts: [CreatedV1],
        handlers: { 'ticket.created@1': () => undefined },
      });
      const error = await assertVersionsHandled(store, onlyV1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConsumerVersionUnhandledError);
      expect((error as PetError).code).toBe('PET_CONSUMER_VERSION_UNHANDLED');
      expect((error as ConsumerVersionUnhandledError).missing).toEqual(['ticket.created@2']);
      await expect(catchUp(store, onlyV1)).rejects.toBeInstanceOf(ConsumerVersionUnhandledError);
      // And the compiler refuses a handler table that leaves a contract out (never called:
      // at run time the same consumer is refused by defineConsumer itself).
      const incomplete = () =>
        defineConsumer({
          name: 'typed',
          kind: 'projection',
          contracts: [CreatedV1, CreatedV2],
          // @ts-expect-error: 'ticket.created@2' is missing
          handlers: { 'ticket.created@1': () => undefined },
        });
      expect(incomplete).toThrow(/handlers lack ticket\.created@2/);
    });

    it('runs queued writes in order, many per round trip, and traces a failing one to its event', async () => {
      await append(store, [ticketCreated()]);
      await append(store, [ticketCreated({ context: OTHER_TICKET })]);
      await store.transaction((tx) => tx.registerContext({ type: 'ticket', id: 'T-1044' }));
      await append(store, [ticketCreated({ context: { type: 'ticket', id: 'T-1044' } })]);
      const [, second] = await store.readLog();
      const seen: number[] = [];
      const queued = (failOn?: string) =>
        defineConsumer({
          name: failOn ? 'queued-failing' : 'queued',
          kind: 'projection',
          contracts: [CreatedV1, CreatedV2],
          handlers: {
            'ticket.created@1': async (event, { sql, defer }) => {
              // A duplicate event id makes the queued insert fail, as a broken write would.
              const eventId = event.context.id === failOn ? 'duplicate' : event.id;
              defer(
                'INSERT INTO test_ticket_priorities (event_id, ticket_id, priority, version) VALUES ($1, $2, $3, $4)',
                [eventId, event.context.id, event.payload.priority, 1],
              );
              defer('UPDATE test_ticket_priorities SET priority = $2 WHERE ticket_id = $1', [
                event.context.id,
                'queued',
              ]);
              // A later statement sees every write queued before it.
              const [row] = await sql.query<{ n: unknown }>(
                'SELECT count(*) AS n FROM test_ticket_priorities',
              );
              seen.push(Number(row?.n));
            },
            'ticket.created@2': () => undefined,
          },
        });
      await db.raw.run(
        'CREATE UNIQUE INDEX test_ticket_priorities_event ON test_ticket_priorities (event_id)',
      );
      await db.raw.run(
        "INSERT INTO test_ticket_priorities (event_id, ticket_id, priority, version) VALUES ('duplicate', 'T-0', 'low', 1)",
      );
      const failure = await catchUp(store, queued(OTHER_TICKET.id)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ConsumerHandlerFailedError);
      expect(failure).toMatchObject({ position: second?.position, eventId: second?.id });
      expect(await store.readCheckpoint('queued-failing')).toBe(0n);
      expect(await rows()).toHaveLength(1);
      seen.length = 0;
      await catchUp(store, queued());
      expect(seen).toEqual([2, 3, 4]);
      expect((await rows()).map((r) => (r as { priority: string }).priority)).toEqual([
        'low',
        'queued',
        'queued',
        'queued',
      ]);
    });

    it('batches writes with values that stay values, and refuses texts where a placeholder could hide', async () => {
      const hostile = "x'); DELETE FROM consumer_checkpoints; -- $1 /* \\";
      await store.transaction((tx) =>
        tx.sql.executeBatch([
          {
            text: 'INSERT INTO test_ticket_priorities (event_id, ticket_id, priority, version) VALUES ($1, $2, $3, $4)',
            params: ['e-1', hostile, 'high', 7],
          },
        ]),
      );
      expect(await rows()).toEqual([{ ticket_id: hostile, priority: 'high', version: 7 }]);
      for (const text of [
        "UPDATE test_ticket_priorities SET priority = 'low' WHERE ticket_id = $1",
        'UPDATE test_ticket_priorities SET priority = $2 WHERE ticket_id = $1 -- $3',
        'UPDATE test_ticket_priorities SET priority = $2; DELETE FROM test_ticket_priorities',
      ]) {
        const refused = await store
          .transaction((tx) => tx.sql.executeBatch([{ text, params: ['x', 'y'] }]))
          .catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: 'PET_UNIT_OF_WORK_INVALID' });
      }
      const missing = await store
        .transaction((tx) =>
          tx.sql.executeBatch([
            {
              text: 'UPDATE test_ticket_priorities SET priority = $2 WHERE ticket_id = $1',
              params: ['x'],
            },
          ]),
        )
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Error);
      expect(await rows()).toEqual([{ ticket_id: hostile, priority: 'high', version: 7 }]);
    });

    it('hands handlers deep-frozen events', async () => {
      await append(store, [ticketCreated()]);
      const attempts: unknown[] = [];
      const mutating = defineConsumer({
        name: 'mutating',
        kind: 'effect',
        contracts: [CreatedV1, CreatedV2],
        handlers: {
          'ticket.created@1': (event) => {
            for (const mutate of [
              () => ((event.payload as { priority: string }).priority = 'low'),
              () => ((event as { eventType: string }).eventType = 'ticket.merged'),
              () => ((event.context as { id: string }).id = 'T-0'),
            ]) {
              try {
                mutate();
                attempts.push('mutated');
              } catch (error) {
                attempts.push(error);
              }
            }
          },
          'ticket.created@2': () => undefined,
        },
      });
      await catchUp(store, mutating);
      expect(attempts).toHaveLength(3);
      for (const attempt of attempts) expect(attempt).toBeInstanceOf(TypeError);
      expect((await store.readLog())[0]?.payload).toEqual({
        customer_id: ACME.id,
        priority: 'high',
      });
    });

    it('projects every version with its own handler, once, in batches', async () => {
      await append(store, [ticketCreated(), statusChanged()]);
      await append(store, [
        ticketCreated({
          context: OTHER_TICKET,
          schemaVersion: 2,
          payload: { customer_id: ACME.id, priority: 'low', sla_version: 2 },
        }),
      ]);
      const progress: bigint[] = [];
      const result = await catchUp(store, priorities(), {
        batchSize: 2,
        onBatch: ({ position }) => progress.push(position),
      });
      expect(result.handled).toBe(3);
      expect(progress).toHaveLength(2);
      expect(await rows()).toEqual([
        { ticket_id: 'T-1042', priority: 'high', version: 1 },
        { ticket_id: 'T-1043', priority: 'low', version: 2 },
      ]);
      expect(await store.readCheckpoint('ticket-priorities')).toBe(await store.headPosition());
      expect((await catchUp(store, priorities())).handled).toBe(0);
      expect(await rows()).toHaveLength(2);
    });

    it('stops at a failing event without skipping it, then resumes exactly once', async () => {
      await append(store, [ticketCreated()]);
      await append(store, [ticketCreated({ context: OTHER_TICKET })]);
      const [, failing] = await store.readLog();
      const error = await catchUp(store, priorities('T-1043'), { batchSize: 10 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConsumerHandlerFailedError);
      expect(error).toMatchObject({
        code: 'PET_CONSUMER_HANDLER_FAILED',
        position: failing?.position,
        eventId: failing?.id,
      });
      // The batch rolled back with its checkpoint: nothing applied, nothing skipped.
      expect(await rows()).toEqual([]);
      expect(await store.readCheckpoint('ticket-priorities')).toBe(0n);
      expect((await catchUp(store, priorities())).handled).toBe(2);
      expect((await rows()).map((r) => (r as { ticket_id: string }).ticket_id)).toEqual([
        'T-1042',
        'T-1043',
      ]);
    });

    it('lets two runners of one projection race without applying any event twice', async () => {
      for (let i = 0; i < 6; i += 1) {
        await append(store, [ticketCreated({ context: i % 2 === 0 ? TICKET : OTHER_TICKET })]);
      }
      const runners = [store, db.openAnother(), db.openAnother()];
      const outcomes = await Promise.allSettled(
        runners.map((runner) => catchUp(runner, priorities(), { batchSize: 2 })),
      );
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ConsumerCheckpointMovedError);
        }
      }
      await catchUp(store, priorities());
      const ids = (await db.raw.run('SELECT event_id FROM test_ticket_priorities')).map(
        (r) => (r as { event_id: string }).event_id,
      );
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      expect(await store.readCheckpoint('ticket-priorities')).toBe(await store.headPosition());
    });

    it('delivers events to an effect consumer at least once, checkpointing each', async () => {
      await append(store, [ticketCreated(), ticketCreated({ context: OTHER_TICKET })]);
      const delivered: string[] = [];
      let fail = true;
      const relay = defineConsumer({
        name: 'relay',
        kind: 'effect',
        contracts: [CreatedV1, CreatedV2],
        handlers: {
          'ticket.created@1': (event) => {
            delivered.push(event.id);
            if (event.context.id === 'T-1043' && fail) throw new Error('webhook down');
          },
          'ticket.created@2': () => undefined,
        },
      });
      await expect(catchUp(store, relay)).rejects.toBeInstanceOf(ConsumerHandlerFailedError);
      const [first, second] = await store.readLog();
      expect(await store.readCheckpoint('relay')).toBe(first?.position);
      fail = false;
      await catchUp(store, relay);
      // The failed delivery is retried, with the id to deduplicate on; the first is not.
      expect(delivered).toEqual([first?.id, second?.id, second?.id]);
      expect(await store.readCheckpoint('relay')).toBe(second?.position);
    });
  });
}
