import { defineStateMachine } from '../state-machine.js';

/** Customers: active until archived; archiving is final. */
export const customerMachine = defineStateMachine('customer', {
  active: ['archived'],
  archived: [],
});
