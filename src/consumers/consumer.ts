/**
 * Consumers: a name and one handler per `(event_type, schema_version)` consumed. The handler
 * table is typed from the contracts, so leaving a version out is a compile error; at start,
 * every version registered in the database must have a handler too.
 */
import type { TObject } from '@sinclair/typebox';
import { ConsumerInvalidError } from '../events/errors.js';
import type { RecordedEvent } from '../events/types.js';
import type { EventContract, PayloadOf } from '../registry/contract.js';
import type { SqlAccess } from '../store/sql-access.js';

/** A value and everything in it, read-only. */
export type DeepReadonly<T> = T extends
  string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends (infer Item)[]
    ? readonly DeepReadonly<Item>[]
    : T extends object
      ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
      : T;

/** An event as a handler receives it: deep-frozen, with its payload typed by its contract. */
export type HandledEvent<Payload> = DeepReadonly<
  Omit<RecordedEvent, 'payload'> & { payload: Payload }
>;

/** What a handler may use. */
export interface HandlerContext {
  /**
   * SQL in the consumer's transaction: a projection writes its read model here, and the
   * checkpoint is stored in the same transaction.
   */
  readonly sql: SqlAccess;
}

/** Handles one event of one version. */
export type Handler<Payload> = (
  event: HandledEvent<Payload>,
  context: HandlerContext,
) => Promise<void> | void;

/** `ticket.created@1`: how a handler table names a version. */
export type VersionKey<Contract> =
  Contract extends EventContract<TObject, infer Type, infer Version> ? `${Type}@${Version}` : never;

/** One handler for every contract given, keyed by `type@version`. */
export type Handlers<Contracts extends readonly EventContract<TObject, string, number>[]> = {
  [Contract in Contracts[number] as VersionKey<Contract>]: Handler<PayloadOf<Contract>>;
};

/**
 * `projection`: writes a read model in the consumer's transaction; exactly once.
 * `effect`: acts outside the database (a relay, a webhook); at least once, with the event
 * id to deduplicate on.
 */
export type ConsumerKind = 'projection' | 'effect';

/** A consumer ready to run. */
export interface Consumer {
  readonly name: string;
  readonly kind: ConsumerKind;
  /** The event types it consumes. */
  readonly eventTypes: ReadonlySet<string>;
  /** Its handlers, by `type@version`. */
  readonly handlers: ReadonlyMap<string, Handler<unknown>>;
}

const NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;

/**
 * Declares a consumer of the given contracts; one handler per contract, checked by the
 * compiler.
 *
 * @example
 * const ticketCounts = defineConsumer({
 *   name: 'ticket-counts',
 *   kind: 'projection',
 *   contracts: [TicketCreatedV1, TicketCreatedV2],
 *   handlers: {
 *     'ticket.created@1': (event, { sql }) => sql.execute('…', [event.payload.customer_id]),
 *     'ticket.created@2': (event, { sql }) => sql.execute('…', [event.payload.customer_id]),
 *   },
 * });
 */
export function defineConsumer<
  const Contracts extends readonly EventContract<TObject, string, number>[],
>(definition: {
  readonly name: string;
  readonly kind: ConsumerKind;
  readonly contracts: Contracts;
  readonly handlers: NoInfer<Handlers<Contracts>>;
}): Consumer {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new ConsumerInvalidError(
      'name',
      `must be lower case (a-z, 0-9, . _ -), got ${JSON.stringify(definition.name)}`,
    );
  }
  const handlers = new Map<string, Handler<unknown>>();
  for (const contract of definition.contracts) {
    const key = `${contract.eventType}@${contract.schemaVersion}`;
    const handler = (definition.handlers as Record<string, Handler<unknown> | undefined>)[key];
    if (typeof handler !== 'function') throw new ConsumerInvalidError('handlers', `lack ${key}`);
    handlers.set(key, handler);
  }
  return {
    name: definition.name,
    kind: definition.kind,
    eventTypes: new Set(definition.contracts.map((c) => c.eventType)),
    handlers,
  };
}

/** Freezes an event and everything in it, so a handler cannot change what it was given. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
