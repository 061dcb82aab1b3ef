/**
 * Keeps the database's registry in step with the contracts the code declares: new versions
 * are registered, registered versions must be unchanged, nothing is ever removed.
 */
import { canonicalSha256 } from '../events/canonical-json.js';
import { EventInvalidError } from '../events/errors.js';
import type { EventStore } from '../store/event-store.js';
import type { EventContract } from './contract.js';

/** What a synchronisation did, as `type vN` labels. */
export interface SyncReport {
  readonly registered: readonly string[];
  readonly unchanged: readonly string[];
}

/** How the code's contracts and the database's registry differ. */
export interface DriftReport {
  /** Declared in code, not registered. */
  readonly unregistered: readonly string[];
  /** Registered with a schema other than the code's (the code edited a frozen version). */
  readonly changed: readonly { label: string; registeredSha256: string; codeSha256: string }[];
  /** Registered, but no longer declared in code (consumers must still handle them). */
  readonly undeclared: readonly string[];
}

const label = (eventType: string, schemaVersion: number) => `${eventType} v${schemaVersion}`;

/**
 * Registers every contract's version that the database does not have, in one transaction.
 * A registered version whose canonical schema differs stops everything with
 * PET_SCHEMA_VERSION_CHANGED (naming the type, the version and both hashes), and nothing is
 * registered: the fix is a new version, never an edit.
 *
 * @example
 * await syncContracts(store, PET_CONTRACTS);
 */
export async function syncContracts(
  store: EventStore,
  contracts: readonly EventContract[],
): Promise<SyncReport> {
  assertDistinct(contracts);
  const registered: string[] = [];
  const unchanged: string[] = [];
  await store.transaction(async (tx) => {
    for (const contract of contracts) {
      const outcome = await tx.registerEventSchema({
        eventType: contract.eventType,
        schemaVersion: contract.schemaVersion,
        schema: contract.document,
      });
      (outcome === 'registered' ? registered : unchanged).push(
        label(contract.eventType, contract.schemaVersion),
      );
    }
  });
  return { registered, unchanged };
}

/** Compares the code's contracts with the registry without changing anything. */
export async function checkContracts(
  store: EventStore,
  contracts: readonly EventContract[],
): Promise<DriftReport> {
  assertDistinct(contracts);
  const stored = new Map(
    (await store.listEventSchemas()).map((s) => [label(s.eventType, s.schemaVersion), s.sha256]),
  );
  const declared = new Set<string>();
  const unregistered: string[] = [];
  const changed: DriftReport['changed'][number][] = [];
  for (const contract of contracts) {
    const name = label(contract.eventType, contract.schemaVersion);
    declared.add(name);
    const registeredSha256 = stored.get(name);
    const codeSha256 = canonicalSha256(contract.document);
    if (registeredSha256 === undefined) unregistered.push(name);
    else if (registeredSha256 !== codeSha256)
      changed.push({ label: name, registeredSha256, codeSha256 });
  }
  const undeclared = [...stored.keys()].filter((name) => !declared.has(name));
  return { unregistered, changed, undeclared };
}

/** Whether a drift report shows any difference at all. */
export function hasDrift(report: DriftReport): boolean {
  return report.unregistered.length + report.changed.length + report.undeclared.length > 0;
}

function assertDistinct(contracts: readonly EventContract[]): void {
  const seen = new Set<string>();
  for (const contract of contracts) {
    const name = label(contract.eventType, contract.schemaVersion);
    if (seen.has(name)) throw new EventInvalidError('contracts', `declare ${name} twice`);
    seen.add(name);
  }
}
