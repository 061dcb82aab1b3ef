/**
 * Sealing and verifying the log of the demo firm, on either database, beside the raw read of
 * the same log in the same run (target: verify >= 100,000 events/s).
 *
 *   npm run bench:verify -- --db sqlite:/tmp/firm.db
 *   npm run bench:verify -- --db postgres://postgres@127.0.0.1:5432/pet_bench_firm
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sealLog } from '../src/audit/chain.js';
import { verifyLog } from '../src/audit/verify.js';
import { openEventStore, parseDatabaseUrl } from '../src/store/open-event-store.js';
import { rawRead } from './raw-read.js';

const { values: args } = parseArgs({ options: { db: { type: 'string' } } });
if (!args.db) throw new Error('--db URL of a database holding the demo firm is required');
const location = parseDatabaseUrl(args.db);
const store = openEventStore(args.db);
await store.migrate();

// CPU time beside wall time: on a shared machine the wall time also counts waiting for a core.
const timed = async <T>(work: () => Promise<T>) => {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await work();
  const { user, system } = process.cpuUsage(cpu);
  return {
    result,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuMicroseconds: user + system,
  };
};
const seal = await timed(() => sealLog(store));
// Verify before the raw read, as `pet-events audit verify` runs in a process of its own: after
// the raw read (rows as objects, instants as Dates) the driver's code stays optimised for
// those and a verify in the same process took a third more CPU per event.
const verified = await timed(() => verifyLog(store));
const raw = await timed(() => rawRead(location));
await store.close();
if (!verified.result.ok)
  throw new Error(`verify found: ${JSON.stringify(verified.result.finding)}`);
const summary = {
  database: location.dialect,
  events: verified.result.checked,
  sealedNow: seal.result.sealed,
  sealPerSecond: seal.result.sealed === 0 ? null : Math.round(seal.result.sealed / seal.seconds),
  rawReadPerSecond: Math.round(raw.result / raw.seconds),
  verifyPerSecond: Math.round(verified.result.checked / verified.seconds),
  verifySeconds: Math.round(verified.seconds * 10) / 10,
  verifyCpuMicrosecondsPerEvent: Number(
    (verified.cpuMicroseconds / verified.result.checked).toFixed(1),
  ),
  ratio: Number(
    (verified.result.checked / verified.seconds / (raw.result / raw.seconds)).toFixed(2),
  ),
  target: 100_000,
};
console.log(
  `${summary.database}: verify ${summary.verifyPerSecond} ev/s over ${summary.events} events (${summary.verifySeconds} s, ${summary.verifyCpuMicrosecondsPerEvent} µs CPU each; target 100,000) ${summary.verifyPerSecond >= 100_000 ? 'ok' : 'BELOW TARGET'}; raw read ${summary.rawReadPerSecond} ev/s (ratio ${summary.ratio}); sealed ${summary.sealedNow} at ${summary.sealPerSecond ?? '-'} ev/s`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/verify-${summary.database}.json`,
  `${JSON.stringify({ node: process.version, at: new Date().toISOString(), ...summary }, null, 2)}\n`,
);
