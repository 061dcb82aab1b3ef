/**
 * PostgreSQL restarted under API load (a private cluster, never the shared one): while it is
 * away requests fail cleanly, 503 with a code; they succeed again once it is back; nothing
 * acknowledged is lost; the consumers catch up to read models equal to a replay.
 */
import { describe, expect, it } from 'vitest';
import { verifyConsumer } from '../../src/consumers/read-model.js';
import { consumerReports } from '../../src/consumers/status.js';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { startService } from '../../src/service/serve.js';
import { createPostgresEventStore } from '../../src/store/postgres/store.js';
import { postgresFactory } from '../support/databases.js';
import { privatePostgresSkipReason, startPrivatePostgres } from '../support/private-postgres.js';
import { missingEvents, stateLogMismatches } from '../support/service-checks.js';
import { seedServiceFirm } from '../support/service-firm.js';
import { startLoad, until } from '../support/service-load.js';

const skipReason = postgresFactory.skipReason ?? privatePostgresSkipReason;

describe.skipIf(skipReason !== undefined)(
  `PostgreSQL restarted under load${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    it('answers 503 with a code while the database is away, then succeeds again, losing nothing acknowledged', async () => {
      const server = await startPrivatePostgres();
      const store = createPostgresEventStore({ connectionString: server.url });
      try {
        await store.migrate();
        const firm = await seedServiceFirm(store, { engineers: 4 });
        const service = await startService(store, {
          port: 0,
          host: '127.0.0.1',
          demo: false,
          logger: false,
          sealEveryMs: 100,
        });
        try {
          // Given a load appending through the API,
          const load = startLoad(service.url, firm, 'restart');
          await until('25 acknowledged commands', () => load.acknowledged() >= 25);
          // when PostgreSQL restarts under it,
          await server.restart();
          const atReturn = load.acknowledged();
          // then requests succeed again once it is back,
          await until('25 commands acknowledged after the restart', () => {
            return load.acknowledged() >= atReturn + 25;
          });
          const report = await load.stop();

          // and those that failed meanwhile failed cleanly: 503, a problem, a code.
          expect(report.unanswered).toBe(0);
          expect(report.refusals.length).toBeGreaterThan(0);
          const refusals = new Set(
            report.refusals.map((r) => `${r.status} ${r.contentType} ${r.code}`),
          );
          expect([...refusals]).toEqual([
            '503 application/problem+json; charset=utf-8 PET_DATABASE_UNAVAILABLE',
          ]);

          // Nothing acknowledged is lost; state and log agree.
          expect(await missingEvents(store, report.acknowledgedEvents)).toEqual([]);
          expect(await stateLogMismatches(store)).toEqual([]);
          // Ready again once the consumers that failed while it was away have retried (their
          // back-off doubles from 100 ms, so the last wait can outlast the load above).
          await until(
            'ready again',
            async () => (await fetch(`${service.url}/readyz`)).status === 200,
          );

          const head = await store.headPosition();
          await until('consumers at the head of the log', async () =>
            (await consumerReports(store, PET_CONSUMERS)).every((r) => r.position >= head),
          );
        } finally {
          await service.stop();
        }
        for (const consumer of PET_CONSUMERS) {
          expect((await verifyConsumer(store, consumer)).equal, consumer.name).toBe(true);
        }
      } finally {
        await store.close();
        await server.remove();
      }
    });
  },
);
