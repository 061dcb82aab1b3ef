/**
 * PET's commands as resources: `POST /v1/<aggregates>` creates, `POST /v1/<aggregates>/{id}/<verb>`
 * changes. Each request is one unit of work run for the authenticated principal (the actor of
 * every event it records); the `Idempotency-Key` header makes a retry return the first
 * response instead of running again. Which roles may run which command is in `ROLES` below
 * and in docs/service.md.
 */
import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { CommandInvalidError, ForbiddenError } from '../events/errors.js';
import { toWireEvent } from '../events/wire.js';
import type { CommandOptions, CommandResult } from '../pet/command.js';
import { EMPLOYEE_ROLES } from '../pet/employee/contracts.js';
import { LEAD_SOURCES } from '../pet/lead/contracts.js';
import { OPPORTUNITY_CLASSES } from '../pet/opportunity/contracts.js';
import type { Pet } from '../pet/pet.js';
import { MEMBERSHIP_ROLES } from '../pet/team/contracts.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../pet/ticket/contracts.js';
import { WORK_TYPES } from '../pet/time-entry/contracts.js';
import { Code, CurrencyCode } from '../registry/contract.js';
import type { ServiceApp, ServiceContext } from './app.js';
import {
  CommandResponseSchema,
  emptyBodyIsObject,
  Id,
  IdempotencyHeaders,
  InstantText,
  MAX_INT32,
  MinorUnits,
  problems,
  WireEventSchema,
} from './schemas.js';
import type { Caller, Role } from './tokens.js';

/** Who may run the commands of each area; a system integration's token may run all. */
export const ROLES = {
  customers: ['admin', 'executive', 'manager', 'sales'],
  employees: ['admin'],
  teams: ['admin', 'manager'],
  sales: ['admin', 'executive', 'manager', 'sales'],
  projects: ['admin', 'manager', 'delivery'],
  /** Anyone submits and corrects their own time; these roles anyone's, and lock it. */
  timeOfOthers: ['admin', 'manager'],
  tickets: ['admin', 'manager', 'support', 'delivery'],
} as const satisfies Record<string, readonly Role[]>;

/** The names of a URL's `:name` segments. */
type ParamsOf<U extends string> = U extends `${string}:${infer P}/${infer Rest}`
  ? P | ParamsOf<Rest>
  : U extends `${string}:${infer P}`
    ? P
    : never;

/** A command's input: its body and its path's segments. */
type InputOf<U extends string, B extends TObject> = Static<B> & Record<ParamsOf<U>, string>;

interface CommandSpec<U extends string, B extends TObject> {
  /** `:name` segments become fields of the command's input. */
  readonly url: U;
  readonly command: string;
  readonly summary: string;
  readonly tag: string;
  /** The roles that may run it; `null`: every employee (see `check`). */
  readonly roles: readonly Role[] | null;
  readonly body: B;
  /** A check beyond roles, given the whole input. */
  readonly check?: (caller: Caller, input: InputOf<U, B>) => void;
  readonly run: (
    pet: Pet,
    options: CommandOptions,
    input: InputOf<U, B>,
  ) => Promise<CommandResult<unknown>>;
}

const NoFields = Type.Object({}, { additionalProperties: false });
const Reason = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
const Closed = <P extends Parameters<typeof Type.Object>[0]>(properties: P) =>
  Type.Object(properties, { additionalProperties: false });

const WorkFacts = {
  employeeId: Type.Optional(Id('whose time; default: the caller')),
  ticketId: Type.Optional(Id()),
  projectId: Type.Optional(Id()),
  startedAt: InstantText(),
  endedAt: InstantText(),
  minutes: Type.Integer({ minimum: -100_000, maximum: 100_000 }),
  billable: Type.Boolean(),
  workType: Code(...WORK_TYPES),
};

/** Only admins and managers enter or correct someone else's time. */
function ownTimeUnlessAllowed(caller: Caller, input: { readonly employeeId?: string }): void {
  if (input.employeeId === undefined || caller.principal.kind === 'system') return;
  if (input.employeeId === caller.principal.employeeId) return;
  if (ROLES.timeOfOthers.some((role) => caller.roles.has(role))) return;
  throw new ForbiddenError("entering another employee's time", ROLES.timeOfOthers);
}

