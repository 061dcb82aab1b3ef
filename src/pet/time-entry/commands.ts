/**
 * Time entry commands. Submitted time is never edited: a wrong entry is compensated by a
 * correcting entry that names it, and the original stays as it was.
 */
import { CommandInvalidError, IllegalTransitionError } from '../../events/errors.js';
import type { SqlAccess } from '../../store/sql-access.js';
import type { CommandRunner } from '../command.js';
import {
  defined,
  id,
  instant,
  minutesBetween,
  type CommandOptions,
  type CommandScope,
} from '../command.js';
import { logProjectMinutes } from '../project/commands.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import {
  TimeEntryCorrectedV1,
  TimeEntryLockedV1,
  TimeEntrySubmittedV1,
  WORK_TYPES,
} from './contracts.js';
import { timeEntryMachine } from './machine.js';

export type WorkType = (typeof WORK_TYPES)[number];

/** The facts of a piece of work. */
export interface WorkFacts {
  /** Default: the employee the command runs for. */
  readonly employeeId?: string;
  /** At most one of ticket and project; neither for internal work. */
  readonly ticketId?: string;
  readonly projectId?: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly minutes: number;
  readonly billable: boolean;
  readonly workType: WorkType;
}

export interface SubmitTimeEntry extends WorkFacts {
  readonly id: string;
}

/** Default employee: the original entry's (a correction never moves time to someone else). */
export interface CorrectTimeEntry extends WorkFacts {
  /** The correcting entry's own id. */
  readonly id: string;
  /** The entry it compensates (which may itself be a correction). */
  readonly correctsId: string;
}

const TABLE = { table: 'pet_time_entries' };

export class TimeEntryCommands {
  constructor(private readonly commands: CommandRunner) {}

  /**
   * Submits time. Refused: zero or negative minutes, a closed ticket, a completed project.
   * Time on a project that takes it past its sold minutes emits `project.variance_detected`.
   */
  submit(options: CommandOptions, input: SubmitTimeEntry) {
    return this.commands.run('time_entry.submit', options, input, (scope) =>
      submitEntry(scope, 'time_entry.submit', input),
    );
  }

  /**
   * Submits a timesheet: several entries in one unit of work, all or none (one refused entry
   * refuses the timesheet). Each entry records its own `time_entry.submitted`.
   */
  submitTimesheet(
    options: CommandOptions,
    input: { readonly entries: readonly SubmitTimeEntry[] },
  ) {
    return this.commands.run('time_entry.submit_timesheet', options, input, async (scope) => {
      const entries: readonly SubmitTimeEntry[] = input.entries;
      const count = isList(entries) ? entries.length : 0;
      if (count === 0 || count > 500) {
        throw new CommandInvalidError(
          'time_entry.submit_timesheet',
          'entries',
          'must list 1 to 500 entries',
        );
      }
      const ids: string[] = [];
      for (const entry of entries) {
        ids.push((await submitEntry(scope, 'time_entry.submit_timesheet', entry)).id);
      }
      return { ids };
    });
  }

  /** Locks a submitted entry. */
  lock(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('time_entry.lock', options, input, async (scope) => {
      await lockEntry(scope, input.id);
    });
  }

  /** Locks every submitted entry of an employee that ended by `until` (a period closes). */
  lockPeriod(
    options: CommandOptions,
    input: { readonly employeeId: string; readonly until: string },
  ) {
    return this.commands.run('time_entry.lock_period', options, input, async (scope) => {
      const until = instant('time_entry.lock_period', 'until', input.until);
      const rows = await scope.sql.query<{ id: string }>(
        `SELECT id FROM pet_time_entries
         WHERE employee_id = $1 AND status = 'submitted' AND ended_at <= $2 ORDER BY id`,
        [input.employeeId, until],
      );
      for (const row of rows) await lockEntry(scope, row.id);
      return { locked: rows.length };
    });
  }

