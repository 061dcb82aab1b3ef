import type { Database } from 'better-sqlite3';
import {
  loadMigrations,
  pendingMigrations,
  type AppliedMigration,
  type MigrateResult,
} from '../migrations/load-migrations.js';

const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS pet_schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`;

/**
 * Applies pending migrations with their ledger rows, in the write transaction the caller has
 * begun (BEGIN IMMEDIATE): two processes migrating one file take turns, and the second finds
 * nothing to do. Commits on success, rolls back on failure.
 */
export function migrate(db: Database): MigrateResult {
  const available = loadMigrations('sqlite');
  try {
    db.exec(LEDGER_SQL);
    const applied = db
      .prepare('SELECT version, sha256 FROM pet_schema_migrations ORDER BY version')
      .all() as AppliedMigration[];
    const pending = pendingMigrations(available, applied);
    for (const migration of pending) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO pet_schema_migrations (version, name, sha256) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        migration.sha256,
      );
    }
    db.exec('COMMIT');
    return {
      applied: pending.map(({ version, name }) => ({ version, name })),
      current: available.at(-1)?.version ?? 0,
    };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
