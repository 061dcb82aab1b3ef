/**
 * The HTTP service: PET's commands and reads under `/v1`, authenticated by bearer tokens,
 * every route with declared request and response schemas (from which `/v1/openapi.json` is
 * generated), every error an RFC 9457 problem with its stable code.
 *
 * @example
 * const app = await createService({ store });
 * await app.listen({ port: 3000 });
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerOptions } from 'pino';
import {
  RequestInvalidError,
  ServiceStoppingError,
  UnauthenticatedError,
} from '../events/errors.js';
import { createReadModel } from '../consumers/read-model.js';
import { PET_CONSUMERS } from '../pet/consumers/catalogue.js';
import { createPet, type Pet } from '../pet/pet.js';
import type { EventStore } from '../store/event-store.js';
import { commandRoutes } from './commands.js';
import { ServiceMetrics } from './metrics.js';
import { asPetError, malformedHttpResponse, Problem, problemOf, routeNotFound } from './problem.js';
import { readRoutes } from './reads.js';
import { streamRoutes } from './stream.js';
import { authenticate, type Caller } from './tokens.js';
import { uiRoutes } from './ui.js';

// ajv-formats is CommonJS: its default export is the module object under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** What a service runs with. */
export interface ServiceOptions {
  readonly store: EventStore;
  /** pino options, or `false` for no request log (tests). Default: info level, JSON lines. */
  readonly logger?: LoggerOptions | false;
  /** The largest request body accepted; default 256 KiB. */
  readonly bodyLimit?: number;
  /** Where `/readyz` learns whether the consumers run; default: always ready once listening. */
  readonly readiness?: () => Promise<{ readonly ready: boolean; readonly detail: object }>;
  /** The service's metrics; default: a registry of its own. */
  readonly metrics?: ServiceMetrics;
}

/** The Fastify instance with the TypeBox type provider, as the route modules take it. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every route module gets. */
export interface ServiceContext {
  readonly store: EventStore;
  readonly pet: Pet;
  readonly metrics: ServiceMetrics;
  /** True once shutdown began: write routes refuse new work. */
  readonly stopping: () => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The route answers without a token (health, metrics, the OpenAPI document). */
    public?: boolean;
  }
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Builds the service (not listening yet: `app.listen` or `app.inject`). */
export async function createService(options: ServiceOptions): Promise<ServiceApp> {
  const { store } = options;
  const metrics = options.metrics ?? new ServiceMetrics(store);
  let stopping = false;
  const sendProblem = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const pet = asPetError(error, request.id);
    const problem = problemOf(pet, request.url.split('?')[0] ?? request.url);
    metrics.rejected(pet.code);
    if (problem.status >= 500) {
      request.log.error({ err: error, code: pet.code }, 'request failed');
    } else {
      request.log.info({ code: pet.code }, pet.message);
    }
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    if (problem.status === 503) reply.header('retry-after', '1');
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify(problem));
  };
  const app = Fastify({
    logger: options.logger ?? { level: 'info' },
    // A URL that does not decode, or a path segment over maxParamLength, fails before routing.
    frameworkErrors: (error, request, reply) => void sendProblem(error, request, reply),
    // Bytes that are not an HTTP request never reach a route: answered here, then closed.
    clientErrorHandler: (error, socket) => {
      if ((error as { code?: unknown }).code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(malformedHttpResponse(error));
      socket.destroy(error);
    },
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestIdHeader: false,
    // While closing, requests on open connections reach the hooks, which answer writes with a
    // problem document (PET_SERVICE_STOPPING) rather than Fastify's own 503.
    return503OnClosing: false,
    // Route and query strings are matched as given: no case folding, no trailing-slash aliases.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are validated as sent (no coercion, no defaults, no stripping of unknown fields);
  // query strings and path parameters are text, so their numbers and lists are coerced.
  const bodies = validator({ coerceTypes: false });
  const texts = validator({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodies : texts).compile(schema),
  );
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PET Events',
        version: '1',
        description:
          "PET's commands and its event log, feed, KPIs and audit. Errors are RFC 9457 problem details with a stable `code` (docs/errors.md).",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });

  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    if (stopping && request.method !== 'GET') throw new ServiceStoppingError();
    request.caller = await callerOf(store, request);
  });

  app.setNotFoundHandler((request) => {
    throw routeNotFound(request.method, request.url);
  });
  app.setErrorHandler(sendProblem);
  // PostgreSQL stores no U+0000 in text or JSON: refused in any request, alike on both databases
  // (after validation, so only the shapes the routes accept are walked).
  app.addHook('preHandler', (request, _reply, done) => {
    const pointer =
      nulAt(request.params, '/params') ??
      nulAt(request.query, '/query') ??
      nulAt(request.body, '/body');
    done(
      pointer === undefined
        ? undefined
        : new RequestInvalidError([{ pointer, message: 'must not contain U+0000' }]),
    );
  });

  // Reads of the feed and KPIs need their tables before the consumers first run.
  await createReadModels(store);

  const context: ServiceContext = {
    store,
    pet: createPet(store),
    metrics,
    stopping: () => stopping,
  };
  commandRoutes(app, context);
  readRoutes(app, context);
  streamRoutes(app, context);
  uiRoutes(app, context);

  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, (_r, reply) =>
    reply.send(app.swagger()),
  );
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'The process is up',
        tags: ['operations'],
        security: [],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    (_request, reply) => reply.send({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        summary: 'The database answers and the service takes requests',
        tags: ['operations'],
        security: [],
      },
    },
    async (_request, reply) => {
      const checks: Record<string, unknown> = { stopping };
      let ready = !stopping;
      try {
        await store.headPosition();
        checks.database = 'ok';
      } catch (error) {
        ready = false;
        checks.database = error instanceof Error ? error.message : String(error);
      }
      if (options.readiness !== undefined) {
        const consumers = await options.readiness();
        ready &&= consumers.ready;
        checks.consumers = consumers.detail;
      }
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: { summary: 'Prometheus metrics', tags: ['operations'], security: [] },
    },
    async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.addHook('preClose', () => {
    stopping = true;
  });
  // Once stopping, every response closes its connection: keep-alive connections would
  // otherwise hold the server open after their last request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) reply.header('connection', 'close');
    done(null, payload);
  });
  return app;
}

async function callerOf(store: EventStore, request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const caller = match === null ? undefined : await authenticate(store, match[1] ?? '');
  if (caller === undefined) throw new UnauthenticatedError();
  request.log.debug({ token: caller.tokenId }, 'authenticated');
  return caller;
}

/** The JSON pointer of the first string (or key) holding U+0000 in a parsed value, if any. */
function nulAt(value: unknown, pointer: string): string | undefined {
  const pending: [unknown, string][] = [[value, pointer]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at] = next;
    if (typeof item === 'string' && item.includes('\u0000')) return at;
    if (typeof item !== 'object' || item === null) continue;
    for (const [key, child] of Object.entries(item)) {
      const path = `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key.includes('\u0000')) return path;
      pending.push([child, path]);
    }
  }
  return undefined;
}

function validator(options: AjvOptions): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: false,
    strict: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

/** Creates the tables of every PET consumer's read model that do not exist yet. */
async function createReadModels(store: EventStore): Promise<void> {
  for (const { readModel } of PET_CONSUMERS) {
    if (readModel === undefined) continue;
    // Another process starting at the same moment may create them first: then they exist.
    await store
      .transaction((tx) => createReadModel(tx, readModel))
      .catch(() => store.transaction((tx) => createReadModel(tx, readModel)));
  }
}
