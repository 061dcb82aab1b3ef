/**
 * The SLA clock: one per ticket and kind (response, resolution). It runs while the ticket is
 * worked on, pauses while the ticket is pending, and stops when its target is met (first
 * response, resolution). Warning fires when the running time reaches the warning share of
 * the target, breach at the target; each at most once per ticket and kind, whatever pauses,
 * resumes and evaluators come.
 *
 * Every threshold's due instant is kept on the clock, so an evaluation records each event at
 * the instant the threshold was crossed, however late it runs; a pause banks the running
 * time and forgets only the thresholds not yet reached.
 */
import type { SqlAccess } from '../../store/sql-access.js';
import type { CommandScope } from '../command.js';
import { SLA_KINDS, SlaBreachedV1, SlaWarningV1, type TICKET_PRIORITIES } from './contracts.js';

export type SlaKind = (typeof SLA_KINDS)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** An SLA version: targets per priority, and the warning share. Versions never change. */
export interface SlaPolicy {
  readonly version: number;
  /** Warning fires at this share of the target (80 means 80 %). */
  readonly warningPercent: number;
  readonly targets: {
    readonly [P in TicketPriority]: {
      readonly responseMinutes: number;
      readonly resolutionMinutes: number;
    };
  };
}

/** Every SLA version PET has had; a ticket keeps the version it was created under. */
export const SLA_POLICIES: ReadonlyMap<number, SlaPolicy> = new Map([
  [
    1,
    {
      version: 1,
      warningPercent: 80,
      targets: {
        urgent: { responseMinutes: 30, resolutionMinutes: 4 * 60 },
        high: { responseMinutes: 60, resolutionMinutes: 8 * 60 },
        normal: { responseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
        low: { responseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
      },
    },
  ],
]);

/** The version new tickets are created under. */
export const CURRENT_SLA_VERSION = 1;

/** A clock as stored. */
export interface SlaClock {
  readonly ticket_id: string;
  readonly kind: SlaKind;
  readonly sla_version: number;
  readonly target_seconds: number;
  readonly warning_seconds: number;
  readonly elapsed_seconds: number;
  readonly running_since: string | null;
  readonly warning_due_at: string | null;
  readonly breach_due_at: string | null;
  readonly next_check_at: string | null;
  readonly state: 'active' | 'warning' | 'breached';
  readonly warning_fired_at: string | null;
  readonly breached_fired_at: string | null;
  readonly stopped_at: string | null;
  readonly revision: number;
}

type ClockChange = Partial<
  Pick<
    SlaClock,
    | 'elapsed_seconds'
    | 'running_since'
    | 'warning_due_at'
    | 'breach_due_at'
    | 'state'
    | 'warning_fired_at'
    | 'breached_fired_at'
    | 'stopped_at'
  >
>;

const plus = (at: string, seconds: number) =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();
const secondsBetween = (from: string, to: string) =>
  Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 1000));

/** Inserts a ticket's two clocks, running from `at`. */
export async function startClocks(
  sql: SqlAccess,
  ticketId: string,
  policy: SlaPolicy,
  priority: TicketPriority,
  at: string,
): Promise<{ responseDueAt: string; resolutionDueAt: string }> {
  const targets = policy.targets[priority];
  const due: Record<SlaKind, string> = { response: at, resolution: at };
  for (const kind of SLA_KINDS) {
    const minutes = kind === 'response' ? targets.responseMinutes : targets.resolutionMinutes;
    const target = minutes * 60;
    const warning = Math.max(1, Math.floor((target * policy.warningPercent) / 100));
    due[kind] = plus(at, target);
    const warningDue = plus(at, warning);
    await sql.execute(
      `INSERT INTO pet_sla_clocks (ticket_id, kind, sla_version, target_seconds, warning_seconds,
         running_since, warning_due_at, breach_due_at, next_check_at, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, 'active')`,
      [ticketId, kind, policy.version, target, warning, at, warningDue, due[kind]],
    );
  }
  return { responseDueAt: due.response, resolutionDueAt: due.resolution };
}

