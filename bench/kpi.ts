/**
 * The KPI engine over the demo firm, on either database:
 *
 * - every built-in KPI computed from scratch (a rebuild of `pet.kpi`), beside the raw read of
 *   the same log in the same run;
 * - `kpi show` (`kpiValue`) for every built-in KPI, every window and a sample of scopes of
 *   every kind it allows, beside the plain sum of the same KPI and scope's day buckets (no
 *   windows, edges, ratios or judgement) in the same run. p50 / p95 / max; target p95 < 50 ms.
 *
 *   npm run bench:kpi -- --db sqlite:/tmp/firm.db
 *   npm run bench:kpi -- --db postgres://postgres@127.0.0.1:5432/pet_bench_firm
 *
 * `--skip-rebuild` measures the queries over the KPIs as they stand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { catchUp } from '../src/consumers/catch-up.js';
import { rebuildConsumer } from '../src/consumers/read-model.js';
import { kpiProjector } from '../src/pet/kpi/projector.js';
import { KPI_WINDOWS, kpiValue } from '../src/pet/kpi/query.js';
import { builtInDefinitions, registerDefinitions } from '../src/pet/kpi/registry.js';
import { openEventStore, parseDatabaseUrl } from '../src/store/open-event-store.js';
import { record, summarise, type Timings } from './latency.js';
import { rawRead } from './raw-read.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    'as-of': { type: 'string', default: '2026-11-21T00:00:00.000Z' },
    'skip-rebuild': { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db URL of a database holding the demo firm is required');
const location = parseDatabaseUrl(args.db);
const store = openEventStore(args.db);
await store.migrate();
const definitions = builtInDefinitions();
await registerDefinitions(store, definitions);

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

let catchUpFigures: Record<string, number> | null = null;
if (!args['skip-rebuild']) {
  let started = process.hrtime.bigint();
  const events = await rawRead(location);
  const rawPerSecond = events / seconds(started);
  started = process.hrtime.bigint();
  let lastBatch = started;
  let shown = 0;
  const rebuilt = await rebuildConsumer(store, kpiProjector, {
    batchSize: 1000,
    onBatch: ({ handled }) => {
      lastBatch = process.hrtime.bigint();
      if (handled - shown >= 100_000) {
        shown = handled;
        process.stderr.write(`\rkpi: ${handled} events`);
      }
    },
  });
  process.stderr.write('\n');
  const projectorSeconds = Number(lastBatch - started) / 1e9;
  catchUpFigures = {
    events: rebuilt.handled,
    kpis: definitions.length,
    rawReadPerSecond: Math.round(rawPerSecond),
    projectorPerSecond: Math.round(rebuilt.handled / projectorSeconds),
    projectorSeconds: Math.round(projectorSeconds),
    ratio: Number((rebuilt.handled / projectorSeconds / rawPerSecond).toFixed(3)),
  };
  console.log(
    `${location.dialect}: ${definitions.length} KPIs from scratch over ${rebuilt.handled} events in ${catchUpFigures.projectorSeconds} s (${catchUpFigures.projectorPerSecond} ev/s); raw read ${catchUpFigures.rawReadPerSecond} ev/s`,
  );
} else {
  await catchUp(store, kpiProjector, { batchSize: 1000 });
}

// A deterministic sample of scopes of every kind.
let seed = 11;
const pick = <T>(values: readonly T[]): T => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return values[seed % values.length] as T;
};
const ids = async (sql: string) => (await store.query<{ id: string }>(sql)).map((r) => r.id);
const pools: Record<string, string[]> = {
  employee: await ids(`SELECT id FROM pet_employees ORDER BY id`),
  team: await ids(`SELECT id FROM pet_teams ORDER BY id`),
  customer: await ids(`SELECT id FROM pet_customers ORDER BY id`),
  project: await ids(`SELECT id FROM pet_projects ORDER BY id`),
};
const asOf = args['as-of'];
const timings = new Map<string, Timings>();
for (let round = 0; round < 3; round += 1) {
  seed = 11;
  for (const definition of definitions) {
    for (const kind of definition.scopes) {
      for (let i = 0; i < (kind === 'organisation' ? 1 : 3); i += 1) {
        const scope = kind === 'organisation' ? kind : `${kind}:${pick(pools[kind] ?? [])}`;
        for (const window of KPI_WINDOWS) {
          let started = process.hrtime.bigint();
          await store.query(
            `SELECT part, grp, sum(n) AS n, sum(total) AS total FROM pet_rm_kpi_buckets
              WHERE kpi_key = $1 AND version = $2 AND scope = $3 GROUP BY part, grp`,
            [definition.key, definition.version, scope],
          );
          const raw = seconds(started) * 1000;
          started = process.hrtime.bigint();
          await kpiValue(store, { key: definition.key, scope, window, asOf });
          const ours = seconds(started) * 1000;
          if (round === 0) continue; // warm-up
          record(
            timings,
            ['all', `kpi ${definition.key}`, `window ${window}`, `scope ${kind}`],
            ours,
            raw,
          );
        }
      }
    }
  }
}
const count = async (table: string) =>
  Number((await store.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
const rows = {
  buckets: await count('pet_rm_kpi_buckets'),
  contributions: await count('pet_rm_kpi_contributions'),
};
await store.close();

console.log(
  `${rows.buckets} buckets, ${rows.contributions} contributions; kpi show, target p95 < 50 ms`,
);
const queries = summarise(timings, 50, 'plain sum');
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/kpi-${location.dialect}.json`,
  `${JSON.stringify(
    {
      node: process.version,
      at: new Date().toISOString(),
      database: location.dialect,
      asOf,
      catchUp: catchUpFigures,
      rows,
      showTargetP95Ms: 50,
      queries,
    },
    null,
    2,
  )}\n`,
);
