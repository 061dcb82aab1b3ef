/**
 * The event model shared by every part of PET Events: what a caller hands to the log and what
 * the log hands back.
 */

declare const brand: unique symbol;

/** A nominal type: a `T` that cannot be confused with another `T` of a different meaning. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/**
 * An event's global position. Positions identify events in the global log; they are `bigint`
 * because a long-lived log can pass 2^53 events. `0n` means "before the first event".
 */
export type Position = Brand<bigint, 'Position'>;

/** An event's id: a UUID (version 7 when the log generates it). */
export type EventId = Brand<string, 'EventId'>;

/** Any JSON value. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, the only shape a payload may have. */
export type JsonObject = { [key: string]: JsonValue };

/** A resolvable context: an entry of the context registry, such as `ticket/T-1042`. */
export interface ContextRef {
  readonly type: string;
  readonly id: string;
}

/** A context as one string, for keying maps and sets (a NUL cannot occur in either part). */
export const contextKey = (context: ContextRef): string => `${context.type}\u0000${context.id}`;

/** An event as the domain hands it to the log. */
export interface NewEvent {
  /** Defaults to a fresh UUIDv7. */
  readonly id?: string;
  /** A namespaced, lower_snake name such as `ticket.created`. */
  readonly eventType: string;
  readonly schemaVersion: number;
  /** The event's primary context; it must be registered. */
  readonly context: ContextRef;
  readonly payload: JsonObject;
  /** RFC 3339 instant; defaults to now. */
  readonly occurredAt?: string | Date | undefined;
  /** The employee who acted; `null` or absent for a system event. */
  readonly actorEmployeeId?: string | null;
  readonly idempotencyKey?: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  /**
   * Optimistic concurrency: the version the context must have just before this event is
   * appended (`0` for a context without events). Absent means "whatever it is".
   */
  readonly expectedContextVersion?: number | undefined;
}

/** An event as the log recorded it. */
export interface RecordedEvent {
  readonly position: Position;
  readonly id: EventId;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly context: ContextRef;
  /** 1, 2, 3 … within the context, in the order the context's events committed. */
  readonly contextVersion: number;
  /** RFC 3339 UTC instant with milliseconds. */
  readonly occurredAt: string;
  /** RFC 3339 UTC instant with milliseconds, set by the store. */
  readonly recordedAt: string;
  readonly actorEmployeeId: string | null;
  readonly payload: JsonObject;
  readonly idempotencyKey: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/** Turns a number or bigint into a position, refusing anything that cannot be one. */
export function toPosition(value: bigint | number | string): Position {
  const position = BigInt(value);
  if (position < 0n) throw new RangeError(`Position must not be negative: ${String(value)}`);
  return position as Position;
}

/** The position before the first event. */
export const START: Position = 0n as Position;
