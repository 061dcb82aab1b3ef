/**
 * Operating consumers, on each database: the stored status behind `consumers status`,
 * rebuilds that are deterministic (same digest every time, the same as following the log
 * live), verifies that find the first difference, and the lease that keeps a rebuild away
 * from a running consumer. Over a small demo firm, with PET's own time projection.
 */
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/consumers/catch-up.js';
import { defineConsumer } from '../../src/consumers/consumer.js';
import {
  digestRows,
  readModelRows,
  rebuildConsumer,
  verifyConsumer,
} from '../../src/consumers/read-model.js';
import { startConsumer } from '../../src/consumers/runner.js';
import { consumerReports } from '../../src/consumers/status.js';
import { ConsumerBusyError } from '../../src/events/errors.js';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { timeByEmployee } from '../../src/pet/consumers/time-by-employee.js';
import { buildDemoFirm } from '../../src/pet/demo/firm.js';
import { TicketCreatedV1 } from '../../src/pet/ticket/contracts.js';
import { START } from '../../src/events/types.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory } from '../support/databases.js';
import { asAdmin, usePetWorld, type World } from '../pet/world.js';

async function firm(world: World): Promise<void> {
  await buildDemoFirm(world.pet, { scale: 1, seed: 3, days: 10 });
  // At least one correction, so both handlers run.
  await world.pet.timeEntries.submit(asAdmin(), {
    id: 'TE-x',
    employeeId: 'E-sam',
    startedAt: '2026-11-02T08:00:00Z',
    endedAt: '2026-11-02T10:00:00Z',
    minutes: 120,
    billable: true,
    workType: 'internal',
  });
  await world.pet.timeEntries.correct(asAdmin(), {
    id: 'TE-y',
    correctsId: 'TE-x',
    startedAt: '2026-11-02T08:00:00Z',
    endedAt: '2026-11-02T09:00:00Z',
    minutes: 45,
    billable: false,
    workType: 'internal',
  });
}

const liveDigest = async (store: EventStore) =>
  digestRows(
    await store.transaction((tx) => readModelRows(tx.sql, timeByEmployee.readModel ?? never())),
  );

function never(): never {
  throw new Error('the consumer declares a read model');
}

