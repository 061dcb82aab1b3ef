/**
 * Every state machine of PET, driven through its commands on a real database: for each
 * status an aggregate can be in, every status a command can ask for. Legal transitions
 * record their event; illegal ones are refused with PET_ILLEGAL_TRANSITION naming the
 * aggregate, its id, its state and the attempt, and write nothing.
 *
 * The legal pairs are written out here, independently of the machines' own tables.
 */
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../src/events/errors.js';
import type { Pet } from '../../src/pet/pet.js';
import type { DatabaseFactory } from '../support/databases.js';
import { asAdmin, usePetWorld, type World } from '../pet/world.js';

interface MachineCase {
  readonly aggregate: string;
  readonly table: string;
  readonly statuses: readonly string[];
  /** The transitions that must succeed, as `from>to`. */
  readonly legal: readonly string[];
  /** Puts a new aggregate `id` into `status`. */
  readonly reach: (pet: Pet, id: string, status: string) => Promise<void>;
  /** Asks for `to`; undefined where no command asks for that status. */
  readonly attempt: (
    pet: Pet,
    id: string,
    to: string,
    from: string,
  ) => Promise<unknown> | undefined;
  /** The status as stored (default: the `status` column of `table`). */
  readonly status?: (world: World, id: string) => Promise<string>;
}

const as = asAdmin();

/** Runs `steps` until `status` is reached. */
async function along(
  status: string,
  steps: readonly (readonly [string, () => Promise<unknown>])[],
): Promise<void> {
  for (const [reached, step] of steps) {
    await step();
    if (reached === status) return;
  }
  throw new Error(`no way to reach ${status}`);
}

