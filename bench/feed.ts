/**
 * The activity feed over the demo firm, on either database:
 *
 * - the projector's catch-up from scratch (a rebuild of `pet.feed`), beside the raw read of
 *   the same log (plain SQL pages, payloads parsed) in the same run;
 * - the first page of 50 items for viewers of every role and every kind of scope (org, me,
 *   their team, a customer, a project, a ticket), beside the plain query of the same scope's
 *   newest 50 items with no visibility rules, in the same run. p50 / p95 / max per role.
 *
 *   npm run bench:feed -- --db sqlite:/tmp/firm.db      a database holding the demo firm
 *   npm run bench:feed -- --db postgres://…             (copied with bench/copy-log.ts)
 *
 * `--skip-rebuild` measures the queries over the feed as it stands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rebuildConsumer } from '../src/consumers/read-model.js';
import { catchUp } from '../src/consumers/catch-up.js';
import { feedProjector } from '../src/pet/feed/projector.js';
import { queryFeed } from '../src/pet/feed/query.js';
import { openEventStore, parseDatabaseUrl } from '../src/store/open-event-store.js';
import { record, summarise, type Timings } from './latency.js';
import { rawRead } from './raw-read.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    viewers: { type: 'string', default: '8' },
    'skip-rebuild': { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db URL of a database holding the demo firm is required');
const location = parseDatabaseUrl(args.db);
const VIEWERS_PER_ROLE = Number(args.viewers);

const store = openEventStore(args.db);
await store.migrate();

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

let catchUpFigures: Record<string, number> | undefined;
if (!args['skip-rebuild']) {
  let started = process.hrtime.bigint();
  const events = await rawRead(location);
  const rawPerSecond = events / seconds(started);
  started = process.hrtime.bigint();
  let shown = 0;
  // Timed to the last batch: the rebuild's digest of the read model afterwards is not catch-up.
  let lastBatch = started;
  const rebuilt = await rebuildConsumer(store, feedProjector, {
    batchSize: 1000,
    onBatch: ({ handled }) => {
      lastBatch = process.hrtime.bigint();
      if (handled - shown >= 100_000) {
        shown = handled;
        process.stderr.write(`\rfeed: ${handled} events`);
      }
    },
  });
  const projectorSeconds = Number(lastBatch - started) / 1e9;
  process.stderr.write('\n');
  catchUpFigures = {
    events: rebuilt.handled,
    rawReadPerSecond: Math.round(rawPerSecond),
    projectorPerSecond: Math.round(rebuilt.handled / projectorSeconds),
    projectorSeconds: Math.round(projectorSeconds),
    ratio: Number((rebuilt.handled / projectorSeconds / rawPerSecond).toFixed(2)),
  };
  console.log(
    `${location.dialect}: feed projector ${catchUpFigures.projectorPerSecond} ev/s over ${rebuilt.handled} events (${catchUpFigures.projectorSeconds} s); raw read ${catchUpFigures.rawReadPerSecond} ev/s; ratio ${catchUpFigures.ratio}`,
  );
} else {
  await catchUp(store, feedProjector, { batchSize: 1000 });
}

const count = async (sql: string) =>
  Number((await store.query<{ n: number | string }>(sql))[0]?.n ?? 0);
const items = await count('SELECT count(*) AS n FROM pet_rm_feed_items');
const scopeRows = await count('SELECT count(*) AS n FROM pet_rm_feed_scopes');

// A deterministic sample: the same viewers and scopes on every run over the same firm.
let seed = 7;
const pick = <T>(values: readonly T[]): T => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return values[seed % values.length] as T;
};
const ids = async (sql: string) => (await store.query<{ id: string }>(sql)).map((r) => r.id);
const customers = await ids('SELECT id FROM pet_customers ORDER BY id');
const projects = await ids('SELECT id FROM pet_projects ORDER BY id');
const tickets = await ids('SELECT id FROM pet_tickets ORDER BY id');
const employees = await store.query<{ id: string; role: string }>(
  `SELECT id, role FROM pet_employees WHERE status = 'active' ORDER BY id`,
);
const teamOf = async (id: string) =>
  (
    await store.query<{ team_id: string }>(
      `SELECT team_id FROM pet_team_memberships WHERE employee_id = $1
       UNION SELECT id AS team_id FROM pet_teams WHERE manager_id = $1`,
      [id],
    )
  )[0]?.team_id;

interface Sample {
  readonly role: string;
  readonly viewer: string;
  readonly scope: string;
}
const samples: Sample[] = [];
for (const role of ['admin', 'executive', 'manager', 'sales', 'delivery', 'support', 'member']) {
  const ofRole = employees.filter((e) => e.role === role);
  for (let i = 0; i < Math.min(VIEWERS_PER_ROLE, ofRole.length); i += 1) {
    const viewer = pick(ofRole).id;
    const team = await teamOf(viewer);
    for (const scope of [
      'org',
      'me',
      ...(team ? [`team:${team}`] : []),
      `customer:${pick(customers)}`,
      `project:${pick(projects)}`,
      `ticket:${pick(tickets)}`,
    ]) {
      samples.push({ role, viewer, scope });
    }
  }
}

/** The plain query: the scope's newest 50 items, no visibility, no archive filter. */
const plain = (scope: string, viewer: string) =>
  store.query(
    `SELECT i.* FROM pet_rm_feed_scopes s JOIN pet_rm_feed_items i ON i.item_id = s.item_id
      WHERE s.scope = $1 ORDER BY s.occurred_at DESC, s.item_id DESC LIMIT 51`,
    [scope === 'me' ? `employee:${viewer}` : scope],
  );

const timings = new Map<string, Timings>();
for (let round = 0; round < 3; round += 1) {
  for (const sample of samples) {
    let started = process.hrtime.bigint();
    await plain(sample.scope, sample.viewer);
    const raw = seconds(started) * 1000;
    started = process.hrtime.bigint();
    await queryFeed(store, { viewer: sample.viewer, scope: sample.scope, limit: 50 });
    const ours = seconds(started) * 1000;
    if (round === 0) continue; // warm-up
    const kind = sample.scope.split(':')[0] as string;
    record(timings, [sample.role, `scope ${kind}`, 'all'], ours, raw);
  }
}
await store.close();

console.log(`${items} items, ${scopeRows} scope rows; first page of 50, target p95 < 20 ms`);
const queries = summarise(timings, 20, 'plain query');
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/feed-${location.dialect}.json`,
  `${JSON.stringify(
    {
      node: process.version,
      at: new Date().toISOString(),
      database: location.dialect,
      catchUp: catchUpFigures ?? null,
      items,
      scopeRows,
      firstPageTargetP95Ms: 20,
      queries,
    },
    null,
    2,
  )}\n`,
);
