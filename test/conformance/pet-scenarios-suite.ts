/**
 * PET's cross-aggregate facts and stress scenarios, on each database: quote acceptance
 * creating its project (also when raced), variance once per crossing, SLA warnings and
 * breaches exactly once (across pauses and racing evaluators), idempotent time submission,
 * failures after the state write leaving nothing, and the demo firm's determinism.
 */
import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  PetError,
  SchemaVersionDeprecatedError,
} from '../../src/events/errors.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { buildDemoFirm } from '../../src/pet/demo/firm.js';
import { createPet, type Pet } from '../../src/pet/pet.js';
import { teamsAt } from '../../src/pet/team/commands.js';
import { ticketClocks } from '../../src/pet/ticket/sla.js';
import { syncContracts } from '../../src/registry/sync.js';
import { employeePrincipal } from '../../src/unit-of-work/principal.js';
import type { DatabaseFactory } from '../support/databases.js';
import { after, asAdmin, T0, usePetWorld, type World } from '../pet/world.js';

async function count(world: World, sql: string): Promise<number> {
  const rows = await world.store.transaction((tx) => tx.sql.query<{ n: unknown }>(sql));
  return Number(rows[0]?.n);
}

const ofType = (events: readonly RecordedEvent[], type: string) =>
  events.filter((e) => e.eventType === type);

async function sentQuote(pet: Pet, id: string, soldMinutes = 600): Promise<void> {
  await pet.quotes.create(asAdmin(), {
    id,
    customerId: 'C-acme',
    currency: 'EUR',
    sellTotalMinor: 900_000,
    costTotalMinor: 500_000,
    validUntil: '2026-04-30',
    soldMinutes,
  });
  await pet.quotes.send(asAdmin(), { id });
}

function internalTime(id: string, minutes: number) {
  return {
    id,
    employeeId: 'E-sam',
    startedAt: T0,
    endedAt: after(Math.max(minutes, 0) + 60),
    minutes,
    billable: false,
    workType: 'internal' as const,
  };
}

function projectTime(id: string, minutes: number, projectId = 'P-1') {
  return {
    id,
    employeeId: 'E-sam',
    projectId,
    startedAt: T0,
    endedAt: after(Math.max(minutes, 0) + 60),
    minutes,
    billable: true,
    workType: 'project' as const,
  };
}

async function rejection(attempt: Promise<unknown>): Promise<PetError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PetError);
  return error as PetError;
}

