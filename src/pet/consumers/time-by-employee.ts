/**
 * Time logged per employee and day: a projection of submitted and corrected time entries.
 * A correction moves its figures from the original's facts (`original_minutes`,
 * `original_billable`) to the corrected ones, on the correcting entry's day.
 */
import { defineConsumer, type HandlerContext } from '../../consumers/consumer.js';
import { TimeEntryCorrectedV1, TimeEntrySubmittedV1 } from '../time-entry/contracts.js';

const ADD = `INSERT INTO pet_rm_time_by_employee (employee_id, day, entries, minutes, billable_minutes)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (employee_id, day) DO UPDATE SET entries = pet_rm_time_by_employee.entries + excluded.entries,
    minutes = pet_rm_time_by_employee.minutes + excluded.minutes,
    billable_minutes = pet_rm_time_by_employee.billable_minutes + excluded.billable_minutes`;

function add(
  defer: HandlerContext['defer'],
  employeeId: string,
  startedAt: string,
  figures: { entries: number; minutes: number; billable: number },
): void {
  defer(ADD, [
    employeeId,
    startedAt.slice(0, 10),
    figures.entries,
    figures.minutes,
    figures.billable,
  ]);
}

export const timeByEmployee = defineConsumer({
  name: 'pet.time-by-employee',
  kind: 'projection',
  contracts: [TimeEntrySubmittedV1, TimeEntryCorrectedV1],
  readModel: {
    tables: [
      {
        name: 'pet_rm_time_by_employee',
        columns: `employee_id TEXT NOT NULL, day TEXT NOT NULL, entries INTEGER NOT NULL,
          minutes INTEGER NOT NULL, billable_minutes INTEGER NOT NULL,
          PRIMARY KEY (employee_id, day)`,
        key: ['employee_id', 'day'],
      },
    ],
  },
  handlers: {
    'time_entry.submitted@1': ({ payload }, { defer }) =>
      add(defer, payload.employee_id, payload.started_at, {
        entries: 1,
        minutes: payload.minutes,
        billable: payload.billable ? payload.minutes : 0,
      }),
    'time_entry.corrected@1': ({ payload }, { defer }) =>
      add(defer, payload.employee_id, payload.started_at, {
        entries: 0,
        minutes: payload.minutes - payload.original_minutes,
        billable:
          (payload.billable ? payload.minutes : 0) -
          (payload.original_billable ? payload.original_minutes : 0),
      }),
  },
});
