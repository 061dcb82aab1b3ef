/**
 * Storage rules the database enforces by itself: migrations, append-only tables, constraints.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MigrationChangedError, type PetError } from '../../src/events/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { RawSql, TestDatabase } from '../support/databases.js';
import { ALICE, append, ticketCreated } from '../support/fixtures.js';
import type { Harness } from './harness.js';

/** Storage rules the database enforces by itself: migrations, append-only tables, constraints. */
export function databaseRulesConformance(harness: Harness): void {
  let db: TestDatabase;
  let store: EventStore;
  beforeEach(() => {
    ({ db, store } = harness.current());
  });
  const { factory } = harness;

  describe('migrations', () => {
    it('reports where the database stands', async () => {
      const status = await store.migrationStatus();
      expect(status.current).toBe(status.latest);
      expect(status.latest).toBeGreaterThanOrEqual(3);
    });

    it('applies nothing when migrated twice', async () => {
      const again = await store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.current).toBeGreaterThanOrEqual(1);
    });

    it('refuses a database whose applied migration was edited since', async () => {
      await db.raw.run("UPDATE pet_schema_migrations SET sha256 = 'edited' WHERE version = 1");
      const error = await store.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationChangedError);
      expect((error as PetError).code).toBe('PET_MIGRATION_CHANGED');
    });
  });

  describe('append-only tables, tried with raw SQL through the driver', () => {
    beforeEach(async () => {
      await append(store, [ticketCreated()]);
      await store.transaction((tx) =>
        tx.deprecateEventSchema({
          eventType: 'ticket.created',
          schemaVersion: 2,
          reason: 'test row',
        }),
      );
    });
    const tables = [
      'domain_events',
      'event_schema_versions',
      'event_types',
      'contexts',
      'event_schema_deprecations',
    ];

    it.each(tables)('rejects UPDATE on %s', async (table) => {
      const column =
        table === 'domain_events'
          ? 'actor_employee_id'
          : table === 'event_schema_deprecations'
            ? 'reason'
            : 'registered_at';
      const value = table === 'domain_events' ? 'NULL' : column;
      await expect(db.raw.run(`UPDATE ${table} SET ${column} = ${value}`)).rejects.toThrow(
        /PET_APPEND_ONLY: UPDATE on /,
      );
    });

    it.each(tables)('rejects DELETE on %s', async (table) => {
      await expect(db.raw.run(`DELETE FROM ${table}`)).rejects.toThrow(
        /PET_APPEND_ONLY: DELETE on /,
      );
      expect((await db.raw.run(`SELECT COUNT(*) AS n FROM ${table}`)).length).toBe(1);
    });

    if (factory.dialect === 'postgres') {
      it.each(tables)('rejects TRUNCATE on %s', async (table) => {
        await expect(db.raw.run(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(
          /PET_APPEND_ONLY: TRUNCATE on /,
        );
      });
    }

    it('keeps the event intact after every attempt', async () => {
      await db.raw.run('DELETE FROM domain_events').catch(() => undefined);
      const [event] = await store.readLog();
      expect(event?.actorEmployeeId).toBe(ALICE.id);
    });
  });

  describe('rules the database enforces on its own, tried with raw SQL', () => {
    const raw = () => db.raw;

    it('rejects an event type name that breaks the grammar', async () => {
      for (const name of [
        'Ticket.created',
        'ticket',
        'ticket.created.v2',
        'ticket-x.created',
        '1ticket.created',
        'ticket.',
      ]) {
        await expect(
          raw().run(`INSERT INTO event_types (event_type) VALUES ('${name}')`),
        ).rejects.toThrow(/event_type_check/);
      }
      await raw().run("INSERT INTO event_types (event_type) VALUES ('time_entry.submitted')");
    });

    it('rejects an event whose type and version are not registered', async () => {
      await expect(insertRaw(raw(), factory.dialect, { schema_version: '9' })).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      );
    });

    it('rejects a context id with control characters', async () => {
      await expect(
        raw().run(
          "INSERT INTO contexts (context_type, context_id) VALUES ('ticket', 'T-' || char(10) || '1')".replace(
            'char(10)',
            factory.dialect === 'sqlite' ? 'char(10)' : 'chr(10)',
          ),
        ),
      ).rejects.toThrow(/context_id_check/);
    });

    it('rejects an event whose causation names no recorded event', async () => {
      await expect(
        insertRaw(raw(), factory.dialect, {
          causation_id: "'0190a1b2-0000-7000-8000-000000000000'",
        }),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/);
    });

    it('rejects an event whose context is not registered', async () => {
      await expect(insertRaw(raw(), factory.dialect, { context_id: "'T-404'" })).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      );
    });

    it('rejects an actor that is not a registered employee', async () => {
      // C-acme is registered, but as a customer.
      await expect(
        insertRaw(raw(), factory.dialect, { actor_employee_id: "'C-acme'" }),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/);
    });

    it('rejects a second event with the same context version', async () => {
      await insertRaw(raw(), factory.dialect, {});
      await expect(insertRaw(raw(), factory.dialect, {})).rejects.toThrow(/UNIQUE|unique/);
      await insertRaw(raw(), factory.dialect, { context_version: '2' });
    });

    it('rejects a second event with the same idempotency key', async () => {
      await insertRaw(raw(), factory.dialect, { idempotency_key: "'k-1'" });
      await expect(
        insertRaw(raw(), factory.dialect, { idempotency_key: "'k-1'", context_version: '2' }),
      ).rejects.toThrow(/UNIQUE|unique/);
    });
  });
}

/** Inserts a `ticket.created` v1 row for T-1042 with raw SQL, with column overrides (SQL literals). */
function insertRaw(
  raw: RawSql,
  dialect: 'sqlite' | 'postgres',
  overrides: Record<string, string>,
): Promise<unknown[]> {
  const columns: Record<string, string> = {
    id: `'${crypto.randomUUID()}'`,
    event_type: "'ticket.created'",
    schema_version: '1',
    occurred_at: "'2026-11-20T09:30:00.000Z'",
    actor_employee_id: "'E-alice'",
    context_type: "'ticket'",
    context_id: "'T-1042'",
    context_version: '1',
    payload: `'{"priority":"low"}'`,
    ...overrides,
  };
  if (dialect === 'sqlite')
    columns.position = '(SELECT COALESCE(MAX(position), 0) + 1 FROM domain_events)';
  return raw.run(
    `INSERT INTO domain_events (${Object.keys(columns).join(', ')}) VALUES (${Object.values(columns).join(', ')})`,
  );
}
