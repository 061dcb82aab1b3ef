import { defineStateMachine } from '../state-machine.js';

/** Quotes: drafted, sent once, then accepted or rejected; both are final. */
export const quoteMachine = defineStateMachine('quote', {
  draft: ['sent'],
  sent: ['accepted', 'rejected'],
  accepted: [],
  rejected: [],
});
