/**
 * The demo firm: a professional-services firm simulated over months, built only through
 * PET's commands. Leads flow to opportunities, quotes and projects; employees log time every
 * working day; tickets arrive, wait, breach their SLAs and close; periods lock weekly.
 *
 * The simulation is a queue of timed actions: each runs one command at its simulated instant
 * (its `occurred_at`) and may schedule more. Every random draw comes from one seeded
 * generator in the order the actions run, so a seed and a period always give the same firm,
 * the same events and the same order.
 */
import { IllegalTransitionError } from '../../events/errors.js';
import type { CommandOptions } from '../command.js';
import { employeePrincipal, systemPrincipal } from '../../unit-of-work/principal.js';
import type { EmployeeRole } from '../employee/commands.js';
import type { LeadSource } from '../lead/commands.js';
import type { Pet } from '../pet.js';
import type { SubmitTimeEntry } from '../time-entry/commands.js';
import type { TicketPriority } from '../ticket/commands.js';
import { SLA_POLICIES, CURRENT_SLA_VERSION } from '../ticket/sla.js';
import { Random } from './random.js';

export interface DemoFirmOptions {
  /** Divisions of the firm: one team of eight and ten customers each (about 5,700 events). */
  readonly scale: number;
  readonly seed: number;
  /** The last simulated day (`YYYY-MM-DD`); default `DEMO_END`. */
  readonly end?: string;
  /** Simulated days, ending on `end`; default 182 (26 weeks). */
  readonly days?: number;
  /** Called after each simulated day. */
  readonly onProgress?: (progress: DemoProgress) => void;
}

export interface DemoProgress {
  readonly day: number;
  readonly days: number;
  readonly events: number;
}

export interface DemoFirmSummary {
  readonly events: number;
  readonly commands: number;
  readonly refused: number;
  readonly from: string;
  readonly to: string;
}

/** The default last simulated day: fixed, so a seed always gives the same firm. */
export const DEMO_END = '2026-11-20';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SYSTEM = { principal: systemPrincipal('demo') };
const SLA_EVALUATOR = systemPrincipal('sla-evaluator');

const LEAD_SOURCES: readonly (readonly [LeadSource, number])[] = [
  ['email', 30],
  ['website', 25],
  ['referral', 15],
  ['phone', 15],
  ['social', 10],
  ['in_person', 5],
];
const PRIORITIES: readonly (readonly [TicketPriority, number])[] = [
  ['low', 30],
  ['normal', 45],
  ['high', 18],
  ['urgent', 7],
];
const SUBJECTS = [
  'VPN drops every hour',
  'Invoice export fails',
  'New starter needs access',
  'Printer offline on floor 2',
  'Mailbox over quota',
  'Report shows wrong totals',
  'Password reset loop',
  'Slow file share',
];
const LEAD_SUBJECTS = [
  'Cloud migration',
  'Managed support renewal',
  'Data platform review',
  'Security assessment',
  'ERP integration',
  'Office relocation IT',
];
const DISQUALIFY_REASONS = ['No budget', 'Out of scope', 'Went with incumbent', 'No response'];
const REJECT_REASONS = ['Price too high', 'Timing', 'Chose a competitor'];

interface Division {
  readonly index: number;
  readonly teamId: string;
  readonly managerId: string;
  readonly salesId: string;
  readonly delivery: string[];
  readonly support: string[];
  readonly customers: string[];
  readonly projects: ProjectModel[];
  readonly tickets: TicketModel[];
}

interface ProjectModel {
  readonly id: string;
  readonly soldMinutes: number;
  readonly completeAt: number;
  logged: number;
  active: boolean;
}

interface TicketModel {
  readonly id: string;
  status: 'new' | 'open' | 'pending' | 'resolved' | 'closed';
}

interface Action {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void>;
}

/**
 * Builds the demo firm into a migrated store with PET's contracts. Refuses nothing silently:
 * a command the firm's own rules refuse (a race the simulation allows) is counted.
 */
export async function buildDemoFirm(pet: Pet, options: DemoFirmOptions): Promise<DemoFirmSummary> {
  return new Simulation(pet, options).run();
}

