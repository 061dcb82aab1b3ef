/**
 * Consumers running live, run once per adapter: woken by appends, one active runner per
 * consumer, takeover when the holder dies, retries after a failing handler.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { defineConsumer } from '../../src/consumers/consumer.js';
import { startConsumer, type ConsumerRunner } from '../../src/consumers/runner.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import {
  append,
  CreatedV1,
  CreatedV2,
  OTHER_TICKET,
  TICKET,
  ticketCreated,
} from '../support/fixtures.js';
import { useSeededDatabase } from './harness.js';

/** Polls `check` until it holds, for at most `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs every live-consumer behaviour against the databases `factory` makes. */
export function runnerConformance(factory: DatabaseFactory): void {
  describe('running consumers', () => {
    const harness = useSeededDatabase(factory);
    let db: TestDatabase;
    let store: EventStore;
    let name: string;
    const runners: ConsumerRunner[] = [];
    beforeEach(async () => {
      ({ db, store } = harness.current());
      name = `projection-${Math.random().toString(36).slice(2, 8)}`;
      await db.raw.run('CREATE TABLE test_seen (event_id TEXT NOT NULL, runner TEXT NOT NULL)');
      return async () => {
        await Promise.all(runners.splice(0).map((r) => r.stop()));
      };
    });

    /** A projection that records which runner saw which event; `fail` makes it throw. */
    function projection(
      runner: string,
      fail: () => boolean = () => false,
      consumerName: string = name,
    ) {
      const see = async (
        id: string,
        sql: { execute: (t: string, p: string[]) => Promise<number> },
      ) => {
        if (fail()) throw new Error('read model unavailable');
        await sql.execute('INSERT INTO test_seen (event_id, runner) VALUES ($1, $2)', [id, runner]);
      };
      return defineConsumer({
        name: consumerName,
        kind: 'projection',
        contracts: [CreatedV1, CreatedV2],
        handlers: {
          'ticket.created@1': (event, { sql }) => see(event.id, sql),
          'ticket.created@2': (event, { sql }) => see(event.id, sql),
        },
      });
    }

    const seen = async () =>
      (await db.raw.run('SELECT event_id, runner FROM test_seen')) as {
        event_id: string;
        runner: string;
      }[];
    const caughtUp = async () =>
      (await store.readCheckpoint(name)) === (await store.headPosition());

    it('is woken by an append from another store at once, not by its poll', async () => {
      runners.push(startConsumer(store, projection('a'), { pollIntervalMs: 60_000 }));
      await eventually(() => runners[0]?.state === 'live');
      await append(db.openAnother(), [ticketCreated(), ticketCreated({ context: OTHER_TICKET })]);
      await eventually(async () => (await seen()).length === 2, 5000);
      expect(await caughtUp()).toBe(true);
    });

    if (factory.dialect === 'postgres') {
      it('listens again after its LISTEN connection is lost, and is woken at once', async () => {
        runners.push(startConsumer(store, projection('a'), { pollIntervalMs: 60_000 }));
        await eventually(() => runners[0]?.state === 'live');
        const listeners = async () =>
          (await db.raw.run(
            `SELECT pid FROM pg_stat_activity
              WHERE application_name = current_schema() || ' append listener'
                AND query LIKE 'LISTEN%'`,
          )) as { pid: number }[];
        const [lost] = await listeners();
        expect(lost).toBeDefined();
        await db.raw.run(`SELECT pg_terminate_backend(${lost?.pid})`);
        await eventually(async () => {
          const now = await listeners();
          return now.length === 1 && now[0]?.pid !== lost?.pid;
        }, 5000);
        await append(db.openAnother(), [ticketCreated()]);
        await eventually(async () => (await seen()).length === 1, 5000);
      });
    }

    it('handles appends that come together in one batch when asked to settle, and stops during the wait', async () => {
      let runs = 0;
      const counted = { ...projection('a'), runState: () => (runs += 1) };
      runners.push(startConsumer(store, counted, { pollIntervalMs: 60_000, settleMs: 500 }));
      await eventually(() => runners[0]?.state === 'live');
      const before = runs;
      for (let i = 0; i < 4; i += 1) await append(store, [ticketCreated()]);
      await eventually(async () => (await seen()).length === 4, 5000);
      expect(runs - before).toBe(1);

      // A stop does not wait for the settling to end.
      const slow = startConsumer(
        store,
        projection('b', () => false, `${name}-slow`),
        {
          pollIntervalMs: 60_000,
          settleMs: 600_000,
        },
      );
      await eventually(() => slow.state === 'live');
      await append(store, [ticketCreated()]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await slow.stop();
      expect(slow.state).toBe('stopped');
    });

    it('runs one runner per consumer; the standby takes over when the holder dies', async () => {
      const options = { pollIntervalMs: 60_000, standbyRetryMs: 50 };
      const first = startConsumer(store, projection('first'), options);
      runners.push(first);
      await eventually(() => first.state === 'live');
      const second = startConsumer(db.openAnother(), projection('second'), options);
      runners.push(second);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(second.state).toBe('standby');

      for (let i = 0; i < 3; i += 1)
        await append(store, [ticketCreated({ context: i % 2 ? TICKET : OTHER_TICKET })]);
      await eventually(async () => (await seen()).length === 3);

      // The holder dies: its lease connection is gone (terminated on PostgreSQL), and it
      // runs no more.
      if (factory.dialect === 'postgres') {
        await db.raw.run(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pet-events consumer ${name}'`,
        );
      }
      await first.stop();
      await eventually(() => second.state === 'live');
      for (let i = 0; i < 3; i += 1) await append(store, [ticketCreated({ context: TICKET })]);
      await eventually(async () => (await seen()).length === 6);
      const rows = await seen();
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(6);
      expect(rows.filter((r) => r.runner === 'first')).toHaveLength(3);
      expect(rows.filter((r) => r.runner === 'second')).toHaveLength(3);
      expect(await caughtUp()).toBe(true);
    });

    it('stops at a failing event, reports it, retries with back-off, and recovers; others run on', async () => {
      let failing = true;
      const healthy = startConsumer(
        store,
        projection('healthy', () => false, `${name}-healthy`),
        {
          pollIntervalMs: 60_000,
        },
      );
      runners.push(healthy);
      const runner = startConsumer(
        store,
        projection('a', () => failing),
        {
          pollIntervalMs: 60_000,
          initialBackoffMs: 20,
          maxBackoffMs: 50,
        },
      );
      runners.push(runner);
      const [event] = await append(store, [ticketCreated()]);
      await eventually(() => runner.state === 'failing');
      // The other consumer handled the event meanwhile.
      await eventually(async () => (await seen()).some((row) => row.runner === 'healthy'));
      expect(healthy.state).toBe('live');
      expect(runner.lastError).toMatchObject({
        code: 'PET_CONSUMER_HANDLER_FAILED',
        position: event?.position,
        eventId: event?.id,
      });
      expect(await store.readCheckpoint(name)).toBe(0n);
      failing = false;
      await eventually(
        async () =>
          runner.state === 'live' && (await seen()).filter((r) => r.runner === 'a').length === 1,
      );
      expect(runner.lastError).toBeNull();
    });
  });
}