/** Runs PET's scenarios on the databases `factory` makes. */
export function petScenarioConformance(factory: DatabaseFactory): void {
  describe('PET domain scenarios', () => {
    const world = usePetWorld(factory);

    describe('quotes and projects', () => {
      it('accepting a quote records quote.accepted, then project.created caused by it, with the sold minutes', async () => {
        const { pet } = world();
        await sentQuote(pet, 'Q-1', 720);
        const { events } = await pet.quotes.accept(asAdmin(after(60)), {
          id: 'Q-1',
          projectId: 'P-1',
        });
        expect(events.map((e) => e.eventType)).toEqual(['quote.accepted', 'project.created']);
        const [accepted, created] = events as [RecordedEvent, RecordedEvent];
        expect(accepted.payload).toMatchObject({
          from_status: 'sent',
          to_status: 'accepted',
          accepted_by: 'E-admin',
        });
        expect(created.payload).toEqual({
          customer_id: 'C-acme',
          quote_id: 'Q-1',
          name: 'Project for quote Q-1',
          sold_minutes: 720,
        });
        expect(created.causationId).toBe(accepted.id);
        expect(created.correlationId).toBe(accepted.correlationId);
      });

      it('two stores accepting one quote at once: one quote.accepted, one project.created, the others refused', async () => {
        const w = world();
        await sentQuote(w.pet, 'Q-1');
        const pets = [w.pet, createPet(w.db.openAnother())];
        const outcomes = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            (pets[i % 2] as Pet).quotes.accept(asAdmin(after(60)), { id: 'Q-1', projectId: 'P-1' }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes.filter((o) => o.status === 'rejected')) {
          expect(o.reason).toBeInstanceOf(IllegalTransitionError);
        }
        const log = await w.store.readLog({ limit: 1000 });
        expect(ofType(log, 'quote.accepted')).toHaveLength(1);
        expect(ofType(log, 'project.created')).toHaveLength(1);
        expect(await count(w, 'SELECT count(*) AS n FROM pet_projects')).toBe(1);
      });

      it('a failure after the quote was marked accepted (the project id is taken) leaves no trace', async () => {
        const w = world();
        await w.pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Taken',
          soldMinutes: 10,
        });
        await sentQuote(w.pet, 'Q-1');
        const head = await w.store.headPosition();
        const error = await rejection(
          w.pet.quotes.accept(asAdmin(), { id: 'Q-1', projectId: 'P-1' }),
        );
        expect(error.code).toBe('PET_AGGREGATE_EXISTS');
        expect(await w.store.headPosition()).toBe(head);
        expect(await count(w, "SELECT count(*) AS n FROM pet_quotes WHERE status = 'sent'")).toBe(
          1,
        );
        expect(await count(w, 'SELECT count(*) AS n FROM pet_projects')).toBe(1);
      });
    });

    describe('time', () => {
      it('project.variance_detected fires once per crossing of the sold minutes, with the raw minutes', async () => {
        const { pet, store } = world();
        await pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Rollout',
          soldMinutes: 100,
        });
        await pet.timeEntries.submit(asAdmin(), projectTime('TE-1', 90)); // 90
        await pet.timeEntries.submit(asAdmin(), projectTime('TE-2', 20)); // 110: crosses
        await pet.timeEntries.submit(asAdmin(), projectTime('TE-3', 30)); // 140: still over
        await pet.timeEntries.correct(asAdmin(), { ...projectTime('TE-4', 5), correctsId: 'TE-2' }); // 125
        await pet.timeEntries.submit(asAdmin(), projectTime('TE-5', 10)); // 135: still over
        const variance = ofType(await store.readLog({ limit: 1000 }), 'project.variance_detected');
        expect(variance.map((e) => e.payload)).toEqual([
          { sold_minutes: 100, logged_minutes: 110 },
        ]);
        // Corrections bring it back under; the next submission crosses again.
        await pet.timeEntries.correct(asAdmin(), { ...projectTime('TE-6', 0), correctsId: 'TE-3' }); // 105
        await pet.timeEntries.correct(asAdmin(), {
          ...projectTime('TE-7', 50),
          correctsId: 'TE-1',
        }); // 65
        await pet.timeEntries.submit(asAdmin(), projectTime('TE-8', 40)); // 105: crosses again
        const again = ofType(await store.readLog({ limit: 1000 }), 'project.variance_detected');
        expect(again.map((e) => e.payload)).toEqual([
          { sold_minutes: 100, logged_minutes: 110 },
          { sold_minutes: 100, logged_minutes: 105 },
        ]);
      });

      it('a correction is a new entry naming the original, which stays as it was; an entry is corrected once', async () => {
        const w = world();
        await w.pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Rollout',
          soldMinutes: 600,
        });
        const original = await w.pet.timeEntries.submit(asAdmin(), projectTime('TE-1', 90));
        const { events } = await w.pet.timeEntries.correct(asAdmin(after(1440)), {
          ...projectTime('TE-2', 60),
          correctsId: 'TE-1',
        });
        expect(events[0]).toMatchObject({
          eventType: 'time_entry.corrected',
          context: { type: 'time_entry', id: 'TE-2' },
          payload: { corrects_entry_id: 'TE-1', minutes: 60, original_minutes: 90 },
        });
        const stored = await w.store.readContext({ type: 'time_entry', id: 'TE-1' });
        expect(stored).toEqual(original.events);
        expect(await count(w, "SELECT minutes AS n FROM pet_time_entries WHERE id = 'TE-1'")).toBe(
          90,
        );
        expect(
          await count(w, "SELECT logged_minutes AS n FROM pet_projects WHERE id = 'P-1'"),
        ).toBe(60);
        const twice = await rejection(
          w.pet.timeEntries.correct(asAdmin(), { ...projectTime('TE-3', 30), correctsId: 'TE-1' }),
        );
        expect(twice).toMatchObject({
          code: 'PET_ILLEGAL_TRANSITION',
          aggregate: 'time_entry',
          id: 'TE-1',
        });
      });

      it('refuses time on a closed ticket, on a completed project, and of zero or negative minutes', async () => {
        const w = world();
        const { pet } = w;
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'VPN',
          priority: 'low',
        });
        for (const to of ['open', 'resolved', 'closed'] as const)
          await pet.tickets.changeStatus(asAdmin(), { id: 'T-1', to });
        await pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Rollout',
          soldMinutes: 600,
        });
        await pet.projects.complete(asAdmin(), { id: 'P-1' });
        const head = await w.store.headPosition();
        const onTicket = {
          ...internalTime('TE-1', 30),
          ticketId: 'T-1',
          workType: 'support' as const,
        };
        expect(await rejection(pet.timeEntries.submit(asAdmin(), onTicket))).toMatchObject({
          code: 'PET_ILLEGAL_TRANSITION',
          aggregate: 'ticket',
          id: 'T-1',
          currentState: 'closed',
        });
        expect(
          await rejection(pet.timeEntries.submit(asAdmin(), projectTime('TE-2', 30))),
        ).toMatchObject({
          code: 'PET_ILLEGAL_TRANSITION',
          aggregate: 'project',
          id: 'P-1',
          currentState: 'completed',
        });
        for (const minutes of [0, -15]) {
          expect(
            await rejection(pet.timeEntries.submit(asAdmin(), internalTime('TE-3', minutes))),
          ).toMatchObject({
            code: 'PET_ILLEGAL_TRANSITION',
            aggregate: 'time_entry',
            id: 'TE-3',
            currentState: 'draft',
            attempted: 'submitted',
          });
        }
        expect(await w.store.headPosition()).toBe(head);
        expect(await count(w, 'SELECT count(*) AS n FROM pet_time_entries')).toBe(0);
      });

      it('submits a timesheet whole or not at all', async () => {
        const w = world();
        const { pet } = w;
        await pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Rollout',
          soldMinutes: 600,
        });
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'VPN',
          priority: 'low',
        });
        for (const to of ['open', 'resolved', 'closed'] as const)
          await pet.tickets.changeStatus(asAdmin(), { id: 'T-1', to });
        const { events, result } = await pet.timeEntries.submitTimesheet(asAdmin(after(600)), {
          entries: [projectTime('TE-1', 60), internalTime('TE-2', 30)],
        });
        expect(result).toEqual({ ids: ['TE-1', 'TE-2'] });
        expect(events.map((e) => [e.eventType, e.context.id])).toEqual([
          ['time_entry.submitted', 'TE-1'],
          ['time_entry.submitted', 'TE-2'],
        ]);
        expect(new Set(events.map((e) => e.correlationId)).size).toBe(1);
        const head = await w.store.headPosition();
        const refused = await rejection(
          pet.timeEntries.submitTimesheet(asAdmin(after(600)), {
            entries: [
              projectTime('TE-3', 60),
              { ...internalTime('TE-4', 30), ticketId: 'T-1', workType: 'support' },
            ],
          }),
        );
        expect(refused).toMatchObject({
          code: 'PET_ILLEGAL_TRANSITION',
          aggregate: 'ticket',
          id: 'T-1',
        });
        expect(await w.store.headPosition()).toBe(head);
        expect(await count(w, 'SELECT count(*) AS n FROM pet_time_entries')).toBe(2);
        expect(
          await count(w, "SELECT logged_minutes AS n FROM pet_projects WHERE id = 'P-1'"),
        ).toBe(60);
      });

      it('fifty simultaneous submissions with one idempotency key: one entry, one set of events, one result', async () => {
        const w = world();
        await w.pet.projects.create(asAdmin(), {
          id: 'P-1',
          customerId: 'C-acme',
          name: 'Rollout',
          soldMinutes: 10,
        });
        const pets = [w.pet, createPet(w.db.openAnother())];
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (pets[i % 2] as Pet).timeEntries.submit(
              {
                principal: employeePrincipal('E-sam'),
                at: after(120),
                idempotencyKey: 'timesheet-2026-03-02',
              },
              projectTime('TE-1', 60),
            ),
          ),
        );
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        const first = results.find((r) => !r.replayed);
        for (const r of results) {
          expect(r.result).toEqual({ id: 'TE-1' });
          expect(r.events.map((e) => e.id)).toEqual(first?.events.map((e) => e.id));
        }
        expect(first?.events.map((e) => e.eventType)).toEqual([
          'time_entry.submitted',
          'project.variance_detected',
        ]);
        const log = await w.store.readLog({ limit: 1000 });
        expect(ofType(log, 'time_entry.submitted')).toHaveLength(1);
        expect(ofType(log, 'project.variance_detected')).toHaveLength(1);
        expect(
          await count(w, "SELECT logged_minutes AS n FROM pet_projects WHERE id = 'P-1'"),
        ).toBe(60);
        const conflict = await rejection(
          w.pet.timeEntries.submit(
            {
              principal: employeePrincipal('E-sam'),
              at: after(120),
              idempotencyKey: 'timesheet-2026-03-02',
            },
            projectTime('TE-1', 45),
          ),
        );
        expect(conflict.code).toBe('PET_IDEMPOTENCY_CONFLICT');
      });
    });

    describe('tickets and their SLA clocks', () => {
      it('fires sla.warning and sla.breached once per ticket and kind, at the instants the thresholds were crossed', async () => {
        const { pet } = world();
        // urgent: response 30 min (warning at 24), resolution 240 min (warning at 192).
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'Down',
          priority: 'urgent',
        });
        expect((await pet.tickets.evaluateSla(after(23))).events).toEqual([]);
        const early = await pet.tickets.evaluateSla(after(45));
        expect(
          early.events.map((e) => [e.eventType, e.occurredAt, e.payload.kind, e.actorEmployeeId]),
        ).toEqual([
          ['sla.warning', after(24), 'response', null],
          ['sla.breached', after(30), 'response', null],
        ]);
        expect(early.events[1]?.payload).toEqual({
          kind: 'response',
          sla_version: 1,
          due_at: after(30),
          target_minutes: 30,
          elapsed_minutes: 30,
        });
        await pet.tickets.changeStatus(asAdmin(after(50)), { id: 'T-1', to: 'open' });
        const late = await pet.tickets.evaluateSla(after(600));
        expect(late.events.map((e) => [e.eventType, e.occurredAt, e.payload.kind])).toEqual([
          ['sla.warning', after(192), 'resolution'],
          ['sla.breached', after(240), 'resolution'],
        ]);
        expect((await pet.tickets.evaluateSla(after(6000))).events).toEqual([]);
      });

      it('a pending ticket pauses its clock; pausing and resuming at the warning threshold never fires twice', async () => {
        const w = world();
        const { pet } = w;
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'Slow',
          priority: 'urgent',
        });
        await pet.tickets.changeStatus(asAdmin(after(5)), { id: 'T-1', to: 'open' }); // response met
        // Pending exactly at the resolution warning threshold (192 min of running time).
        await pet.tickets.changeStatus(asAdmin(after(192)), { id: 'T-1', to: 'pending' });
        const atPause = await pet.tickets.evaluateSla(after(200));
        expect(atPause.events.map((e) => [e.eventType, e.occurredAt])).toEqual([
          ['sla.warning', after(192)],
        ]);
        // Paused for ten hours: nothing fires, however often the evaluator runs.
        for (const minutes of [300, 500, 792]) {
          expect((await pet.tickets.evaluateSla(after(minutes))).events).toEqual([]);
        }
        await pet.tickets.changeStatus(asAdmin(after(792)), { id: 'T-1', to: 'open' });
        await pet.tickets.changeStatus(asAdmin(after(800)), { id: 'T-1', to: 'pending' });
        await pet.tickets.changeStatus(asAdmin(after(810)), { id: 'T-1', to: 'open' });
        expect((await pet.tickets.evaluateSla(after(830))).events).toEqual([]);
        // 192 + 8 + 40 = 240 minutes of running time at 850: the breach, once.
        const breach = await pet.tickets.evaluateSla(after(900));
        expect(breach.events.map((e) => [e.eventType, e.occurredAt, e.payload.due_at])).toEqual([
          ['sla.breached', after(850), after(850)],
        ]);
        await pet.tickets.changeStatus(asAdmin(after(901)), { id: 'T-1', to: 'pending' });
        await pet.tickets.changeStatus(asAdmin(after(950)), { id: 'T-1', to: 'open' });
        expect((await pet.tickets.evaluateSla(after(5000))).events).toEqual([]);
        const log = await w.store.readLog({ limit: 1000 });
        expect(ofType(log, 'sla.warning')).toHaveLength(1);
        expect(ofType(log, 'sla.breached')).toHaveLength(1);
        const clocks = await w.store.transaction((tx) => ticketClocks(tx.sql, 'T-1'));
        const resolution = clocks.find((clock) => clock.kind === 'resolution');
        expect(resolution).toMatchObject({
          kind: 'resolution',
          state: 'breached',
          next_check_at: null,
        });
      });

      it('resuming before the warning moves the thresholds by the time spent pending', async () => {
        const { pet } = world();
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'Slow',
          priority: 'urgent',
        });
        await pet.tickets.changeStatus(asAdmin(after(5)), { id: 'T-1', to: 'open' });
        await pet.tickets.changeStatus(asAdmin(after(100)), { id: 'T-1', to: 'pending' });
        await pet.tickets.changeStatus(asAdmin(after(400)), { id: 'T-1', to: 'open' });
        const { events } = await pet.tickets.evaluateSla(after(1000));
        expect(events.map((e) => [e.eventType, e.occurredAt])).toEqual([
          ['sla.warning', after(492)],
          ['sla.breached', after(540)],
        ]);
      });

      it('evaluators racing each other fire every threshold exactly once', async () => {
        const w = world();
        const pets = [w.pet, createPet(w.db.openAnother())];
        for (const id of ['T-1', 'T-2', 'T-3']) {
          await w.pet.tickets.create(asAdmin(), {
            id,
            customerId: 'C-acme',
            subject: 'Outage',
            priority: 'urgent',
          });
        }
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (pets[i % 2] as Pet).tickets.evaluateSla(after(300 + (i % 3))),
          ),
        );
        const log = await w.store.readLog({ limit: 1000 });
        const fired = [...ofType(log, 'sla.warning'), ...ofType(log, 'sla.breached')].map(
          (e) => `${e.context.id}/${JSON.stringify(e.payload.kind)}/${e.eventType}`,
        );
        expect(fired).toHaveLength(12);
        expect(new Set(fired).size).toBe(12);
      });

      it('a failure after the state write (the event cannot be recorded) leaves the ticket and its clocks as they were', async () => {
        const w = world();
        const { pet, store } = w;
        await pet.tickets.create(asAdmin(), {
          id: 'T-1',
          customerId: 'C-acme',
          subject: 'VPN',
          priority: 'normal',
        });
        await pet.tickets.changeStatus(asAdmin(after(10)), { id: 'T-1', to: 'open' });
        const clocks = await store.transaction((tx) => ticketClocks(tx.sql, 'T-1'));
        await store.transaction((tx) =>
          tx.deprecateEventSchema({
            eventType: 'ticket.resolved',
            schemaVersion: 1,
            reason: 'test',
          }),
        );
        const head = await store.headPosition();
        const error = await rejection(
          pet.tickets.changeStatus(asAdmin(after(60)), { id: 'T-1', to: 'resolved' }),
        );
        expect(error).toBeInstanceOf(SchemaVersionDeprecatedError);
        expect(await store.headPosition()).toBe(head);
        expect(
          await count(
            w,
            "SELECT count(*) AS n FROM pet_tickets WHERE status = 'open' AND resolved_at IS NULL",
          ),
        ).toBe(1);
        expect(await store.transaction((tx) => ticketClocks(tx.sql, 'T-1'))).toEqual(clocks);
      });
    });

    describe('teams', () => {
      it('keeps memberships over time: who was in which team at an instant stays answerable', async () => {
        const w = world();
        const { pet } = w;
        await pet.teams.create(asAdmin(), { id: 'TM-1', name: 'Support', managerId: 'E-admin' });
        await pet.teams.create(asAdmin(), { id: 'TM-2', name: 'Delivery', managerId: 'E-admin' });
        await pet.teams.addMember(asAdmin(after(10)), { teamId: 'TM-1', employeeId: 'E-sam' });
        await pet.teams.removeMember(asAdmin(after(100)), { teamId: 'TM-1', employeeId: 'E-sam' });
        await pet.teams.addMember(asAdmin(after(100)), {
          teamId: 'TM-2',
          employeeId: 'E-sam',
          role: 'lead',
        });
        await pet.teams.addMember(asAdmin(after(200)), { teamId: 'TM-1', employeeId: 'E-sam' });
        const at = (minutes: number) =>
          w.store.transaction((tx) => teamsAt(tx.sql, 'E-sam', after(minutes)));
        expect(await at(5)).toEqual([]);
        expect(await at(50)).toEqual(['TM-1']);
        expect(await at(150)).toEqual(['TM-2']);
        expect(await at(250)).toEqual(['TM-1', 'TM-2']);
        const removed = ofType(
          await w.store.readContext({ type: 'team', id: 'TM-1' }),
          'team.member_removed',
        );
        expect(removed.map((e) => [e.occurredAt, e.payload])).toEqual([
          [after(100), { employee_id: 'E-sam', role: 'member' }],
        ]);
      });
    });

    describe('the demo firm', () => {
      it('two builds with the same seed record the same events in the same order; another seed differs', async () => {
        const build = async (seed: number) => {
          const db = await factory.create();
          try {
            await syncContracts(db.store, PET_CONTRACTS);
            const summary = await buildDemoFirm(createPet(db.store), { scale: 1, seed, days: 14 });
            const events = await db.store.readLog({ limit: 10_000 });
            expect(events).toHaveLength(summary.events);
            return events.map((e) => ({
              type: `${e.eventType}@${e.schemaVersion}`,
              context: `${e.context.type}/${e.context.id}@${e.contextVersion}`,
              occurredAt: e.occurredAt,
              actor: e.actorEmployeeId,
              payload: e.payload,
            }));
          } finally {
            await db.cleanup();
          }
        };
        const first = await build(7);
        const second = await build(7);
        expect(first.length).toBeGreaterThan(300);
        expect(second).toEqual(first);
        const types = new Set(first.map((e) => e.type));
        for (const type of [
          'employee.hired@1',
          'team.member_added@1',
          'customer.created@1',
          'ticket.created@1',
          'time_entry.submitted@1',
          'time_entry.locked@1',
          'lead.created@1',
          'sla.breached@1',
        ]) {
          expect(types).toContain(type);
        }
        expect(await build(8)).not.toEqual(first);
      });
    });
  });
}
