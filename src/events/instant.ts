/** RFC 3339 instants: the one pattern every input of an instant is checked against. */

/** `2026-11-20T09:30:00+01:00`, `2026-11-20T08:30:00.5Z` … (date, time and offset required). */
export const RFC3339_INSTANT =
  /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The instant normalised to UTC with milliseconds (`2026-11-20T08:30:00.000Z`), or undefined
 * when `value` is not an RFC 3339 instant.
 */
export function normaliseInstant(value: string): string | undefined {
  const time = RFC3339_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
