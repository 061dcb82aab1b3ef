import type { Database } from 'better-sqlite3';
import { loadMigrations, type MigrationStatus } from '../migrations/load-migrations.js';

/** The last applied migration and the last this release knows. */
export function migrationStatus(db: Database): MigrationStatus {
  const ledger = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pet_schema_migrations'")
    .get();
  const current = ledger
    ? ((db
        .prepare('SELECT COALESCE(MAX(version), 0) FROM pet_schema_migrations')
        .pluck()
        .get() as number) ?? 0)
    : 0;
  return { current, latest: loadMigrations('sqlite').at(-1)?.version ?? 0 };
}
