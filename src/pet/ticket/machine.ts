import { defineStateMachine } from '../state-machine.js';

/**
 * Tickets: the first response opens a new ticket; it may wait on the customer (pending,
 * which pauses its SLA clocks), be resolved, reopened while resolved, and closed. Closed is
 * final: nothing happens to a closed ticket, and no time is logged on it.
 */
export const ticketMachine = defineStateMachine('ticket', {
  new: ['open'],
  open: ['pending', 'resolved'],
  pending: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
});
