/**
 * What the service reads out: the log, one event, a context's events and audited history, the
 * schema registry, the feed and its reactions, KPIs and their explanations, consumer status,
 * and the audit chain. Feed and KPI reads apply visibility; the raw log, the registry, the
 * consumers and the audit endpoints need `admin` or `auditor`. A read the caller may not make
 * answers exactly as a missing record does: 404 PET_NOT_FOUND.
 */
import { Type } from '@sinclair/typebox';
import { chainHead } from '../audit/chain.js';
import { verifyLog, type ChainDigest } from '../audit/verify.js';
import { consumerReports } from '../consumers/status.js';
import { NotFoundError, ReadOptionsInvalidError } from '../events/errors.js';
import type { ContextRef, RecordedEvent } from '../events/types.js';
import { toWireEvent } from '../events/wire.js';
import { auditHistory } from '../pet/audit/history.js';
import { PET_CONSUMERS } from '../pet/consumers/catalogue.js';
import { SEVERITIES } from '../pet/feed/projector.js';
import { queryFeed } from '../pet/feed/query.js';
import { react, reactionsTo, withdrawReaction } from '../pet/feed/reactions.js';
import { explainKpi, KPI_WINDOWS, kpiValue } from '../pet/kpi/query.js';
import { listDefinitions } from '../pet/kpi/registry.js';
import { Code } from '../registry/contract.js';
import { schemaDocument } from '../registry/publish.js';
import { MAX_READ_LIMIT } from '../store/event-store.js';
import type { ServiceApp, ServiceContext } from './app.js';
import {
  AnyObject,
  emptyBodyIsObject,
  Id,
  IdempotencyHeaders,
  InstantText,
  MAX_INT32,
  positionOf,
  problems,
} from './schemas.js';
import type { Caller, Role } from './tokens.js';

/** Who reads the raw log, the registry, the consumers and the audit trail. */
export const AUDITORS: readonly Role[] = ['admin', 'auditor'];
/** Who reads KPIs of any scope (everyone else: their own). */
export const KPI_READERS: readonly Role[] = ['admin', 'executive', 'manager', 'auditor'];

/** The caller, if it has one of `roles`; otherwise the read does not exist for it. */
function allowed(caller: Caller | null, roles: readonly Role[], what: string): Caller {
  if (caller === null || !roles.some((role) => caller.roles.has(role))) {
    throw new NotFoundError(what);
  }
  return caller;
}

/** The employee a feed read is for; integrations have no feed. */
function viewer(caller: Caller | null, what: string): string {
  if (caller === null || caller.principal.kind !== 'employee') throw new NotFoundError(what);
  return caller.principal.employeeId;
}

const ContextParams = Type.Object(
  {
    type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,99}$' }),
    id: Id(),
  },
  { additionalProperties: false },
);
const Position = Type.String({ pattern: '^[0-9]{1,19}$', description: 'a log position' });
const Page = Type.Integer({ minimum: 1, maximum: MAX_READ_LIMIT });
const Events = Type.Array(Type.Ref('Event'));

