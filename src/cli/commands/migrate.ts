import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

/** `pet-events migrate`: applies pending migrations; a no-op when there are none. */
export async function migrateCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const result = await store.migrate();
  if (json) {
    output.out(JSON.stringify(result));
    return;
  }
  if (result.applied.length === 0) {
    output.out(`Database is up to date (migration ${result.current}).`);
    return;
  }
  for (const migration of result.applied) {
    output.out(`Applied migration ${String(migration.version).padStart(4, '0')} ${migration.name}`);
  }
}
