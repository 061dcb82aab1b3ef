/**
 * The HTTP service on each database: commands as resources run for the authenticated
 * principal, idempotency keys, roles, visibility of reads, problem details, the OpenAPI
 * document, the event stream, metrics and health.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { builtInDefinitions, registerDefinitions } from '../../src/pet/kpi/registry.js';
import { createService, type ServiceApp } from '../../src/service/app.js';
import { createToken, revokeToken } from '../../src/service/tokens.js';
import type { DatabaseFactory } from '../support/databases.js';
import {
  actingAs,
  after,
  asAdmin,
  logVisible,
  projectEverything,
  usePetWorld,
  type World,
} from '../pet/world.js';

interface Problem {
  type: string;
  status: number;
  code: string;
  detail: string;
  violations?: { pointer: string; message: string }[];
}

// POST routes that take no body at all.
const BODYLESS = new Set(['/v1/audit/verify', '/v1/feed/reactions/{reactionId}/withdraw']);

export function serviceConformance(factory: DatabaseFactory): void {
  describe('HTTP service', () => {
    const world = usePetWorld(factory);
    let app: ServiceApp;
    let admin: string;
    let sam: string;
    let integration: string;

    beforeEach(async () => {
      const w = world();
      await registerDefinitions(w.store, builtInDefinitions());
      await w.pet.employees.hire(asAdmin(), {
        id: 'E-sol',
        name: 'Sol Sales',
        email: 'sol@example.com',
        role: 'sales',
      });
      app = await createService({ store: w.store, logger: false });
      admin = (await createToken(w.store, { subject: { employeeId: 'E-admin' } })).token;
      sam = (await createToken(w.store, { subject: { employeeId: 'E-sam' } })).token;
      integration = (await createToken(w.store, { subject: { systemName: 'crm-import' } })).token;
    });
    afterEach(async () => {
      await app.close();
    });

    const call = (
      token: string | null,
      method: 'GET' | 'POST',
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) =>
      app.inject({
        method,
        url,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    const problem = (response: LightMyRequestResponse) => {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      return response.json<Problem>();
    };
    const head = (w: World) => w.store.headPosition();
    const ticket = {
      id: 'T-9',
      customerId: 'C-acme',
      subject: 'Printer on fire',
      priority: 'high',
    };
    const quote = {
      id: 'Q-1',
      customerId: 'C-acme',
      currency: 'EUR',
      sellTotalMinor: 100_00,
      costTotalMinor: 50_00,
      validUntil: '2026-12-31',
      soldMinutes: 600,
    };

    describe('authentication', () => {
      it('refuses a request without a token, with a malformed, unknown or revoked one, or for someone who left', async () => {
        const w = world();
        const none = await call(null, 'GET', '/v1/feed');
        expect(none.statusCode).toBe(401);
        expect(none.headers['www-authenticate']).toBe('Bearer');
        expect(problem(none)).toMatchObject({
          status: 401,
          code: 'PET_UNAUTHENTICATED',
          type: 'urn:pet-events:problem:PET_UNAUTHENTICATED',
        });
        expect((await call('nonsense', 'GET', '/v1/feed')).statusCode).toBe(401);
        // The right shape, a wrong secret.
        const forged = `${sam.slice(0, sam.lastIndexOf('_') + 1)}${'A'.repeat(43)}`;
        expect((await call(forged, 'GET', '/v1/feed')).statusCode).toBe(401);

        const { token, info } = await createToken(w.store, { subject: { employeeId: 'E-sam' } });
        expect((await call(token, 'GET', '/v1/feed')).statusCode).toBe(200);
        expect(await revokeToken(w.store, info.id)).toBe(true);
        expect((await call(token, 'GET', '/v1/feed')).statusCode).toBe(401);

        await w.pet.employees.leave(asAdmin(after(5)), { id: 'E-sam' });
        expect((await call(sam, 'GET', '/v1/feed')).statusCode).toBe(401);
      });

      it('stores only a hash of each token', async () => {
        const rows = await world().store.query<{ secret_sha256: string }>(
          'SELECT secret_sha256 FROM api_tokens',
        );
        const secret = sam.slice(sam.lastIndexOf('_') + 1);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row.secret_sha256).not.toContain(secret);
      });
    });

    describe('commands', () => {
      it('runs a command as one unit of work whose events record the caller as actor', async () => {
        const w = world();
        const response = await call(sam, 'POST', '/v1/tickets', ticket);
        expect(response.statusCode).toBe(201);
        const body = response.json<{
          command: string;
          replayed: boolean;
          correlationId: string;
          events: { event_type: string; actor_employee_id: string; correlation_id: string }[];
        }>();
        expect(body.command).toBe('ticket.create');
        expect(body.replayed).toBe(false);
        expect(body.events.map((e) => e.event_type)).toEqual(['ticket.created']);
        expect(body.events.every((e) => e.actor_employee_id === 'E-sam')).toBe(true);
        const [row] = await w.store.query<{ status: string }>(
          "SELECT status FROM pet_tickets WHERE id = 'T-9'",
        );
        expect(row?.status).toBe('new');

        const moved = await call(sam, 'POST', '/v1/tickets/T-9/status', { to: 'open' });
        expect(moved.statusCode).toBe(201);
        const events = await w.store.readContext({ type: 'ticket', id: 'T-9' });
        expect(events.map((e) => e.eventType)).toEqual(['ticket.created', 'ticket.status_changed']);
        expect(events.map((e) => e.actorEmployeeId)).toEqual(['E-sam', 'E-sam']);
      });

      it('records a system integration as a null actor, and a body cannot name another actor', async () => {
        const w = world();
        const created = await call(integration, 'POST', '/v1/customers', {
          id: 'C-new',
          name: 'New Co',
        });
        expect(created.statusCode).toBe(201);
        const [event] = await w.store.readContext({ type: 'customer', id: 'C-new' });
        expect(event?.actorEmployeeId).toBeNull();

        const before = await head(w);
        const forged = await call(sam, 'POST', '/v1/tickets', {
          ...ticket,
          id: 'T-10',
          actorEmployeeId: 'E-admin',
        });
        expect(forged.statusCode).toBe(400);
        expect(problem(forged)).toMatchObject({
          code: 'PET_REQUEST_INVALID',
          violations: [{ pointer: '/body/actorEmployeeId', message: 'is not a known field' }],
        });
        expect(await head(w)).toBe(before);
      });

      it('refuses a command the caller’s role does not allow, writing nothing', async () => {
        const w = world();
        const before = await head(w);
        const refused = await call(sam, 'POST', '/v1/quotes', quote);
        expect(refused.statusCode).toBe(403);
        expect(problem(refused).code).toBe('PET_FORBIDDEN');
        // Sam enters his own time, not someone else's.
        const own = {
          startedAt: after(10),
          endedAt: after(40),
          minutes: 30,
          billable: false,
          workType: 'internal',
        };
        const others = await call(sam, 'POST', '/v1/time-entries', {
          id: 'TE-1',
          employeeId: 'E-admin',
          ...own,
        });
        expect(others.statusCode).toBe(403);
        expect(await head(w)).toBe(before);
        const mine = await call(sam, 'POST', '/v1/time-entries', { id: 'TE-2', ...own });
        expect(mine.statusCode).toBe(201);
      });

      it('answers each broken rule with its status and code, and writes nothing', async () => {
        const w = world();
        expect((await call(sam, 'POST', '/v1/tickets', ticket)).statusCode).toBe(201);
        const before = await head(w);
        const cases: [string, unknown, number, string][] = [
          ['/v1/tickets', '{"id": "T-1", ', 400, 'PET_REQUEST_INVALID'],
          ['/v1/tickets', { ...ticket, id: 'T-2', priority: 7 }, 400, 'PET_REQUEST_INVALID'],
          ['/v1/tickets', { ...ticket, id: 'T-2', priority: 'meh' }, 400, 'PET_REQUEST_INVALID'],
          ['/v1/tickets', { id: 'T-2' }, 400, 'PET_REQUEST_INVALID'],
          ['/v1/tickets', [ticket], 400, 'PET_REQUEST_INVALID'],
          ['/v1/tickets', ticket, 409, 'PET_AGGREGATE_EXISTS'],
          ['/v1/tickets/T-9/status', { to: 'closed' }, 422, 'PET_ILLEGAL_TRANSITION'],
          ['/v1/tickets/T-404/status', { to: 'open' }, 404, 'PET_AGGREGATE_NOT_FOUND'],
          [
            '/v1/tickets',
            { ...ticket, id: 'T-3', customerId: 'C-none' },
            404,
            'PET_AGGREGATE_NOT_FOUND',
          ],
          ['/v1/nothing-here', {}, 404, 'PET_NOT_FOUND'],
        ];
        for (const [url, body, status, code] of cases) {
          const response = await call(sam, 'POST', url, body);
          expect({ url, body, status: response.statusCode }).toEqual({ url, body, status });
          expect(problem(response)).toMatchObject({ status, code });
        }
        const wrongType = problem(
          await call(sam, 'POST', '/v1/tickets', { ...ticket, id: 'T-2', priority: 7, subject: 5 }),
        );
        expect([...new Set(wrongType.violations?.map((v) => v.pointer))].sort()).toEqual([
          '/body/priority',
          '/body/subject',
        ]);
        const huge = await call(sam, 'POST', '/v1/tickets', {
          ...ticket,
          id: 'T-4',
          subject: 'x'.repeat(300_000),
        });
        expect(huge.statusCode).toBe(413);
        expect(problem(huge).code).toBe('PET_REQUEST_TOO_LARGE');
        expect(await head(w)).toBe(before);
      });
    });

    describe('idempotency', () => {
      it('answers a retry with the first response, and a reused key with another body with 409', async () => {
        const w = world();
        const key = { 'idempotency-key': 'retry-me-1' };
        const first = await call(sam, 'POST', '/v1/tickets', ticket, key);
        expect(first.statusCode).toBe(201);
        const position = await head(w);
        const again = await call(sam, 'POST', '/v1/tickets', ticket, key);
        expect(again.statusCode).toBe(201);
        expect(again.headers['idempotent-replayed']).toBe('true');
        const [a, b] = [first.json(), again.json()] as { events: unknown; correlationId: string }[];
        expect(b).toMatchObject({
          replayed: true,
          events: a?.events,
          correlationId: a?.correlationId,
        });
        expect(await head(w)).toBe(position);

        const conflict = await call(
          sam,
          'POST',
          '/v1/tickets',
          { ...ticket, subject: 'Other' },
          key,
        );
        expect(conflict.statusCode).toBe(409);
        expect(problem(conflict)).toMatchObject({ code: 'PET_IDEMPOTENCY_CONFLICT' });
        expect(problem(conflict).detail).toContain('retry-me-1');
        expect(await head(w)).toBe(position);
        const malformed = await call(sam, 'POST', '/v1/tickets', ticket, {
          'idempotency-key': 'has spaces',
        });
        expect(malformed.statusCode).toBe(400);
      });

      it('runs concurrent requests with one key exactly once', async () => {
        const w = world();
        const key = { 'idempotency-key': 'burst' };
        const responses = await Promise.all(
          Array.from({ length: 12 }, () => call(sam, 'POST', '/v1/tickets', ticket, key)),
        );
        expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
        const bodies = responses.map((r) => r.json<{ events: { id: string }[] }>());
        expect(new Set(bodies.map((b) => b.events[0]?.id)).size).toBe(1);
        expect(await w.store.readContext({ type: 'ticket', id: 'T-9' })).toHaveLength(1);
      });
    });

    describe('reads', () => {
      it('gives the raw log, events, histories and the registry to admins and auditors only, refusing as if missing', async () => {
        const w = world();
        await call(sam, 'POST', '/v1/tickets', ticket);
        await call(sam, 'POST', '/v1/tickets/T-9/status', { to: 'open' });
        await logVisible(w.store);
        const page = (
          await call(
            admin,
            'GET',
            '/v1/events?type=ticket.created&type=ticket.status_changed&limit=1',
          )
        ).json<{
          events: { id: string; event_type: string; position: string }[];
          next: string;
        }>();
        expect(page.events.map((e) => e.event_type)).toEqual(['ticket.created']);
        const rest = (
          await call(admin, 'GET', `/v1/events?type=ticket.status_changed&after=${page.next}`)
        ).json<{
          events: { event_type: string }[];
        }>();
        expect(rest.events.map((e) => e.event_type)).toEqual(['ticket.status_changed']);
        const byContext = (await call(admin, 'GET', '/v1/events?context=ticket/T-9')).json<{
          events: unknown[];
        }>();
        expect(byContext.events).toHaveLength(2);

        const id = page.events[0]?.id ?? '';
        expect((await call(admin, 'GET', `/v1/events/${id}`)).json()).toMatchObject({ id });
        // Sam may not read the log: an event that exists answers as one that does not.
        const unknown = '00000000-0000-7000-8000-000000000000';
        const hidden = await call(sam, 'GET', `/v1/events/${id}`);
        const missing = await call(sam, 'GET', `/v1/events/${unknown}`);
        expect(hidden.statusCode).toBe(404);
        expect(problem(hidden).code).toBe('PET_NOT_FOUND');
        expect(hidden.body.replaceAll(id, 'ID')).toBe(missing.body.replaceAll(unknown, 'ID'));
        expect((await call(admin, 'GET', `/v1/events/${unknown}`)).statusCode).toBe(404);
        for (const url of [
          '/v1/events',
          '/v1/schemas',
          '/v1/consumers',
          '/v1/audit/digest',
          '/v1/contexts/ticket/T-9/history',
        ]) {
          expect({ url, status: (await call(sam, 'GET', url)).statusCode }).toEqual({
            url,
            status: 404,
          });
        }

        const history = (await call(admin, 'GET', '/v1/contexts/ticket/T-9/history')).json<{
          entries: {
            eventType: string;
            before: Record<string, unknown>;
            after: Record<string, unknown>;
          }[];
        }>();
        expect(history.entries.map((e) => e.eventType)).toEqual([
          'ticket.created',
          'ticket.status_changed',
        ]);
        expect(history.entries[1]?.before).toMatchObject({ status: 'new' });
        expect(history.entries[1]?.after).toMatchObject({ status: 'open' });

        const { token: auditor } = await createToken(w.store, {
          subject: { employeeId: 'E-sam' },
          auditor: true,
        });
        const schemas = (await call(auditor, 'GET', '/v1/schemas')).json<{
          schemas: { eventType: string }[];
        }>();
        expect(schemas.schemas.map((s) => s.eventType)).toContain('ticket.created');
        const document = (await call(auditor, 'GET', '/v1/schemas/ticket.created/1')).json<{
          $id: string;
        }>();
        expect(document.$id).toBe('urn:pet-events:schema:ticket.created:1');
        expect((await call(auditor, 'GET', '/v1/schemas/ticket.created/99')).statusCode).toBe(404);
        expect((await call(auditor, 'GET', '/v1/events?limit=0')).statusCode).toBe(400);
      });

      it('shows each caller their own feed, with reactions, and KPIs within their reach', async () => {
        const w = world();
        await call(sam, 'POST', '/v1/tickets', ticket);
        await w.pet.quotes.create(actingAs('E-sol', after(20)), quote);
        await projectEverything(w.store);

        type Feed = { items: { id: string; eventType: string }[] };
        const samFeed = (await call(sam, 'GET', '/v1/feed')).json<Feed>();
        const adminFeed = (await call(admin, 'GET', '/v1/feed')).json<Feed>();
        expect(samFeed.items.map((i) => i.eventType)).toContain('ticket.created');
        expect(samFeed.items.map((i) => i.eventType)).not.toContain('quote.created');
        expect(adminFeed.items.map((i) => i.eventType)).toContain('quote.created');
        expect((await call(integration, 'GET', '/v1/feed')).statusCode).toBe(404);
        expect((await call(sam, 'GET', '/v1/feed?severity=loud')).statusCode).toBe(400);

        const item = samFeed.items.find((i) => i.eventType === 'ticket.created')?.id ?? '';
        const comment = await call(sam, 'POST', `/v1/feed/items/${item}/reactions`, {
          kind: 'comment',
          body: 'On it',
        });
        expect(comment.statusCode).toBe(201);
        // A write like any other: a retry with its key adds nothing, another body is refused.
        const keyed = { 'idempotency-key': 'comment-1' };
        const url = `/v1/feed/items/${item}/reactions`;
        const first = await call(sam, 'POST', url, { kind: 'acknowledgement' }, keyed);
        const retry = await call(sam, 'POST', url, { kind: 'acknowledgement' }, keyed);
        expect(retry.json()).toEqual(first.json());
        const reused = await call(sam, 'POST', url, { kind: 'comment', body: 'Hm' }, keyed);
        expect(reused.statusCode).toBe(409);
        expect(problem(reused).code).toBe('PET_IDEMPOTENCY_CONFLICT');
        const { id: acknowledgement } = first.json<{ id: string }>();
        const withdrawn = await call(
          sam,
          'POST',
          `/v1/feed/reactions/${acknowledgement}/withdraw`,
          undefined,
          { 'idempotency-key': 'withdraw-1' },
        );
        expect(withdrawn.statusCode).toBe(201);
        const withdrawnAgain = await call(
          sam,
          'POST',
          `/v1/feed/reactions/${acknowledgement}/withdraw`,
          undefined,
          { 'idempotency-key': 'withdraw-1' },
        );
        expect(withdrawnAgain.json()).toEqual(withdrawn.json());
        const reactions = (await call(sam, 'GET', `/v1/feed/items/${item}/reactions`)).json<{
          reactions: { kind: string; body: string; employeeId: string }[];
        }>();
        expect(reactions.reactions).toEqual([
          expect.objectContaining({ kind: 'comment', body: 'On it', employeeId: 'E-sam' }),
        ]);
        const quoteItem = adminFeed.items.find((i) => i.eventType === 'quote.created')?.id ?? '';
        const unseen = await call(sam, 'POST', `/v1/feed/items/${quoteItem}/reactions`, {
          kind: 'acknowledgement',
        });
        expect(unseen.statusCode).toBe(404);

        const kpis = (await call(sam, 'GET', '/v1/kpis')).json<{
          definitions: { key: string }[];
        }>();
        expect(kpis.definitions.length).toBe(builtInDefinitions().length);
        const key = kpis.definitions[0]?.key ?? '';
        const asOf = encodeURIComponent(after(120));
        expect(
          (await call(sam, 'GET', `/v1/kpis/${key}?window=all_time&asOf=${asOf}`)).statusCode,
        ).toBe(404);
        const own = await call(
          sam,
          'GET',
          `/v1/kpis/${key}?scope=employee:E-sam&window=all_time&asOf=${asOf}`,
        );
        expect(own.statusCode).toBe(200);
        const org = await call(admin, 'GET', `/v1/kpis/${key}?window=all_time&asOf=${asOf}`);
        expect(org.json()).toMatchObject({ key, scope: 'organisation', window: 'all_time' });
        const explained = await call(
          admin,
          'GET',
          `/v1/kpis/${key}/explain?window=all_time&asOf=${asOf}`,
        );
        expect(explained.statusCode).toBe(200);
        expect((await call(admin, 'GET', '/v1/kpis/no_such_kpi')).statusCode).toBe(404);
        expect((await call(admin, 'GET', `/v1/kpis/${key}?window=fortnight`)).statusCode).toBe(400);
      });

      it('reports consumers, the audit digest and a verify', async () => {
        await call(sam, 'POST', '/v1/tickets', ticket);
        type Consumers = { consumers: { consumer: string; lagEvents: number }[] };
        // On PostgreSQL the backlog counts what readers can see: older transactions of the
        // cluster (other test files) may hold it back for a moment.
        let consumers = (await call(admin, 'GET', '/v1/consumers')).json<Consumers>();
        for (let i = 0; i < 100 && consumers.consumers.some((c) => c.lagEvents === 0); i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          consumers = (await call(admin, 'GET', '/v1/consumers')).json<Consumers>();
        }
        expect(consumers.consumers.map((c) => c.consumer)).toEqual(
          PET_CONSUMERS.map((c) => c.name).sort(),
        );
        expect(consumers.consumers.every((c) => c.lagEvents > 0)).toBe(true);
        expect((await call(admin, 'GET', '/v1/audit/digest')).json()).toMatchObject({ seq: '0' });
        const verified = await call(admin, 'POST', '/v1/audit/verify');
        expect(verified.json()).toMatchObject({ ok: true, finding: null });
        expect(verified.json<{ checked: number }>().checked).toBeGreaterThan(0);
      });
    });

    describe('operations', () => {
      it('publishes a valid OpenAPI document naming every route with its schemas', async () => {
        const response = await call(null, 'GET', '/v1/openapi.json');
        expect(response.statusCode).toBe(200);
        const document = response.json<{
          openapi: string;
          paths: Record<
            string,
            Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>
          >;
        }>();
        const validator = new Validator();
        const result = await validator.validate(document);
        expect(result.errors ?? []).toEqual([]);
        expect(result.valid).toBe(true);
        for (const [path, operations] of Object.entries(document.paths)) {
          for (const [method, operation] of Object.entries(operations)) {
            expect({
              path,
              method,
              has201or200: Object.keys(operation.responses).some((s) => s === '200' || s === '201'),
            }).toEqual({ path, method, has201or200: true });
            if (method === 'post' && !BODYLESS.has(path)) {
              expect({ path, body: operation.requestBody !== undefined }).toEqual({
                path,
                body: true,
              });
            }
          }
        }
        expect(Object.keys(document.paths)).toEqual(
          expect.arrayContaining([
            '/v1/tickets',
            '/v1/tickets/{id}/status',
            '/v1/time-entries',
            '/v1/quotes/{id}/accept',
            '/v1/events',
            '/v1/events/stream',
            '/v1/feed',
            '/v1/kpis/{key}/explain',
            '/v1/audit/verify',
          ]),
        );
      });

      it('counts appends and rejections and reports consumer lag as Prometheus metrics; says it is healthy and ready', async () => {
        await call(sam, 'POST', '/v1/tickets', ticket);
        await call(sam, 'POST', '/v1/tickets', ticket);
        const metrics = await call(null, 'GET', '/metrics');
        expect(metrics.statusCode).toBe(200);
        expect(metrics.body).toMatch(/pet_events_appended_total\{event_type="ticket.created"\} 1/);
        expect(metrics.body).toMatch(
          /pet_requests_rejected_total\{code="PET_AGGREGATE_EXISTS"\} 1/,
        );
        expect(metrics.body).toMatch(/pet_consumer_lag_events\{consumer="pet.feed"\} [1-9]/);
        expect((await call(null, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
        const ready = await call(null, 'GET', '/readyz');
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
      });

      it('streams new events as Server-Sent Events and resumes after Last-Event-ID', async () => {
        const w = world();
        const address = await app.listen({ port: 0, host: '127.0.0.1' });
        const start = await head(w);
        const read = async (headers: Record<string, string>, want: number) => {
          const controller = new AbortController();
          const response = await fetch(`${address}/v1/events/stream?after=${start}`, {
            headers: { authorization: `Bearer ${admin}`, ...headers },
            signal: controller.signal,
          });
          expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
          const reader = (response.body as ReadableStream<Uint8Array>).getReader();
          const decoder = new TextDecoder();
          let text = '';
          const messages: { id: string; event: string; data: { context_id: string } }[] = [];
          while (messages.length < want) {
            const chunk = await reader.read();
            if (chunk.done) break;
            text += decoder.decode(chunk.value, { stream: true });
            let end;
            while ((end = text.indexOf('\n\n')) >= 0) {
              const block = text.slice(0, end);
              text = text.slice(end + 2);
              const fields = Object.fromEntries(
                block
                  .split('\n')
                  .filter((l) => !l.startsWith(':'))
                  .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
              );
              if (fields.data !== undefined) {
                messages.push({
                  id: fields.id ?? '',
                  event: fields.event ?? '',
                  data: JSON.parse(fields.data) as { context_id: string },
                });
              }
            }
          }
          controller.abort();
          return messages;
        };
        const live = read({}, 2);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await call(sam, 'POST', '/v1/tickets', ticket);
        await call(sam, 'POST', '/v1/tickets', { ...ticket, id: 'T-10' });
        const received = await live;
        expect(received.map((m) => [m.event, m.data.context_id])).toEqual([
          ['ticket.created', 'T-9'],
          ['ticket.created', 'T-10'],
        ]);
        const resumed = await read({ 'last-event-id': received[0]?.id ?? '' }, 1);
        expect(resumed.map((m) => m.id)).toEqual([received[1]?.id]);
        expect(
          (
            await fetch(`${address}/v1/events/stream`, {
              headers: { authorization: `Bearer ${sam}` },
            })
          ).status,
        ).toBe(404);
      });
    });
  });
}
