/**
 * Schemas the routes share: an event in its JSON shape, a command's response, ids, instants.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ReadOptionsInvalidError } from '../events/errors.js';
import { toPosition, type Position } from '../events/types.js';

/** An event as the log stores it (the spec's column names; the position as a decimal string). */
export const WireEventSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    position: Type.String({ pattern: '^[0-9]+$' }),
    event_type: Type.String(),
    schema_version: Type.Integer(),
    occurred_at: Type.String({ format: 'date-time' }),
    recorded_at: Type.String({ format: 'date-time' }),
    actor_employee_id: Type.Union([Type.String(), Type.Null()]),
    context_type: Type.String(),
    context_id: Type.String(),
    context_version: Type.Integer(),
    payload: Type.Object({}, { additionalProperties: true }),
    idempotency_key: Type.Union([Type.String(), Type.Null()]),
    correlation_id: Type.Union([Type.String(), Type.Null()]),
    causation_id: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Event', additionalProperties: false },
);

/** What every command answers: the events its unit of work recorded. */
export const CommandResponseSchema = Type.Object(
  {
    command: Type.String(),
    correlationId: Type.String(),
    replayed: Type.Boolean({
      description: 'true when the Idempotency-Key matched an earlier request: nothing ran again',
    }),
    events: Type.Array(Type.Ref('Event')),
  },
  { $id: 'CommandResponse', additionalProperties: false },
);

/** An aggregate's id as the domain takes it. */
export const Id = (description?: string) =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    ...(description === undefined ? {} : { description }),
  });

/** The largest value of an INTEGER column on PostgreSQL (versions, minutes, stages). */
export const MAX_INT32 = 2_147_483_647;

/** An amount in minor units (BIGINT columns), exact as a JSON number. */
export const MinorUnits = () => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** The largest position a log holds: a signed 64-bit integer on both databases. */
const MAX_POSITION = 2n ** 63n - 1n;

/** A log position given as digits, refused with PET_READ_OPTIONS_INVALID beyond the largest. */
export function positionOf(digits: string, option: string): Position {
  const position = toPosition(digits);
  if (position > MAX_POSITION) {
    throw new ReadOptionsInvalidError(option, `must be at most ${MAX_POSITION}, got ${digits}`);
  }
  return position;
}

/** An RFC 3339 instant. */
export const InstantText = (description?: string) =>
  Type.String({
    format: 'date-time',
    ...(description === undefined ? {} : { description }),
  });

/** The problem responses a route can give, by status, for its OpenAPI document. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('Problem')]));
}

/** A JSON object whose shape the route documents in its description (read models). */
export const AnyObject = Type.Object({}, { additionalProperties: true });

/** A `preValidation` hook: a request sent without a body is taken as `{}`. */
export function emptyBodyIsObject(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (request.body === undefined) request.body = {};
  done();
}

/** The `Idempotency-Key` header every write takes (commands and reactions). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'A retry with the same key returns the first response; the same key with a different body is refused with 409 PET_IDEMPOTENCY_CONFLICT. Keys are scoped by command and caller.',
    }),
  ),
});