/** Registers every command route. */
export function commandRoutes(app: ServiceApp, context: ServiceContext): void {
  app.addSchema(WireEventSchema);
  app.addSchema(CommandResponseSchema);
  const route = <U extends string, B extends TObject>(spec: CommandSpec<U, B>) =>
    commandRoute(app, context, spec);

  route({
    url: '/v1/customers',
    command: 'customer.create',
    summary: 'Create a customer',
    tag: 'customers',
    roles: ROLES.customers,
    body: Closed({
      id: Id(),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      legalName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    }),
    run: (pet, options, input) => pet.customers.create(options, input),
  });
  route({
    url: '/v1/customers/:id/archive',
    command: 'customer.archive',
    summary: 'Archive a customer',
    tag: 'customers',
    roles: ROLES.customers,
    body: NoFields,
    run: (pet, options, input) => pet.customers.archive(options, input),
  });

  route({
    url: '/v1/employees',
    command: 'employee.hire',
    summary: 'Hire an employee',
    tag: 'employees',
    roles: ROLES.employees,
    body: Closed({
      id: Id(),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      email: Type.String({ minLength: 3, maxLength: 320 }),
      role: Code(...EMPLOYEE_ROLES),
      managerId: Type.Optional(Id()),
    }),
    run: (pet, options, input) => pet.employees.hire(options, input),
  });
  route({
    url: '/v1/employees/:id/leave',
    command: 'employee.leave',
    summary: 'Record that an employee left',
    tag: 'employees',
    roles: ROLES.employees,
    body: NoFields,
    run: (pet, options, input) => pet.employees.leave(options, input),
  });

  route({
    url: '/v1/teams',
    command: 'team.create',
    summary: 'Create a team',
    tag: 'teams',
    roles: ROLES.teams,
    body: Closed({
      id: Id(),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      managerId: Id(),
      parentTeamId: Type.Optional(Id()),
    }),
    run: (pet, options, input) => pet.teams.create(options, input),
  });
  route({
    url: '/v1/teams/:teamId/members',
    command: 'team.add_member',
    summary: 'Add a member to a team',
    tag: 'teams',
    roles: ROLES.teams,
    body: Closed({ employeeId: Id(), role: Type.Optional(Code(...MEMBERSHIP_ROLES)) }),
    run: (pet, options, input) => pet.teams.addMember(options, input),
  });
  route({
    url: '/v1/teams/:teamId/members/:employeeId/remove',
    command: 'team.remove_member',
    summary: 'Remove a member from a team',
    tag: 'teams',
    roles: ROLES.teams,
    body: NoFields,
    run: (pet, options, input) => pet.teams.removeMember(options, input),
  });

  const money = {
    estimatedValueMinor: Type.Optional(MinorUnits()),
    currency: Type.Optional(CurrencyCode()),
  };
  route({
    url: '/v1/leads',
    command: 'lead.create',
    summary: 'Record a lead',
    tag: 'leads',
    roles: ROLES.sales,
    body: Closed({
      id: Id(),
      subject: Type.String({ minLength: 1, maxLength: 500 }),
      source: Code(...LEAD_SOURCES),
      customerId: Type.Optional(Id()),
      ...money,
    }),
    run: (pet, options, input) => pet.leads.create(options, input),
  });
  route({
    url: '/v1/leads/:id/qualify',
    command: 'lead.qualify',
    summary: 'Qualify a lead',
    tag: 'leads',
    roles: ROLES.sales,
    body: NoFields,
    run: (pet, options, input) => pet.leads.qualify(options, input),
  });
  route({
    url: '/v1/leads/:id/disqualify',
    command: 'lead.disqualify',
    summary: 'Disqualify a lead (a reason is required)',
    tag: 'leads',
    roles: ROLES.sales,
    body: Reason,
    run: (pet, options, input) => pet.leads.disqualify(options, input),
  });
  route({
    url: '/v1/leads/:id/convert',
    command: 'lead.convert',
    summary: 'Convert a qualified lead into an opportunity',
    tag: 'leads',
    roles: ROLES.sales,
    body: Closed({ opportunityId: Id(), ownerId: Id(), customerId: Type.Optional(Id()), ...money }),
    run: (pet, options, input) => pet.leads.convert(options, input),
  });

  route({
    url: '/v1/opportunities',
    command: 'opportunity.create',
    summary: 'Open an opportunity',
    tag: 'opportunities',
    roles: ROLES.sales,
    body: Closed({
      id: Id(),
      customerId: Id(),
      ownerId: Id(),
      estimatedValueMinor: MinorUnits(),
      currency: CurrencyCode(),
      leadId: Type.Optional(Id()),
    }),
    run: (pet, options, input) => pet.opportunities.create(options, input),
  });
  route({
    url: '/v1/opportunities/:id/classify',
    command: 'opportunity.classify',
    summary: 'Set or change the class of an open opportunity',
    tag: 'opportunities',
    roles: ROLES.sales,
    body: Closed({ class: Code(...OPPORTUNITY_CLASSES) }),
    run: (pet, options, input) => pet.opportunities.classify(options, input),
  });
  route({
    url: '/v1/opportunities/:id/win',
    command: 'opportunity.win',
    summary: 'Mark an opportunity won',
    tag: 'opportunities',
    roles: ROLES.sales,
    body: NoFields,
    run: (pet, options, input) => pet.opportunities.win(options, input),
  });
  route({
    url: '/v1/opportunities/:id/lose',
    command: 'opportunity.lose',
    summary: 'Mark an opportunity lost (a reason is required)',
    tag: 'opportunities',
    roles: ROLES.sales,
    body: Reason,
    run: (pet, options, input) => pet.opportunities.lose(options, input),
  });

  route({
    url: '/v1/quotes',
    command: 'quote.create',
    summary: 'Draft a quote',
    tag: 'quotes',
    roles: ROLES.sales,
    body: Closed({
      id: Id(),
      customerId: Id(),
      opportunityId: Type.Optional(Id()),
      version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
      currency: CurrencyCode(),
      sellTotalMinor: MinorUnits(),
      costTotalMinor: MinorUnits(),
      validUntil: Type.String({ format: 'date' }),
      soldMinutes: Type.Integer({ minimum: 0, maximum: MAX_INT32 }),
    }),
    run: (pet, options, input) => pet.quotes.create(options, input),
  });
  route({
    url: '/v1/quotes/:id/send',
    command: 'quote.send',
    summary: 'Send a drafted quote',
    tag: 'quotes',
    roles: ROLES.sales,
    body: NoFields,
    run: (pet, options, input) => pet.quotes.send(options, input),
  });
  route({
    url: '/v1/quotes/:id/accept',
    command: 'quote.accept',
    summary: 'Record that the customer accepted a sent quote (creates its project)',
    tag: 'quotes',
    roles: ROLES.sales,
    body: Closed({
      projectId: Id(),
      projectName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    }),
    run: (pet, options, input) => pet.quotes.accept(options, input),
  });
  route({
    url: '/v1/quotes/:id/reject',
    command: 'quote.reject',
    summary: 'Record that the customer rejected a sent quote',
    tag: 'quotes',
    roles: ROLES.sales,
    body: Reason,
    run: (pet, options, input) => pet.quotes.reject(options, input),
  });

  route({
    url: '/v1/projects',
    command: 'project.create',
    summary: 'Create a project by hand (accepting a quote creates one too)',
    tag: 'projects',
    roles: ROLES.projects,
    body: Closed({
      id: Id(),
      customerId: Id(),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      soldMinutes: Type.Integer({ minimum: 0, maximum: MAX_INT32 }),
      quoteId: Type.Optional(Id()),
    }),
    run: (pet, options, input) => pet.projects.create(options, input),
  });
  route({
    url: '/v1/projects/:id/complete',
    command: 'project.complete',
    summary: 'Complete a project',
    tag: 'projects',
    roles: ROLES.projects,
    body: NoFields,
    run: (pet, options, input) => pet.projects.complete(options, input),
  });

  route({
    url: '/v1/time-entries',
    command: 'time_entry.submit',
    summary: 'Submit time (your own; admins and managers anyone’s)',
    tag: 'time entries',
    roles: null,
    body: Closed({ id: Id(), ...WorkFacts }),
    check: ownTimeUnlessAllowed,
    run: (pet, options, input) => pet.timeEntries.submit(options, input),
  });
  route({
    url: '/v1/time-entries/:correctsId/corrections',
    command: 'time_entry.correct',
    summary: 'Compensate a submitted entry with a correcting entry',
    tag: 'time entries',
    roles: null,
    body: Closed({ id: Id('the correcting entry’s own id'), ...WorkFacts }),
    check: ownTimeUnlessAllowed,
    run: (pet, options, input) => pet.timeEntries.correct(options, input),
  });
  route({
    url: '/v1/time-entries/:id/lock',
    command: 'time_entry.lock',
    summary: 'Lock a submitted entry',
    tag: 'time entries',
    roles: ROLES.timeOfOthers,
    body: NoFields,
    run: (pet, options, input) => pet.timeEntries.lock(options, input),
  });

  route({
    url: '/v1/tickets',
    command: 'ticket.create',
    summary: 'Open a ticket (its SLA clocks start)',
    tag: 'tickets',
    roles: ROLES.tickets,
    body: Closed({
      id: Id(),
      customerId: Id(),
      subject: Type.String({ minLength: 1, maxLength: 500 }),
      priority: Code(...TICKET_PRIORITIES),
      projectId: Type.Optional(Id()),
      slaVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    }),
    run: (pet, options, input) => pet.tickets.create(options, input),
  });
  route({
    url: '/v1/tickets/:id/assign',
    command: 'ticket.assign',
    summary: 'Assign a ticket to an employee or a team (exactly one)',
    tag: 'tickets',
    roles: ROLES.tickets,
    body: Closed({ employeeId: Type.Optional(Id()), teamId: Type.Optional(Id()) }),
    run: (pet, options, input) => {
      if ((input.employeeId === undefined) === (input.teamId === undefined)) {
        throw new CommandInvalidError('ticket.assign', 'employeeId', 'or teamId: exactly one');
      }
      return pet.tickets.assign(
        options,
        input.employeeId === undefined
          ? { id: input.id, teamId: input.teamId ?? '' }
          : { id: input.id, employeeId: input.employeeId },
      );
    },
  });
  route({
    url: '/v1/tickets/:id/status',
    command: 'ticket.change_status',
    summary: "Change a ticket's status",
    tag: 'tickets',
    roles: ROLES.tickets,
    body: Closed({ to: Code(...TICKET_STATUSES) }),
    run: (pet, options, input) => pet.tickets.changeStatus(options, input),
  });
  route({
    url: '/v1/tickets/:id/escalate',
    command: 'ticket.escalate',
    summary: 'Escalate a ticket to a stage',
    tag: 'tickets',
    roles: ROLES.tickets,
    body: Closed({ stage: Type.Integer({ minimum: 1, maximum: 10 }) }),
    run: (pet, options, input) => pet.tickets.escalate(options, input),
  });
}

