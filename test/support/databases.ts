/**
 * The databases every storage suite runs on: a temp SQLite file, and a fresh PostgreSQL
 * schema when PET_TEST_POSTGRES_URL is set (CI sets it; locally the PostgreSQL suites are
 * reported as skipped, loudly).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EventStore } from '../../src/store/event-store.js';
import { createPostgresEventStore } from '../../src/store/postgres/store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';

/** Plain SQL through the driver, bypassing PET Events entirely. */
export interface RawSql {
  /** Runs one statement with literal values; resolves to its rows. */
  run(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test. */
export interface TestDatabase {
  readonly store: EventStore;
  /** Another store on the same database, as a second process would open it. */
  openAnother(): EventStore;
  readonly raw: RawSql;
  cleanup(): Promise<void>;
}

/** How to make test databases of one kind. */
export interface DatabaseFactory {
  readonly dialect: 'sqlite' | 'postgres';
  /** Why this kind is not available here, if it is not. */
  readonly skipReason: string | undefined;
  create(): Promise<TestDatabase>;
}

export const POSTGRES_URL = process.env.PET_TEST_POSTGRES_URL;

export const sqliteFactory: DatabaseFactory = {
  dialect: 'sqlite',
  skipReason: undefined,
  async create() {
    const folder = mkdtempSync(join(tmpdir(), 'pet-events-test-'));
    const path = join(folder, 'pet.db');
    const store = createSqliteEventStore({ path });
    await store.migrate();
    const opened: EventStore[] = [store];
    const connection = new Database(path);
    const raw: RawSql = {
      // A promise that rejects, never a synchronous throw, like the PostgreSQL driver.
      run: (sql) =>
        new Promise<unknown[]>((resolve) => {
          const statement = connection.prepare(sql);
          resolve(statement.reader ? statement.all() : (statement.run(), []));
        }),
      close: () => Promise.resolve(void connection.close()),
    };
    return {
      store,
      raw,
      openAnother() {
        const another = createSqliteEventStore({ path });
        opened.push(another);
        return another;
      },
      async cleanup() {
        await raw.close();
        await Promise.all(opened.map((s) => s.close()));
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
};

export const postgresFactory: DatabaseFactory = {
  dialect: 'postgres',
  skipReason: POSTGRES_URL ? undefined : 'PET_TEST_POSTGRES_URL is not set',
  async create() {
    if (!POSTGRES_URL) throw new Error('PET_TEST_POSTGRES_URL is not set');
    const connectionString = POSTGRES_URL;
    const schema = `pet_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    // Named after the schema, so a test can find its own connections in pg_stat_activity.
    const open = () =>
      createPostgresEventStore({ connectionString, schema, applicationName: schema });
    const store = open();
    const opened: EventStore[] = [store];
    await store.migrate();
    await admin.query(`SET search_path = ${schema}`);
    const raw: RawSql = {
      run: async (sql) => (await admin.query<Record<string, unknown>>(sql)).rows,
      close: async () => {
        await admin.query('RESET search_path');
      },
    };
    return {
      store,
      raw,
      openAnother() {
        const another = open();
        opened.push(another);
        return another;
      },
      async cleanup() {
        await Promise.all(opened.map((s) => s.close()));
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

export const DATABASE_FACTORIES: readonly DatabaseFactory[] = [sqliteFactory, postgresFactory];