/** Registers every read route. */
export function readRoutes(app: ServiceApp, { store }: ServiceContext): void {
  app.get(
    '/v1/events',
    {
      schema: {
        summary: 'The log in global order, optionally only some types or one context',
        description:
          'Scans at most 10 pages of `limit` events after `after`; `next` is where the scan stopped (pass it as `after`), so a filtered read that found few events still moves on. Roles: admin, auditor.',
        tags: ['log'],
        querystring: Type.Object(
          {
            after: Type.Optional(Position),
            limit: Type.Optional(Page),
            type: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
            context: Type.Optional(
              Type.String({ pattern: '^[a-z][a-z0-9_]{0,99}/.{1,200}$', description: 'TYPE/ID' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ events: Events, next: Position }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, 'the log');
      const { after = '0', limit = 100, type, context } = request.query;
      const types = type === undefined ? undefined : new Set(type);
      const ref = context === undefined ? undefined : contextOf(context);
      const matches = (event: RecordedEvent) =>
        (types === undefined || types.has(event.eventType)) &&
        (ref === undefined || (event.context.type === ref.type && event.context.id === ref.id));
      const found: RecordedEvent[] = [];
      let next = positionOf(after, 'after');
      for (let page = 0; page < 10 && found.length < limit; page += 1) {
        const events = await store.readLog({ after: next, limit });
        for (const event of events) {
          next = event.position;
          if (matches(event)) found.push(event);
          if (found.length === limit) break;
        }
        if (events.length < limit) break;
      }
      return { events: found.map(toWireEvent), next: next.toString() };
    },
  );

  app.get(
    '/v1/events/:id',
    {
      schema: {
        summary: 'One event by id (roles: admin, auditor)',
        tags: ['log'],
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: Type.Ref('Event'), ...problems(401, 404) },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, `event ${request.params.id}`);
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      const event = uuid.test(request.params.id)
        ? await store.getEvent(request.params.id.toLowerCase())
        : undefined;
      if (event === undefined) throw new NotFoundError(`event ${request.params.id}`);
      return toWireEvent(event);
    },
  );

  app.get(
    '/v1/contexts/:type/:id/events',
    {
      schema: {
        summary: "A context's events in context-version order (roles: admin, auditor)",
        tags: ['log'],
        params: ContextParams,
        querystring: Type.Object(
          {
            afterVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32 })),
            limit: Type.Optional(Page),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ events: Events }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, `${request.params.type}/${request.params.id}`);
      const { afterVersion = 0, limit = 1000 } = request.query;
      const events = await store.readContext(request.params, { afterVersion, limit });
      return { events: events.map(toWireEvent) };
    },
  );

  app.get(
    '/v1/contexts/:type/:id/history',
    {
      schema: {
        summary: "A context's audited history: each fact with the state before and after it",
        description:
          'As `pet-events audit history`; `at` gives the state as of an instant. Roles: admin, auditor.',
        tags: ['audit'],
        params: ContextParams,
        querystring: Type.Object(
          { at: Type.Optional(InstantText()) },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, `${request.params.type}/${request.params.id}`);
      const at = request.query.at;
      return auditHistory(store, request.params, at === undefined ? {} : { at });
    },
  );

  app.get(
    '/v1/schemas',
    {
      schema: {
        summary: 'The registered event schema versions (roles: admin, auditor)',
        tags: ['registry'],
        response: {
          200: Type.Object({
            schemas: Type.Array(
              Type.Object({
                eventType: Type.String(),
                schemaVersion: Type.Integer(),
                sha256: Type.String(),
                registeredAt: Type.String(),
                deprecatedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...problems(401, 404),
        },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, 'the registry');
      const schemas = await store.listEventSchemas();
      return { schemas: schemas.map(({ schema: _schema, ...rest }) => rest) };
    },
  );

  app.get(
    '/v1/schemas/:eventType/:version',
    {
      schema: {
        summary: 'One schema version as a JSON Schema document (its $id is the dataschema)',
        tags: ['registry'],
        params: Type.Object({
          eventType: Type.String({ maxLength: 100 }),
          version: Type.Integer({ minimum: 1 }),
        }),
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const what = `schema ${request.params.eventType} v${request.params.version}`;
      allowed(request.caller, AUDITORS, what);
      const found = (await store.listEventSchemas()).find(
        (s) =>
          s.eventType === request.params.eventType && s.schemaVersion === request.params.version,
      );
      if (found === undefined) throw new NotFoundError(what);
      return schemaDocument(found);
    },
  );

  app.get(
    '/v1/feed',
    {
      schema: {
        summary: "The caller's activity feed, newest first",
        description:
          'Only items the caller may see (docs/feed.md); keyset pages: pass `nextCursor` as `cursor`. Employees only.',
        tags: ['feed'],
        querystring: Type.Object(
          {
            scope: Type.Optional(Type.String({ maxLength: 120 })),
            since: Type.Optional(InstantText()),
            until: Type.Optional(InstantText()),
            type: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
            severity: Type.Optional(Type.Array(Code(...SEVERITIES), { maxItems: 10 })),
            actor: Type.Optional(Id()),
            includeArchived: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      return queryFeed(store, {
        viewer: viewer(request.caller, 'the feed'),
        ...(q.scope === undefined ? {} : { scope: q.scope }),
        ...(q.since === undefined ? {} : { since: q.since }),
        ...(q.until === undefined ? {} : { until: q.until }),
        ...(q.type === undefined ? {} : { eventTypes: q.type }),
        ...(q.severity === undefined ? {} : { severities: q.severity }),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.includeArchived === undefined ? {} : { includeArchived: q.includeArchived }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
    },
  );

  const ItemParams = Type.Object({ itemId: Type.String({ maxLength: 100 }) });
  app.get(
    '/v1/feed/items/:itemId/reactions',
    {
      schema: {
        summary: 'The live reactions to a feed item the caller can see',
        tags: ['feed'],
        params: ItemParams,
        response: { 200: Type.Object({ reactions: Type.Array(AnyObject) }), ...problems(401, 404) },
      },
    },
    async (request) => {
      const id = viewer(request.caller, 'the feed');
      return { reactions: await reactionsTo(store, id, request.params.itemId) };
    },
  );
  app.post(
    '/v1/feed/items/:itemId/reactions',
    {
      schema: {
        summary: 'Comment on, mention someone on, or acknowledge a feed item',
        tags: ['feed'],
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: Type.Union([
          Type.Object(
            { kind: Type.Literal('comment'), body: Type.String({ minLength: 1, maxLength: 4000 }) },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              kind: Type.Literal('mention'),
              employeeId: Id(),
              body: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
            },
            { additionalProperties: false },
          ),
          Type.Object({ kind: Type.Literal('acknowledgement') }, { additionalProperties: false }),
        ]),
        response: { 201: Type.Object({ id: Type.String() }), ...problems(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const id = viewer(request.caller, 'the feed');
      const key = request.headers['idempotency-key'];
      const reaction = await react(
        store,
        id,
        request.params.itemId,
        request.body,
        typeof key === 'string' ? { idempotencyKey: key } : {},
      );
      return reply.code(201).send({ id: reaction });
    },
  );
  app.post(
    '/v1/feed/reactions/:reactionId/withdraw',
    {
      schema: {
        summary: 'Withdraw one of your own reactions (recorded as a new row)',
        tags: ['feed'],
        params: Type.Object({ reactionId: Type.String({ maxLength: 100 }) }),
        headers: IdempotencyHeaders,
        response: { 201: Type.Object({ id: Type.String() }), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      const id = viewer(request.caller, 'the feed');
      const key = request.headers['idempotency-key'];
      const withdrawal = await withdrawReaction(
        store,
        id,
        request.params.reactionId,
        typeof key === 'string' ? { idempotencyKey: key } : {},
      );
      return reply.code(201).send({ id: withdrawal });
    },
  );

  app.get(
    '/v1/kpis',
    {
      schema: {
        summary: 'The registered KPI definitions, every version',
        tags: ['kpis'],
        response: { 200: Type.Object({ definitions: Type.Array(AnyObject) }), ...problems(401) },
      },
    },
    async () => {
      const definitions = await listDefinitions(store);
      return {
        definitions: definitions.map((d) => ({
          ...d.definition,
          sha256: d.sha256,
          registeredAt: d.registeredAt,
        })),
      };
    },
  );
  const KpiQuery = Type.Object(
    {
      scope: Type.Optional(
        Type.String({
          maxLength: 120,
          description: 'organisation (default), employee:ID, team:ID, customer:ID, project:ID',
        }),
      ),
      window: Type.Optional(Code(...KPI_WINDOWS)),
      asOf: Type.Optional(InstantText('default: now')),
      version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })),
    },
    { additionalProperties: false },
  );
  const kpiQuery = (
    caller: Caller | null,
    key: string,
    q: { scope?: string; window?: (typeof KPI_WINDOWS)[number]; asOf?: string; version?: number },
  ) => {
    const scope = q.scope ?? 'organisation';
    const own =
      caller?.principal.kind === 'employee' && scope === `employee:${caller.principal.employeeId}`;
    if (!own) allowed(caller, KPI_READERS, `KPI ${key} for ${scope}`);
    return {
      key,
      scope,
      window: q.window ?? 'month_to_date',
      asOf: q.asOf ?? new Date().toISOString(),
      ...(q.version === undefined ? {} : { version: q.version }),
    };
  };
  app.get(
    '/v1/kpis/:key',
    {
      schema: {
        summary: "A KPI's value for a scope and window, judged against its thresholds",
        description:
          'Any scope for admin, executive, manager and auditor; every employee their own (`employee:<id>`).',
        tags: ['kpis'],
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        querystring: KpiQuery,
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
    },
    async (request) => kpiValue(store, kpiQuery(request.caller, request.params.key, request.query)),
  );
  app.get(
    '/v1/kpis/:key/explain',
    {
      schema: {
        summary: 'A KPI value with its definition version, figures and contributing events',
        tags: ['kpis'],
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        querystring: KpiQuery,
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      explainKpi(store, kpiQuery(request.caller, request.params.key, request.query)),
  );

  app.get(
    '/v1/consumers',
    {
      schema: {
        summary: 'Each consumer: position, lag, state, last error (roles: admin, auditor)',
        tags: ['operations'],
        response: { 200: Type.Object({ consumers: Type.Array(AnyObject) }), ...problems(401, 404) },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, 'the consumers');
      const reports = await consumerReports(store, PET_CONSUMERS);
      return {
        consumers: reports.map((r) => ({ ...r, position: r.position.toString() })),
      };
    },
  );

  app.get(
    '/v1/audit/digest',
    {
      schema: {
        summary: 'Where the audit chain ends: keep it outside the database',
        description:
          'The service seals the log continuously; this is the last sealed entry. Roles: admin, auditor.',
        tags: ['audit'],
        response: {
          200: Type.Object({
            seq: Type.String(),
            position: Type.String(),
            link: Type.String(),
            at: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problems(401, 404),
        },
      },
    },
    async (request) => {
      allowed(request.caller, AUDITORS, 'the audit chain');
      const head = await chainHead(store);
      return {
        seq: head.seq.toString(),
        position: head.position.toString(),
        link: head.link,
        at: head.sealedAt,
      };
    },
  );
  app.post(
    '/v1/audit/verify',
    {
      schema: {
        summary: 'Verify the log (as `pet-events audit verify`), optionally against a digest',
        tags: ['audit'],
        body: Type.Object(
          {
            digest: Type.Optional(
              Type.Object(
                {
                  seq: Type.String({ pattern: '^[0-9]{1,19}$' }),
                  position: Type.String({ pattern: '^[0-9]{1,19}$' }),
                  link: Type.String({ pattern: '^[0-9a-f]{64}$' }),
                  at: Type.String(),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...problems(400, 401, 404) },
      },
      preValidation: emptyBodyIsObject,
    },
    async (request) => {
      allowed(request.caller, AUDITORS, 'the audit chain');
      const digest: ChainDigest | undefined = request.body.digest;
      return verifyLog(store, digest === undefined ? {} : { digest });
    },
  );
}

function contextOf(text: string): ContextRef {
  const slash = text.indexOf('/');
  if (slash < 1)
    throw new ReadOptionsInvalidError('context', `must be TYPE/ID, got ${JSON.stringify(text)}`);
  return { type: text.slice(0, slash), id: text.slice(slash + 1) };
}