/** Banks the running time and forgets the thresholds not yet reached (ticket pending). */
function pause(clock: SlaClock, at: string): ClockChange {
  if (clock.running_since === null) return {};
  const reached = (due: string | null) => (due !== null && due <= at ? due : null);
  return {
    elapsed_seconds: clock.elapsed_seconds + secondsBetween(clock.running_since, at),
    running_since: null,
    warning_due_at: reached(clock.warning_due_at),
    breach_due_at: reached(clock.breach_due_at),
  };
}

/** Runs the clock again from `at`, with the thresholds not yet reached due again. */
function resume(clock: SlaClock, at: string): ClockChange {
  if (clock.running_since !== null) return {};
  const dueAfter = (threshold: number, due: string | null) =>
    due ?? plus(at, Math.max(0, threshold - clock.elapsed_seconds));
  return {
    running_since: at,
    stopped_at: null,
    warning_due_at: dueAfter(clock.warning_seconds, clock.warning_due_at),
    breach_due_at: dueAfter(clock.target_seconds, clock.breach_due_at),
  };
}

/** The clock's next unfired due threshold. */
function nextCheck(clock: SlaClock): string | null {
  const pending = [
    clock.warning_fired_at === null ? clock.warning_due_at : null,
    clock.breached_fired_at === null ? clock.breach_due_at : null,
  ].filter((due): due is string => due !== null);
  return pending.length === 0 ? null : (pending.sort()[0] ?? null);
}

/**
 * Writes `change` to the clock if nobody changed it since it was read; false otherwise.
 */
async function compareAndSet(
  sql: SqlAccess,
  clock: SlaClock,
  change: ClockChange,
): Promise<boolean> {
  const next = { ...clock, ...change };
  const changed = await sql.execute(
    `UPDATE pet_sla_clocks SET elapsed_seconds = $4, running_since = $5, warning_due_at = $6,
       breach_due_at = $7, next_check_at = $8, state = $9, warning_fired_at = $10,
       breached_fired_at = $11, stopped_at = $12, revision = revision + 1
     WHERE ticket_id = $1 AND kind = $2 AND revision = $3`,
    [
      clock.ticket_id,
      clock.kind,
      clock.revision,
      next.elapsed_seconds,
      next.running_since,
      next.warning_due_at,
      next.breach_due_at,
      nextCheck(next),
      next.state,
      next.warning_fired_at,
      next.breached_fired_at,
      next.stopped_at,
    ],
  );
  return changed === 1;
}

async function readClock(sql: SqlAccess, ticketId: string, kind: SlaKind) {
  const rows = await sql.query<SlaClock & Record<string, unknown>>(
    'SELECT * FROM pet_sla_clocks WHERE ticket_id = $1 AND kind = $2',
    [ticketId, kind],
  );
  return rows.map(normalise)[0];
}

/** Applies `operation` to a ticket's clocks of the given kinds, retrying lost compare-and-sets. */
async function update(
  sql: SqlAccess,
  ticketId: string,
  kinds: readonly SlaKind[],
  operation: (clock: SlaClock) => ClockChange,
): Promise<void> {
  for (const kind of kinds) {
    for (;;) {
      const clock = await readClock(sql, ticketId, kind);
      if (clock === undefined) break;
      const change = operation(clock);
      if (Object.keys(change).length === 0) break;
      if (await compareAndSet(sql, clock, change)) break;
    }
  }
}

/** The ticket went pending: its running clocks pause. */
export const pauseClocks = (sql: SqlAccess, ticketId: string, at: string) =>
  update(sql, ticketId, SLA_KINDS, (clock) => (clock.stopped_at === null ? pause(clock, at) : {}));

/** The ticket is worked on again: its paused clocks (not the stopped ones) resume. */
export const resumeClocks = (sql: SqlAccess, ticketId: string, at: string) =>
  update(sql, ticketId, SLA_KINDS, (clock) => (clock.stopped_at === null ? resume(clock, at) : {}));

