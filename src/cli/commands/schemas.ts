import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CliUsageError,
  SchemaDriftError,
  SchemaVersionUnregisteredError,
} from '../../events/errors.js';
import { PET_CONTRACTS } from '../../pet/catalogue.js';
import { schemaDocument } from '../../registry/publish.js';
import { checkContracts, hasDrift } from '../../registry/sync.js';
import type { EventStore, RegisteredEventSchema } from '../../store/event-store.js';
import type { Output } from '../output.js';

/** `pet-events schemas list`: every registered version. */
export async function schemasListCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const schemas = await store.listEventSchemas();
  if (json) {
    for (const s of schemas) output.out(JSON.stringify(summary(s)));
    return;
  }
  for (const s of schemas) {
    output.out(
      [
        `${s.eventType} v${s.schemaVersion}`.padEnd(32),
        s.sha256.slice(0, 12),
        `registered ${s.registeredAt}`,
        s.deprecatedAt ? `deprecated ${s.deprecatedAt}` : 'open',
      ].join('  '),
    );
  }
}

/** `pet-events schemas show TYPE [--version N]`: one version's schema (default: the latest). */
export async function schemasShowCommand(
  store: EventStore,
  output: Output,
  eventType: string,
  version: string | undefined,
): Promise<void> {
  const versions = (await store.listEventSchemas()).filter((s) => s.eventType === eventType);
  const wanted = version === undefined ? undefined : Number(version);
  if (wanted !== undefined && !Number.isSafeInteger(wanted)) {
    throw new CliUsageError(`--version must be a whole number, got ${JSON.stringify(version)}`);
  }
  const found =
    wanted === undefined ? versions.at(-1) : versions.find((s) => s.schemaVersion === wanted);
  if (!found) throw new SchemaVersionUnregisteredError(eventType, wanted ?? 1);
  output.out(JSON.stringify({ ...summary(found), schema: found.schema }, null, 2));
}

/** `pet-events schemas check`: code vs database; throws PET_SCHEMA_DRIFT on any difference. */
export async function schemasCheckCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const report = await checkContracts(store, PET_CONTRACTS);
  if (json) output.out(JSON.stringify(report));
  if (!hasDrift(report)) {
    if (!json) output.out(`Registry matches the code (${PET_CONTRACTS.length} schema versions).`);
    return;
  }
  throw new SchemaDriftError([
    ...report.unregistered.map((l) => `${l} is declared in code but not registered (run migrate)`),
    ...report.changed.map(
      (c) =>
        `${c.label} is registered with sha256 ${c.registeredSha256} but the code declares ${c.codeSha256}`,
    ),
    ...report.undeclared.map((l) => `${l} is registered but no longer declared in code`),
  ]);
}

/** `pet-events schemas export DIR`: one JSON Schema document per registered version. */
export async function schemasExportCommand(
  store: EventStore,
  output: Output,
  directory: string,
  baseUri: string | undefined,
): Promise<void> {
  const schemas = await store.listEventSchemas();
  for (const s of schemas) {
    const folder = join(directory, s.eventType);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `v${s.schemaVersion}.schema.json`);
    writeFileSync(file, `${JSON.stringify(schemaDocument(s, baseUri), null, 2)}\n`);
    output.out(file);
  }
}

/** `pet-events schemas deprecate TYPE --version N --reason TEXT`. */
export async function schemasDeprecateCommand(
  store: EventStore,
  output: Output,
  eventType: string,
  options: { version: string; reason: string },
): Promise<void> {
  const schemaVersion = Number(options.version);
  if (!Number.isSafeInteger(schemaVersion)) {
    throw new CliUsageError(
      `--version must be a whole number, got ${JSON.stringify(options.version)}`,
    );
  }
  const outcome = await store.transaction((tx) =>
    tx.deprecateEventSchema({ eventType, schemaVersion, reason: options.reason }),
  );
  output.out(
    outcome === 'deprecated'
      ? `Closed ${eventType} v${schemaVersion} for new events.`
      : `${eventType} v${schemaVersion} was already closed for new events.`,
  );
}

function summary(s: RegisteredEventSchema) {
  return {
    event_type: s.eventType,
    schema_version: s.schemaVersion,
    sha256: s.sha256,
    registered_at: s.registeredAt,
    deprecated_at: s.deprecatedAt,
  };
}
