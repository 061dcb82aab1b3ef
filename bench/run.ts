/**
 * Event log benchmarks: each figure beside the raw database doing the equivalent plain work
 * in the same run, as a ratio ours/raw. Rounds alternate raw and ours; the median counts.
 *
 *   npm run bench                         both databases, every scenario
 *   npm run bench -- --db sqlite          one database
 *   npm run bench -- --scenario read-log  one scenario (one-writer, eight-writers, batch,
 *                                         unit-of-work, read-log)
 *
 * PostgreSQL: PET_BENCH_POSTGRES_URL, else PET_TEST_POSTGRES_URL, else
 * postgres://postgres@127.0.0.1:5432/test.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  openPostgresBench,
  openSqliteBench,
  type BenchDatabase,
  type Subject,
} from './subjects.js';

interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly dialects: readonly ('sqlite' | 'postgres')[];
  readonly target: { sqlite?: number; postgres?: number };
  /** Runs once for one subject kind; resolves to events per second. */
  run(db: BenchDatabase, kind: 'ours' | 'raw', round: number): Promise<number>;
}

const ROUNDS = 5;
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'all' },
    scenario: { type: 'string', default: 'all' },
    'read-events': { type: 'string', default: '200000' },
  },
});
const READ_EVENTS = Number(args['read-events']);
let sequence = 0;

async function timed(work: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const events = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return events / seconds;
}

function subjects(db: BenchDatabase, kind: 'ours' | 'raw', writers = 1): Promise<Subject[]> {
  return kind === 'ours' ? db.ours(writers) : db.raw(writers);
}

async function appendLoop(subject: Subject, transactions: number, perTransaction: number) {
  for (let t = 0; t < transactions; t += 1) {
    await subject.append(sequence, perTransaction);
    sequence += perTransaction;
  }
  return transactions * perTransaction;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'one-writer',
    title: '1 event per transaction, 1 writer',
    dialects: ['postgres', 'sqlite'],
    target: { postgres: 0.9, sqlite: 0.7 },
    async run(db, kind) {
      const [subject] = await subjects(db, kind);
      return timed(() => appendLoop(subject!, 2000, 1));
    },
  },
  {
    name: 'eight-writers',
    title: '1 event per transaction, 8 concurrent writers',
    dialects: ['postgres'],
    target: { postgres: 0.75 },
    async run(db, kind) {
      const writers = await subjects(db, kind, 8);
      const base = Math.ceil(sequence / 8) * 8;
      sequence = base + 8 * 500;
      // Writer w appends events base + w, base + w + 8, …: contexts never shared between writers.
      return timed(async () => {
        await Promise.all(
          writers.map(async (writer, w) => {
            for (let k = 0; k < 500; k += 1) await writer.append(base + w + 8 * k, 1);
          }),
        );
        return 8 * 500;
      });
    },
  },
  {
    name: 'batch',
    title: '100 events per transaction, 1 writer',
    dialects: ['postgres', 'sqlite'],
    target: { postgres: 0.75, sqlite: 0.8 },
    async run(db, kind) {
      const [subject] = await subjects(db, kind);
      return timed(() => appendLoop(subject!, 100, 100));
    },
  },
  {
    name: 'unit-of-work',
    title: 'unit of work: 1 state row UPDATE + 1 event',
    dialects: ['postgres', 'sqlite'],
    target: { postgres: 0.8, sqlite: 0.8 },
    async run(db, kind) {
      const [subject] = await subjects(db, kind);
      return timed(async () => {
        for (let k = 0; k < 2000; k += 1) await subject!.unitOfWork(sequence++);
        return 2000;
      });
    },
  },
  {
    name: 'read-log',
    title: `reading the whole log in order (${READ_EVENTS.toLocaleString('en')}+ events)`,
    dialects: ['postgres', 'sqlite'],
    target: { postgres: 0.6, sqlite: 0.6 },
    async run(db, kind, round) {
      const [subject] = await subjects(db, kind);
      if (round === 0) await appendLoop(subject!, Math.ceil(READ_EVENTS / 1000), 1000);
      return timed(() => subject!.readAll());
    },
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface Result {
  database: string;
  scenario: string;
  title: string;
  rawPerSecond: number;
  oursPerSecond: number;
  ratio: number;
  target: number;
  meetsTarget: boolean;
}

async function benchDatabase(dialect: 'sqlite' | 'postgres'): Promise<Result[]> {
  const results: Result[] = [];
  for (const scenario of SCENARIOS) {
    if (!scenario.dialects.includes(dialect)) continue;
    if (args.scenario !== 'all' && args.scenario !== scenario.name) continue;
    // A fresh database per scenario, so one scenario's rows do not slow the next.
    const db =
      dialect === 'sqlite'
        ? await openSqliteBench()
        : await openPostgresBench(
            process.env.PET_BENCH_POSTGRES_URL ??
              process.env.PET_TEST_POSTGRES_URL ??
              'postgres://postgres@127.0.0.1:5432/test',
          );
    try {
      const raw: number[] = [];
      const ours: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        raw.push(await scenario.run(db, 'raw', round));
        ours.push(await scenario.run(db, 'ours', round));
      }
      const target = scenario.target[dialect] ?? 0;
      const result = {
        database: dialect,
        scenario: scenario.name,
        title: scenario.title,
        rawPerSecond: Math.round(median(raw)),
        oursPerSecond: Math.round(median(ours)),
        ratio: Number((median(ours) / median(raw)).toFixed(2)),
        target,
        meetsTarget: median(ours) / median(raw) >= target,
      };
      results.push(result);
      console.log(
        `${dialect.padEnd(8)} ${scenario.title.padEnd(62)} raw ${String(result.rawPerSecond).padStart(7)} ev/s  ours ${String(result.oursPerSecond).padStart(7)} ev/s  ratio ${result.ratio.toFixed(2)} (target ${target.toFixed(2)}) ${result.meetsTarget ? 'ok' : 'BELOW TARGET'}`,
      );
    } finally {
      await db.close();
    }
  }
  return results;
}

const dialects =
  args.db === 'all' ? (['postgres', 'sqlite'] as const) : [args.db as 'sqlite' | 'postgres'];
const results: Result[] = [];
for (const dialect of dialects) results.push(...(await benchDatabase(dialect)));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/event-log.json',
  `${JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2)}\n`,
);
