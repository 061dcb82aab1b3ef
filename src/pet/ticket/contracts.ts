/**
 * Event contracts of the ticket aggregate.
 */
import { Type } from '@sinclair/typebox';
import { Code, defineContract, Instant, Payload, Reference } from '../../registry/contract.js';

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
