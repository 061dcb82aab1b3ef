/**
 * The routes the web UI adds to the service, on both databases: the session and the pages it
 * offers each role (in step with what the reads allow), scope suggestions that name only what
 * a viewer may see, the audit's context search, and the feed's change notifications, which
 * carry nothing but the fact of a change. And the page and its assets, served as built.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../src/consumers/catch-up.js';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { feedProjector } from '../../src/pet/feed/projector.js';
import { builtInDefinitions, registerDefinitions } from '../../src/pet/kpi/registry.js';
import { createPet } from '../../src/pet/pet.js';
import { syncContracts } from '../../src/registry/sync.js';
import { createService, type ServiceApp } from '../../src/service/app.js';
import { createToken } from '../../src/service/tokens.js';
import { uiAssetRoutes } from '../../src/service/ui.js';
import type { RecordedEvent } from '../../src/events/types.js';
import type { EventStore } from '../../src/store/event-store.js';
import { employeePrincipal, systemPrincipal } from '../../src/unit-of-work/principal.js';
import {
  postgresFactory,
  sqliteFactory,
  type DatabaseFactory,
  type TestDatabase,
} from '../support/databases.js';

const ROLES = ['admin', 'executive', 'manager', 'sales', 'delivery', 'support', 'member'] as const;

/** One person of each role; a team of the manager's; two customers, one ticket each. */
async function seedFirm(db: TestDatabase) {
  const { store } = db;
  await syncContracts(store, PET_CONTRACTS);
  await registerDefinitions(store, builtInDefinitions());
  const pet = createPet(store);
  const admin = { principal: employeePrincipal('E-admin') };
  await pet.employees.hire(
    { principal: systemPrincipal('bootstrap') },
    { id: 'E-admin', name: 'Ada Admin', email: 'ada@example.com', role: 'admin' },
  );
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    await pet.employees.hire(admin, {
      id: `E-${role}`,
      name: `${role} person`,
      email: `${role}@example.com`,
      role,
    });
  }
  await pet.teams.create(admin, { id: 'TM-ops', name: 'Operations', managerId: 'E-manager' });
  await pet.customers.create(admin, { id: 'C-acme', name: 'Acme Ltd' });
  await pet.customers.create(admin, { id: 'C-globex', name: 'Globex' });
  for (const [ticket, customer] of [
    ['T-acme', 'C-acme'],
    ['T-globex', 'C-globex'],
  ] as const) {
    await pet.tickets.create(admin, {
      id: ticket,
      customerId: customer,
      subject: `Printer at ${customer}`,
      priority: 'normal',
    });
  }
  const assigned = await pet.tickets.assign(admin, { id: 'T-acme', employeeId: 'E-support' });
  await projectThrough(store, assigned.events);
  const tokens: Record<string, string> = {};
  for (const role of ROLES) {
    tokens[role] = (await createToken(store, { subject: { employeeId: `E-${role}` } })).token;
  }
  tokens.auditor = (
    await createToken(store, { subject: { employeeId: 'E-member' }, auditor: true })
  ).token;
  tokens.system = (await createToken(store, { subject: { systemName: 'billing' } })).token;
  return tokens;
}

/**
 * Runs the feed projector until it has handled `events`. On PostgreSQL a reader sees an event
 * only once every older transaction of the cluster has ended, and other test files keep
 * transactions open: one catch-up may not see it yet.
 */
