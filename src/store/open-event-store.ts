import { DatabaseUrlInvalidError } from '../events/errors.js';
import type { EventStore, StoreLocation } from './event-store.js';
import { createPostgresEventStore } from './postgres/store.js';
import { createSqliteEventStore } from './sqlite/store.js';

/** The database used when neither `--db` nor `PET_DB` names one. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/pet.db';

/** A parsed database URL. */
export type DatabaseLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

/** `sqlite:PATH` or `postgres://…` (also `postgresql://…`). */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path.length === 0) throw new DatabaseUrlInvalidError(url);
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\/[^/]/.test(url)) return { dialect: 'postgres', connectionString: url };
  throw new DatabaseUrlInvalidError(url);
}

/**
 * Opens the event log a database URL names. It does not migrate: call `migrate()`.
 *
 * @example
 * const store = openEventStore(process.env.PET_DB ?? DEFAULT_DATABASE_URL);
 */
export function openEventStore(
  url: string,
  options: { readonly sqliteDurability?: 'full' | 'relaxed' | 'bulk' } = {},
): EventStore {
  const location = parseDatabaseUrl(url);
  return location.dialect === 'sqlite'
    ? createSqliteEventStore({
        path: location.path,
        ...(options.sqliteDurability ? { durability: options.sqliteDurability } : {}),
      })
    : createPostgresEventStore({ connectionString: location.connectionString });
}

/**
 * Opens another store on the database a store's `location` names, as another thread or
 * process would (`verifyLog` checks parts of the log in worker threads this way).
 */
export function openStoreAt(
  location: StoreLocation,
  options: { readonly poolSize?: number; readonly applicationName?: string } = {},
): EventStore {
  return location.dialect === 'sqlite'
    ? createSqliteEventStore({ path: location.path })
    : createPostgresEventStore({ ...location, ...options });
}
