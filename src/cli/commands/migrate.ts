import { PET_CONTRACTS } from '../../pet/catalogue.js';
import { syncContracts } from '../../registry/sync.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

/**
 * `pet-events migrate`: applies pending migrations, then registers the event contracts the
 * code declares. Both are no-ops when there is nothing new; a contract whose registered
 * version changed stops it with PET_SCHEMA_VERSION_CHANGED.
 */
export async function migrateCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const result = await store.migrate();
  const contracts = await syncContracts(store, PET_CONTRACTS);
  if (json) {
    output.out(JSON.stringify({ ...result, contracts }));
    return;
  }
  if (result.applied.length === 0) {
    output.out(`Database is up to date (migration ${result.current}).`);
  }
  for (const migration of result.applied) {
    output.out(`Applied migration ${String(migration.version).padStart(4, '0')} ${migration.name}`);
  }
  for (const label of contracts.registered) output.out(`Registered schema ${label}`);
}