class Simulation {
  private readonly random: Random;
  private readonly queue: Action[] = [];
  private seq = 0;
  private counter = 0;
  private events = 0;
  private commands = 0;
  private refused = 0;
  private readonly divisions: Division[] = [];
  private readonly start: number;
  private readonly end: number;
  private readonly days: number;

  constructor(
    private readonly pet: Pet,
    private readonly options: DemoFirmOptions,
  ) {
    this.random = new Random(options.seed);
    this.days = options.days ?? 182;
    const endDay = Date.parse(`${options.end ?? DEMO_END}T00:00:00Z`);
    this.end = endDay + DAY;
    this.start = this.end - this.days * DAY;
  }

  async run(): Promise<DemoFirmSummary> {
    await this.foundFirm();
    for (let day = 0; day < this.days; day += 1) {
      const midnight = this.start + day * DAY;
      this.planDay(midnight);
      await this.runUntil(midnight + DAY);
      this.options.onProgress?.({ day: day + 1, days: this.days, events: this.events });
    }
    return {
      events: this.events,
      commands: this.commands,
      refused: this.refused,
      from: new Date(this.start).toISOString(),
      to: new Date(this.end).toISOString(),
    };
  }

  // ── the firm ────────────────────────────────────────────────────────────────────────────

  private async foundFirm(): Promise<void> {
    const at = this.start - 7 * DAY;
    const hire = (id: string, role: EmployeeRole, managerId?: string) =>
      this.command(() =>
        this.pet.employees.hire(
          { ...(managerId === undefined ? SYSTEM : this.as(managerId)), at: iso(at) },
          {
            id,
            name: `Employee ${id.slice(2)}`,
            email: `${id.toLowerCase()}@demo.pet`,
            role,
            ...(managerId === undefined ? {} : { managerId }),
          },
        ),
      );
    await hire('E-0000', 'admin');
    await hire('E-0001', 'executive', 'E-0000');
    for (let d = 0; d < this.options.scale; d += 1) {
      const n = (k: number) => `E-${String(d * 10 + k + 10).padStart(4, '0')}`;
      const division: Division = {
        index: d,
        teamId: `TM-${String(d + 1).padStart(3, '0')}`,
        managerId: n(0),
        salesId: n(1),
        delivery: [n(2), n(3), n(4)],
        support: [n(5), n(6), n(7)],
        customers: [],
        projects: [],
        tickets: [],
      };
      await hire(division.managerId, 'manager', 'E-0001');
      await hire(division.salesId, 'sales', division.managerId);
      for (const id of division.delivery) await hire(id, 'delivery', division.managerId);
      for (const id of division.support) await hire(id, 'support', division.managerId);
      const asManager = { ...this.as(division.managerId), at: iso(at + HOUR) };
      await this.command(() =>
        this.pet.teams.create(asManager, {
          id: division.teamId,
          name: `Team ${d + 1}`,
          managerId: division.managerId,
        }),
      );
      for (const id of [division.salesId, ...division.delivery, ...division.support]) {
        await this.command(() =>
          this.pet.teams.addMember(asManager, { teamId: division.teamId, employeeId: id }),
        );
      }
      for (let c = 0; c < 10; c += 1) {
        const id = `C-${String(d * 10 + c + 1).padStart(5, '0')}`;
        await this.command(() =>
          this.pet.customers.create(
            { ...this.as(division.salesId), at: iso(at + 2 * HOUR) },
            { id, name: `Customer ${d * 10 + c + 1}` },
          ),
        );
        division.customers.push(id);
      }
      this.divisions.push(division);
    }
  }

