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
import { contextKey, type JsonObject } from '../events/types.js';
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

/** What the current transaction offers the catalog. */
export interface CatalogTransaction extends PendingRegistry {
  /**
   * Reads the registry on the transaction's own connection (so a reload never waits for a
   * second connection while this one is held). It also returns the versions the
   * transaction registered itself; the catalog leaves those out of its cache.
   */
  readonly loadSchemas: () => Promise<CatalogSchema[]>;
}

/**
 * Compiled validators by (type, version). Loaded before a transaction starts; a version the
 * catalog does not know makes it reload once, inside the transaction (another process may
 * have registered it); versions registered or deprecated in the current, uncommitted
 * transaction are passed in by it. The database checks deprecation again at insert, so a
 * deprecation made by another process holds even while this cache has not seen it.
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

  /** Loads the registry if it is not loaded: call before taking a connection for a transaction. */
  async prime(): Promise<void> {
    if (!this.#versions) this.#remember(await this.#load(), []);
  }

  /**
   * Checks every event of a batch against exactly the version it declares, and returns the
   * references the payloads hold (each context once). Throws on the first event that fails, naming all of its
   * violations.
   */
  async check(batch: PreparedBatch, pending: CatalogTransaction): Promise<BatchReference[]> {
    const references: BatchReference[] = [];
    // One check per distinct context is enough; the first place it is named is reported.
    const named = new Set<string>();
    for (const [eventIndex, event] of batch.events.entries()) {
      const entry = await this.#find(event.eventType, event.schemaVersion, pending);
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
        const context = contextKey(reference.context);
        if (named.has(context)) continue;
        named.add(context);
        references.push({ pointer: reference.pointer, context: reference.context, eventIndex });
      }
    }
    return references;
  }

  async #find(
    eventType: string,
    schemaVersion: number,
    tx: CatalogTransaction,
  ): Promise<CatalogSchema> {
    const wanted = key(eventType, schemaVersion);
    const own = tx.schemas.findLast((p) => key(p.eventType, p.schemaVersion) === wanted);
    if (own) return own;
    let found = this.#versions?.get(wanted);
    if (!found) {
      this.#remember(await tx.loadSchemas(), tx.schemas);
      found = this.#versions?.get(wanted);
    }
    if (found) return found;
    const typeKnown =
      this.#types.has(eventType) || tx.schemas.some((p) => p.eventType === eventType);
    throw typeKnown
      ? new SchemaVersionUnregisteredError(eventType, schemaVersion)
      : new EventTypeUnknownError(eventType);
  }

  /** Caches what the database holds, without the versions of an uncommitted transaction. */
  #remember(schemas: readonly CatalogSchema[], uncommitted: readonly CatalogSchema[]): void {
    const skip = new Set(uncommitted.map((p) => key(p.eventType, p.schemaVersion)));
    const versions = new Map<string, CatalogSchema>();
    for (const schema of schemas) {
      const entry = key(schema.eventType, schema.schemaVersion);
      if (skip.has(entry)) continue;
      versions.set(entry, schema);
      this.#types.add(schema.eventType);
    }
    this.#versions = versions;
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
