import { defineStateMachine } from '../state-machine.js';

/** Opportunities: open until won or lost; both are final. */
export const opportunityMachine = defineStateMachine('opportunity', {
  open: ['won', 'lost'],
  won: [],
  lost: [],
});
