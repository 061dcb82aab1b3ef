// Runs a benchmark against the library as it ships: compiled by tsc (as `npm run build` compiles
// it), not transformed on the fly by a TypeScript loader, whose helpers (esbuild's function
// naming, above all) cost PET Events' code, and not the raw database code beside it, about a
// tenth of a millisecond per unit of work.
//
//   node scripts/bench.mjs NAME [ARGS…]    NAME: run, verify, api, catch-up, feed, kpi, copy-log
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const [name, ...args] = process.argv.slice(2);
const out = 'build/bench';
if (!name || !existsSync(`bench/${name}.ts`)) {
  console.error('usage: node scripts/bench.mjs NAME [ARGS…] (a file bench/NAME.ts)');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], {
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
// The compiler copies neither the migrations nor the built-in KPI definitions.
cpSync('src/store/migrations', `${out}/src/store/migrations`, {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
cpSync('src/pet/kpi/definitions', `${out}/src/pet/kpi/definitions`, { recursive: true });
const run = spawnSync(process.execPath, [`${out}/bench/${name}.js`, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
