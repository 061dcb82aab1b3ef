/**
 * The unit of work, run once per adapter: state and events commit together or not at all;
 * actor, correlation and causation come from the unit; idempotency keys replay.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PetError } from '../../src/events/errors.js';
import { ActorUnknownError, UnitOfWorkInvalidError } from '../../src/events/errors.js';
import * as library from '../../src/index.js';
import type { EventStore } from '../../src/store/event-store.js';
import { internals } from '../../src/store/internal.js';
import { employeePrincipal, systemPrincipal } from '../../src/unit-of-work/principal.js';
import {
  createUnitOfWork,
  type UnitOfWork,
  type UnitOfWorkContext,
} from '../../src/unit-of-work/unit-of-work.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import { ALICE, BOB } from '../support/fixtures.js';
import { useSeededDatabase } from './harness.js';
import { idempotencyBehaviours } from './idempotency-suite.js';
import { useLeads, type Leads } from './leads.js';

/** Runs every unit-of-work behaviour against the databases `factory` makes. */
export function unitOfWorkConformance(factory: DatabaseFactory): void {
  describe('unit of work', () => {
    const leads = useLeads(useSeededDatabase(factory));
    transactionBehaviours(leads);
    idempotencyBehaviours(leads);
  });
}

function transactionBehaviours(leads: Leads): void {
  const { alice, lead, createLead, stateOf } = leads;
  let db: TestDatabase;
  let store: EventStore;
  let unitOfWork: UnitOfWork;
  beforeEach(() => {
    ({ db, store, unitOfWork } = leads.current());
  });
  describe('one transaction for state and events', () => {
    it('commits the state row and its events together, with actor, correlation and causation', async () => {
      const { events, correlationId, replayed } = await unitOfWork.run(
        { principal: alice, command: 'lead.create' },
        async (context) => {
          const created = await createLead(context, 'L-1');
          await context.sql.execute(
            "UPDATE test_leads SET status = 'qualified', touches = 1 WHERE id = $1",
            ['L-1'],
          );
          context.emit(
            {
              eventType: 'lead.qualified',
              schemaVersion: 1,
              context: lead('L-1'),
              payload: { from_status: 'new', to_status: 'qualified', touches: 1 },
              occurredAt: '2026-11-01T09:00:00Z',
            },
            { causedBy: created.id },
          );
        },
      );
      expect(replayed).toBe(false);
      expect(await stateOf('L-1')).toEqual([{ status: 'qualified', touches: 1 }]);
      const stored = await store.readCorrelation(correlationId);
      expect(stored).toEqual(events);
      expect(stored.map((e) => [e.eventType, e.actorEmployeeId, e.correlationId])).toEqual([
        ['lead.created', ALICE.id, correlationId],
        ['lead.qualified', ALICE.id, correlationId],
      ]);
      expect(stored[0]?.causationId).toBeNull();
      expect(stored[1]?.causationId).toBe(stored[0]?.id);
      expect(stored[1]?.occurredAt).toBe('2026-11-01T09:00:00.000Z');
      expect(Math.abs(Date.parse(stored[0]?.occurredAt ?? '') - Date.now())).toBeLessThan(5000);
    });

    it('records a null actor for a system principal', async () => {
      const { events } = await unitOfWork.run(
        { principal: systemPrincipal('importer'), command: 'lead.import' },
        (context) => createLead(context, 'L-2'),
      );
      expect(events[0]?.actorEmployeeId).toBeNull();
    });

    it('refuses a causation that names no recorded event', async () => {
      const error = await unitOfWork
        .run(
          {
            principal: alice,
            command: 'lead.route',
            causationId: '0190a1b2-0000-7000-8000-000000000000',
          },
          (c) => createLead(c, 'L-9'),
        )
        .catch((e: unknown) => e);
      expect((error as PetError).code).toBe('PET_EVENT_INVALID');
      expect((error as Error).message).toContain('causationId names no recorded event');
      expect(await stateOf('L-9')).toEqual([]);
    });

    it('records the causation of a unit that reacts to an event', async () => {
      const first = await unitOfWork.run({ principal: alice, command: 'lead.create' }, (c) =>
        createLead(c, 'L-3'),
      );
      const cause = first.events[0]?.id ?? '';
      const second = await unitOfWork.run(
        {
          principal: systemPrincipal('router'),
          command: 'lead.route',
          causationId: cause,
          correlationId: first.correlationId,
        },
        (c) => createLead(c, 'L-4'),
      );
      expect(second.events[0]).toMatchObject({
        causationId: cause,
        correlationId: first.correlationId,
      });
    });
  });

  describe('any failure leaves neither the state row nor any event', () => {
    const failures: [string, (context: UnitOfWorkContext) => Promise<unknown>, string | RegExp][] =
      [
        [
          'an invalid payload',
          (c) => createLead(c, 'L-9', { source: 'carrier pigeon' }),
          'PET_PAYLOAD_INVALID',
        ],
        [
          'an unresolved context',
          async (c) => {
            await createLead(c, 'L-9');
            c.emit({
              eventType: 'lead.created',
              schemaVersion: 1,
              context: lead('L-404'),
              payload: { source: 'email', owner_id: ALICE.id },
            });
          },
          'PET_CONTEXT_UNRESOLVED',
        ],
        [
          'an unresolved reference',
          (c) => createLead(c, 'L-9', { owner_id: 'E-ghost' }),
          'PET_REFERENCE_UNRESOLVED',
        ],
        [
          'a stale context version',
          async (c) => {
            await createLead(c, 'L-9');
            c.emit({
              eventType: 'lead.qualified',
              schemaVersion: 1,
              context: lead('L-9'),
              payload: { from_status: 'new', to_status: 'qualified', touches: 0 },
              expectedContextVersion: 5,
            });
          },
          'PET_CONTEXT_VERSION_CONFLICT',
        ],
        [
          'a database error',
          async (c) => {
            await createLead(c, 'L-9');
            await c.sql.execute('INSERT INTO no_such_table (id) VALUES ($1)', ['x']);
          },
          /no_such_table/,
        ],
        [
          'an exception before the emit',
          async (c) => {
            await c.sql.execute('INSERT INTO test_leads (id, status) VALUES ($1, $2)', [
              'L-9',
              'new',
            ]);
            throw new Error('domain failure before emit');
          },
          'domain failure before emit',
        ],
        [
          'an exception after the emit',
          async (c) => {
            await createLead(c, 'L-9');
            throw new Error('domain failure after emit');
          },
          'domain failure after emit',
        ],
        [
          'an occurred_at later than recorded_at beyond the tolerance',
          async (c) => {
            await c.sql.execute('INSERT INTO test_leads (id, status) VALUES ($1, $2)', [
              'L-9',
              'new',
            ]);
            await c.registerContext(lead('L-9'));
            c.emit({
              eventType: 'lead.created',
              schemaVersion: 1,
              context: lead('L-9'),
              payload: { source: 'email', owner_id: ALICE.id },
              occurredAt: new Date(Date.now() + 3_600_000),
            });
          },
          'PET_OCCURRED_AT_IN_FUTURE',
        ],
      ];

    it.each(failures)('%s', async (_name, work, expected) => {
      await store.transaction((tx) =>
        tx.deprecateEventSchema({
          eventType: 'ticket.created',
          schemaVersion: 1,
          reason: 'closed',
        }),
      );
      const error = await unitOfWork
        .run({ principal: alice, command: 'lead.create' }, work)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      if (typeof expected === 'string' && expected.startsWith('PET_'))
        expect((error as PetError).code).toBe(expected);
      else expect((error as Error).message).toMatch(expected);
      expect(await stateOf('L-9')).toEqual([]);
      expect(await store.readLog()).toEqual([]);
      expect(await db.raw.run("SELECT 1 FROM contexts WHERE context_type = 'lead'")).toEqual([]);
    });

    it('refuses an employee principal that is not a registered employee', async () => {
      const error = await unitOfWork
        .run({ principal: employeePrincipal('E-ghost'), command: 'lead.create' }, (c) =>
          createLead(c, 'L-9'),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActorUnknownError);
      expect(await stateOf('L-9')).toEqual([]);
    });
  });

  describe('the actor is the principal', () => {
    it('refuses an event that names its own actor, correlation or idempotency key', async () => {
      for (const field of ['actorEmployeeId', 'correlationId', 'idempotencyKey']) {
        const error = await unitOfWork
          .run({ principal: alice, command: 'lead.create' }, async (c) => {
            await c.sql.execute('INSERT INTO test_leads (id, status) VALUES ($1, $2)', [
              'L-9',
              'new',
            ]);
            await c.registerContext(lead('L-9'));
            c.emit({
              eventType: 'lead.created',
              schemaVersion: 1,
              context: lead('L-9'),
              payload: { source: 'email', owner_id: ALICE.id },
              [field]: BOB.id,
            });
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnitOfWorkInvalidError);
        expect((error as UnitOfWorkInvalidError).field).toBe(field);
      }
      expect(await store.readLog()).toEqual([]);
    });

    it('offers no way to emit outside a unit of work', async () => {
      expect(Object.keys(library)).not.toContain('appendEvents');
      expect(
        Object.keys(library).filter(
          (name) => /append|internal/i.test(name) && !name.endsWith('Error'),
        ),
      ).toEqual([]);
      await store.transaction((tx) => {
        expect('appendEvents' in tx).toBe(false);
        expect(Object.getOwnPropertySymbols(tx)).toEqual([]);
        expect(Object.keys(tx).filter((key) => /append|internal/i.test(key))).toEqual([]);
        // A look-alike (the transaction's prototype, its own fields copied) holds none of them.
        const forged: typeof tx = Object.assign(
          Object.create(Object.getPrototypeOf(tx) as object) as typeof tx,
          tx,
        );
        expect(() => internals(forged)).toThrow(TypeError);
        expect(() => internals(tx)).not.toThrow();
        return Promise.resolve();
      });
      let escaped: UnitOfWorkContext | undefined;
      await unitOfWork.run({ principal: alice, command: 'lead.create' }, async (c) => {
        escaped = c;
        await createLead(c, 'L-5');
      });
      expect(() =>
        escaped?.emit({
          eventType: 'lead.created',
          schemaVersion: 1,
          context: lead('L-5'),
          payload: {},
        }),
      ).toThrow(UnitOfWorkInvalidError);
    });
  });

  describe('races', () => {
    it('runs again a unit that lost the race for a context version it did not state', async () => {
      await unitOfWork.run({ principal: alice, command: 'lead.create' }, (c) =>
        createLead(c, 'L-6'),
      );
      const stores = [store, db.openAnother(), db.openAnother(), db.openAnother()];
      // Where writers run at once, hold every unit open until all have read: then all of
      // them compute the same next version, and all but one lose the race.
      let arrived = 0;
      let release!: () => void;
      const allOpen = new Promise<void>((resolve) => (release = resolve));
      const barrier = async () => {
        if (!store.capabilities.concurrentWriters) return;
        arrived += 1;
        if (arrived === 12) release();
        await allOpen;
      };
      const runs = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          createUnitOfWork(stores[i % stores.length] as EventStore).run(
            { principal: alice, command: 'lead.touch' },
            async (c) => {
              // No state row to lock: the units meet only at the context's next version.
              await c.sql.query('SELECT 1 FROM test_leads WHERE id = $1', ['L-6']);
              await barrier();
              c.emit({
                eventType: 'lead.qualified',
                schemaVersion: 1,
                context: lead('L-6'),
                payload: { from_status: 'new', to_status: 'qualified', touches: i },
              });
            },
          ),
        ),
      );
      expect(runs).toHaveLength(12);
      expect((await store.readContext(lead('L-6'))).map((e) => e.contextVersion)).toEqual(
        Array.from({ length: 13 }, (_, i) => i + 1),
      );
    });
  });

  describe('the domain SQL', () => {
    it('cannot end the transaction or write the event log around the unit of work', async () => {
      const attempts = [
        'COMMIT',
        '  rollback',
        'SAVEPOINT s1',
        `INSERT INTO domain_events (id) VALUES ('x')`,
        "UPDATE contexts SET context_id = 'x'",
        'DELETE FROM unit_of_work_keys',
        // Settings that would outlive the unit on the connection the store's appends use.
        'PRAGMA ignore_check_constraints = ON',
        "SELECT set_config('DateStyle', 'SQL, DMY', false)",
        'set TimeZone to 5',
        // A comment before the keyword hides nothing.
        '/* early */ COMMIT',
        '-- early\nROLLBACK',
        '-- early\rCOMMIT',
        // Settings the store's own statements in this unit depend on.
        'SET LOCAL search_path = public',
        "UPDATE pg_settings SET setting = 'UTC' WHERE name = 'TimeZone'",
        // Statements that run others, or hide the store's tables.
        'EXPLAIN ANALYZE DELETE FROM unit_of_work_keys',
        'DO $$ BEGIN NULL; END $$',
        'EXECUTE pet_append_event(1)',
        'SELECT * INTO TEMP domain_events FROM domain_events WHERE false',
        // A quote inside an identifier does not start a literal that could hide the table.
        `WITH q AS (SELECT 1 AS "x'") INSERT INTO domain_events (id) SELECT 'y'`,
        `INSERT INTO U&"domain\\005fevents" (id) VALUES ('x')`,
      ];
      for (const text of attempts) {
        const error = await unitOfWork
          .run({ principal: alice, command: 'lead.create' }, async (c) => {
            await createLead(c, 'L-9');
            await c.sql.execute(text);
          })
          .catch((e: unknown) => e);
        expect(error, text).toBeInstanceOf(UnitOfWorkInvalidError);
        expect((error as UnitOfWorkInvalidError).field).toBe('sql');
      }
      // A second statement after a semicolon: the database takes one, and the unit rolls back.
      for (const text of ['SELECT 1; COMMIT', "SELECT 1; SET TimeZone = 'America/New_York'"]) {
        await expect(
          unitOfWork.run({ principal: alice, command: 'lead.create' }, async (c) => {
            await createLead(c, 'L-9');
            await c.sql.execute(text);
          }),
          text,
        ).rejects.toThrow();
      }
      expect(await stateOf('L-9')).toEqual([]);
      expect(await store.readLog()).toEqual([]);
      const [count] = await unitOfWork
        .run({ principal: alice, command: 'lead.count' }, (c) =>
          c.sql.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM domain_events'),
        )
        .then((r) => r.result);
      expect(Number(count?.n)).toBe(0);
    });

    it('binds $n placeholders in order, out of order and repeated, alike on both databases', async () => {
      const { result } = await unitOfWork.run(
        { principal: alice, command: 'lead.read' },
        async (c) => {
          await createLead(c, 'L-8');
          await c.sql.execute('UPDATE test_leads SET status = $1, touches = $2 WHERE id = $3', [
            'qualified',
            3,
            'L-8',
          ]);
          return {
            inOrder: await c.sql.query('SELECT status, touches FROM test_leads WHERE id = $1', [
              'L-8',
            ]),
            shuffled: await c.sql.query(
              'SELECT CAST($2 AS TEXT) AS b, CAST($1 AS TEXT) AS a, CAST($1 AS TEXT) AS again',
              ['one', 'two'],
            ),
          };
        },
      );
      expect(result.inOrder).toEqual([{ status: 'qualified', touches: 3 }]);
      expect(result.shuffled).toEqual([{ b: 'two', a: 'one', again: 'one' }]);
    });

    it('runs the same writes again and again, prepared once per connection on PostgreSQL', async () => {
      const update =
        "UPDATE test_leads SET status = 'qualified', touches = touches + 1 WHERE id = $1";
      const returning = `${update} RETURNING touches`;
      const read = 'SELECT touches FROM test_leads WHERE id = $1';
      const { result } = await unitOfWork.run(
        { principal: alice, command: 'lead.touch' },
        async (c) => {
          await createLead(c, 'L-7');
          for (let k = 0; k < 3; k += 1) await c.sql.execute(update, ['L-7']);
          await c.sql.execute(returning, ['L-7']);
          const [row] = await c.sql.query<{ touches: number }>(read, ['L-7']);
          // On PostgreSQL, pg_prepared_statements lists what this connection has prepared.
          // (SQLite statements are compiled once per connection by the adapter itself.)
          const prepared =
            store.dialect === 'postgres'
              ? await c.sql.query<{ statement: string }>(
                  "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'pet\\_sql\\_%'",
                )
              : [];
          return { touches: row?.touches, prepared: prepared.map((p) => p.statement) };
        },
      );
      expect(result.touches).toBe(4);
      if (store.dialect === 'postgres') {
        // The plain write is prepared; a statement that returns rows never is (it would fail
        // once a table it reads is recreated with other columns, as on a read-model rebuild).
        expect(result.prepared).toContain(update);
        expect(result.prepared).not.toContain(returning);
        expect(result.prepared).not.toContain(read);
      }
      expect(await stateOf('L-7')).toEqual([expect.objectContaining({ touches: 4 })]);
    });
  });
}
