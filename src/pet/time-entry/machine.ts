import { defineStateMachine } from '../state-machine.js';

/**
 * Time entries: drafted in the client, submitted (the first fact PET records), then locked
 * when their period closes. Never edited after submission: corrections are new entries.
 */
export const timeEntryMachine = defineStateMachine('time_entry', {
  draft: ['submitted'],
  submitted: ['locked'],
  locked: [],
});