function commandRoute<U extends string, B extends TObject>(
  app: ServiceApp,
  { pet, metrics }: ServiceContext,
  spec: CommandSpec<U, B>,
): void {
  const names = [...spec.url.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  const params = Type.Object(Object.fromEntries(names.map((name) => [name, Id()])), {
    additionalProperties: false,
  });
  // Declared as a plain FastifySchema: the input's type comes from the spec, not the provider.
  const schema: FastifySchema = {
    summary: spec.summary,
    description: `Runs the command \`${spec.command}\` as one unit of work for the caller. Roles: ${
      spec.roles === null ? 'any employee (see the summary)' : spec.roles.join(', ')
    }, or a system integration.`,
    tags: [spec.tag],
    operationId: spec.command.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()),
    headers: IdempotencyHeaders,
    ...(names.length > 0 ? { params } : {}),
    body: spec.body,
    response: {
      201: Type.Ref('CommandResponse'),
      ...problems(400, 401, 403, 404, 409, 413, 422, 503),
    },
  };
  app.post(
    spec.url,
    {
      schema,
      // A command without fields may be sent without a body.
      preValidation: emptyBodyIsObject,
    },
    async (request, reply) => {
      const caller = request.caller;
      if (caller === null) throw new TypeError('unauthenticated request reached a command');
      if (
        spec.roles !== null &&
        !caller.roles.has('system') &&
        !spec.roles.some((role) => caller.roles.has(role))
      ) {
        throw new ForbiddenError(spec.command, spec.roles);
      }
      const input = { ...(request.body as object), ...(request.params as object) } as InputOf<U, B>;
      spec.check?.(caller, input);
      const key = request.headers['idempotency-key'];
      const options: CommandOptions = {
        principal: caller.principal,
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      };
      const outcome = await spec.run(pet, options, input);
      if (!outcome.replayed) metrics.appended(outcome.events);
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({
        command: spec.command,
        correlationId: outcome.correlationId,
        replayed: outcome.replayed,
        events: outcome.events.map(toWireEvent),
      });
    },
  );
}
