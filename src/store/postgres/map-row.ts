import type { EventId, JsonObject, Position, RecordedEvent } from '../../events/types.js';

/** The columns every event read selects. */
export const EVENT_COLUMNS =
  'position, id, event_type, schema_version, occurred_at, recorded_at, actor_employee_id, context_type, context_id, context_version, payload, idempotency_key, correlation_id, causation_id';

/** A row of `EVENT_COLUMNS` with bigint and timestamptz kept as text (see `store.ts`). */
export interface EventRow {
  position: string;
  id: string;
  event_type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor_employee_id: string | null;
  context_type: string;
  context_id: string;
  context_version: number;
  payload: JsonObject;
  idempotency_key: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** A stored row as a recorded event. */
export function mapEventRow(row: EventRow): RecordedEvent {
  return {
    position: BigInt(row.position) as Position,
    id: row.id as EventId,
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    occurredAt: toIsoInstant(row.occurred_at),
    recordedAt: toIsoInstant(row.recorded_at),
    actorEmployeeId: row.actor_employee_id,
    context: { type: row.context_type, id: row.context_id },
    contextVersion: row.context_version,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
  };
}

/**
 * PostgreSQL's text form of a timestamptz (`2026-11-27 13:40:11.12+00`) as an RFC 3339 instant
 * in UTC with milliseconds (`2026-11-27T13:40:11.120Z`). The store truncates to milliseconds.
 * Sessions run in UTC; one whose time zone a read has changed writes another offset, or a year
 * before Christ with its era, and those are converted too.
 */
export function toIsoInstant(text: string): string {
  if (!text.endsWith('+00')) return fromOtherOffset(text);
  const local = text.slice(0, -3);
  const [seconds = '', fraction = ''] = local.split('.');
  return `${seconds.replace(' ', 'T')}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}

const TIMESTAMPTZ_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?( BC)?$/;

function fromOtherOffset(text: string): string {
  const match = TIMESTAMPTZ_TEXT.exec(text);
  if (!match) throw new Error(`PostgreSQL wrote an instant in an unknown form: ${text}`);
  const [
    ,
    year,
    month,
    day,
    hours,
    minutes,
    seconds,
    fraction = '',
    sign,
    zoneHours,
    zoneMinutes = '0',
    zoneSeconds = '0',
    era,
  ] = match;
  const date = new Date(0);
  // Year 1 BC is year 0 of RFC 3339, 2 BC year -1.
  date.setUTCFullYear(era ? 1 - Number(year) : Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(
    Number(hours),
    Number(minutes),
    Number(seconds),
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  const offset = (Number(zoneHours) * 3600 + Number(zoneMinutes) * 60 + Number(zoneSeconds)) * 1000;
  return new Date(date.getTime() - (sign === '-' ? -offset : offset)).toISOString();
}
