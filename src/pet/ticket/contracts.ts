/**
 * Event contracts of the ticket aggregate.
 */
import { Type } from '@sinclair/typebox';
import {
  Code,
  defineContract,
  Instant,
  Minutes,
  Payload,
  Reference,
} from '../../registry/contract.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** A ticket was opened for a customer, under an SLA version with its due instants. */
export const TicketCreatedV1 = defineContract({
  eventType: 'ticket.created',
  schemaVersion: 1,
  schema: Payload({
    customer_id: Reference('customer'),
    project_id: Type.Optional(Reference('project')),
    priority: Code(...TICKET_PRIORITIES),
    response_due_at: Instant(),
    resolution_due_at: Instant(),
    sla_version: Type.Integer({ minimum: 1 }),
  }),
});

/** A ticket moved from one status to another. */
export const TicketStatusChangedV1 = defineContract({
  eventType: 'ticket.status_changed',
  schemaVersion: 1,
  schema: Payload({
    from_status: Code(...TICKET_STATUSES),
    to_status: Code(...TICKET_STATUSES),
  }),
});

const statusChange = {
  from_status: Code(...TICKET_STATUSES),
  to_status: Code(...TICKET_STATUSES),
};

/** A ticket was assigned to exactly one employee or one team. */
export const TicketAssignedV1 = defineContract({
  eventType: 'ticket.assigned',
  schemaVersion: 1,
  schema: Payload(
    {
      employee_id: Type.Optional(Reference('employee')),
      team_id: Type.Optional(Reference('team')),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
});

/** A ticket was resolved. */
export const TicketResolvedV1 = defineContract({
  eventType: 'ticket.resolved',
  schemaVersion: 1,
  schema: Payload(statusChange),
});

/** A resolved ticket was closed (final: nothing happens to it afterwards). */
export const TicketClosedV1 = defineContract({
  eventType: 'ticket.closed',
  schemaVersion: 1,
  schema: Payload(statusChange),
});

/** A ticket was escalated to a higher stage. */
export const TicketEscalatedV1 = defineContract({
  eventType: 'ticket.escalated',
  schemaVersion: 1,
  schema: Payload({
    stage: Type.Integer({ minimum: 1 }),
    previous_stage: Type.Integer({ minimum: 0 }),
  }),
});

export const SLA_KINDS = ['response', 'resolution'] as const;

const slaFacts = {
  kind: Code(...SLA_KINDS),
  sla_version: Type.Integer({ minimum: 1 }),
  /** When the target falls due, given the pauses up to the event. */
  due_at: Instant(),
  target_minutes: Minutes({ minimum: 1 }),
  elapsed_minutes: Minutes(),
};

/**
 * A ticket's SLA clock reached its warning share of the target (once per ticket and kind);
 * `elapsed_minutes` is the running time at that instant.
 */
export const SlaWarningV1 = defineContract({
  eventType: 'sla.warning',
  schemaVersion: 1,
  // The deadline is unknown when the ticket went pending between the warning and its
  // evaluation: then it is left out, never guessed.
  schema: Payload({ ...slaFacts, due_at: Type.Optional(Instant()) }),
});

/** A ticket's SLA clock ran past its target (once per ticket and kind). */
export const SlaBreachedV1 = defineContract({
  eventType: 'sla.breached',
  schemaVersion: 1,
  schema: Payload(slaFacts),
});
