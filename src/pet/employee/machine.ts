import { defineStateMachine } from '../state-machine.js';

/** Employees: active until they leave. A returning employee is hired again under a new id. */
export const employeeMachine = defineStateMachine('employee', {
  active: ['inactive'],
  inactive: [],
});
