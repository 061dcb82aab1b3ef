/**
 * How PET's commands run: each is one unit of work that reads and writes its aggregate's row
 * and emits the facts of the transition, typed by their contracts.
 */
import { CommandInvalidError, PayloadInvalidError } from '../events/errors.js';
import { normaliseInstant } from '../events/instant.js';
import type { ContextRef, JsonValue } from '../events/types.js';
import { compileSchema, type CompiledSchema } from '../registry/compiled-schema.js';
import type { EventContract, PayloadOf } from '../registry/contract.js';
import type { Principal } from '../unit-of-work/principal.js';
import type {
  UnitOfWork,
  UnitOfWorkContext,
  UnitOfWorkResult,
} from '../unit-of-work/unit-of-work.js';

/** Who runs a command, and when its fact happened. */
export interface CommandOptions {
  readonly principal: Principal;
  /** Replays with the same key return the first run's outcome (scoped by command and principal). */
  readonly idempotencyKey?: string;
  /** When the fact occurred (RFC 3339); default: now. May be in the past (late-submitted facts). */
  readonly at?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** What a command did: its result, and the events its unit of work recorded. */
export type CommandResult<T> = UnitOfWorkResult<T>;

/** Inside a command: the unit of work, and the instant its facts occurred. */
export interface CommandScope extends UnitOfWorkContext {
  /** When the command's facts occurred, normalised to RFC 3339 UTC with milliseconds. */
  readonly at: string;
  /** Emits a fact of `contract`, its payload type-checked and validated at once. */
  readonly record: <C extends EventContract>(
    contract: C,
    context: ContextRef,
    payload: PayloadOf<C>,
    options?: RecordOptions,
  ) => { readonly id: string };
}

/** How one fact is recorded. */
export interface RecordOptions {
  /** The event this one reacts to, emitted earlier in the same unit. */
  readonly causedBy?: string;
  /** When this fact occurred, if not when the command's did (an SLA threshold crossed earlier). */
  readonly occurredAt?: string;
}

/** Runs commands as units of work. */
export class CommandRunner {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Runs `work` as the command `name`: one transaction for its state and its events.
   * `input` is the command's input as given (it fingerprints idempotency keys).
   */
  run<T>(
    name: string,
    options: CommandOptions,
    input: object,
    work: (scope: CommandScope) => Promise<T>,
  ): Promise<CommandResult<T>> {
    const at = instant(name, 'at', options.at ?? new Date().toISOString());
    return this.unitOfWork.run(
      {
        principal: options.principal,
        command: name,
        // As JSON (absent optional fields dropped): it fingerprints idempotency keys.
        input: JSON.parse(JSON.stringify(input)) as JsonValue,
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
        ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
      },
      (unit) =>
        work({
          principal: unit.principal,
          correlationId: unit.correlationId,
          sql: unit.sql,
          registerContext: unit.registerContext,
          emit: unit.emit,
          at,
          record: (contract, context, payload, recordOptions = {}) => {
            checkPayload(contract, payload);
            return unit.emit(
              {
                eventType: contract.eventType,
                schemaVersion: contract.schemaVersion,
                context,
                occurredAt: recordOptions.occurredAt ?? at,
                payload: payload as Record<string, JsonValue>,
              },
              recordOptions.causedBy === undefined ? {} : { causedBy: recordOptions.causedBy },
            );
          },
        }),
    );
  }
}

const compiled = new WeakMap<EventContract, CompiledSchema>();

/**
 * Validates a payload when it is emitted, before the command writes more state: the append
 * validates again against the registered schema, which is the authority.
 */
function checkPayload(contract: EventContract, payload: unknown): void {
  let schema = compiled.get(contract);
  if (schema === undefined) {
    schema = compileSchema(contract.document);
    compiled.set(contract, schema);
  }
  const violations = schema.validate(payload);
  if (violations.length > 0) {
    throw new PayloadInvalidError(contract.eventType, contract.schemaVersion, violations);
  }
}

/** An RFC 3339 instant normalised to UTC with milliseconds (`2026-11-27T09:00:00.000Z`). */
export function instant(command: string, field: string, value: string): string {
  const normalised = normaliseInstant(value);
  if (normalised === undefined) {
    throw new CommandInvalidError(
      command,
      field,
      `must be an RFC 3339 instant, got ${JSON.stringify(value)}`,
    );
  }
  return normalised;
}

/** A non-empty id of at most 200 characters. */
export function id(command: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new CommandInvalidError(command, field, 'must be an id of 1 to 200 characters');
  }
  return value;
}

/** The whole minutes between two instants. */
export function minutesBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / 60_000);
}

/** `T` with every property that may be undefined made optional instead. */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** `value` without its undefined properties: payloads omit absent optional facts. */
export function defined<T extends Record<string, unknown>>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