async function until(condition: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the consumer operations on the databases `factory` makes. */
export function consumerOperationsConformance(factory: DatabaseFactory): void {
  describe('operating consumers', () => {
    const world = usePetWorld(factory);

    it('rebuilds deterministically: twice the same digest, the same as following the log', async () => {
      const w = world();
      await firm(w);
      await catchUp(w.store, timeByEmployee, { batchSize: 97 });
      const followed = await liveDigest(w.store);
      const first = await rebuildConsumer(w.store, timeByEmployee);
      const second = await rebuildConsumer(w.store, timeByEmployee, { batchSize: 13 });
      expect(first.digest).toBe(followed);
      expect(second.digest).toBe(followed);
      expect(first.handled).toBe(Number((await w.store.backlog(START)).events));
      expect(await w.store.readCheckpoint(timeByEmployee.name)).toBe(await w.store.headPosition());
      const rows = await w.store.transaction((tx) =>
        tx.sql.query<{ minutes: unknown; billable_minutes: unknown }>(
          "SELECT minutes, billable_minutes FROM pet_rm_time_by_employee WHERE employee_id = 'E-sam' AND day = '2026-11-02'",
        ),
      );
      expect(rows.map((r) => [Number(r.minutes), Number(r.billable_minutes)])).toEqual([[45, 0]]);
    });

    it('rebuilds tables of an older declaration as they are declared now, with their indexes', async () => {
      const w = world();
      await firm(w);
      // The table as an earlier release declared it: another column, no index.
      await w.store.transaction((tx) =>
        tx.sql.execute(
          'CREATE TABLE pet_rm_time_by_employee (employee_id TEXT NOT NULL, day TEXT NOT NULL, hours INTEGER, PRIMARY KEY (employee_id, day))',
        ),
      );
      const declared = {
        ...timeByEmployee,
        readModel: {
          tables: (timeByEmployee.readModel ?? never()).tables.map((t) => ({
            ...t,
            indexes: [['day', 'minutes DESC']],
          })),
        },
      };
      const rebuilt = await rebuildConsumer(w.store, declared);
      expect(rebuilt.digest).toBe(await liveDigest(w.store));
      const [row] = await w.store.query('SELECT * FROM pet_rm_time_by_employee LIMIT 1');
      expect(Object.keys(row ?? {}).sort()).toEqual(
        ['billable_minutes', 'day', 'employee_id', 'entries', 'minutes'].sort(),
      );
      const indexes = await w.store.query<{ name: string }>(
        w.db.store.dialect === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pet_rm_time_by_employee' AND sql IS NOT NULL"
          : "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'pet_rm_time_by_employee' AND schemaname = current_schema() AND indexname NOT LIKE '%pkey'",
      );
      expect(indexes.map((i) => i.name)).toEqual(['pet_rm_time_by_employee_i1']);
    });

    it('verifies a read model against a replay, and reports the first difference', async () => {
      const w = world();
      await firm(w);
      await catchUp(w.store, timeByEmployee);
      const sound = await verifyConsumer(w.store, timeByEmployee);
      expect(sound).toMatchObject({ equal: true, firstDifference: null });
      expect(sound.replayDigest).toBe(sound.liveDigest);
      expect(sound.position).toBe(await w.store.headPosition());
      await w.db.raw.run(
        "UPDATE pet_rm_time_by_employee SET minutes = minutes + 1 WHERE employee_id = 'E-sam' AND day = '2026-11-02'",
      );
      const tampered = await verifyConsumer(w.store, timeByEmployee);
      expect(tampered.equal).toBe(false);
      expect(tampered.firstDifference).toEqual({
        table: 'pet_rm_time_by_employee',
        key: ['E-sam', '2026-11-02'],
        live: ['E-sam', '2026-11-02', '1', '46', '0'],
        replayed: ['E-sam', '2026-11-02', '1', '45', '0'],
      });
      // The verify left the live read model as it found it.
      expect(await verifyConsumer(w.store, timeByEmployee)).toMatchObject({ equal: false });
      await rebuildConsumer(w.store, timeByEmployee);
      expect(await verifyConsumer(w.store, timeByEmployee)).toMatchObject({ equal: true });
    });

    it('refuses to rebuild a consumer whose runner holds the lease', async () => {
      const w = world();
      const runner = startConsumer(w.store, timeByEmployee, { pollIntervalMs: 50 });
      try {
        await until(() => runner.state === 'live');
        await expect(rebuildConsumer(w.store, timeByEmployee)).rejects.toBeInstanceOf(
          ConsumerBusyError,
        );
      } finally {
        await runner.stop();
      }
      const rebuilt = await rebuildConsumer(w.store, timeByEmployee);
      expect(rebuilt.position).toBe(await w.store.headPosition());
    });

    it('stores each runner state, lag and failure for the status report', async () => {
      const w = world();
      await firm(w);
      let fail = true;
      const fragile = defineConsumer({
        name: 'test.fragile',
        kind: 'projection',
        contracts: [TicketCreatedV1],
        handlers: {
          'ticket.created@1': () => {
            if (fail) throw new Error('projection store unavailable');
          },
        },
      });
      const firstTicket = (
        await w.store.readByType({ eventTypes: ['ticket.created'], limit: 1 })
      )[0];
      const runner = startConsumer(w.store, fragile, { pollIntervalMs: 50, initialBackoffMs: 20 });
      try {
        await until(async () =>
          (await w.store.readConsumerStatuses()).some((s) => s.state === 'failing'),
        );
        const reports = await consumerReports(w.store, [...PET_CONSUMERS, fragile], new Date());
        const failing = reports.find((r) => r.consumer === 'test.fragile');
        expect(failing).toMatchObject({
          state: 'failing',
          lastError: {
            code: 'PET_CONSUMER_HANDLER_FAILED',
            position: firstTicket?.position,
            eventId: firstTicket?.id,
          },
        });
        expect(failing?.lastError?.message).toContain('projection store unavailable');
        expect(failing?.lagEvents).toBeGreaterThan(0);
        expect(failing?.lagEvents).toBe(
          Number((await w.store.backlog(failing?.position ?? never())).events),
        );
        expect(reports.find((r) => r.consumer === timeByEmployee.name)).toMatchObject({
          state: 'never-run',
          lagEvents: Number((await w.store.backlog(START)).events),
        });
        fail = false;
        await until(async () =>
          (await w.store.readConsumerStatuses()).some(
            (s) => s.consumer === 'test.fragile' && s.state === 'live',
          ),
        );
        const recovered = (await consumerReports(w.store, [fragile])).find(
          (r) => r.consumer === 'test.fragile',
        );
        expect(recovered).toMatchObject({
          state: 'live',
          lastError: null,
          lagEvents: 0,
          lagSeconds: 0,
        });
      } finally {
        await runner.stop();
      }
      const stopped = (await w.store.readConsumerStatuses()).find(
        (s) => s.consumer === 'test.fragile',
      );
      expect(stopped?.state).toBe('stopped');
    });
  });
}
