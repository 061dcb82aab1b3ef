/**
 * The service killed with SIGKILL while a load appends through its API: every acknowledged
 * write is in the log, no state row lacks its events or events their state, the log verifies,
 * and the consumers, started again, end with the read models a replay of the log builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/audit/verify.js';
import { verifyConsumer } from '../../src/consumers/read-model.js';
import { consumerReports } from '../../src/consumers/status.js';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { startService } from '../../src/service/serve.js';
import type { EventStore } from '../../src/store/event-store.js';
import {
  DATABASE_FACTORIES,
  POSTGRES_URL,
  type DatabaseFactory,
  type TestDatabase,
} from '../support/databases.js';
import { missingEvents, stateLogMismatches } from '../support/service-checks.js';
import { seedServiceFirm, type ServiceFirm } from '../support/service-firm.js';
import { startLoad, until } from '../support/service-load.js';
import {
  spawnService,
  type ServiceDatabase,
  type ServiceProcess,
} from '../support/service-process.js';

/** Where a child process finds the test's database. */
async function locate(store: EventStore): Promise<ServiceDatabase> {
  if (store.dialect === 'sqlite') {
    const [main] = await store.query<{ file: string }>(
      "SELECT file FROM pragma_database_list WHERE name = 'main'",
    );
    return { url: `sqlite:${main?.file ?? ''}` };
  }
  const [current] = await store.query<{ schema: string }>('SELECT current_schema() AS schema');
  return { url: POSTGRES_URL ?? '', schema: current?.schema ?? '' };
}

/** One database with the firm on it and the service running over it in a child process. */
interface KillSetup {
  readonly db: TestDatabase;
  readonly firm: ServiceFirm;
  readonly service: ServiceProcess;
}

async function setUp(factory: DatabaseFactory): Promise<KillSetup> {
  const db = await factory.create();
  const firm = await seedServiceFirm(db.store, { engineers: 4 });
  return { db, firm, service: await spawnService(await locate(db.store)) };
}

// Both databases' processes start together: starting one (from source) takes seconds.
const setups = new Map<string, KillSetup>();
beforeAll(async () => {
  const available = DATABASE_FACTORIES.filter((f) => f.skipReason === undefined);
  for (const [i, setup] of (await Promise.all(available.map(setUp))).entries()) {
    setups.set(available[i]?.dialect ?? '', setup);
  }
}, 60_000);
afterAll(async () => {
  for (const { service, db } of setups.values()) {
    service.child.kill('SIGKILL');
    await service.exited;
    await db.cleanup();
  }
});

for (const factory of DATABASE_FACTORIES) {
  describe.skipIf(factory.skipReason !== undefined)(
    `The service killed under load on ${factory.dialect}${factory.skipReason ? ` (SKIPPED: ${factory.skipReason})` : ''}`,
    () => {
      it('loses no acknowledged write and leaves state and log in step; consumers resume to what a replay builds', async () => {
        const setup = setups.get(factory.dialect);
        if (setup === undefined) throw new Error(`no ${factory.dialect} set-up`);
        const { db, firm, service } = setup;
        const { store } = db;

        // Given a load appending through the API,
        const load = startLoad(service.url, firm, 'kill');
        await until('40 acknowledged commands', () => load.acknowledged() >= 40);
        // when the process is killed in the middle of it,
        service.child.kill('SIGKILL');
        expect(await service.exited).toBe('SIGKILL');
        const report = await load.stop();

        // then every acknowledged write is there, and state and log agree.
        expect(report.acknowledged).toBeGreaterThanOrEqual(40);
        expect(report.refusals).toEqual([]);
        // (Requests in flight at the kill, and after it, got no answer.)
        expect(report.unanswered).toBeGreaterThan(0);
        expect(await missingEvents(store, report.acknowledgedEvents)).toEqual([]);
        expect(await stateLogMismatches(store)).toEqual([]);
        expect(await verifyLog(store)).toMatchObject({ ok: true });

        // Started again, it takes commands, and its consumers catch up with the log …
        const again = await startService(store, {
          port: 0,
          host: '127.0.0.1',
          demo: false,
          logger: false,
        });
        let head = 0n;
        try {
          const pending = await store.query<{ id: string }>(
            "SELECT id FROM pet_tickets WHERE status = 'pending'",
          );
          const after = startLoad(again.url, firm, 'after', new Set(pending.map((t) => t.id)));
          await until('a command after the restart', () => after.acknowledged() >= 4);
          const resumed = await after.stop();
          expect(resumed.refusals).toEqual([]);
          head = await store.headPosition();
          await until('consumers at the head of the log', async () =>
            (await consumerReports(store, PET_CONSUMERS)).every((r) => r.position >= head),
          );
        } finally {
          await again.stop();
        }
        // … to read models equal to a replay of the whole log.
        for (const consumer of PET_CONSUMERS) {
          const verified = await verifyConsumer(store, consumer);
          expect(verified.equal, consumer.name).toBe(true);
          expect(verified.position).toBeGreaterThanOrEqual(head);
        }
        expect(await stateLogMismatches(store)).toEqual([]);
      });
    },
  );
}
