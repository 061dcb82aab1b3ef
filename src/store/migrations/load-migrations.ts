/**
 * Reads the numbered, frozen migration files of a dialect and plans which to apply. The SQL
 * itself runs in each adapter's `migrate.ts`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { MigrationChangedError, MigrationUnknownError } from '../../events/errors.js';

/** One migration file: `0001-event-log.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly sha256: string;
}

/** A migration as the ledger recorded it. */
export interface AppliedMigration {
  readonly version: number;
  readonly sha256: string;
}

/** Where a database stands: its last applied migration, and the last this release has. */
export interface MigrationStatus {
  readonly current: number;
  readonly latest: number;
}

/** What `migrate` did. */
export interface MigrateResult {
  readonly applied: readonly { version: number; name: string }[];
  readonly current: number;
}

const FILE_PATTERN = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** The migrations of `dialect`, in version order. */
export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const folder = new URL(`./${dialect}/`, import.meta.url);
  return readdirSync(folder)
    .flatMap((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) return [];
      const sql = readFileSync(new URL(file, folder), 'utf8');
      const sha256 = createHash('sha256').update(sql).digest('hex');
      return [{ version: Number(match[1]), name: match[2] ?? file, sql, sha256 }];
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * The migrations still to apply. Refuses a database whose applied migrations were edited
 * since, or that has migrations this release does not know.
 */
export function pendingMigrations(
  available: readonly Migration[],
  applied: readonly AppliedMigration[],
): Migration[] {
  const known = new Map(available.map((migration) => [migration.version, migration]));
  for (const record of applied) {
    const migration = known.get(record.version);
    if (!migration) throw new MigrationUnknownError(record.version);
    if (migration.sha256 !== record.sha256) {
      throw new MigrationChangedError(migration.version, migration.name);
    }
  }
  const done = new Set(applied.map((record) => record.version));
  return available.filter((migration) => !done.has(migration.version));
}
