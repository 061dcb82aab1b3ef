/** A realistic ~300-byte payload: a submitted time entry. */
export function timeEntryPayload(i: number): Record<string, string | number | boolean | null> {
  return {
    time_entry_id: `TE-${100000 + i}`,
    employee_id: `E-${(i % 40) + 1}`,
    project_id: `P-${(i % 25) + 1}`,
    ticket_id: null,
    started_at: '2026-11-20T09:00:00Z',
    ended_at: '2026-11-20T10:30:00Z',
    minutes: 90,
    billable: i % 3 !== 0,
    work_type: 'project',
    description_ref: `NOTE-${i}`,
    submitted_via: 'timesheet',
    timesheet_week: '2026-W47',
  };
}
