/**
 * Consumers: a name and one handler per `(event_type, schema_version)` consumed. The handler
 * table is typed from the contracts, so leaving a version out is a compile error; at start,
 * every version registered in the database must have a handler too.
 */
import type { TObject } from '@sinclair/typebox';
import { ConsumerInvalidError } from '../events/errors.js';
import type { Position, RecordedEvent } from '../events/types.js';
import type { EventContract, PayloadOf } from '../registry/contract.js';
import type { SqlAccess, SqlValue } from '../store/sql-access.js';
import { OWN_TABLES } from '../store/sql-guard.js';

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
export interface HandlerContext<State = undefined> {
  /**
   * SQL in the consumer's transaction: a projection writes its read model here, and the
   * checkpoint is stored in the same transaction.
   */
  readonly sql: SqlAccess;
  /**
   * Queues a write the handler needs no answer from. Queued writes run in order, in the
   * same transaction, before the checkpoint moves and before any later `sql` statement of
   * the batch, in as few round trips as the database allows (on PostgreSQL, hundreds per
   * round trip). A failing queued write is traced back to its event.
   */
  readonly defer: (text: string, params?: readonly SqlValue[]) => void;
  /**
   * The consumer's run state (see `runState`): one per catch-up, rebuild or verify, kept
   * from batch to batch of that run. It is not rolled back with a failed batch.
   */
  readonly state: State;
}

/** Handles one event of one version. */
export type Handler<Payload, State = undefined> = (
  event: HandledEvent<Payload>,
  context: HandlerContext<State>,
) => Promise<void> | void;

/** `ticket.created@1`: how a handler table names a version. */
export type VersionKey<Contract> =
  Contract extends EventContract<TObject, infer Type, infer Version> ? `${Type}@${Version}` : never;

/** One handler for every contract given, keyed by `type@version`. */
export type Handlers<
  Contracts extends readonly EventContract<TObject, string, number>[],
  State = undefined,
> = {
  [Contract in Contracts[number] as VersionKey<Contract>]: Handler<PayloadOf<Contract>, State>;
};

/**
 * `projection`: writes a read model in the consumer's transaction; exactly once.
 * `effect`: acts outside the database (a relay, a webhook); at least once, with the event
 * id to deduplicate on.
 */
export type ConsumerKind = 'projection' | 'effect';

/** One table of a projection's read model. */
export interface ReadModelTable {
  /** A lower_snake table name of the consumer's own (never one of PET Events' tables). */
  readonly name: string;
  /** Its column definitions and constraints, in SQL both databases accept. */
  readonly columns: string;
  /** The columns that order its rows (its primary key): digests compare rows in this order. */
  readonly key: readonly string[];
  /** Secondary indexes, each a list of columns (`DESC` allowed), created with the table. */
  readonly indexes?: readonly (readonly string[])[];
}

/**
 * The tables a projection writes: created before its first event, cleared by a rebuild,
 * shadowed by scratch copies during a verify, and digested to compare the two.
 */
export interface ReadModel {
  readonly tables: readonly ReadModelTable[];
}

/**
 * The same handler for every version of every contract given: for consumers that treat all
 * events alike (a feed, a relay), their payloads as plain records.
 */
export function handlerForEach<
  const Contracts extends readonly EventContract<TObject, string, number>[],
  State = undefined,
>(
  contracts: Contracts,
  handler: Handler<Record<string, unknown>, State>,
): Handlers<Contracts, State> {
  return Object.fromEntries(
    contracts.map((c) => [`${c.eventType}@${c.schemaVersion}`, handler]),
  ) as unknown as Handlers<Contracts, State>;
}

/** A consumer ready to run. */
export interface Consumer {
  readonly name: string;
  readonly kind: ConsumerKind;
  /** A projection's read model, when it declares one (needed by rebuild and verify). */
  readonly readModel?: ReadModel;
  /** The event types it consumes. */
  readonly eventTypes: ReadonlySet<string>;
  /** Its handlers, by `type@version`. */
  readonly handlers: ReadonlyMap<string, Handler<unknown, unknown>>;
  /** Makes the state of one run, which starts after `from`. */
  readonly runState?: (from: Position) => unknown;
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
  State = undefined,
>(definition: {
  readonly name: string;
  readonly kind: ConsumerKind;
  readonly contracts: Contracts;
  readonly handlers: NoInfer<Handlers<Contracts, State>>;
  readonly readModel?: ReadModel;
  /**
   * Makes the state handlers share during one run (a catch-up, a rebuild, a verify), which
   * handles the events after `from` in log order: a cache of what earlier events
   * established, for example. A failed batch is not rolled back in it, and the batch may be
   * handled again: keep in it only what handling the same events again establishes again.
   */
  readonly runState?: (from: Position) => State;
}): Consumer {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new ConsumerInvalidError(
      'name',
      `must be lower case (a-z, 0-9, . _ -), got ${JSON.stringify(definition.name)}`,
    );
  }
  const handlers = new Map<string, Handler<unknown, unknown>>();
  for (const contract of definition.contracts) {
    const key = `${contract.eventType}@${contract.schemaVersion}`;
    const handler = (definition.handlers as Record<string, Handler<unknown, unknown> | undefined>)[
      key
    ];
    if (typeof handler !== 'function') throw new ConsumerInvalidError('handlers', `lack ${key}`);
    handlers.set(key, handler);
  }
  if (definition.readModel) checkReadModel(definition.kind, definition.readModel);
  return {
    name: definition.name,
    kind: definition.kind,
    ...(definition.readModel ? { readModel: definition.readModel } : {}),
    eventTypes: new Set(definition.contracts.map((c) => c.eventType)),
    handlers,
    ...(definition.runState ? { runState: definition.runState } : {}),
  };
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const INDEX_COLUMN = /^[a-z][a-z0-9_]{0,62}( DESC)?$/;

function checkReadModel(kind: ConsumerKind, readModel: ReadModel): void {
  if (kind !== 'projection') {
    throw new ConsumerInvalidError(
      'readModel',
      'belongs to projections: an effect writes no read model',
    );
  }
  if (readModel.tables.length === 0) throw new ConsumerInvalidError('readModel', 'has no tables');
  for (const table of readModel.tables) {
    if (!TABLE_NAME.test(table.name) || OWN_TABLES.test(table.name)) {
      throw new ConsumerInvalidError(
        'readModel',
        `table ${JSON.stringify(table.name)} must be a lower_snake name of the consumer's own`,
      );
    }
    if (table.key.length === 0 || !table.key.every((column) => TABLE_NAME.test(column))) {
      throw new ConsumerInvalidError('readModel', `table ${table.name} needs its key columns`);
    }
    for (const index of table.indexes ?? []) {
      if (index.length === 0 || !index.every((column) => INDEX_COLUMN.test(column))) {
        throw new ConsumerInvalidError(
          'readModel',
          `table ${table.name}: an index is a list of column names, each optionally DESC`,
        );
      }
    }
  }
}

/** Freezes an event and everything in it, so a handler cannot change what it was given. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for…in over plain JSON objects and arrays: no intermediate array per object.
    for (const key in value) {
      const inner: unknown = value[key];
      if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
    }
  }
  return value;
}
