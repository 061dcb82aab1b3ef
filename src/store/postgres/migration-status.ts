import { loadMigrations, type MigrationStatus } from '../migrations/load-migrations.js';
import { query, type Queryable } from './queryable.js';

/** The last applied migration and the last this release knows. */
export async function migrationStatus(db: Queryable): Promise<MigrationStatus> {
  const [row] = await query<{ current: number | null }>(
    db,
    'pet_migration_status',
    `SELECT CASE WHEN to_regclass('pet_schema_migrations') IS NULL THEN 0
       ELSE (SELECT COALESCE(MAX(version), 0) FROM pet_schema_migrations) END AS current`,
    [],
  );
  return { current: row?.current ?? 0, latest: loadMigrations('postgres').at(-1)?.version ?? 0 };
}
