/**
 * The main job: the HTTP service over a migrated store, PET's consumers (one runner each per
 * database, whichever process holds the lease), the audit sealer and the SLA evaluator, with
 * a graceful stop: no new requests, in-flight units of work finish, consumers stop at a
 * checkpoint, then the store closes.
 */
import { sealLog } from '../audit/chain.js';
import { startConsumer, type ConsumerRunner } from '../consumers/runner.js';
import { PET_CONTRACTS } from '../pet/catalogue.js';
import { PET_CONSUMERS } from '../pet/consumers/catalogue.js';
import { buildDemoFirm } from '../pet/demo/firm.js';
import { builtInDefinitions, registerDefinitions } from '../pet/kpi/registry.js';
import { createPet } from '../pet/pet.js';
import { syncContracts } from '../registry/sync.js';
import type { EventStore } from '../store/event-store.js';
import { createService, type ServiceApp } from './app.js';
import { createToken } from './tokens.js';
import type { LoggerOptions } from 'pino';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Build the demo firm if the database holds no firm, and mint a demo token at each start. */
  readonly demo: boolean;
  readonly logger?: LoggerOptions | false;
  /** How often the audit chain is extended; default 5 s. */
  readonly sealEveryMs?: number;
  /** How long consumers let appends gather before projecting them; default 50 ms. */
  readonly consumerSettleMs?: number;
  /** How often SLA thresholds are evaluated; default 60 s. */
  readonly slaEveryMs?: number;
  /** Progress while the demo firm is built. */
  readonly onDemoProgress?: (day: number, days: number, events: number) => void;
}

/** A running service. */
export interface RunningService {
  readonly app: ServiceApp;
  /** Where it listens (`http://127.0.0.1:3000`). */
  readonly url: string;
  /** A token of the demo firm's administrator, when started with `demo`. */
  readonly demoToken: string | null;
  readonly runners: readonly ConsumerRunner[];
  /** Stops gracefully; resolves when everything has stopped (the store stays open). */
  stop(): Promise<void>;
}

/** Starts the service on a store: migrates, registers contracts and KPIs, seeds, listens. */
export async function startService(
  store: EventStore,
  options: ServeOptions,
): Promise<RunningService> {
  await store.migrate();
  await syncContracts(store, PET_CONTRACTS);
  await registerDefinitions(store, builtInDefinitions());
  const demoToken = options.demo ? await seedDemo(store, options) : null;

  // Appends that come together are projected together: one commit per consumer for a burst
  // of requests, not one per request.
  const runners = PET_CONSUMERS.map((consumer) =>
    startConsumer(store, consumer, { settleMs: options.consumerSettleMs ?? 50 }),
  );
  const app = await createService({
    store,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    readiness: () =>
      Promise.resolve({
        ready: runners.every((r) => r.state !== 'failing'),
        detail: Object.fromEntries(runners.map((r) => [r.consumer, r.state])),
      }),
  });
  const pet = createPet(store);
  const jobs = [
    every(options.sealEveryMs ?? 5_000, () => sealLog(store).then(() => undefined), app),
    every(options.slaEveryMs ?? 60_000, () => pet.tickets.evaluateSla().then(() => undefined), app),
  ];

  const address = await app.listen({ port: options.port, host: options.host });
  let stopping: Promise<void> | undefined;
  return {
    app,
    url: address,
    demoToken,
    runners,
    stop: () =>
      (stopping ??= (async () => {
        // Stop accepting, let in-flight requests (and their units of work) finish.
        await app.close();
        await Promise.all(jobs.map((job) => job.stop()));
        await Promise.all(runners.map((runner) => runner.stop()));
      })()),
  };
}

/** Builds the demo firm on a database without one; returns a new token of its administrator. */
async function seedDemo(store: EventStore, options: ServeOptions): Promise<string> {
  const [firm] = await store.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM pet_employees',
  );
  if (Number(firm?.n ?? 0) === 0) {
    const days = 182;
    await buildDemoFirm(createPet(store), {
      scale: 1,
      seed: 1,
      days,
      onProgress: ({ day, events }) => options.onDemoProgress?.(day, days, events),
    });
  }
  const [admin] = await store.query<{ id: string }>(
    `SELECT id FROM pet_employees WHERE role = 'admin' AND status = 'active' ORDER BY hired_at, id LIMIT 1`,
  );
  if (admin === undefined)
    throw new Error('The database holds a firm without an active administrator');
  const { token } = await createToken(store, {
    subject: { employeeId: admin.id },
    auditor: true,
    label: 'demo token (pet-events serve --demo)',
  });
  return token;
}

/** Runs `work` every `ms`, never two at once; failures are logged and retried next time. */
function every(ms: number, work: () => Promise<void>, app: ServiceApp) {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = work()
      .catch((error: unknown) => app.log.warn({ err: error }, 'background job failed'))
      .finally(() => {
        running = undefined;
      });
  }, ms);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
