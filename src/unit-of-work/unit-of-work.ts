/**
 * The unit of work: the one way the domain changes state and emits events. It opens a
 * transaction, gives the domain its SQL and `emit`, appends what was emitted once the work
 * has succeeded, and commits both or neither.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson, canonicalSha256, sha256Hex } from '../events/canonical-json.js';
import {
  ContextVersionConflictError,
  IdempotencyConflictError,
  UnitOfWorkInvalidError,
} from '../events/errors.js';
import { newEventId } from '../events/ids.js';
import type { ContextRef, JsonValue, NewEvent, RecordedEvent } from '../events/types.js';
import type { EventStore } from '../store/event-store.js';
import type { IdempotencyClaim } from '../store/idempotency.js';
import { internals } from '../store/internal.js';
import type { SqlAccess } from '../store/sql-access.js';
import { actorOf, principalKey, type Principal } from './principal.js';

/** An event as the domain emits it: actor, correlation and idempotency come from the unit. */
export type Emission = Omit<
  NewEvent,
  'actorEmployeeId' | 'correlationId' | 'causationId' | 'idempotencyKey'
>;

/** What the domain gets inside a unit of work. */
export interface UnitOfWorkContext {
  readonly principal: Principal;
  /** Shared by every event of this unit. */
  readonly correlationId: string;
  /** The domain's own SQL, in the unit's transaction (`$1` placeholders on both databases). */
  readonly sql: SqlAccess;
  /** Adds a context to the registry, in the unit's transaction. */
  readonly registerContext: (context: ContextRef) => Promise<void>;
  /**
   * Records an event, appended when the work succeeds. Returns its id, so a later event can
   * name it as its cause (`{ causedBy: id }`).
   */
  readonly emit: (
    event: Emission,
    options?: { readonly causedBy?: string },
  ) => { readonly id: string };
}

/** How to run a unit of work. */
export interface UnitOfWorkOptions {
  readonly principal: Principal;
  /** The command's name, such as `quote.accept`: it scopes idempotency keys. */
  readonly command: string;
  /** The command's input; with the command, its fingerprint tells a replay from a conflict. */
  readonly input?: JsonValue;
  /** Replays with the same key (same command, same principal) return the first run's outcome. */
  readonly idempotencyKey?: string;
  /** Continue a correlation (a unit started by another); default: a new one. */
  readonly correlationId?: string;
  /** The event this unit reacts to; its events record it as their cause. */
  readonly causationId?: string;
}

/** What a unit of work did. */
export interface UnitOfWorkResult<T> {
  readonly result: T;
  readonly events: readonly RecordedEvent[];
  readonly correlationId: string;
  /** True when an idempotency key matched an earlier run: nothing ran, nothing was written. */
  readonly replayed: boolean;
}

/** Runs units of work against one store. */
export interface UnitOfWork {
  /**
   * Runs `work` in one transaction and appends what it emitted. Any failure (the work
   * throws, a statement fails, an event is invalid, a context or reference does not
   * resolve, a context version is stale) rolls back the state change and every event.
   *
   * @example
   * const { events } = await unitOfWork.run(
   *   { principal: employeePrincipal('E-ada'), command: 'ticket.open', idempotencyKey: requestId, input },
   *   async ({ sql, emit, registerContext }) => {
   *     await sql.execute('INSERT INTO tickets (id, status) VALUES ($1, $2)', ['T-1', 'new']);
   *     await registerContext({ type: 'ticket', id: 'T-1' });
   *     emit({ eventType: 'ticket.created', schemaVersion: 1, context: { type: 'ticket', id: 'T-1' }, payload });
   *   },
   * );
   */
  run<T>(
    options: UnitOfWorkOptions,
    work: (context: UnitOfWorkContext) => Promise<T>,
  ): Promise<UnitOfWorkResult<T>>;
}

const COMMAND_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const FORBIDDEN_FIELDS = [
  'actorEmployeeId',
  'correlationId',
  'causationId',
  'idempotencyKey',
] as const;

/** How many times a unit is run again after losing a race it did not ask to win. */
const CONFLICT_RETRIES = 20;

/**
 * The unit of work over a store. A unit whose events state no expected context version and
 * that lost a race for a context's next version (another unit appended to the same context
 * first) is run again from the start, a few times: its work saw a state that has changed, so
 * the work itself must run again, never only the append.
 */
export function createUnitOfWork(store: EventStore): UnitOfWork {
  return {
    async run(options, work) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await runUnit(store, options, work);
        } catch (error) {
          const lostRace =
            error instanceof ContextVersionConflictError && error.expectedVersion === null;
          if (!lostRace || attempt >= CONFLICT_RETRIES) throw error;
          // A little random wait, growing with the attempts, so racers stop meeting in step.
          await sleep(Math.random() * 2 * (attempt + 1));
        }
      }
    },
  };
}

type Outcome<T> =
  | { readonly kind: 'ran'; readonly result: T; readonly events: RecordedEvent[] }
  | { readonly kind: 'replay'; readonly result: T; readonly correlationId: string };

