import { defineStateMachine } from '../state-machine.js';

/** Projects: active until completed; no time is logged on a completed project. */
export const projectMachine = defineStateMachine('project', {
  active: ['completed'],
  completed: [],
});