/** A target was met (first response, resolution): that clock stops. */
export const stopClock = (sql: SqlAccess, ticketId: string, kind: SlaKind, at: string) =>
  update(sql, ticketId, [kind], (clock) =>
    clock.stopped_at === null ? { ...pause(clock, at), stopped_at: at } : {},
  );

/** A resolved ticket was reopened: its resolution clock runs again. */
export const restartResolutionClock = (sql: SqlAccess, ticketId: string, at: string) =>
  update(sql, ticketId, ['resolution'], (clock) => resume(clock, at));

/** What an evaluation fired. */
export interface SlaFiring {
  readonly ticketId: string;
  readonly kind: SlaKind;
  readonly event: 'sla.warning' | 'sla.breached';
  readonly at: string;
}

/**
 * Fires every threshold due by `now` that has not fired: `sla.warning` and `sla.breached` on
 * the ticket's context, each recorded at the instant its threshold was crossed. A clock that
 * another unit changed meanwhile is left for the next evaluation, so nothing fires twice.
 */
export async function fireDueThresholds(scope: CommandScope, now: string): Promise<SlaFiring[]> {
  const due = await scope.sql.query<SlaClock & Record<string, unknown>>(
    `SELECT * FROM pet_sla_clocks WHERE next_check_at IS NOT NULL AND next_check_at <= $1
     ORDER BY ticket_id, kind`,
    [now],
  );
  const fired: SlaFiring[] = [];
  for (const clock of due.map(normalise)) {
    const warn =
      clock.warning_fired_at === null &&
      clock.warning_due_at !== null &&
      clock.warning_due_at <= now
        ? clock.warning_due_at
        : null;
    const breach =
      clock.breached_fired_at === null && clock.breach_due_at !== null && clock.breach_due_at <= now
        ? clock.breach_due_at
        : null;
    if (warn === null && breach === null) continue;
    const change: ClockChange = {
      ...(warn === null ? {} : { warning_fired_at: warn, state: 'warning' as const }),
      ...(breach === null ? {} : { breached_fired_at: breach, state: 'breached' as const }),
    };
    if (!(await compareAndSet(scope.sql, clock, change))) continue;
    const context = { type: 'ticket', id: clock.ticket_id };
    const facts = {
      kind: clock.kind,
      sla_version: clock.sla_version,
      target_minutes: Math.ceil(clock.target_seconds / 60),
    };
    if (warn !== null) {
      scope.record(
        SlaWarningV1,
        context,
        {
          ...facts,
          ...(clock.breach_due_at === null ? {} : { due_at: clock.breach_due_at }),
          elapsed_minutes: Math.floor(clock.warning_seconds / 60),
        },
        { occurredAt: warn },
      );
      fired.push({ ticketId: clock.ticket_id, kind: clock.kind, event: 'sla.warning', at: warn });
    }
    if (breach !== null) {
      scope.record(
        SlaBreachedV1,
        context,
        { ...facts, due_at: breach, elapsed_minutes: Math.ceil(clock.target_seconds / 60) },
        { occurredAt: breach },
      );
      fired.push({
        ticketId: clock.ticket_id,
        kind: clock.kind,
        event: 'sla.breached',
        at: breach,
      });
    }
  }
  return fired;
}

/** Rows as read from either database (PostgreSQL returns numbers of these columns as numbers). */
function normalise(row: SlaClock & Record<string, unknown>): SlaClock {
  return {
    ...row,
    sla_version: Number(row.sla_version),
    target_seconds: Number(row.target_seconds),
    warning_seconds: Number(row.warning_seconds),
    elapsed_seconds: Number(row.elapsed_seconds),
    revision: Number(row.revision),
  };
}

/** A ticket's clocks, as stored. */
export async function ticketClocks(sql: SqlAccess, ticketId: string): Promise<SlaClock[]> {
  const rows = await sql.query<SlaClock & Record<string, unknown>>(
    'SELECT * FROM pet_sla_clocks WHERE ticket_id = $1 ORDER BY kind',
    [ticketId],
  );
  return rows.map(normalise);
}
