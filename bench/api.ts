/**
 * The HTTP API under load: PET's commands (time entries submitted, tickets moved between open
 * and pending) sent by 1, 8 and 32 concurrent clients to `pet-events serve --demo` running in
 * a process of its own, beside the raw database running the same number of plain
 * `BEGIN; UPDATE; INSERT; COMMIT` transactions at the same concurrency, in the same run.
 *
 *   npm run bench:api                      both databases
 *   npm run bench:api -- --db sqlite       one database
 *   npm run bench:api -- --requests 2000   requests per round and level (default 600)
 *   npm run bench:api -- --without-consumers   the service with its consumers stopped
 *
 * PostgreSQL: PET_BENCH_POSTGRES_URL, else PET_TEST_POSTGRES_URL, else
 * postgres://postgres@127.0.0.1:5432/test; the bench works in schemas of its own and drops them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { consumerReports } from '../src/consumers/status.js';
import { PET_CONSUMERS } from '../src/pet/consumers/catalogue.js';
import { createPet } from '../src/pet/pet.js';
import { startService } from '../src/service/serve.js';
import { createToken } from '../src/service/tokens.js';
import type { EventStore } from '../src/store/event-store.js';
import { createPostgresEventStore } from '../src/store/postgres/store.js';
import { createSqliteEventStore } from '../src/store/sqlite/store.js';
import { employeePrincipal } from '../src/unit-of-work/principal.js';
import { openPostgresBench, openSqliteBench, type Subject } from './subjects.js';

const LEVELS = [1, 8, 32] as const;
const ROUNDS = 3;
const WARM_UP = 50;
const POSTGRES_URL =
  process.env.PET_BENCH_POSTGRES_URL ??
  process.env.PET_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** Where the service process finds its database. */
interface ApiDatabase {
  readonly url: string;
  readonly schema?: string;
}

function openStore(database: ApiDatabase): EventStore {
  return database.schema === undefined
    ? createSqliteEventStore({ path: database.url.slice('sqlite:'.length) })
    : createPostgresEventStore({ connectionString: database.url, schema: database.schema });
}

// ── the service process ──────────────────────────────────────────────────────────────────