  /**
   * Compensates an entry with a correcting one that states the right facts; the original
   * stays as it was. An entry is corrected at most once (correct the correction after that).
   */
  correct(options: CommandOptions, input: CorrectTimeEntry) {
    return this.commands.run('time_entry.correct', options, input, async (scope) => {
      const entryId = id('time_entry.correct', 'id', input.id);
      if (!Number.isSafeInteger(input.minutes) || input.minutes < 0) {
        throw new CommandInvalidError(
          'time_entry.correct',
          'minutes',
          'must be a whole number, zero or more',
        );
      }
      const original = await requireRow<{
        minutes: number;
        project_id: string | null;
        employee_id: string;
        billable: number;
      }>(
        scope.sql,
        'time_entry',
        TABLE.table,
        input.correctsId,
        'minutes, project_id, employee_id, billable',
      );
      const earlier = await scope.sql.query<{ id: string }>(
        'SELECT id FROM pet_time_entries WHERE corrects_id = $1',
        [input.correctsId],
      );
      if (earlier[0] !== undefined) {
        throw new IllegalTransitionError(
          'time_entry',
          input.correctsId,
          'corrected',
          'corrected',
          `already compensated by ${earlier[0].id}: correct that entry instead`,
        );
      }
      const work = await checkWork(scope, 'time_entry.correct', {
        ...input,
        employeeId: input.employeeId ?? original.employee_id,
      });
      if (work.employeeId !== original.employee_id) {
        throw new CommandInvalidError(
          'time_entry.correct',
          'employeeId',
          `must be the original entry's employee ${original.employee_id}: correct only your own time`,
        );
      }
      await assertNew(scope.sql, 'time_entry', TABLE.table, entryId);
      const context = { type: 'time_entry', id: entryId };
      await scope.registerContext(context);
      await insertEntry(scope.sql, entryId, work, input.minutes, input.correctsId, scope.at);
      const originalMinutes = Number(original.minutes);
      const corrected = scope.record(TimeEntryCorrectedV1, context, {
        corrects_entry_id: input.correctsId,
        ...payloadOf(work),
        minutes: input.minutes,
        original_minutes: originalMinutes,
        original_billable: Number(original.billable) === 1,
      });
      // The original's minutes come off its project, the corrected ones go on theirs.
      if (original.project_id !== null && original.project_id === work.projectId) {
        const delta = input.minutes - originalMinutes;
        if (delta !== 0) await logProjectMinutes(scope, original.project_id, delta, corrected.id);
      } else {
        if (original.project_id !== null) {
          await logProjectMinutes(scope, original.project_id, -originalMinutes, corrected.id);
        }
        if (work.projectId !== undefined && input.minutes > 0) {
          await logProjectMinutes(scope, work.projectId, input.minutes, corrected.id);
        }
      }
      return { id: entryId };
    });
  }
}

/** Submits one entry inside a running command. */
async function submitEntry(
  scope: CommandScope,
  command: string,
  input: SubmitTimeEntry,
): Promise<{ id: string }> {
  const entryId = id(command, 'id', input.id);
  if (!Number.isSafeInteger(input.minutes) || input.minutes <= 0) {
    throw new IllegalTransitionError(
      'time_entry',
      entryId,
      'draft',
      'submitted',
      `minutes must be a whole number above zero, got ${String(input.minutes)}`,
    );
  }
  // An entry is submitted once: submitting it again is a transition its state refuses.
  const existing = await scope.sql.query<{ status: 'submitted' | 'locked' }>(
    'SELECT status FROM pet_time_entries WHERE id = $1',
    [entryId],
  );
  if (existing[0] !== undefined) timeEntryMachine.assert(entryId, existing[0].status, 'submitted');
  const work = await checkWork(scope, command, input);
  const context = { type: 'time_entry', id: entryId };
  await scope.registerContext(context);
  await insertEntry(scope.sql, entryId, work, input.minutes, null, scope.at);
  const submitted = scope.record(TimeEntrySubmittedV1, context, {
    from_status: 'draft',
    to_status: 'submitted',
    ...payloadOf(work),
    minutes: input.minutes,
  });
  if (work.projectId !== undefined) {
    await logProjectMinutes(scope, work.projectId, input.minutes, submitted.id);
  }
  return { id: entryId };
}

