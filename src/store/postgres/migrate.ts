import type { Pool } from 'pg';
import {
  loadMigrations,
  pendingMigrations,
  type AppliedMigration,
  type MigrateResult,
} from '../migrations/load-migrations.js';

const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS pet_schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  sha256 text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
)`;

/**
 * Applies pending migrations in one transaction. An advisory lock keyed on the schema makes
 * processes that start together take turns: the first migrates, the others find nothing to do.
 */
export async function migrate(pool: Pool): Promise<MigrateResult> {
  const available = loadMigrations('postgres');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/pet_schema_migrations'))",
    );
    await client.query(LEDGER_SQL);
    const { rows: applied } = await client.query<AppliedMigration>(
      'SELECT version, sha256 FROM pet_schema_migrations ORDER BY version',
    );
    const pending = pendingMigrations(available, applied);
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO pet_schema_migrations (version, name, sha256) VALUES ($1, $2, $3)',
        [migration.version, migration.name, migration.sha256],
      );
    }
    await client.query('COMMIT');
    return {
      applied: pending.map(({ version, name }) => ({ version, name })),
      current: available.at(-1)?.version ?? 0,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
