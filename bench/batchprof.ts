import { openSqliteBench } from './subjects.js';
const db = await openSqliteBench();
const [ours] = await db.ours();
const [raw] = await db.raw();
let seq = 0;
const mode = process.argv[2] ?? 'ours';
const s = mode === 'ours' ? ours! : raw!;
for (let k = 0; k < 200; k++) { await s.append(seq, 100); seq += 100; }
const t = performance.now();
for (let k = 0; k < 1500; k++) { await s.append(seq, 100); seq += 100; }
console.log(mode, ((performance.now() - t) * 1000 / 150000).toFixed(2), 'µs/event');
await db.close();
