/**
 * Ticket commands, and the SLA evaluation.
 */
import { CommandInvalidError, IllegalTransitionError } from '../../events/errors.js';
import { systemPrincipal } from '../../unit-of-work/principal.js';
import type { CommandRunner } from '../command.js';
import { defined, id, instant, type CommandOptions } from '../command.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TicketAssignedV1,
  TicketClosedV1,
  TicketCreatedV1,
  TicketEscalatedV1,
  TicketResolvedV1,
  TicketStatusChangedV1,
} from './contracts.js';
import { ticketMachine } from './machine.js';
import {
  CURRENT_SLA_VERSION,
  fireDueThresholds,
  pauseClocks,
  restartResolutionClock,
  resumeClocks,
  SLA_POLICIES,
  startClocks,
  stopClock,
} from './sla.js';

export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface CreateTicket {
  readonly id: string;
  readonly customerId: string;
  readonly subject: string;
  readonly priority: TicketPriority;
  readonly projectId?: string;
  /** Default: the current SLA version. A ticket keeps its version for good. */
  readonly slaVersion?: number;
}

/** Exactly one of the two. */
export type Assignee =
  | { readonly employeeId: string; readonly teamId?: undefined }
  | { readonly teamId: string; readonly employeeId?: undefined };

const TABLE = { table: 'pet_tickets' };

/** The principal SLA evaluations run as (system events record a null actor). */
export const SLA_EVALUATOR = systemPrincipal('sla-evaluator');