/** In the child: `pet-events serve --demo` on a free port; prints its URL. */
async function serve(database: ApiDatabase, consumers: boolean): Promise<void> {
  const store = openStore(database);
  const service = await startService(store, {
    port: 0,
    host: '127.0.0.1',
    demo: true,
    logger: false,
  });
  // Only to see what the consumers cost: in production they run in some process.
  if (!consumers) await Promise.all(service.runners.map((runner) => runner.stop()));
  process.stdout.write(`${JSON.stringify({ url: service.url })}\n`);
  process.once('SIGTERM', () => {
    void service
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

function spawnService(
  database: ApiDatabase,
  consumers: boolean,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      // The same way of running as this process: compiled, or through a TypeScript loader.
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--serve',
      ...(consumers ? [] : ['--without-consumers']),
    ],
    {
      env: {
        ...process.env,
        PET_BENCH_API_DB: database.url,
        ...(database.schema === undefined ? {} : { PET_BENCH_API_SCHEMA: database.schema }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line !== undefined) {
        resolve({ url: (JSON.parse(line) as { url: string }).url, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${String(code)})`)));
  });
}

// ── the clients ──────────────────────────────────────────────────────────────────────────

/** One simulated client: an engineer with a token and a ticket of its own. */
interface Client {
  readonly employeeId: string;
  readonly token: string;
  readonly ticketId: string;
  open: boolean;
  sent: number;
}

/** Gives each of `count` clients a ticket of its own (open, assigned) and its engineer a token. */
async function prepareClients(store: EventStore, count: number, run: string): Promise<Client[]> {
  const engineers = await store.query<{ id: string }>(
    `SELECT id FROM pet_employees
      WHERE role IN ('support', 'delivery') AND status = 'active' ORDER BY id`,
  );
  const [customer] = await store.query<{ id: string }>(
    "SELECT id FROM pet_customers WHERE status = 'active' ORDER BY id LIMIT 1",
  );
  if (engineers.length === 0 || customer === undefined) throw new Error('no demo firm');
  const pet = createPet(store);
  const admin = { principal: employeePrincipal('E-0000') };
  const clients: Client[] = [];
  for (let n = 0; n < count; n += 1) {
    const employeeId = engineers[n % engineers.length]?.id ?? '';
    const ticketId = `T-bench-${run}-${n}`;
    await pet.tickets.create(admin, {
      id: ticketId,
      customerId: customer.id,
      subject: `Bench ticket ${n}`,
      priority: 'normal',
    });
    await pet.tickets.assign(admin, { id: ticketId, employeeId });
    await pet.tickets.changeStatus(
      { principal: employeePrincipal(employeeId) },
      { id: ticketId, to: 'open' },
    );
    const { token } = await createToken(store, { subject: { employeeId } });
    clients.push({ employeeId, token, ticketId, open: true, sent: 0 });
  }
  return clients;
}

/** The next command of a client: a time entry on its ticket, then a status change, in turn. */
function nextCommand(client: Client, run: string): { path: string; body: object } {
  const n = client.sent;
  client.sent += 1;
  if (n % 2 === 0) {
    const start = Date.UTC(2026, 10, 20, 8) + n * 15 * 60_000;
    return {
      path: '/v1/time-entries',
      body: {
        id: `TE-bench-${run}-${client.ticketId}-${n}`,
        ticketId: client.ticketId,
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(start + 15 * 60_000).toISOString(),
        minutes: 15,
        billable: n % 3 !== 0,
        workType: 'support',
      },
    };
  }
  client.open = !client.open;
  return {
    path: `/v1/tickets/${client.ticketId}/status`,
    body: { to: client.open ? 'open' : 'pending' },
  };
}

/** POSTs over a keep-alive connection; resolves to the status. */
function post(agent: Agent, url: URL, path: string, token: string, body: object): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `requests` commands over `concurrency` clients; resolves to each request's latency. */
async function apiRound(
  url: URL,
  clients: readonly Client[],
  concurrency: number,
  requests: number,
  run: string,
): Promise<{ seconds: number; latencies: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let issued = 0;
  const worker = async (client: Client) => {
    while (issued < requests) {
      issued += 1;
      const { path, body } = nextCommand(client, run);
      const started = performance.now();
      const status = await post(agent, url, path, client.token, body);
      latencies.push(performance.now() - started);
      if (status !== 201) throw new Error(`${path} answered ${status}`);
    }
  };
  const started = performance.now();
  await Promise.all(clients.slice(0, concurrency).map(worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies };
}

/** The same number of raw `BEGIN; UPDATE; INSERT; COMMIT` transactions at the same concurrency. */
async function rawRound(
  subjects: readonly Subject[],
  requests: number,
  offset: number,
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let issued = 0;
  const worker = async (subject: Subject) => {
    while (issued < requests) {
      const i = offset + issued;
      issued += 1;
      const started = performance.now();
      await subject.unitOfWork(i);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(subjects.map(worker));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

// ── the figures ──────────────────────────────────────────────────────────────────────────

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const median = (values: readonly number[]) => quantile(values, 0.5);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Side {
  readonly perSecond: number;
  readonly rounds: number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function side(rounds: { seconds: number; latencies: number[] }[], requests: number): Side {
  const all = rounds.flatMap((r) => r.latencies);
  const rates = rounds.map((r) => Math.round(requests / r.seconds));
  return {
    perSecond: median(rates),
    rounds: rates,
    p50Ms: round(quantile(all, 0.5)),
    p99Ms: round(quantile(all, 0.99)),
  };
}

// ── one database ─────────────────────────────────────────────────────────────────────────

async function benchDatabase(dialect: 'sqlite' | 'postgres', requests: number, consumers: boolean) {
  const folder = mkdtempSync(join(tmpdir(), 'pet-bench-api-'));
  const schema = `pet_bench_api_${process.pid}`;
  const database: ApiDatabase =
    dialect === 'sqlite'
      ? { url: `sqlite:${join(folder, 'pet.db')}` }
      : { url: POSTGRES_URL, schema };
  const admin = dialect === 'postgres' ? new pg.Client({ connectionString: POSTGRES_URL }) : null;
  if (admin !== null) {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
  }
  console.log(`${dialect}: building the demo firm in the service process …`);
  const built = performance.now();
  const service = await spawnService(database, consumers);
  const store = openStore(database);
  const raw =
    dialect === 'sqlite' ? await openSqliteBench() : await openPostgresBench(POSTGRES_URL);
  try {
    const firmEvents = Number(await store.headPosition());
    console.log(
      `${dialect}: ${firmEvents} events in ${round((performance.now() - built) / 1000, 1)} s; service at ${service.url}`,
    );
    const clients = await prepareClients(store, Math.max(...LEVELS), String(process.pid));
    if (consumers) await caughtUp(store);
    const url = new URL(service.url);
    // Warm-up: the service's statements, caches and connections, and the raw side's.
    await apiRound(url, clients, 8, WARM_UP, 'warm');
    // The raw side's connections, one per concurrent writer, made once per level.
    const writers = new Map<number, Subject[]>();
    for (const concurrency of LEVELS) writers.set(concurrency, await raw.raw(concurrency));
    await rawRound(writers.get(8) ?? [], WARM_UP, 0);

    const levels = [];
    let offset = WARM_UP;
    for (const concurrency of LEVELS) {
      const ours: { seconds: number; latencies: number[] }[] = [];
      const plain: { seconds: number; latencies: number[] }[] = [];
      for (let r = 0; r < ROUNDS; r += 1) {
        plain.push(await rawRound(writers.get(concurrency) ?? [], requests, offset));
        offset += requests;
        ours.push(await apiRound(url, clients, concurrency, requests, `c${concurrency}r${r}`));
        // The consumers follow every append; each round starts with them caught up.
        if (consumers) await caughtUp(store);
      }
      const level = {
        concurrency,
        requests,
        ours: side(ours, requests),
        raw: side(plain, requests),
        ratio: 0,
      };
      level.ratio = round(level.ours.perSecond / level.raw.perSecond);
      console.log(
        `${dialect}: ${String(concurrency).padStart(2)} clients  API ${level.ours.perSecond} req/s (p50 ${level.ours.p50Ms} ms, p99 ${level.ours.p99Ms} ms)  raw ${level.raw.perSecond} tx/s (p50 ${level.raw.p50Ms} ms, p99 ${level.raw.p99Ms} ms)  ratio ${level.ratio}`,
      );
      levels.push(level);
    }
    return { database: dialect, consumers, firmEvents, levels };
  } finally {
    service.child.kill('SIGTERM');
    await new Promise((resolve) => service.child.once('exit', resolve));
    await store.close();
    await raw.close();
    if (admin !== null) {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Waits until every consumer has handled the whole log. */
async function caughtUp(store: EventStore): Promise<void> {
  const head = await store.headPosition();
  while (!(await consumerReports(store, PET_CONSUMERS)).every((r) => r.position >= head)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ── main ─────────────────────────────────────────────────────────────────────────────────

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'all' },
    requests: { type: 'string', default: '600' },
    serve: { type: 'boolean', default: false },
    'without-consumers': { type: 'boolean', default: false },
  },
});

if (args.serve) {
  const url = process.env.PET_BENCH_API_DB ?? '';
  const schema = process.env.PET_BENCH_API_SCHEMA;
  await serve({ url, ...(schema === undefined ? {} : { schema }) }, !args['without-consumers']);
} else {
  const dialects = args.db === 'all' ? (['sqlite', 'postgres'] as const) : [args.db];
  mkdirSync('bench/results', { recursive: true });
  for (const dialect of dialects) {
    if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`--db ${dialect}?`);
    const consumers = !args['without-consumers'];
    const result = await benchDatabase(dialect, Number(args.requests), consumers);
    writeFileSync(
      `bench/results/api-${dialect}${consumers ? '' : '-without-consumers'}.json`,
      `${JSON.stringify(
        {
          node: process.version,
          at: new Date().toISOString(),
          machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
          rounds: ROUNDS,
          ...result,
        },
        null,
        2,
      )}\n`,
    );
  }
}