const CASES: readonly MachineCase[] = [
  {
    aggregate: 'ticket',
    table: 'pet_tickets',
    statuses: ['new', 'open', 'pending', 'resolved', 'closed'],
    legal: [
      'new>open',
      'open>pending',
      'open>resolved',
      'pending>open',
      'pending>resolved',
      'resolved>open',
      'resolved>closed',
    ],
    reach: (pet, id, status) => {
      const to = (s: 'open' | 'pending' | 'resolved' | 'closed') => () =>
        pet.tickets.changeStatus(as, { id, to: s });
      return along(status, [
        [
          'new',
          () =>
            pet.tickets.create(as, { id, customerId: 'C-acme', subject: 'VPN', priority: 'high' }),
        ],
        ['open', to('open')],
        ...(status === 'pending' ? ([['pending', to('pending')]] as const) : []),
        ['resolved', to('resolved')],
        ['closed', to('closed')],
      ]);
    },
    attempt: (pet, id, to) => pet.tickets.changeStatus(as, { id, to: to as 'open' }),
  },
  {
    aggregate: 'lead',
    table: 'pet_leads',
    statuses: ['new', 'qualified', 'disqualified', 'converted'],
    legal: ['new>qualified', 'new>disqualified', 'qualified>converted'],
    reach: async (pet, id, status) => {
      await pet.leads.create(as, {
        id,
        subject: 'Cloud move',
        source: 'referral',
        customerId: 'C-acme',
        estimatedValueMinor: 1_000_000,
        currency: 'EUR',
      });
      if (status === 'disqualified') await pet.leads.disqualify(as, { id, reason: 'No budget' });
      if (status === 'qualified' || status === 'converted') await pet.leads.qualify(as, { id });
      if (status === 'converted') {
        await pet.leads.convert(as, { id, opportunityId: `O-${id}`, ownerId: 'E-sam' });
      }
    },
    attempt: (pet, id, to) =>
      to === 'qualified'
        ? pet.leads.qualify(as, { id })
        : to === 'disqualified'
          ? pet.leads.disqualify(as, { id, reason: 'Out of scope' })
          : to === 'converted'
            ? pet.leads.convert(as, { id, opportunityId: `O-${id}-again`, ownerId: 'E-sam' })
            : undefined,
  },
  {
    aggregate: 'opportunity',
    table: 'pet_opportunities',
    statuses: ['open', 'won', 'lost'],
    legal: ['open>won', 'open>lost'],
    reach: async (pet, id, status) => {
      await pet.opportunities.create(as, {
        id,
        customerId: 'C-acme',
        ownerId: 'E-sam',
        estimatedValueMinor: 500_000,
        currency: 'EUR',
      });
      if (status === 'won') await pet.opportunities.win(as, { id });
      if (status === 'lost') await pet.opportunities.lose(as, { id, reason: 'Price' });
    },
    attempt: (pet, id, to) =>
      to === 'won'
        ? pet.opportunities.win(as, { id })
        : to === 'lost'
          ? pet.opportunities.lose(as, { id, reason: 'Timing' })
          : undefined,
  },
  {
    aggregate: 'quote',
    table: 'pet_quotes',
    statuses: ['draft', 'sent', 'accepted', 'rejected'],
    legal: ['draft>sent', 'sent>accepted', 'sent>rejected'],
    reach: (pet, id, status) =>
      along(status, [
        [
          'draft',
          () =>
            pet.quotes.create(as, {
              id,
              customerId: 'C-acme',
              currency: 'EUR',
              sellTotalMinor: 1_200_000,
              costTotalMinor: 700_000,
              validUntil: '2026-04-30',
              soldMinutes: 6000,
            }),
        ],
        ['sent', () => pet.quotes.send(as, { id })],
        ...(status === 'rejected'
          ? ([['rejected', () => pet.quotes.reject(as, { id, reason: 'Price' })]] as const)
          : ([['accepted', () => pet.quotes.accept(as, { id, projectId: `P-${id}` })]] as const)),
      ]),
    attempt: (pet, id, to) =>
      to === 'sent'
        ? pet.quotes.send(as, { id })
        : to === 'accepted'
          ? pet.quotes.accept(as, { id, projectId: `P-${id}-again` })
          : to === 'rejected'
            ? pet.quotes.reject(as, { id, reason: 'Timing' })
            : undefined,
  },
  {
    aggregate: 'project',
    table: 'pet_projects',
    statuses: ['active', 'completed'],
    legal: ['active>completed'],
    reach: async (pet, id, status) => {
      await pet.projects.create(as, {
        id,
        customerId: 'C-acme',
        name: 'Rollout',
        soldMinutes: 600,
      });
      if (status === 'completed') await pet.projects.complete(as, { id });
    },
    attempt: (pet, id, to) => (to === 'completed' ? pet.projects.complete(as, { id }) : undefined),
  },
  {
    aggregate: 'customer',
    table: 'pet_customers',
    statuses: ['active', 'archived'],
    legal: ['active>archived'],
    reach: async (pet, id, status) => {
      await pet.customers.create(as, { id, name: 'Globex' });
      if (status === 'archived') await pet.customers.archive(as, { id });
    },
    attempt: (pet, id, to) => (to === 'archived' ? pet.customers.archive(as, { id }) : undefined),
  },
  {
    aggregate: 'employee',
    table: 'pet_employees',
    statuses: ['active', 'inactive'],
    legal: ['active>inactive'],
    reach: async (pet, id, status) => {
      await pet.employees.hire(as, { id, name: 'Kim', email: `${id}@example.com`, role: 'member' });
      if (status === 'inactive') await pet.employees.leave(as, { id });
    },
    attempt: (pet, id, to) => (to === 'inactive' ? pet.employees.leave(as, { id }) : undefined),
  },
  {
    // A draft lives in the client until it is submitted: PET records entries from submission.
    aggregate: 'time_entry',
    table: 'pet_time_entries',
    statuses: ['draft', 'submitted', 'locked'],
    legal: ['draft>submitted', 'submitted>locked'],
    reach: async (pet, id, status) => {
      if (status === 'draft') return;
      await submit(pet, id);
      if (status === 'locked') await pet.timeEntries.lock(as, { id });
    },
    // Locking a draft finds no entry to lock (PET_AGGREGATE_NOT_FOUND): not a transition.
    attempt: (pet, id, to, from) =>
      to === 'submitted'
        ? submit(pet, id)
        : to === 'locked' && from !== 'draft'
          ? pet.timeEntries.lock(as, { id })
          : undefined,
    status: async (world, id) => (await statusIn(world, 'pet_time_entries', id)) ?? 'draft',
  },
  {
    aggregate: 'team_membership',
    table: 'pet_team_memberships',
    statuses: ['outside', 'member'],
    legal: ['outside>member', 'member>outside'],
    reach: async (pet, id, status) => {
      await pet.teams.create(as, { id, name: 'Support', managerId: 'E-admin' });
      if (status === 'member') await pet.teams.addMember(as, { teamId: id, employeeId: 'E-sam' });
    },
    attempt: (pet, id, to) =>
      to === 'member'
        ? pet.teams.addMember(as, { teamId: id, employeeId: 'E-sam' })
        : pet.teams.removeMember(as, { teamId: id, employeeId: 'E-sam' }),
    status: async (world, id) => {
      const rows = await query(
        world,
        `SELECT count(*) AS n FROM pet_team_memberships WHERE team_id = '${id}' AND left_at IS NULL`,
      );
      return Number(rows[0]?.n) === 1 ? 'member' : 'outside';
    },
  },
];