interface CheckedWork {
  readonly employeeId: string;
  readonly ticketId: string | undefined;
  readonly projectId: string | undefined;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly billable: boolean;
  readonly workType: WorkType;
}

/** Checks the facts of a piece of work against the state: no time on closed tickets. */
async function checkWork(
  scope: CommandScope,
  command: string,
  work: WorkFacts,
): Promise<CheckedWork> {
  const employeeId =
    work.employeeId ??
    (scope.principal.kind === 'employee' ? scope.principal.employeeId : undefined);
  if (employeeId === undefined) {
    throw new CommandInvalidError(
      command,
      'employeeId',
      'is required when the system submits time',
    );
  }
  if (work.ticketId !== undefined && work.projectId !== undefined) {
    throw new CommandInvalidError(
      command,
      'ticketId',
      'and projectId exclude each other: one piece of work, one target',
    );
  }
  if (!(WORK_TYPES as readonly string[]).includes(work.workType)) {
    throw new CommandInvalidError(command, 'workType', `must be one of ${WORK_TYPES.join(', ')}`);
  }
  const startedAt = instant(command, 'startedAt', work.startedAt);
  const endedAt = instant(command, 'endedAt', work.endedAt);
  if (endedAt < startedAt) throw new CommandInvalidError(command, 'endedAt', 'is before startedAt');
  if (work.minutes > minutesBetween(startedAt, endedAt)) {
    throw new CommandInvalidError(
      command,
      'minutes',
      'exceed the time between startedAt and endedAt',
    );
  }
  await requireRow(scope.sql, 'employee', 'pet_employees', employeeId, 'id');
  if (work.ticketId !== undefined) {
    const ticket = await requireRow<{ status: string }>(
      scope.sql,
      'ticket',
      'pet_tickets',
      work.ticketId,
      'status',
    );
    // Touching the row holds it (PostgreSQL) until the unit ends: a racing close waits, and
    // a close that committed first is seen here.
    const open = await scope.sql.execute(
      "UPDATE pet_tickets SET status = status WHERE id = $1 AND status <> 'closed'",
      [work.ticketId],
    );
    if (ticket.status === 'closed' || open !== 1) {
      throw new IllegalTransitionError(
        'ticket',
        work.ticketId,
        'closed',
        'log_time',
        'no time is logged on a closed ticket',
      );
    }
  }
  return {
    employeeId,
    ticketId: work.ticketId,
    projectId: work.projectId,
    startedAt,
    endedAt,
    billable: work.billable,
    workType: work.workType,
  };
}

function payloadOf(work: CheckedWork) {
  return defined({
    employee_id: work.employeeId,
    ticket_id: work.ticketId,
    project_id: work.projectId,
    started_at: work.startedAt,
    ended_at: work.endedAt,
    billable: work.billable,
    work_type: work.workType,
  });
}

async function insertEntry(
  sql: SqlAccess,
  entryId: string,
  work: CheckedWork,
  minutes: number,
  correctsId: string | null,
  at: string,
): Promise<void> {
  await sql.execute(
    `INSERT INTO pet_time_entries (id, employee_id, ticket_id, project_id, started_at, ended_at,
       minutes, billable, work_type, status, corrects_id, submitted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted', $10, $11)`,
    [
      entryId,
      work.employeeId,
      work.ticketId ?? null,
      work.projectId ?? null,
      work.startedAt,
      work.endedAt,
      minutes,
      work.billable ? 1 : 0,
      work.workType,
      correctsId,
      at,
    ],
  );
}

async function lockEntry(scope: CommandScope, entryId: string): Promise<void> {
  const from = await transition(scope.sql, timeEntryMachine, TABLE, entryId, 'locked', {
    locked_at: scope.at,
  });
  scope.record(
    TimeEntryLockedV1,
    { type: 'time_entry', id: entryId },
    { from_status: from, to_status: 'locked' },
  );
}

/** Whether a value is an array (input from outside TypeScript may not be). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}