  /** Schedules one day's arrivals and routines. */
  private planDay(midnight: number): void {
    const weekday = new Date(midnight).getUTCDay();
    const working = weekday >= 1 && weekday <= 5;
    // The SLA evaluator runs every hour, day and night.
    for (let hour = 0; hour < 24; hour += 1) {
      this.schedule(midnight + hour * HOUR + 59 * MINUTE, () =>
        this.evaluateSla(midnight + hour * HOUR + 59 * MINUTE),
      );
    }
    for (const division of this.divisions) {
      if (this.random.chance(working ? 2.2 / 3 : 0.3 / 3)) {
        const count = working ? this.random.int(1, 4) : 1;
        for (let i = 0; i < count; i += 1) {
          this.schedule(midnight + this.random.int(7 * 60, 19 * 60) * MINUTE, () =>
            this.newTicket(division),
          );
        }
      }
      if (!working) continue;
      if (weekday === 1 && this.random.chance(0.04))
        this.replaceEmployee(division, midnight + 7 * HOUR);
      if (this.random.chance(0.5)) {
        this.schedule(midnight + this.random.int(9 * 60, 17 * 60) * MINUTE, () =>
          this.newLead(division),
        );
      }
      for (const employee of [...division.delivery, ...division.support]) {
        this.schedule(midnight + this.random.int(17 * 60, 18 * 60) * MINUTE, () =>
          this.submitDay(division, employee, midnight),
        );
      }
      for (const employee of [division.managerId, division.salesId]) {
        this.schedule(midnight + 17 * HOUR + this.random.int(0, 59) * MINUTE, () =>
          this.logInternal(employee, midnight + 9 * HOUR),
        );
      }
      if (weekday === 5) {
        for (const employee of this.members(division)) {
          this.schedule(midnight + 19 * HOUR, () =>
            this.command(() =>
              this.pet.timeEntries.lockPeriod(
                { ...this.as(division.managerId), at: iso(midnight + 19 * HOUR) },
                { employeeId: employee, until: iso(midnight + 19 * HOUR) },
              ),
            ),
          );
        }
      }
    }
  }

  private members(division: Division): string[] {
    return [division.managerId, division.salesId, ...division.delivery, ...division.support];
  }

  // ── sales: leads, opportunities, quotes, projects ───────────────────────────────────────

  private async newLead(division: Division): Promise<void> {
    const id = this.nextId('L');
    const at = this.now;
    const known = this.random.chance(0.6);
    const customerId = this.random.pick(division.customers);
    const value = this.random.int(20, 400) * 100_000;
    await this.command(() =>
      this.pet.leads.create(
        { ...this.as(division.salesId), at: iso(at) },
        {
          id,
          subject: this.random.pick(LEAD_SUBJECTS),
          source: this.random.weighted(LEAD_SOURCES),
          estimatedValueMinor: value,
          currency: 'EUR',
          ...(known ? { customerId } : {}),
        },
      ),
    );
    const decideAt = at + this.random.int(1, 5) * DAY + this.random.int(0, 120) * MINUTE;
    if (!this.random.chance(0.65)) {
      const reason = this.random.pick(DISQUALIFY_REASONS);
      this.schedule(decideAt, () =>
        this.command(() =>
          this.pet.leads.disqualify(
            { ...this.as(division.salesId), at: iso(decideAt) },
            { id, reason },
          ),
        ),
      );
      return;
    }
    this.schedule(decideAt, async () => {
      await this.command(() =>
        this.pet.leads.qualify({ ...this.as(division.salesId), at: iso(decideAt) }, { id }),
      );
      const convertAt = decideAt + this.random.int(1, 3) * DAY;
      this.schedule(convertAt, () =>
        this.convertLead(division, id, known ? undefined : customerId, customerId, convertAt),
      );
    });
  }

  private async convertLead(
    division: Division,
    leadId: string,
    customerId: string | undefined,
    opportunityCustomer: string,
    at: number,
  ) {
    const opportunityId = this.nextId('O');
    await this.command(() =>
      this.pet.leads.convert(
        { ...this.as(division.salesId), at: iso(at) },
        {
          id: leadId,
          opportunityId,
          ownerId: division.salesId,
          ...(customerId === undefined ? {} : { customerId }),
        },
      ),
    );
    const classifyAt = at + this.random.int(30, 240) * MINUTE;
    const grade = this.random.weighted([
      ['gold', 2],
      ['silver', 5],
      ['bronze', 3],
    ] as const);
    this.schedule(classifyAt, () =>
      this.command(() =>
        this.pet.opportunities.classify(
          { ...this.as(division.salesId), at: iso(classifyAt) },
          { id: opportunityId, class: grade },
        ),
      ),
    );
    const quoteAt = at + this.random.int(1, 4) * DAY;
    this.schedule(quoteAt, () => this.quote(division, opportunityId, opportunityCustomer, quoteAt));
  }

