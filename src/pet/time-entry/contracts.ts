/**
 * Event contracts of the time entry aggregate. Entries are never edited after submission: a
 * wrong entry is compensated by a correcting entry that names it.
 */
import { Type } from '@sinclair/typebox';
import {
  Code,
  defineContract,
  Instant,
  Minutes,
  Payload,
  Reference,
} from '../../registry/contract.js';

export const TIME_ENTRY_STATUSES = ['draft', 'submitted', 'locked'] as const;
export const WORK_TYPES = ['project', 'support', 'internal'] as const;

const work = {
  employee_id: Reference('employee'),
  ticket_id: Type.Optional(Reference('ticket')),
  project_id: Type.Optional(Reference('project')),
  started_at: Instant(),
  ended_at: Instant(),
  billable: Type.Boolean(),
  work_type: Code(...WORK_TYPES),
};

const statusChange = {
  from_status: Code(...TIME_ENTRY_STATUSES),
  to_status: Code(...TIME_ENTRY_STATUSES),
};

/** Time was submitted: who worked, on what, when, how many minutes (> 0), billable or not. */
export const TimeEntrySubmittedV1 = defineContract({
  eventType: 'time_entry.submitted',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, ...work, minutes: Minutes({ minimum: 1 }) }),
});

/** A submitted entry was locked (its period closed). */
export const TimeEntryLockedV1 = defineContract({
  eventType: 'time_entry.locked',
  schemaVersion: 1,
  schema: Payload(statusChange),
});

/**
 * A correcting entry compensates an earlier one of the same employee, which stays as it was:
 * the corrected facts replace the original's, and `original_minutes` / `original_billable`
 * carry what the original recorded, so totals adjust without reading the original.
 */
export const TimeEntryCorrectedV1 = defineContract({
  eventType: 'time_entry.corrected',
  schemaVersion: 1,
  schema: Payload({
    corrects_entry_id: Reference('time_entry'),
    ...work,
    minutes: Minutes(),
    original_minutes: Minutes(),
    original_billable: Type.Boolean(),
  }),
});
