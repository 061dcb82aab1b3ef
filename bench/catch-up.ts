/**
 * Consumer catch-up over the demo firm: a no-op consumer and a projection writing one row
 * per event, replaying the whole log from position 0, beside the raw read of the same log
 * (plain SQL pages of 1,000 rows in position order, payloads parsed) in the same run.
 * Rounds alternate raw and ours; the median counts.
 *
 *   npm run bench:catch-up -- --db sqlite:/tmp/firm.db     a database holding the demo firm
 *   npm run bench:catch-up -- --db postgres://…            (build it with pet-events demo,
 *                                                           or copy it with bench/copy-log.ts)
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { catchUp } from '../src/consumers/catch-up.js';
import {
  defineConsumer,
  handlerForEach,
  type Consumer,
  type Handler,
} from '../src/consumers/consumer.js';
import { PET_CONTRACTS } from '../src/pet/catalogue.js';
import { parseDatabaseUrl, openEventStore } from '../src/store/open-event-store.js';
import type { EventStore } from '../src/store/event-store.js';
import { rawRead } from './raw-read.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '1000' },
  },
});
if (!args.db) throw new Error('--db URL of a database holding the demo firm is required');
const ROUNDS = Number(args.rounds);
const BATCH = Number(args['batch-size']);
const location = parseDatabaseUrl(args.db);

/** A consumer of every PET event type with the same handler for each version. */
function consumerOf(name: string, handler: Handler<Record<string, unknown>>): Consumer {
  return defineConsumer({
    name,
    kind: 'projection',
    contracts: PET_CONTRACTS,
    handlers: handlerForEach(PET_CONTRACTS, handler),
  });
}

const PROJECTION_DDL =
  'CREATE TABLE IF NOT EXISTS bench_projection (event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, context_id TEXT NOT NULL)';

async function timed(work: () => Promise<number>): Promise<{ events: number; perSecond: number }> {
  const started = process.hrtime.bigint();
  const events = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, perSecond: events / seconds };
}

async function ours(store: EventStore, consumer: Consumer): Promise<number> {
  const { handled } = await catchUp(store, consumer, { batchSize: BATCH });
  return handled;
}

const store = openEventStore(args.db);
await store.migrate();
await store.transaction((tx) => tx.sql.execute(PROJECTION_DDL));
const results = { raw: [] as number[], noop: [] as number[], projection: [] as number[] };
let events = 0;
for (let round = 0; round < ROUNDS; round += 1) {
  const raw = await timed(() => rawRead(location));
  events = raw.events;
  results.raw.push(raw.perSecond);
  results.noop.push(
    (
      await timed(() =>
        ours(
          store,
          consumerOf(`bench.noop.${Date.now()}`, () => undefined),
        ),
      )
    ).perSecond,
  );
  await store.transaction((tx) => tx.sql.execute('DELETE FROM bench_projection'));
  const projection = consumerOf(`bench.projection.${Date.now()}`, (event, { defer }) => {
    defer('INSERT INTO bench_projection (event_id, event_type, context_id) VALUES ($1, $2, $3)', [
      event.id,
      event.eventType,
      event.context.id,
    ]);
  });
  results.projection.push((await timed(() => ours(store, projection))).perSecond);
  console.log(
    `round ${round + 1}: raw ${Math.round(raw.perSecond)} ev/s, no-op ${Math.round(results.noop.at(-1) ?? 0)} ev/s, one-row projection ${Math.round(results.projection.at(-1) ?? 0)} ev/s`,
  );
}
await store.transaction((tx) => tx.sql.execute('DROP TABLE bench_projection'));
await store.close();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const summary = {
  database: location.dialect,
  events,
  rawPerSecond: Math.round(median(results.raw)),
  noopPerSecond: Math.round(median(results.noop)),
  noopRatio: Number((median(results.noop) / median(results.raw)).toFixed(2)),
  noopTarget: 0.5,
  projectionPerSecond: Math.round(median(results.projection)),
  projectionTarget: location.dialect === 'sqlite' ? 50_000 : 20_000,
};
console.log(
  `${summary.database}: ${events} events; raw read ${summary.rawPerSecond} ev/s; no-op consumer ${summary.noopPerSecond} ev/s = ${summary.noopRatio} of raw (target 0.50) ${summary.noopRatio >= 0.5 ? 'ok' : 'BELOW TARGET'}; one-row projection ${summary.projectionPerSecond} ev/s (target ${summary.projectionTarget}) ${summary.projectionPerSecond >= summary.projectionTarget ? 'ok' : 'BELOW TARGET'}`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/catch-up-${summary.database}.json`,
  `${JSON.stringify({ node: process.version, at: new Date().toISOString(), ...summary }, null, 2)}\n`,
);
