import { openEventStore } from '../src/store/open-event-store.js';
import { queryFeed } from '../src/pet/feed/query.js';
const store = openEventStore(process.argv[2]!);
const orig = store.query.bind(store);
let explain = false;
(store as any).query = async (text: string, params: any[]) => {
  if (explain && text.includes('pet_rm_feed_items i')) {
    const plan = await orig('EXPLAIN (ANALYZE, BUFFERS) ' + text, params);
    console.log(plan.map((r: any) => r['QUERY PLAN']).join('\n'));
  }
  return orig(text, params);
};
const viewer = process.argv[3]!; const scope = process.argv[4] ?? 'org';
await queryFeed(store, { viewer, scope });
explain = true;
const t = performance.now();
await queryFeed(store, { viewer, scope });
console.log('ms', performance.now() - t);
await store.close();
