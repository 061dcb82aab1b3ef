import { defineStateMachine } from '../state-machine.js';

/**
 * A team membership, per team and employee: an employee outside a team may join it, a member
 * may leave. Past memberships stay on record with their dates.
 */
export const membershipMachine = defineStateMachine('team_membership', {
  outside: ['member'],
  member: ['outside'],
});
