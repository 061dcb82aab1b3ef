import { defineStateMachine } from '../state-machine.js';

/** Leads: decided once (qualified or disqualified); a qualified lead may become an opportunity. */
export const leadMachine = defineStateMachine('lead', {
  new: ['qualified', 'disqualified'],
  qualified: ['converted'],
  disqualified: [],
  converted: [],
});
