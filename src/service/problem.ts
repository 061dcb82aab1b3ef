/**
 * Errors as RFC 9457 problem details: every response that is not a success carries the
 * error's stable `code`, an HTTP status chosen by what the code means (400 malformed input,
 * 401/403, 404, 409 conflicts, 422 rule violations, 503 when the database is away), and
 * never a 500 for anything a client sent.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError } from 'fastify';
import {
  DatabaseUnavailableError,
  InternalError,
  NotFoundError,
  PetError,
  RequestInvalidError,
  RequestTooLargeError,
} from '../events/errors.js';

/** The problem document every error response has. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'urn:pet-events:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'the stable error code (docs/errors.md)' }),
    instance: Type.Optional(Type.String()),
    violations: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof Problem>;

const BAD_REQUEST = new Set([
  'PET_REQUEST_INVALID',
  'PET_READ_OPTIONS_INVALID',
  'PET_FEED_QUERY_INVALID',
  'PET_KPI_QUERY_INVALID',
  'PET_AUDIT_QUERY_INVALID',
  'PET_CONTEXT_INVALID',
]);
const NOT_FOUND = new Set([
  'PET_NOT_FOUND',
  'PET_AGGREGATE_NOT_FOUND',
  'PET_FEED_ITEM_NOT_FOUND',
  'PET_KPI_UNKNOWN',
  'PET_POSITION_UNKNOWN',
]);
const CONFLICT = new Set([
  'PET_AGGREGATE_EXISTS',
  'PET_IDEMPOTENCY_CONFLICT',
  'PET_IDEMPOTENCY_KEY_DUPLICATE',
  'PET_CONTEXT_VERSION_CONFLICT',
  'PET_CONTEXT_DUPLICATE',
  'PET_EVENT_ID_DUPLICATE',
  'PET_CONSUMER_BUSY',
  'PET_KPI_DEFINITION_CHANGED',
]);
const UNAVAILABLE = new Set([
  'PET_DATABASE_UNAVAILABLE',
  'PET_DATABASE_BUSY',
  'PET_SERVICE_STOPPING',
  'PET_STORE_CLOSED',
  'PET_DATABASE_NOT_MIGRATED',
]);
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The HTTP status of an error code. */
export function statusOf(code: string): number {
  if (BAD_REQUEST.has(code)) return 400;
  if (code === 'PET_UNAUTHENTICATED') return 401;
  if (code === 'PET_FORBIDDEN') return 403;
  if (NOT_FOUND.has(code)) return 404;
  if (CONFLICT.has(code)) return 409;
  if (code === 'PET_REQUEST_TOO_LARGE') return 413;
  if (UNAVAILABLE.has(code)) return 503;
  if (code === 'PET_INTERNAL') return 500;
  // Every other code is a rule the request broke (a transition, a payload, a reference …).
  return 422;
}

/** The problem document for an error. */
export function problemOf(error: PetError, instance: string): Problem {
  const status = statusOf(error.code);
  return {
    type: `urn:pet-events:problem:${error.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: error.message,
    code: error.code,
    instance,
    ...(error instanceof RequestInvalidError ? { violations: [...error.violations] } : {}),
  };
}

/**
 * What any thrown value means for the client: our own errors as they are; Fastify's request
 * errors (bad JSON, body too large, wrong media type, schema violations) as
 * PET_REQUEST_INVALID or PET_REQUEST_TOO_LARGE; a lost database as PET_DATABASE_UNAVAILABLE;
 * anything else as PET_INTERNAL (logged in full, shown to no one).
 */
export function asPetError(error: unknown, requestId: string): PetError {
  if (error instanceof PetError) return error;
  const fastify = error as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fastify.validation)) {
    const part = fastify.validationContext ?? 'body';
    return new RequestInvalidError(
      fastify.validation.map((v) => ({
        pointer: `/${part}${v.instancePath}${
          v.keyword === 'required' || v.keyword === 'additionalProperties'
            ? `/${String(v.params.missingProperty ?? v.params.additionalProperty)}`
            : ''
        }`,
        message:
          v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'invalid'),
      })),
    );
  }
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new RequestTooLargeError(Number((error as { limit?: number }).limit ?? 0));
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode < 500) {
    if (fastify.statusCode === 404) return new NotFoundError('no such route');
    return new RequestInvalidError([{ pointer: '', message: fastify.message ?? 'malformed' }]);
  }
  const reason = unavailableReason(error);
  if (reason !== undefined) return new DatabaseUnavailableError(reason);
  return new InternalError(requestId);
}

// Connection-level failures of either driver: the request can be retried when it is back.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']);
const CONNECTION_MESSAGES =
  /Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended unexpectedly/i;

function unavailableReason(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    // SQLSTATE class 08 (connection exception) and 57P0x (operator intervention, shutdown).
    if (
      (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|57P0)/.test(code))) ||
      CONNECTION_MESSAGES.test(cause.message)
    ) {
      return cause.message;
    }
    cause = cause.cause;
  }
  return undefined;
}

/**
 * The raw response to bytes HTTP parsing refused before any route (not HTTP/1.1, headers over
 * the server's limit, a malformed length): a problem document with its code like any other.
 */
export function malformedHttpResponse(error: Error & { code?: unknown }): string {
  const [status, title, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers larger than the server reads']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'not received in time']
        : [
            400,
            'Bad Request',
            `not well-formed HTTP/1.1 (${typeof error.code === 'string' ? error.code : error.name})`,
          ];
  const problem = problemOf(new RequestInvalidError([{ pointer: '', message: reason }]), '');
  // No instance: the request line itself may be what could not be read.
  const body = JSON.stringify({ ...problem, status, title, instance: undefined });
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** The response for a route that does not exist. */
export function routeNotFound(method: string, url: string): NotFoundError {
  return new NotFoundError(`${method} ${url.split('?')[0] ?? url}`);
}
