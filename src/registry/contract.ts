/**
 * Event contracts: `(event_type, schema_version, JSON Schema)`, declared with TypeBox so the
 * payload's TypeScript type is inferred from the same schema that is stored, published and
 * enforced. A contract is linted when it is defined.
 */
import {
  Type,
  type Static,
  type TInteger,
  type TObject,
  type TProperties,
  type TString,
  type TUnsafe,
  type ObjectOptions,
  type StringOptions,
} from '@sinclair/typebox';
import { EventInvalidError, EventTypeInvalidError } from '../events/errors.js';
import { isContextTypeName, isEventTypeName } from '../events/names.js';
import type { JsonObject } from '../events/types.js';
import { compileSchema } from './compiled-schema.js';
import { assertLintFree } from './lint.js';

/** The schema keyword that declares "this string is the id of a context of this type". */
export const REFERENCE_KEYWORD = 'x-pet-reference';

/** A versioned event contract; the type name and version are kept as literal types. */
export interface EventContract<
  Schema extends TObject = TObject,
  Type extends string = string,
  Version extends number = number,
> {
  readonly eventType: Type;
  readonly schemaVersion: Version;
  readonly schema: Schema;
  /** The schema as a plain JSON document, as stored and published. */
  readonly document: JsonObject;
}

/** The payload type a contract describes. */
export type PayloadOf<Contract> =
  Contract extends EventContract<infer Schema, string, number> ? Static<Schema> : never;

/**
 * Declares a contract; throws `PET_CONTRACT_LINT` if its schema invites non-factual payloads.
 *
 * @example
 * const TicketCreatedV1 = defineContract({
 *   eventType: 'ticket.created',
 *   schemaVersion: 1,
 *   schema: Payload({ customer_id: Reference('customer'), priority: Code('low', 'high') }),
 * });
 * type TicketCreated = PayloadOf<typeof TicketCreatedV1>; // { customer_id: string; priority: 'low' | 'high' }
 */
export function defineContract<
  Schema extends TObject,
  const Type extends string,
  const Version extends number,
>(definition: {
  readonly eventType: Type;
  readonly schemaVersion: Version;
  readonly schema: Schema;
}): EventContract<Schema, Type, Version> {
  const { eventType, schemaVersion, schema } = definition;
  if (!isEventTypeName(eventType)) throw new EventTypeInvalidError(eventType);
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new EventInvalidError(
      'schemaVersion',
      `must be a positive integer, got ${String(schemaVersion)}`,
    );
  }
  // Symbols (TypeBox's own bookkeeping) fall away: what remains is plain JSON Schema.
  const document = JSON.parse(JSON.stringify(schema)) as JsonObject;
  assertLintFree(eventType, schemaVersion, document);
  compileSchema(document);
  return { eventType, schemaVersion, schema, document };
}

/** A closed object: no properties beyond those listed. */
export function Payload<Properties extends TProperties>(
  properties: Properties,
  options: ObjectOptions = {},
): TObject<Properties> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** The id of a registered context of `contextType`; appends check that it resolves. */
export function Reference(contextType: string, options: StringOptions = {}): TString {
  if (!isContextTypeName(contextType)) {
    throw new EventInvalidError(
      'contextType',
      `must be lower_snake, got ${JSON.stringify(contextType)}`,
    );
  }
  return Type.String({
    minLength: 1,
    maxLength: 200,
    ...options,
    [REFERENCE_KEYWORD]: contextType,
  });
}

/** An RFC 3339 instant. */
export function Instant(options: StringOptions = {}): TString {
  return Type.String({ ...options, format: 'date-time' });
}

/** A calendar date (`2026-11-27`). */
export function CalendarDate(options: StringOptions = {}): TString {
  return Type.String({ ...options, format: 'date' });
}

/** A duration in whole minutes. */
export function Minutes(options: { minimum?: number } = {}): TInteger {
  return Type.Integer({ minimum: 0, ...options });
}

/** Money in integer minor units (cents); pair it with a `currency` property. */
export function MinorUnits(): TInteger {
  return Type.Integer();
}

/** An ISO 4217 currency code. */
export function CurrencyCode(): TString {
  return Type.String({ pattern: '^[A-Z]{3}$' });
}

/** A status or category code from a fixed list. */
export function Code<const Values extends readonly [string, ...string[]]>(
  ...values: Values
): TUnsafe<Values[number]> {
  return Type.Unsafe<Values[number]>({ type: 'string', enum: [...values] });
}
