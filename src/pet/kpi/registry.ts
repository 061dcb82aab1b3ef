/**
 * The KPI definitions a database knows: the built-in set (JSON files under
 * `src/pet/kpi/definitions/`), registered on `migrate` and by the demo, and versions
 * registered later with `pet-events kpi define FILE`. A registered version never changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  KpiDefinitionChangedError,
  KpiDefinitionInvalidError,
  KpiUnknownError,
} from '../../events/errors.js';
import type { EventStore } from '../../store/event-store.js';
import { definitionHash, validateDefinition, type KpiDefinition } from './definition.js';

/** The built-in definitions, read from their files and validated. */
export function builtInDefinitions(): KpiDefinition[] {
  const folder = new URL('./definitions/', import.meta.url);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => validateDefinition(JSON.parse(readFileSync(new URL(file, folder), 'utf8'))));
}

/** A registered definition, as stored. */
export interface RegisteredDefinition {
  readonly definition: KpiDefinition;
  readonly sha256: string;
  readonly registeredAt: string;
}

/** Every registered version of every KPI, by key then version. */
export async function listDefinitions(store: EventStore): Promise<RegisteredDefinition[]> {
  const rows = await store.query<{ document: unknown; sha256: string; registered_at: string }>(
    'SELECT document, sha256, registered_at FROM pet_kpi_definitions ORDER BY kpi_key, version',
  );
  return rows.map((row) => ({
    definition: definitionOf(row.document),
    sha256: row.sha256,
    registeredAt: row.registered_at,
  }));
}

/** A stored document as a definition (SQLite gives JSON text, PostgreSQL parsed jsonb). */
export function definitionOf(document: unknown): KpiDefinition {
  return (typeof document === 'string' ? JSON.parse(document) : document) as KpiDefinition;
}

/** One definition: the given version, or the latest. */
export async function findDefinition(
  store: EventStore,
  key: string,
  version?: number,
): Promise<KpiDefinition> {
  const [row] = await store.query<{ document: unknown }>(
    version === undefined
      ? 'SELECT document FROM pet_kpi_definitions WHERE kpi_key = $1 ORDER BY version DESC LIMIT 1'
      : 'SELECT document FROM pet_kpi_definitions WHERE kpi_key = $1 AND version = $2',
    version === undefined ? [key] : [key, version],
  );
  if (row === undefined) throw new KpiUnknownError(key, version);
  return definitionOf(row.document);
}

/**
 * Registers definitions not registered yet, in one transaction; a registered version with
 * other content fails with PET_KPI_DEFINITION_CHANGED. A new version must follow the key's
 * latest (version 1 for a new key): versions are never skipped.
 */
export async function registerDefinitions(
  store: EventStore,
  documents: readonly unknown[],
): Promise<{ registered: KpiDefinition[]; unchanged: KpiDefinition[] }> {
  const definitions = documents.map(validateDefinition);
  const registered: KpiDefinition[] = [];
  const unchanged: KpiDefinition[] = [];
  await store.transaction(async (tx) => {
    for (const definition of definitions) {
      const sha256 = definitionHash(definition);
      const rows = await tx.sql.query<{ version: number | string; sha256: string }>(
        'SELECT version, sha256 FROM pet_kpi_definitions WHERE kpi_key = $1 ORDER BY version',
        [definition.key],
      );
      const same = rows.find((row) => Number(row.version) === definition.version);
      if (same !== undefined) {
        if (same.sha256 !== sha256) {
          throw new KpiDefinitionChangedError(
            definition.key,
            definition.version,
            same.sha256,
            sha256,
          );
        }
        unchanged.push(definition);
        continue;
      }
      const latest = rows.length === 0 ? 0 : Number(rows.at(-1)?.version);
      if (definition.version !== latest + 1) {
        throw new KpiDefinitionInvalidError(
          '/version',
          `${definition.key} is at version ${latest}: the next version is ${latest + 1}, not ${definition.version}`,
        );
      }
      await tx.sql.execute(
        'INSERT INTO pet_kpi_definitions (kpi_key, version, document, sha256, registered_at) VALUES ($1, $2, $3, $4, $5)',
        [
          definition.key,
          definition.version,
          JSON.stringify(definition),
          sha256,
          new Date().toISOString(),
        ],
      );
      registered.push(definition);
    }
  });
  return { registered, unchanged };
}