async function projectThrough(store: EventStore, events: readonly RecordedEvent[]) {
  const last = events[events.length - 1]?.position ?? 0n;
  const deadline = Date.now() + 20_000;
  while ((await store.readCheckpoint(feedProjector.name)) < last) {
    if (Date.now() > deadline) throw new Error(`the feed did not reach position ${last}`);
    await catchUp(store, feedProjector);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Session {
  roles: string[];
  abilities: { feed: boolean; kpisOfAnyScope: boolean; audit: boolean };
  scopes: Record<'teams' | 'customers' | 'projects', { id: string; name: string }[]>;
  eventTypes: string[];
}

function routesOn(factory: DatabaseFactory) {
  describe.skipIf(factory.skipReason !== undefined)(`the UI's routes on ${factory.dialect}`, () => {
    let db: TestDatabase;
    let app: ServiceApp;
    let tokens: Record<string, string>;
    const get = (url: string, token: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      db = await factory.create();
      tokens = await seedFirm(db);
      app = await createService({ store: db.store, logger: false });
    });
    afterAll(async () => {
      await app?.close();
      await db?.cleanup();
    });

    it('offers each sign-in exactly the pages the reads answer for it', async () => {
      for (const [who, token] of Object.entries(tokens)) {
        const session = (await get('/v1/ui/session', token)).json<Session>();
        const status = async (url: string) => (await get(url, token)).statusCode;
        expect([who, await status('/v1/audit/digest')]).toEqual([
          who,
          session.abilities.audit ? 200 : 404,
        ]);
        expect([who, await status('/v1/kpis/hours_logged?scope=organisation')]).toEqual([
          who,
          session.abilities.kpisOfAnyScope ? 200 : 404,
        ]);
        expect([who, await status('/v1/feed')]).toEqual([who, session.abilities.feed ? 200 : 404]);
      }
      const admin = (await get('/v1/ui/session', tokens.admin ?? '')).json<Session>();
      expect(admin.abilities).toEqual({ feed: true, kpisOfAnyScope: true, audit: true });
      const support = (await get('/v1/ui/session', tokens.support ?? '')).json<Session>();
      expect(support.abilities).toEqual({ feed: true, kpisOfAnyScope: false, audit: false });
    });

    it('suggests to a restricted viewer only the customers of their own work', async () => {
      const admin = (await get('/v1/ui/session', tokens.admin ?? '')).json<Session>();
      expect(admin.scopes.customers.map((c) => c.id)).toEqual(['C-acme', 'C-globex']);
      expect(admin.scopes.teams.map((t) => t.id)).toEqual(['TM-ops']);
      expect(admin.eventTypes).toContain('quote.sent');

      const support = (await get('/v1/ui/session', tokens.support ?? '')).json<Session>();
      expect(support.scopes).toEqual({
        teams: [],
        customers: [{ id: 'C-acme', name: 'Acme Ltd' }],
        projects: [],
      });
      expect(support.eventTypes.filter((t) => /^(lead|opportunity|quote)\./.test(t))).toEqual([]);

      const manager = (await get('/v1/ui/session', tokens.manager ?? '')).json<Session>();
      expect(manager.scopes.teams).toEqual([{ id: 'TM-ops', name: 'Operations' }]);
      expect(manager.scopes.customers).toEqual([]);
    });

    it('finds contexts by id prefix or by name, for auditors only', async () => {
      const found = async (q: string) =>
        (await get(`/v1/ui/contexts?q=${encodeURIComponent(q)}`, tokens.admin ?? '')).json<{
          contexts: { type: string; id: string; name: string | null }[];
        }>().contexts;
      expect(await found('T-')).toEqual([
        { type: 'ticket', id: 'T-acme', name: 'Printer at C-acme' },
        { type: 'ticket', id: 'T-globex', name: 'Printer at C-globex' },
      ]);
      expect(await found('acme')).toEqual([
        { type: 'customer', id: 'C-acme', name: 'Acme Ltd' },
        { type: 'ticket', id: 'T-acme', name: 'Printer at C-acme' },
      ]);
      expect(await found('100%_sure')).toEqual([]);
      expect((await get('/v1/ui/contexts?q=acme', tokens.support ?? '')).statusCode).toBe(404);
      expect((await get('/v1/ui/contexts?q=acme', tokens.auditor ?? '')).statusCode).toBe(200);
    });

    it('tells a feed reader that the feed changed, and nothing more', async () => {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      expect((await get('/v1/feed/stream', tokens.system ?? '')).statusCode).toBe(404);
      const abort = new AbortController();
      const response = await fetch(`${url}/v1/feed/stream`, {
        headers: { authorization: `Bearer ${tokens.support}` },
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = '';
      const until = async (text: string) => {
        while (!received.includes(text)) received += (await reader.read()).value ?? '';
      };
      await until('retry:');

      const created = await createPet(db.store).customers.create(
        { principal: employeePrincipal('E-admin') },
        { id: 'C-initech', name: 'Initech' },
      );
      await projectThrough(db.store, created.events);
      await until('event: changed');
      abort.abort();
      expect(received).toBe('retry: 2000\n\nevent: changed\ndata: {}\n\n');
    });
  });
}

routesOn(sqliteFactory);
routesOn(postgresFactory);

describe("the UI's page and assets", () => {
  let folder: string;
  let app: ServiceApp;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'pet-events-ui-assets-'));
    writeFileSync(
      join(folder, 'index.html'),
      '<script type="module" src="ui/%BUILD%/app.js"></script>',
    );
    writeFileSync(join(folder, 'app.js'), 'export {};\n');
    writeFileSync(join(folder, 'styles.css'), 'body {}\n');
    writeFileSync(join(folder, 'notes.txt'), 'not served\n');
    app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
    uiAssetRoutes(app, folder);
  });
  afterAll(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves the page, revalidated, naming the build its assets are cached under for good', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const build = /ui\/([0-9a-f]{16})\/app\.js/.exec(page.body)?.[1];
    expect(build).toBeDefined();
    expect(page.headers.etag).toBe(`"${build}"`);
    const again = await app.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': `"${build}"` },
    });
    expect(again.statusCode).toBe(304);

    const script = await app.inject({ method: 'GET', url: `/ui/${build}/app.js` });
    expect([script.statusCode, script.headers['content-type']]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const styles = await app.inject({ method: 'GET', url: `/ui/${build}/styles.css` });
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');

    for (const url of [`/ui/${build}/notes.txt`, `/ui/0000000000000000/app.js`]) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('says how to build the UI when there is none', async () => {
    const bare = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
    uiAssetRoutes(bare, undefined);
    const page = await bare.inject({ method: 'GET', url: '/' });
    expect([page.statusCode, page.body]).toEqual([
      503,
      'The web UI is not built: run `npm run build`.\n',
    ]);
    await bare.close();
  });
});