  private async quote(division: Division, opportunityId: string, customerId: string, at: number) {
    const quoteId = this.nextId('Q');
    const soldMinutes = this.random.int(20, 160) * 60;
    const sell = (soldMinutes / 60) * 12_000;
    const asSales = (when: number) => ({ ...this.as(division.salesId), at: iso(when) });
    await this.command(() =>
      this.pet.quotes.create(asSales(at), {
        id: quoteId,
        customerId,
        opportunityId,
        currency: 'EUR',
        sellTotalMinor: sell,
        costTotalMinor: Math.round(sell * 0.6),
        validUntil: iso(at + 30 * DAY).slice(0, 10),
        soldMinutes,
      }),
    );
    const sentAt = at + this.random.int(2, 26) * HOUR;
    await this.later(sentAt, () => this.pet.quotes.send(asSales(sentAt), { id: quoteId }));
    const decideAt = sentAt + this.random.int(2, 10) * DAY;
    if (this.random.chance(0.55)) {
      const projectId = this.nextId('P');
      this.schedule(decideAt, async () => {
        await this.command(() =>
          this.pet.quotes.accept(asSales(decideAt), { id: quoteId, projectId }),
        );
        await this.command(() =>
          this.pet.opportunities.win(asSales(decideAt + MINUTE), { id: opportunityId }),
        );
        division.projects.push({
          id: projectId,
          soldMinutes,
          logged: 0,
          active: true,
          completeAt: Math.round(soldMinutes * (0.8 + this.random.fraction() * 0.45)),
        });
      });
    } else {
      const reason = this.random.pick(REJECT_REASONS);
      this.schedule(decideAt, async () => {
        await this.command(() =>
          this.pet.quotes.reject(asSales(decideAt), { id: quoteId, reason }),
        );
        await this.command(() =>
          this.pet.opportunities.lose(asSales(decideAt + MINUTE), { id: opportunityId, reason }),
        );
      });
    }
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────

  /** An engineer submits the day's timesheet: a morning and an afternoon entry. */
  private async submitDay(division: Division, employee: string, midnight: number): Promise<void> {
    const corrections: (() => void)[] = [];
    const entries = [midnight + 8 * HOUR, midnight + 13 * HOUR].map((from) =>
      this.workEntry(division, employee, from, corrections),
    );
    await this.command(() =>
      this.pet.timeEntries.submitTimesheet(
        { ...this.as(employee), at: iso(this.now) },
        { entries },
      ),
    );
    for (const schedule of corrections) schedule();
  }

  /** One piece of work: on a ticket for support, a project for delivery, else internal. */
  private workEntry(
    division: Division,
    employee: string,
    from: number,
    corrections: (() => void)[],
  ): SubmitTimeEntry {
    const minutes = this.random.int(6, 16) * 15;
    const facts = {
      id: this.nextId('TE'),
      employeeId: employee,
      startedAt: iso(from),
      endedAt: iso(from + (minutes + 30) * MINUTE),
      minutes,
    };
    const isSupport = division.support.includes(employee);
    const ticket = isSupport
      ? this.pickOpen(division.tickets.filter((t) => t.status !== 'closed'))
      : undefined;
    const project = isSupport
      ? undefined
      : this.pickOpen(division.projects.filter((p) => p.active));
    let entry: SubmitTimeEntry;
    if (ticket !== undefined) {
      entry = {
        ...facts,
        ticketId: ticket.id,
        billable: this.random.chance(0.4),
        workType: 'support',
      };
    } else if (project !== undefined) {
      entry = { ...facts, projectId: project.id, billable: true, workType: 'project' };
      project.logged += minutes;
      if (project.logged >= project.completeAt) {
        project.active = false;
        const completeAt = this.now + HOUR;
        this.schedule(completeAt, () =>
          this.command(() =>
            this.pet.projects.complete(
              { ...this.as(division.managerId), at: iso(completeAt) },
              { id: project.id },
            ),
          ),
        );
      }
    } else {
      return { ...facts, billable: false, workType: 'internal' };
    }
    if (this.random.chance(0.01)) {
      corrections.push(() =>
        this.scheduleCorrection(employee, facts.id, ticket?.id, project?.id, from),
      );
    }
    return entry;
  }

  private async logInternal(employee: string, from: number): Promise<void> {
    const minutes = this.random.int(2, 8) * 15;
    await this.submitInternal(employee, {
      id: this.nextId('TE'),
      startedAt: iso(from),
      endedAt: iso(from + minutes * MINUTE),
      minutes,
    });
  }

  private submitInternal(
    employee: string,
    facts: { id: string; startedAt: string; endedAt: string; minutes: number },
  ) {
    return this.command(() =>
      this.pet.timeEntries.submit(
        { ...this.as(employee), at: iso(this.now) },
        { ...facts, billable: false, workType: 'internal' },
      ),
    );
  }

  /** The next morning, a wrong entry is compensated by a correcting one. */
  private scheduleCorrection(
    employee: string,
    originalId: string,
    ticketId: string | undefined,
    projectId: string | undefined,
    from: number,
  ): void {
    const at = this.now + DAY;
    const minutes = this.random.int(1, 4) * 15;
    this.schedule(at, () =>
      this.command(() =>
        this.pet.timeEntries.correct(
          { ...this.as(employee), at: iso(at) },
          {
            id: this.nextId('TE'),
            correctsId: originalId,
            startedAt: iso(from),
            endedAt: iso(from + minutes * MINUTE),
            minutes,
            billable: projectId !== undefined,
            workType: projectId !== undefined ? 'project' : 'support',
            ...(ticketId === undefined ? {} : { ticketId }),
            ...(projectId === undefined ? {} : { projectId }),
          },
        ),
      ),
    );
  }

  // ── support: tickets and their SLAs ─────────────────────────────────────────────────────

  private async newTicket(division: Division): Promise<void> {
    const id = this.nextId('T');
    const created = this.now;
    const priority = this.random.weighted(PRIORITIES);
    const customerId = this.random.pick(division.customers);
    const project = this.random.chance(0.2) ? this.pickOpen(division.projects) : undefined;
    const engineer = this.random.pick(division.support);
    await this.command(() =>
      this.pet.tickets.create(
        { ...this.as(engineer), at: iso(created) },
        {
          id,
          customerId,
          subject: this.random.pick(SUBJECTS),
          priority,
          ...(project === undefined ? {} : { projectId: project.id }),
        },
      ),
    );
    const ticket: TicketModel = { id, status: 'new' };
    division.tickets.push(ticket);
    const targets = (SLA_POLICIES.get(CURRENT_SLA_VERSION) ?? never()).targets[priority];
    const as = (when: number) => ({ ...this.as(engineer), at: iso(when) });
    const move = (when: number, to: TicketModel['status']) =>
      this.later(when, async () => {
        const result = await this.pet.tickets.changeStatus(as(when), { id, to });
        ticket.status = to;
        return result;
      });

    const assignAt = created + this.random.int(1, 20) * MINUTE;
    const toTeam = this.random.chance(0.3);
    await this.later(assignAt, () =>
      this.pet.tickets.assign(
        as(assignAt),
        toTeam ? { id, teamId: division.teamId } : { id, employeeId: engineer },
      ),
    );
    const openAt =
      created + Math.round(targets.responseMinutes * (0.1 + this.random.fraction() * 1.2)) * MINUTE;
    await move(openAt, 'open');
    let cursor = openAt;
    if (this.random.chance(0.1)) {
      const escalateAt = openAt + 60 * MINUTE;
      await this.later(escalateAt, () =>
        this.pet.tickets.escalate(as(escalateAt), { id, stage: 1 }),
      );
    }
    let waited = 0;
    if (this.random.chance(0.3)) {
      const pendingAt = cursor + this.random.int(30, 240) * MINUTE;
      waited = this.random.int(60, 2880) * MINUTE;
      await move(pendingAt, 'pending');
      await move(pendingAt + waited, 'open');
      cursor = pendingAt + waited;
    }
    const resolveAt =
      openAt +
      waited +
      Math.round(targets.resolutionMinutes * (0.2 + this.random.fraction() * 1.2)) * MINUTE;
    await move(Math.max(resolveAt, cursor + 10 * MINUTE), 'resolved');
    let resolvedAt = Math.max(resolveAt, cursor + 10 * MINUTE);
    if (this.random.chance(0.05)) {
      await move(resolvedAt + DAY, 'open');
      resolvedAt += DAY + 4 * HOUR;
      await move(resolvedAt, 'resolved');
    }
    await move(resolvedAt + 2 * DAY, 'closed');
  }

  private async evaluateSla(at: number): Promise<void> {
    await this.command(() => this.pet.tickets.evaluateSla(iso(at), { principal: SLA_EVALUATOR }));
  }

  // ── people ──────────────────────────────────────────────────────────────────────────────

  /**
   * A delivery engineer leaves; a new one is hired and joins the team. Planned before the
   * day's work, so the day's time is logged by who is on the team that day.
   */
  private replaceEmployee(division: Division, at: number): void {
    const leaving = division.delivery.shift();
    if (leaving === undefined) return;
    const hired = this.nextId('E-N');
    division.delivery.push(hired);
    const asManager = (when: number) => ({ ...this.as(division.managerId), at: iso(when) });
    this.schedule(at, async () => {
      await this.command(() =>
        this.pet.teams.removeMember(asManager(at), {
          teamId: division.teamId,
          employeeId: leaving,
        }),
      );
      await this.command(() => this.pet.employees.leave(asManager(at + MINUTE), { id: leaving }));
      await this.command(() =>
        this.pet.employees.hire(asManager(at + 2 * MINUTE), {
          id: hired,
          name: `Employee ${hired}`,
          email: `${hired.toLowerCase()}@demo.pet`,
          role: 'delivery',
          managerId: division.managerId,
        }),
      );
      await this.command(() =>
        this.pet.teams.addMember(asManager(at + 3 * MINUTE), {
          teamId: division.teamId,
          employeeId: hired,
        }),
      );
    });
  }

  // ── the machinery ───────────────────────────────────────────────────────────────────────

  private now = 0;

  private as(employeeId: string): Pick<CommandOptions, 'principal'> {
    return { principal: employeePrincipal(employeeId) };
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${String(this.counter).padStart(7, '0')}`;
  }

  private pickOpen<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : this.random.pick(items.slice(-12));
  }

  private schedule(at: number, run: () => Promise<void>): void {
    if (at >= this.end) return;
    this.seq += 1;
    push(this.queue, { at: Math.max(at, this.now), seq: this.seq, run });
  }

  /** Schedules a command at `at` (after everything already scheduled for then). */
  private later(at: number, command: () => Promise<{ events: readonly unknown[] }>): Promise<void> {
    this.schedule(at, () => this.command(command));
    return Promise.resolve();
  }

  private async runUntil(until: number): Promise<void> {
    for (;;) {
      const next = this.queue[0];
      if (next === undefined || next.at >= until) return;
      pop(this.queue);
      this.now = next.at;
      await next.run();
    }
  }

  /** Runs a command; one the firm's rules refuse is counted, any other failure stops the build. */
  private async command(run: () => Promise<{ events: readonly unknown[] }>): Promise<void> {
    this.commands += 1;
    try {
      const { events } = await run();
      this.events += events.length;
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      this.refused += 1;
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function never(): never {
  throw new Error('unreachable');
}

// A binary heap ordered by (at, seq): the simulation's clock.
const before = (a: Action, b: Action) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

function push(heap: Action[], action: Action): void {
  heap.push(action);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i] as Action, heap[parent] as Action)) break;
    [heap[i], heap[parent]] = [heap[parent] as Action, heap[i] as Action];
    i = parent;
  }
}

function pop(heap: Action[]): Action | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left] as Action, heap[smallest] as Action))
        smallest = left;
      if (right < heap.length && before(heap[right] as Action, heap[smallest] as Action))
        smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest] as Action, heap[i] as Action];
      i = smallest;
    }
  }
  return top;
}
