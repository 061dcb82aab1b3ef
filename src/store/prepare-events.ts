/**
 * Checks and normalises new events before any SQL is sent, so both adapters reject malformed
 * input with the same codes. The database enforces the same rules again.
 */
import { ContextInvalidError, EventInvalidError, EventTypeInvalidError } from '../events/errors.js';
import { newEventId } from '../events/ids.js';
import { RFC3339_INSTANT } from '../events/instant.js';
import { isContextId, isContextTypeName, isEventTypeName } from '../events/names.js';
import { contextKey, type ContextRef, type JsonObject, type NewEvent } from '../events/types.js';

/** A new event, checked and ready for an insert. */
export interface PreparedEvent {
  readonly id: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly contextType: string;
  readonly contextId: string;
  /**
   * The payload as it will be stored: the caller's object through JSON and back, so what is
   * validated is exactly what is written (a toJSON method or a prototype getter cannot
   * slip past validation).
   */
  readonly payload: JsonObject;
  /** Its `JSON.stringify`, from which `payload` was parsed. */
  readonly payloadJson: string;
  readonly occurredAt: string;
  readonly actorEmployeeId: string | null;
  readonly idempotencyKey: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/** The events of one context within a batch, and the version the batch expects it to have. */
export interface ContextPlan {
  readonly context: ContextRef;
  /** The context's version before the batch, if the caller stated one. */
  readonly expectedVersion: number | null;
  /** Indexes into the batch, in order. */
  readonly eventIndexes: number[];
}

/** A batch ready for an adapter. */
export interface PreparedBatch {
  readonly events: readonly PreparedEvent[];
  readonly contexts: readonly ContextPlan[];
}

/** Payloads larger than this are refused: events are facts, not documents. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks every event of a batch and plans its per-context versions. */
export function prepareBatch(events: readonly NewEvent[], now: Date = new Date()): PreparedBatch {
  const list: unknown = events;
  if (!Array.isArray(list) || list.length === 0) {
    throw new EventInvalidError('events', 'must be a non-empty array');
  }
  const prepared: PreparedEvent[] = [];
  const contexts = new Map<
    string,
    { context: ContextRef; expected: number | null; eventIndexes: number[] }
  >();
  events.forEach((event, index) => {
    prepared.push(prepareEvent(event, now));
    const key = contextKey(event.context);
    const plan = contexts.get(key) ?? {
      context: event.context,
      expected: null as number | null,
      eventIndexes: [] as number[],
    };
    contexts.set(key, plan);
    if (event.expectedContextVersion !== undefined) {
      const expected = event.expectedContextVersion - plan.eventIndexes.length;
      checkVersion(event.expectedContextVersion, `events[${index}].expectedContextVersion`);
      if (plan.expected !== null && plan.expected !== expected) {
        throw new EventInvalidError(
          `events[${index}].expectedContextVersion`,
          'contradicts an earlier expectation for the same context in this batch',
        );
      }
      if (expected < 0) {
        throw new EventInvalidError(
          `events[${index}].expectedContextVersion`,
          'is lower than the events before it in this batch allow',
        );
      }
      plan.expected = expected;
    }
    plan.eventIndexes.push(index);
  });
  return {
    events: prepared,
    contexts: [...contexts.values()].map((plan) => ({
      context: plan.context,
      expectedVersion: plan.expected,
      eventIndexes: plan.eventIndexes,
    })),
  };
}

function prepareEvent(event: NewEvent, now: Date): PreparedEvent {
  if (typeof event !== 'object' || event === null) {
    throw new EventInvalidError('event', 'must be an object');
  }
  if (typeof event.eventType !== 'string' || !isEventTypeName(event.eventType)) {
    throw new EventTypeInvalidError(String(event.eventType));
  }
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    throw new EventInvalidError(
      'schemaVersion',
      `must be a positive integer, got ${String(event.schemaVersion)}`,
    );
  }
  checkContext(event.context);
  const payloadJson = serialisePayload(event.payload);
  const payload = JSON.parse(payloadJson) as unknown;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new EventInvalidError('payload', 'must serialise to a JSON object');
  }
  return {
    id: event.id === undefined ? newEventId() : checkUuid(event.id, 'id'),
    eventType: event.eventType,
    schemaVersion: event.schemaVersion,
    contextType: event.context.type,
    contextId: event.context.id,
    payload: payload as JsonObject,
    payloadJson,
    occurredAt: normaliseInstant(event.occurredAt ?? now, 'occurredAt'),
    actorEmployeeId: optionalText(event.actorEmployeeId, 'actorEmployeeId'),
    idempotencyKey: optionalText(event.idempotencyKey, 'idempotencyKey'),
    correlationId:
      event.correlationId == null ? null : checkUuid(event.correlationId, 'correlationId'),
    causationId: event.causationId == null ? null : checkUuid(event.causationId, 'causationId'),
  };
}

/** Throws unless `context` is a well-formed context reference. */
export function checkContext(context: ContextRef): void {
  if (typeof context !== 'object' || context === null) {
    throw new EventInvalidError('context', 'must be an object with type and id');
  }
  if (typeof context.type !== 'string' || !isContextTypeName(context.type)) {
    throw new ContextInvalidError(context, 'type must be lower_snake, at most 64 characters');
  }
  if (typeof context.id !== 'string' || !isContextId(context.id)) {
    throw new ContextInvalidError(
      context,
      'id must be 1 to 200 characters without control characters',
    );
  }
}

function checkVersion(version: number, field: string): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new EventInvalidError(field, `must be a non-negative integer, got ${String(version)}`);
  }
}

function checkUuid(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new EventInvalidError(field, `must be a UUID, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new EventInvalidError(field, 'must be a string of 1 to 200 characters');
  }
  return value;
}

function serialisePayload(payload: unknown): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new EventInvalidError('payload', 'must be a JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new EventInvalidError('payload', `is not JSON: ${(error as Error).message}`);
  }
  // PostgreSQL's jsonb cannot hold U+0000; refuse it on both databases alike.
  if (json.includes('\\u0000')) throw new EventInvalidError('payload', 'must not contain U+0000');
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most payloads need no byte count.
  if (json.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new EventInvalidError('payload', `must be at most ${MAX_PAYLOAD_BYTES} bytes of JSON`);
  }
  return json;
}

/** An RFC 3339 instant or a Date, as a UTC instant with milliseconds. */
export function normaliseInstant(value: string | Date, field: string): string {
  const date = typeof value === 'string' && RFC3339_INSTANT.test(value) ? new Date(value) : value;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new EventInvalidError(field, `must be an RFC 3339 instant, got ${JSON.stringify(value)}`);
  }
  const iso = date.toISOString();
  if (iso.length !== 24) throw new EventInvalidError(field, `is out of range: ${iso}`);
  return iso;
}
