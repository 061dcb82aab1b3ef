import { openEventStore } from '../src/store/open-event-store.js';
import { syncContracts } from '../src/registry/sync.js';
import { PET_CONTRACTS } from '../src/pet/catalogue.js';
import { createPet } from '../src/pet/pet.js';
import { buildDemoFirm } from '../src/pet/demo/firm.js';
import { catchUp } from '../src/consumers/catch-up.js';
import { feedProjector } from '../src/pet/feed/projector.js';
import { queryFeed } from '../src/pet/feed/query.js';
import { verifyConsumer, rebuildConsumer } from '../src/consumers/read-model.js';
const url = process.argv[2]!;
const store = openEventStore(url);
await store.migrate();
await syncContracts(store, PET_CONTRACTS);
const n = await store.query<{ n: number }>('SELECT count(*) AS n FROM pet_employees');
if (Number(n[0]!.n) === 0)
  await buildDemoFirm(createPet(store), {
    scale: 1,
    seed: 1,
    end: '2026-11-20',
    days: 30,
  } as never);
let t = Date.now();
const r = await catchUp(store, feedProjector, { batchSize: 500 });
console.log('catch-up', r.handled, Date.now() - t, 'ms');
const emps = await store.query<{ id: string; role: string; name: string }>(
  'SELECT id, role, name FROM pet_employees ORDER BY role',
);
for (const e of emps.filter((_, i) => i % 3 === 0)) {
  t = performance.now();
  const page = await queryFeed(store, { viewer: e.id, limit: 5 });
  console.log(e.role, e.name, (performance.now() - t).toFixed(1), 'ms', page.items.length);
  for (const it of page.items.slice(0, 3))
    console.log(
      '   ',
      it.occurredAt,
      it.severity,
      it.headline,
      '|',
      it.detail.split('\n')[0],
      it.eventIds.length,
    );
}
t = Date.now();
console.log(
  await verifyConsumer(store, feedProjector).then((v) => [v.equal, v.firstDifference]),
  Date.now() - t,
);
await store.close();