export class TicketCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Opens a ticket under an SLA version; its response and resolution clocks start. */
  create(options: CommandOptions, input: CreateTicket) {
    return this.commands.run('ticket.create', options, input, async (scope) => {
      const ticketId = id('ticket.create', 'id', input.id);
      const version = input.slaVersion ?? CURRENT_SLA_VERSION;
      const policy = SLA_POLICIES.get(version);
      if (policy === undefined) {
        throw new CommandInvalidError(
          'ticket.create',
          'slaVersion',
          `${version} is not an SLA version`,
        );
      }
      if (!(TICKET_PRIORITIES as readonly string[]).includes(input.priority)) {
        throw new CommandInvalidError(
          'ticket.create',
          'priority',
          `must be one of ${TICKET_PRIORITIES.join(', ')}`,
        );
      }
      await assertNew(scope.sql, 'ticket', TABLE.table, ticketId);
      await requireRow(scope.sql, 'customer', 'pet_customers', input.customerId, 'id');
      if (input.projectId !== undefined) {
        await requireRow(scope.sql, 'project', 'pet_projects', input.projectId, 'id');
      }
      await scope.sql.execute(
        `INSERT INTO pet_tickets (id, customer_id, project_id, subject, priority, sla_version,
           response_due_at, resolution_due_at, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'new', $7)`,
        [
          ticketId,
          input.customerId,
          input.projectId ?? null,
          input.subject,
          input.priority,
          version,
          scope.at,
        ],
      );
      const due = await startClocks(scope.sql, ticketId, policy, input.priority, scope.at);
      await scope.sql.execute(
        'UPDATE pet_tickets SET response_due_at = $2, resolution_due_at = $3 WHERE id = $1',
        [ticketId, due.responseDueAt, due.resolutionDueAt],
      );
      const context = { type: 'ticket', id: ticketId };
      await scope.registerContext(context);
      scope.record(
        TicketCreatedV1,
        context,
        defined({
          customer_id: input.customerId,
          project_id: input.projectId,
          priority: input.priority,
          response_due_at: due.responseDueAt,
          resolution_due_at: due.resolutionDueAt,
          sla_version: version,
        }),
      );
      return {
        id: ticketId,
        responseDueAt: due.responseDueAt,
        resolutionDueAt: due.resolutionDueAt,
      };
    });
  }

  /** Assigns a ticket to exactly one employee or one team. */
  assign(options: CommandOptions, input: { readonly id: string } & Assignee) {
    return this.commands.run('ticket.assign', options, input, async (scope) => {
      if ((input.employeeId === undefined) === (input.teamId === undefined)) {
        throw new CommandInvalidError(
          'ticket.assign',
          'assignee',
          'must be one employee or one team',
        );
      }
      const ticket = await requireRow<{ status: TicketStatus }>(
        scope.sql,
        'ticket',
        TABLE.table,
        input.id,
        'status',
      );
      if (ticket.status === 'closed') {
        throw new IllegalTransitionError('ticket', input.id, 'closed', 'assigned');
      }
      if (input.employeeId !== undefined) {
        await requireRow(scope.sql, 'employee', 'pet_employees', input.employeeId, 'id');
      } else {
        await requireRow(scope.sql, 'team', 'pet_teams', input.teamId, 'id');
      }
      const changed = await scope.sql.execute(
        `UPDATE pet_tickets SET assigned_employee_id = $2, assigned_team_id = $3
         WHERE id = $1 AND status <> 'closed'`,
        [input.id, input.employeeId ?? null, input.teamId ?? null],
      );
      // Closed meanwhile by a racing command.
      if (changed !== 1) throw new IllegalTransitionError('ticket', input.id, 'closed', 'assigned');
      scope.record(
        TicketAssignedV1,
        { type: 'ticket', id: input.id },
        defined({ employee_id: input.employeeId, team_id: input.teamId }),
      );
    });
  }

  /**
   * Moves a ticket to another status: the first response (new → open) stops the response
   * clock, pending pauses the clocks and open resumes them, resolution stops the resolution
   * clock and reopening runs it again. Closed is final.
   */
  changeStatus(options: CommandOptions, input: { readonly id: string; readonly to: TicketStatus }) {
    return this.commands.run('ticket.change_status', options, input, async (scope) => {
      const { at, sql } = scope;
      const to = input.to;
      if (!(TICKET_STATUSES as readonly string[]).includes(to)) {
        throw new CommandInvalidError(
          'ticket.change_status',
          'to',
          `must be one of ${TICKET_STATUSES.join(', ')}`,
        );
      }
      const stamps: Record<string, string | null> =
        to === 'resolved' ? { resolved_at: at } : to === 'closed' ? { closed_at: at } : {};
      const from = await transition(sql, ticketMachine, TABLE, input.id, to, stamps);
      if (from === 'new') {
        await sql.execute('UPDATE pet_tickets SET responded_at = $2 WHERE id = $1', [input.id, at]);
        await stopClock(sql, input.id, 'response', at);
      } else if (to === 'pending') {
        await pauseClocks(sql, input.id, at);
      } else if (to === 'resolved') {
        await stopClock(sql, input.id, 'resolution', at);
      } else if (from === 'pending' && to === 'open') {
        await resumeClocks(sql, input.id, at);
      } else if (from === 'resolved' && to === 'open') {
        await sql.execute('UPDATE pet_tickets SET resolved_at = NULL WHERE id = $1', [input.id]);
        await restartResolutionClock(sql, input.id, at);
      }
      const contract =
        to === 'resolved'
          ? TicketResolvedV1
          : to === 'closed'
            ? TicketClosedV1
            : TicketStatusChangedV1;
      scope.record(
        contract,
        { type: 'ticket', id: input.id },
        { from_status: from, to_status: to },
      );
      return { from, to };
    });
  }

  /** Escalates an unresolved ticket to a higher stage. */
  escalate(options: CommandOptions, input: { readonly id: string; readonly stage: number }) {
    return this.commands.run('ticket.escalate', options, input, async (scope) => {
      const ticket = await requireRow<{ status: TicketStatus; escalation_stage: number }>(
        scope.sql,
        'ticket',
        TABLE.table,
        input.id,
        'status, escalation_stage',
      );
      const previous = Number(ticket.escalation_stage);
      if (ticket.status === 'resolved' || ticket.status === 'closed') {
        throw new IllegalTransitionError('ticket', input.id, ticket.status, 'escalated');
      }
      if (!Number.isSafeInteger(input.stage) || input.stage <= previous) {
        throw new CommandInvalidError(
          'ticket.escalate',
          'stage',
          `must be an integer above the current stage ${previous}`,
        );
      }
      const changed = await scope.sql.execute(
        `UPDATE pet_tickets SET escalation_stage = $2
         WHERE id = $1 AND escalation_stage = $3 AND status NOT IN ('resolved', 'closed')`,
        [input.id, input.stage, previous],
      );
      if (changed !== 1) {
        throw new IllegalTransitionError(
          'ticket',
          input.id,
          'changed meanwhile',
          'escalated',
          'another command escalated, resolved or closed it first',
        );
      }
      scope.record(
        TicketEscalatedV1,
        { type: 'ticket', id: input.id },
        { stage: input.stage, previous_stage: previous },
      );
    });
  }

  /**
   * The SLA evaluation (a system command): fires every SLA warning and breach due by `now`,
   * each once per ticket and kind, recorded at the instant its threshold was crossed.
   * Evaluators may run at the same time: a threshold fires in exactly one of them.
   */
  evaluateSla(now: string = new Date().toISOString(), options: Partial<CommandOptions> = {}) {
    const at = instant('sla.evaluate', 'now', now);
    return this.commands.run(
      'sla.evaluate',
      { principal: SLA_EVALUATOR, ...options, at },
      { now: at },
      (scope) => fireDueThresholds(scope, at),
    );
  }
}