async function runUnit<T>(
  store: EventStore,
  options: UnitOfWorkOptions,
  work: (context: UnitOfWorkContext) => Promise<T>,
): Promise<UnitOfWorkResult<T>> {
  checkOptions(options);
  const correlationId = options.correlationId?.toLowerCase() ?? newEventId();
  const claim = idempotencyClaim(options, correlationId);
  const outcome = await store.transaction(async (tx): Promise<Outcome<T>> => {
    const hidden = internals(tx);
    if (claim) {
      const claimed = await hidden.claimIdempotencyKey(claim);
      if (!claimed.claimed) {
        if (claimed.recorded.fingerprint !== claim.fingerprint) {
          throw new IdempotencyConflictError(claim.command, claim.key);
        }
        return {
          kind: 'replay',
          result: claimed.recorded.result as T,
          correlationId: claimed.recorded.correlationId,
        };
      }
    }
    const emitted: NewEvent[] = [];
    let open = true;
    const context: UnitOfWorkContext = {
      principal: options.principal,
      correlationId,
      sql: tx.sql,
      registerContext: (ref) => tx.registerContext(ref),
      emit: (event, emitOptions = {}) => {
        if (!open)
          throw new UnitOfWorkInvalidError('emit', 'was called after the unit of work ended');
        for (const field of FORBIDDEN_FIELDS) {
          if (field in event) {
            throw new UnitOfWorkInvalidError(field, 'is set by the unit of work, not by the event');
          }
        }
        const id = event.id ?? newEventId();
        // Field by field: on Node.js 20 an object spread followed by more fields took 6 µs.
        emitted.push({
          id,
          eventType: event.eventType,
          schemaVersion: event.schemaVersion,
          context: event.context,
          payload: event.payload,
          occurredAt: event.occurredAt,
          expectedContextVersion: event.expectedContextVersion,
          actorEmployeeId: actorOf(options.principal),
          correlationId,
          causationId: emitOptions.causedBy ?? options.causationId ?? null,
          idempotencyKey: claim ? `${eventKeyPrefix(claim)}#${emitted.length + 1}` : null,
        });
        return { id };
      },
    };
    try {
      const result = await work(context);
      open = false;
      const events = emitted.length > 0 ? await hidden.append(emitted) : [];
      if (claim) await hidden.recordIdempotencyResult(claim, jsonResult(result));
      return { kind: 'ran', result, events };
    } finally {
      open = false;
    }
  });
  if (outcome.kind === 'ran') {
    return { result: outcome.result, events: outcome.events, correlationId, replayed: false };
  }
  // The correlation may be shared with other units (a chain): keep this unit's own events.
  const prefix = `${eventKeyPrefix(claim as IdempotencyClaim)}#`;
  const events = (await store.readCorrelation(outcome.correlationId)).filter((e) =>
    e.idempotencyKey?.startsWith(prefix),
  );
  return { result: outcome.result, events, correlationId: outcome.correlationId, replayed: true };
}

function checkOptions(options: UnitOfWorkOptions): void {
  const { principal, command, idempotencyKey } = options;
  if (typeof command !== 'string' || command.length > 100 || !COMMAND_PATTERN.test(command)) {
    throw new UnitOfWorkInvalidError(
      'command',
      `must be a dotted lower_snake name, got ${JSON.stringify(command)}`,
    );
  }
  const valid =
    (principal.kind === 'employee' &&
      typeof principal.employeeId === 'string' &&
      principal.employeeId.length > 0) ||
    (principal.kind === 'system' &&
      typeof principal.name === 'string' &&
      /^[a-z][a-z0-9_.-]{0,99}$/.test(principal.name));
  if (!valid)
    throw new UnitOfWorkInvalidError(
      'principal',
      'must be an employee id or a system name (lower case)',
    );
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 100)
  ) {
    throw new UnitOfWorkInvalidError('idempotencyKey', 'must be a string of 1 to 100 characters');
  }
  // Without the input, a key reused for a different request could not be told from a replay.
  if (idempotencyKey !== undefined && options.input === undefined) {
    throw new UnitOfWorkInvalidError(
      'input',
      'is required with an idempotency key: it tells a replay from a conflict',
    );
  }
}

function idempotencyClaim(
  options: UnitOfWorkOptions,
  correlationId: string,
): IdempotencyClaim | undefined {
  if (options.idempotencyKey === undefined) return undefined;
  return {
    command: options.command,
    principal: principalKey(options.principal),
    key: options.idempotencyKey,
    fingerprint: canonicalSha256({ command: options.command, input: options.input ?? null }),
    correlationId,
  };
}

/** A short, unique prefix for the events' own idempotency keys (the database's backstop). */
function eventKeyPrefix(claim: IdempotencyClaim): string {
  return `uow:${sha256Hex(canonicalJson([claim.command, claim.principal, claim.key])).slice(0, 40)}`;
}

/** The result as stored for replays: JSON, or a clear error. */
function jsonResult(result: unknown): JsonValue {
  if (result === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(result)) as JsonValue;
  } catch (error) {
    throw new UnitOfWorkInvalidError(
      'result',
      `of a unit with an idempotency key must be JSON: ${(error as Error).message}`,
    );
  }
}
