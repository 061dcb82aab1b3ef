import { PET_CONTRACTS } from '../../pet/catalogue.js';
import { builtInDefinitions, registerDefinitions } from '../../pet/kpi/registry.js';
import { syncContracts } from '../../registry/sync.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

/**
 * `pet-events migrate`: applies pending migrations, then registers the event contracts and
 * the built-in KPI definitions the code declares. All are no-ops when there is nothing new;
 * a contract or definition whose registered version changed stops it
 * (PET_SCHEMA_VERSION_CHANGED, PET_KPI_DEFINITION_CHANGED).
 */
export async function migrateCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const result = await store.migrate();
  const contracts = await syncContracts(store, PET_CONTRACTS);
  const kpis = await registerDefinitions(store, builtInDefinitions());
  if (json) {
    output.out(
      JSON.stringify({
        ...result,
        contracts,
        kpis: { registered: kpis.registered.map((d) => `${d.key} v${d.version}`) },
      }),
    );
    return;
  }
  if (result.applied.length === 0) {
    output.out(`Database is up to date (migration ${result.current}).`);
  }
  for (const migration of result.applied) {
    output.out(`Applied migration ${String(migration.version).padStart(4, '0')} ${migration.name}`);
  }
  for (const label of contracts.registered) output.out(`Registered schema ${label}`);
  for (const d of kpis.registered) output.out(`Registered KPI ${d.key} v${d.version}`);
}
