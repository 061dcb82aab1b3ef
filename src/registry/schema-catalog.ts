/**
 * The registered schema versions as a store enforces them at append: loaded from the
 * database, compiled once, and consulted for every event of every batch.
 */
import {
  EventTypeUnknownError,
  PayloadInvalidError,
  SchemaVersionDeprecatedError,
  SchemaVersionUnregisteredError,
} from '../events/errors.js';
import type { JsonObject } from '../events/types.js';
import type { PreparedBatch } from '../store/prepare-events.js';
import { compileSchema, type CompiledSchema, type PayloadReference } from './compiled-schema.js';

/** A registered version as the catalog needs it. */
export interface CatalogSchema {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly schema: JsonObject;
  readonly sha256: string;
  readonly deprecatedAt: string | null;
}

/** What the current, uncommitted transaction has registered and deprecated. */
export interface PendingRegistry {
  readonly schemas: readonly CatalogSchema[];
  readonly deprecated: ReadonlySet<string>;
}

/** The key of a version in a `PendingRegistry`'s `deprecated` set. */
export const versionKey = (eventType: string, schemaVersion: number): string =>
  `${eventType}\u0000${schemaVersion}`;

/** A reference of the batch's event at `eventIndex`. */
export interface BatchReference extends PayloadReference {
  readonly eventIndex: number;
}

const key = versionKey;
const NOTHING_PENDING: PendingRegistry = { schemas: [], deprecated: new Set() };

/**
 * Compiled validators by (type, version). A version the catalog does not know makes it
 * reload once from the database (another process may have registered it); versions
 * registered or deprecated in the current, uncommitted transaction are passed in by it.
 */
export class SchemaCatalog {
  readonly #load: () => Promise<CatalogSchema[]>;
  #versions: Map<string, CatalogSchema> | undefined;
  readonly #types = new Set<string>();
  // By sha256: a version never changes, so its compiled form outlives reloads.
  readonly #compiled = new Map<string, CompiledSchema>();

  constructor(load: () => Promise<CatalogSchema[]>) {
    this.#load = load;
  }

  /** Forgets what was loaded, so the next check reads the registry again. */
  invalidate(): void {
    this.#versions = undefined;
  }

  /**
   * Checks every event of a batch against exactly the version it declares, and returns the
   * references the payloads hold (each context once). Throws on the first event that fails, naming all of its
   * violations.
   */
  async check(
    batch: PreparedBatch,
    pending: PendingRegistry = NOTHING_PENDING,
  ): Promise<BatchReference[]> {
    const references: BatchReference[] = [];
    // One check per distinct context is enough; the first place it is named is reported.
    const named = new Set<string>();
    for (const [eventIndex, event] of batch.events.entries()) {
      const entry = await this.#find(event.eventType, event.schemaVersion, pending.schemas);
      if (
        entry.deprecatedAt !== null ||
        pending.deprecated.has(key(event.eventType, event.schemaVersion))
      ) {
        throw new SchemaVersionDeprecatedError(event.eventType, event.schemaVersion);
      }
      const compiled = this.#compile(entry);
      const violations = compiled.validate(event.payload);
      if (violations.length > 0) {
        throw new PayloadInvalidError(event.eventType, event.schemaVersion, violations);
      }
      for (const reference of compiled.references(event.payload)) {
        const context = `${reference.context.type}\u0000${reference.context.id}`;
        if (named.has(context)) continue;
        named.add(context);
        references.push({ ...reference, eventIndex });
      }
    }
    return references;
  }

  async #find(
    eventType: string,
    schemaVersion: number,
    pending: readonly CatalogSchema[],
  ): Promise<CatalogSchema> {
    const own = pending.findLast(
      (p) => p.eventType === eventType && p.schemaVersion === schemaVersion,
    );
    if (own) return own;
    let found = (await this.#loaded(false)).get(key(eventType, schemaVersion));
    if (!found) found = (await this.#loaded(true)).get(key(eventType, schemaVersion));
    if (found) return found;
    const typeKnown = this.#types.has(eventType) || pending.some((p) => p.eventType === eventType);
    throw typeKnown
      ? new SchemaVersionUnregisteredError(eventType, schemaVersion)
      : new EventTypeUnknownError(eventType);
  }

  async #loaded(reload: boolean): Promise<Map<string, CatalogSchema>> {
    if (!this.#versions || reload) {
      const versions = new Map<string, CatalogSchema>();
      for (const schema of await this.#load()) {
        versions.set(key(schema.eventType, schema.schemaVersion), schema);
        this.#types.add(schema.eventType);
      }
      this.#versions = versions;
    }
    return this.#versions;
  }

  #compile(entry: CatalogSchema): CompiledSchema {
    let compiled = this.#compiled.get(entry.sha256);
    if (!compiled) {
      compiled = compileSchema(entry.schema);
      this.#compiled.set(entry.sha256, compiled);
    }
    return compiled;
  }
}