function submit(pet: Pet, id: string) {
  return pet.timeEntries.submit(as, {
    id,
    employeeId: 'E-sam',
    startedAt: '2026-03-02T08:00:00Z',
    endedAt: '2026-03-02T09:00:00Z',
    minutes: 60,
    billable: false,
    workType: 'internal',
  });
}

async function query(world: World, sql: string): Promise<Record<string, unknown>[]> {
  return world.store.transaction((tx) => tx.sql.query(sql));
}

async function statusIn(world: World, table: string, id: string): Promise<string | undefined> {
  const rows = await query(world, `SELECT status FROM ${table} WHERE id = '${id}'`);
  return rows[0]?.status as string | undefined;
}

/** Runs every state machine's full transition table on the databases `factory` makes. */
export function stateMachineConformance(factory: DatabaseFactory): void {
  describe('PET state machines, every transition through the commands', () => {
    const world = usePetWorld(factory);
    for (const machine of CASES) {
      it(`${machine.aggregate}: every legal transition records its event, every illegal one is refused`, async () => {
        const w = world();
        const statusOf = (id: string) =>
          machine.status ? machine.status(w, id) : statusIn(w, machine.table, id);
        let tried = 0;
        for (const from of machine.statuses) {
          for (const to of machine.statuses) {
            const id = `${machine.aggregate}-${from}-${to}`.replace(/_/g, '-');
            await machine.reach(w.pet, id, from);
            expect(await statusOf(id), `${id} reached`).toBe(from);
            const head = await w.store.headPosition();
            const attempt = machine.attempt(w.pet, id, to, from);
            if (attempt === undefined) continue;
            tried += 1;
            const outcome = await attempt.then(
              (result) => ({ ok: true as const, result }),
              (error: unknown) => ({ ok: false as const, error }),
            );
            if (machine.legal.includes(`${from}>${to}`)) {
              expect(outcome, `${from} → ${to} must succeed`).toMatchObject({ ok: true });
              expect(await statusOf(id)).toBe(to);
              const events = await w.store.readLog({ after: head });
              expect(events.length).toBeGreaterThan(0);
              const transition = events.find((e) => 'to_status' in e.payload);
              if (transition)
                expect(transition.payload).toMatchObject({ from_status: from, to_status: to });
            } else {
              expect(outcome.ok, `${from} → ${to} must be refused`).toBe(false);
              const error = (outcome as { error: unknown }).error;
              expect(error).toBeInstanceOf(IllegalTransitionError);
              expect(error).toMatchObject({
                code: 'PET_ILLEGAL_TRANSITION',
                aggregate: machine.aggregate,
                currentState: from,
                attempted: to,
              });
              expect((error as IllegalTransitionError).id).toContain(id);
              expect(await w.store.headPosition(), 'nothing written').toBe(head);
              expect(await statusOf(id)).toBe(from);
            }
          }
        }
        expect(tried).toBeGreaterThanOrEqual(machine.legal.length);
      });
    }
  });
}
