/** Instants, day groups and names as the page shows them, in the browser's own time zone. */

const DAY_MS = 86_400_000;

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Midnight (local) of the day an instant falls on. */
function localDay(instant: Date): number {
  return new Date(instant.getFullYear(), instant.getMonth(), instant.getDate()).getTime();
}

export type DayGroup = 'Today' | 'Yesterday' | 'This week' | 'Older';
export const DAY_GROUPS: readonly DayGroup[] = ['Today', 'Yesterday', 'This week', 'Older'];

/** Today, Yesterday, This week (the 7 days before), Older: by local calendar day. */
export function dayGroup(occurredAt: string, now: Date): DayGroup {
  const days = Math.round((localDay(now) - localDay(new Date(occurredAt))) / DAY_MS);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return 'This week';
  return 'Older';
}

/** `14:05` today and yesterday, else `Nov 20, 2026, 14:05`. */
export function when(instant: string, group: DayGroup): string {
  const date = new Date(instant);
  return group === 'Today' || group === 'Yesterday'
    ? timeOfDay.format(date)
    : dateAndTime.format(date);
}

/** `Nov 20, 2026, 14:05` in the viewer's time zone. */
export function fullInstant(instant: string): string {
  return dateAndTime.format(new Date(instant));
}

/** `Nov 20` in the viewer's time zone. */
export function dayLabel(instant: string): string {
  return shortDate.format(new Date(instant));
}

/** `time_entry` → `time entry`. */
export function words(code: string): string {
  return code.replace(/_/g, ' ');
}

/** `ticket.status_changed` → `Ticket status changed`. */
export function eventTypeLabel(type: string): string {
  const text = words(type.replace('.', ' ')).replace(/^sla\b/, 'SLA');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A state or payload value as one line of text. */
export function valueText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The start of a local calendar day given as `YYYY-MM-DD`, as an RFC 3339 instant. */
export function startOfLocalDay(date: string, plusDays = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + plusDays).toISOString();
}

const utcDate = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** The UTC calendar day of an instant (KPI windows and trends are by UTC day). */
export function utcDayLabel(instant: string): string {
  return utcDate.format(new Date(instant));
}
