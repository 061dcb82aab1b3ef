/**
 * The main job on each database: the service with its consumers, a graceful stop under load,
 * and (PostgreSQL) two processes on one database.
 */
import { describe, expect, it } from 'vitest';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { startService, type RunningService } from '../../src/service/serve.js';
import { createToken } from '../../src/service/tokens.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory } from '../support/databases.js';
import { usePetWorld } from '../pet/world.js';

const QUIET = { port: 0, host: '127.0.0.1', demo: false, logger: false } as const;

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ticket = (i: number) => ({
  id: `T-${i}`,
  customerId: 'C-acme',
  subject: `Ticket ${i}`,
  priority: 'normal',
});

async function post(service: RunningService, token: string, url: string, body: unknown) {
  return fetch(`${service.url}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Every ticket row has its created event, and every created event its row. */
async function consistent(store: EventStore): Promise<{ rows: string[]; events: string[] }> {
  const rows = (await store.query<{ id: string }>('SELECT id FROM pet_tickets ORDER BY id')).map(
    (r) => r.id,
  );
  const events = (await store.readByType({ eventTypes: ['ticket.created'], limit: 10_000 }))
    .map((e) => e.context.id)
    .sort();
  return { rows, events };
}

export function serveConformance(factory: DatabaseFactory): void {
  describe('pet-events serve', () => {
    const world = usePetWorld(factory);

    it('runs the consumers beside the API and stops gracefully under load: what was acknowledged is whole', async () => {
      const w = world();
      const { token } = await createToken(w.store, { subject: { employeeId: 'E-sam' } });
      const service = await startService(w.store, QUIET);
      await until(
        () => service.runners.every((r) => r.state === 'live'),
        'the consumers to go live',
      );
      expect((await post(service, token, '/v1/tickets', ticket(0))).status).toBe(201);

      // Eight writers keep requests in flight; the stop comes while they run.
      let next = 1;
      let stopRequested = false;
      let finishedAfterStop = 0;
      const acknowledged: string[] = [];
      const refused: string[] = [];
      const writer = async () => {
        for (;;) {
          const body = ticket(next++);
          let response: Response;
          try {
            response = await post(service, token, '/v1/tickets', body);
          } catch {
            return; // the connection was refused or closed: the service is gone
          }
          const text = await response.text();
          if (response.status === 201) {
            acknowledged.push(body.id);
            if (stopRequested) finishedAfterStop += 1;
          } else {
            expect({ status: response.status, text }).toEqual({
              status: 503,
              text: expect.stringContaining('PET_SERVICE_STOPPING') as string,
            });
            refused.push(body.id);
            return;
          }
        }
      };
      const writers = Array.from({ length: 8 }, writer);
      await until(() => acknowledged.length >= 30, 'thirty acknowledged writes');
      stopRequested = true;
      await service.stop();
      await Promise.all(writers);

      // Requests that were running when the stop came were finished, not cut off.
      expect(finishedAfterStop).toBeGreaterThan(0);
      const { rows, events } = await consistent(w.store);
      expect(rows).toEqual(events);
      expect(rows).toEqual(expect.arrayContaining(['T-0', ...acknowledged]));
      // The consumers stopped at a checkpoint and released their leases.
      expect(service.runners.map((r) => r.state)).toEqual(PET_CONSUMERS.map(() => 'stopped'));
      await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    });

    // An SQLite file is for one process; PostgreSQL is for many.
    if (factory.dialect !== 'postgres') return;
    it('lets two processes share one database: both answer, each consumer runs once, a standby takes over', async () => {
      const w = world();
      const { token } = await createToken(w.store, { subject: { employeeId: 'E-sam' } });
      const other = w.db.openAnother();
      const first = await startService(w.store, QUIET);
      const second = await startService(other, QUIET);
      try {
        await until(
          () =>
            PET_CONSUMERS.every((_, i) =>
              [first.runners[i]?.state, second.runners[i]?.state].includes('live'),
            ),
          'every consumer to run somewhere',
        );
        for (const [i, consumer] of PET_CONSUMERS.entries()) {
          const states = [first.runners[i]?.state, second.runners[i]?.state].sort();
          expect({ consumer: consumer.name, states }).toEqual({
            consumer: consumer.name,
            states: ['live', 'standby'],
          });
        }
        expect((await post(first, token, '/v1/tickets', ticket(1))).status).toBe(201);
        expect((await post(second, token, '/v1/tickets', ticket(2))).status).toBe(201);
        const { rows, events } = await consistent(w.store);
        expect(rows).toEqual(['T-1', 'T-2']);
        expect(events).toEqual(rows);

        await first.stop();
        await until(
          () => second.runners.every((r) => r.state === 'live'),
          'the standby to take over',
        );
      } finally {
        await first.stop();
        await second.stop();
      }
    });
  });
}
