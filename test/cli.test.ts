import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailCommand } from '../src/cli/commands/events.js';
import { buildProgram } from '../src/cli/program.js';
import { PET_CONTRACTS } from '../src/pet/catalogue.js';
import { builtInDefinitions } from '../src/pet/kpi/registry.js';
import { createSqliteEventStore } from '../src/store/sqlite/store.js';

describe('pet-events command line', () => {
  let folder: string;
  let lines: { out: string[]; err: string[] };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'pet-cli-'));
    lines = { out: [], err: [] };
    process.exitCode = undefined;
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  async function run(...args: string[]): Promise<void> {
    const program = buildProgram({ out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) });
    await program.parseAsync([
      'node',
      'pet-events',
      '--db',
      `sqlite:${join(folder, 'pet.db')}`,
      ...args,
    ]);
  }

  it('migrates once, then finds nothing to do', async () => {
    await run('migrate');
    expect(lines.out).toEqual([
      'Applied migration 0001 event-log',
      'Applied migration 0002 contracts',
      'Applied migration 0003 units-of-work',
      'Applied migration 0004 pet-domain',
      'Applied migration 0005 consumer-status',
      'Applied migration 0006 feed-reactions',
      'Applied migration 0007 kpi-definitions',
      'Applied migration 0008 audit-chain',
      'Applied migration 0009 api-tokens',
      ...PET_CONTRACTS.map((c) => `Registered schema ${c.eventType} v${c.schemaVersion}`),
      ...builtInDefinitions().map((d) => `Registered KPI ${d.key} v${d.version}`),
    ]);
    lines.out = [];
    await run('migrate');
    expect(lines.out).toEqual(['Database is up to date (migration 9).']);
    expect(process.exitCode).toBeUndefined();
  });

  it('builds the demo firm once and prints the log as JSON', async () => {
    await run('--json', 'demo', '--days', '3', '--seed', '5');
    const built = JSON.parse(lines.out.at(-1) ?? '') as { built: boolean; events: number };
    expect(built).toMatchObject({ built: true, scale: 1, seed: 5 });
    expect(built.events).toBeGreaterThan(100);
    await run('demo', '--days', '3', '--seed', '5');
    expect(lines.out.at(-1)).toBe(
      `The database already holds a firm (${built.events} events); nothing was added.`,
    );
    lines.out = [];
    await run('--json', 'events', '--limit', '3');
    const events = lines.out.map((l) => JSON.parse(l) as { position: string; event_type: string });
    expect(events.map((e) => [e.position, e.event_type])).toEqual([
      ['1', 'employee.hired'],
      ['2', 'employee.hired'],
      ['3', 'employee.hired'],
    ]);
  });

  it('reports, rebuilds and verifies consumers', async () => {
    await run('--json', 'demo', '--days', '3');
    const { events } = JSON.parse(lines.out.at(-1) ?? '') as { events: number };
    lines.out = [];
    await run('--json', 'consumers', 'status');
    expect(lines.out.map((l) => JSON.parse(l) as unknown)).toEqual(
      ['pet.feed', 'pet.kpi', 'pet.time-by-employee'].map((consumer) => ({
        consumer,
        position: '0',
        lag_events: events,
        lag_seconds: expect.any(Number) as number,
        state: 'never-run',
        updated_at: null,
        last_error: null,
      })),
    );
    lines.out = [];
    await run('--json', 'consumers', 'rebuild', 'pet.time-by-employee');
    const rebuilt = JSON.parse(lines.out.at(-1) ?? '') as { handled: number; digest: string };
    expect(rebuilt.handled).toBe(events);
    await run('consumers', 'verify', 'pet.time-by-employee');
    expect(lines.out.at(-1)).toBe(
      `pet.time-by-employee verified at #${events}: the replay matches the live read model (digest ${rebuilt.digest}).`,
    );
    lines.out = [];
    await run('consumers', 'status');
    expect(lines.out[2]).toMatch(/^pet\.time-by-employee +at #\d+ +lag 0 events \/ 0 s +stopped$/);
    expect(process.exitCode).toBeUndefined();
    await run('consumers', 'rebuild', 'nobody');
    expect(lines.err.at(-1)).toBe(
      'error [PET_CLI_USAGE]: no consumer named "nobody"; known: pet.time-by-employee, pet.feed, pet.kpi',
    );
  });

  it('prints the feed as an employee sees it, a page at a time, catching it up first', async () => {
    await run('demo', '--days', '3');
    const db = new Database(join(folder, 'pet.db'), { readonly: true });
    const [admin, member] = ['admin', 'delivery'].map(
      (role) =>
        db.prepare('SELECT id, email FROM pet_employees WHERE role = ? LIMIT 1').get(role) as {
          id: string;
          email: string;
        },
    ) as [{ id: string; email: string }, { id: string; email: string }];
    db.close();
    lines.out = [];
    await run('--json', 'feed', '--as', admin.email, '--limit', '5');
    const page = JSON.parse(lines.out.at(-1) ?? '') as {
      items: { id: string; headline: string; severity: string }[];
      next_cursor: string;
    };
    expect(page.items).toHaveLength(5);
    expect(typeof page.next_cursor).toBe('string');
    lines.out = [];
    await run('--json', 'feed', '--as', admin.id, '--limit', '5', '--cursor', page.next_cursor);
    const next = JSON.parse(lines.out.at(-1) ?? '') as { items: { id: string }[] };
    expect(next.items.map((i) => i.id)).not.toContain(page.items[0]?.id);
    lines.out = [];
    await run('feed', '--as', member.email, '--scope', 'me', '--no-catch-up');
    expect(lines.out[0]).toMatch(/^Feed for .+ \(delivery\), scope me: \d+ items$/);
    expect(lines.out).toContain('Older');
    await run('feed', '--as', 'nobody@example.com');
    expect(lines.err.at(-1)).toBe(
      'error [PET_CLI_USAGE]: no employee with id or email nobody@example.com',
    );
    await run('feed', '--as', admin.id, '--scope', 'planet:1');
    expect(lines.err.at(-1)).toMatch(/^error \[PET_FEED_QUERY_INVALID\]: Feed scope must be/);
  });

  it('lists, shows, explains and defines KPIs', async () => {
    await run('demo', '--days', '10');
    lines.out = [];
    await run('kpi', 'list');
    expect(lines.out.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(
      builtInDefinitions().map((d) => `${d.key} v${d.version}`),
    );
    lines.out = [];
    const asOf = ['--window', 'all_time', '--as-of', '2026-11-21T00:00:00Z'];
    await run('--json', 'kpi', 'show', 'hours_logged', ...asOf);
    const shown = JSON.parse(lines.out.at(-1) ?? '') as { value: number; version: number };
    expect(shown.version).toBe(1);
    expect(shown.value).toBeGreaterThan(0);
    lines.out = [];
    await run('kpi', 'explain', 'billable_ratio', ...asOf, '--limit', '2');
    expect(lines.out[0]).toMatch(/^Billable ratio \(billable_ratio v1\), organisation, all time: /);
    expect(lines.out.find((l) => l.startsWith('Judgement: '))).toMatch(/: (good|warning|breach)$/);
    const file = join(folder, 'win-rate-v2.json');
    const v1 = builtInDefinitions().find((d) => d.key === 'quote_win_rate');
    writeFileSync(
      file,
      JSON.stringify({ ...v1, version: 2, thresholds: { target: 0.8, breach: 0.6 } }),
    );
    lines.out = [];
    await run('kpi', 'define', file);
    expect(lines.out.at(-1)).toMatch(
      /^Registered KPI quote_win_rate v2; computed from \d+ events\.$/,
    );
    lines.out = [];
    await run('--json', 'kpi', 'show', 'quote_win_rate', ...asOf, '--no-catch-up');
    expect(JSON.parse(lines.out.at(-1) ?? '')).toMatchObject({ version: 2 });
    writeFileSync(file, JSON.stringify({ ...v1, version: 2, title: 'Edited' }));
    await run('kpi', 'define', file);
    expect(lines.err.at(-1)).toMatch(/^error \[PET_KPI_DEFINITION_CHANGED\]/);
    await run('kpi', 'show', 'sla_breaches', '--scope', 'employee:E-0001');
    expect(lines.err.at(-1)).toMatch(/^error \[PET_KPI_QUERY_INVALID\]/);
    expect(process.exitCode).toBe(1);
  });

  it("prints a context's audited history and exports CloudEvents", async () => {
    await run('demo', '--days', '5');
    const db = new Database(join(folder, 'pet.db'), { readonly: true });
    const { context_id: ticket, n } = db
      .prepare(
        "SELECT context_id, count(*) AS n FROM domain_events WHERE context_type = 'ticket' GROUP BY context_id ORDER BY n DESC LIMIT 1",
      )
      .get() as { context_id: string; n: number };
    const events = (db.prepare('SELECT count(*) AS n FROM domain_events').get() as { n: number }).n;
    db.close();
    lines.out = [];
    await run('audit', 'history', `ticket/${ticket}`);
    expect(lines.out[0]).toBe(`ticket/${ticket}: ${n} events`);
    expect(lines.out[1]).toMatch(
      /^ {2}v1 {2}#\d+ {2}\S+ \(recorded \S+\) {2}.+ {2}ticket\.created@1$/,
    );
    expect(lines.out[2]).toMatch(/^ {6}status — → new; customer_id /);
    expect(process.exitCode).toBeUndefined();
    lines.out = [];
    await run('--json', 'audit', 'history', `ticket/${ticket}`);
    expect(JSON.parse(lines.out.at(-1) ?? '')).toMatchObject({
      findings: [],
      context: { id: ticket },
    });
    lines.out = [];
    await run('audit', 'export');
    expect(lines.out).toHaveLength(events);
    expect(JSON.parse(lines.out[0] ?? '')).toMatchObject({ specversion: '1.0', petposition: '1' });
    await run('audit', 'history', 'ticket');
    expect(lines.err.at(-1)).toMatch(/^error \[PET_CLI_USAGE\]: a context is TYPE\/ID/);
    lines.out = [];
    await run('--json', 'audit', 'digest');
    const digest = JSON.parse(lines.out.at(-1) ?? '') as { seq: string; link: string };
    expect(digest.seq).toBe(String(events));
    const file = join(folder, 'digest.txt');
    writeFileSync(file, `${JSON.stringify(digest)}\n`);
    lines.out = [];
    await run('audit', 'verify', '--digest', file);
    expect(lines.out.at(-1)).toBe(
      `Verified ${events} events (${events} sealed, 0 not sealed yet): no finding; the chain reaches the digest at entry ${events}.`,
    );
    // The same verify in two stretches side by side (worker threads).
    lines.out = [];
    await run('audit', 'verify', '--digest', file, '--threads', '2');
    expect(lines.out.at(-1)).toBe(
      `Verified ${events} events (${events} sealed, 0 not sealed yet): no finding; the chain reaches the digest at entry ${events}.`,
    );
    await run('--json', 'audit', 'verify', '--threads', '2');
    expect(JSON.parse(lines.out.at(-1) ?? '')).toMatchObject({ ok: true, stretches: 2 });
    await run('audit', 'verify', '--threads', '0');
    expect(lines.err.at(-1)).toMatch(
      /^error \[PET_CLI_USAGE\]: --threads must be a whole number from 1 to 64, got 0/,
    );
    process.exitCode = undefined;
    writeFileSync(file, JSON.stringify({ ...digest, link: 'a'.repeat(64) }));
    await run('audit', 'verify', '--digest', file);
    expect(lines.out.at(-1)).toMatch(/^Finding at #\d+: the chain no longer reaches the digest/);
    expect(process.exitCode).toBe(1);
  });

  it('creates, lists and revokes API tokens, showing each secret once', async () => {
    await run('demo', '--days', '3');
    const db = new Database(join(folder, 'pet.db'), { readonly: true });
    const admin = db.prepare("SELECT id FROM pet_employees WHERE role = 'admin' LIMIT 1").get() as {
      id: string;
    };
    lines.out = [];
    await run('tokens', 'create', '--employee', admin.id, '--auditor');
    const token = lines.out.at(-1) ?? '';
    expect(token).toMatch(/^pet_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const id = token.slice(4, 20);
    expect(lines.err.at(-1)).toContain(`Token ${id} for employee ${admin.id} (auditor)`);
    await run('--json', 'tokens', 'create', '--system', 'crm-import', '--label', 'nightly import');
    const system = JSON.parse(lines.out.at(-1) ?? '') as { token: string; systemName: string };
    expect(system.systemName).toBe('crm-import');
    const stored = db.prepare('SELECT secret_sha256 FROM api_tokens').all() as {
      secret_sha256: string;
    }[];
    db.close();
    expect(stored).toHaveLength(2);
    for (const row of stored) expect(token).not.toContain(row.secret_sha256);

    lines.out = [];
    await run('--json', 'tokens', 'list');
    const listed = JSON.parse(lines.out.at(-1) ?? '') as { id: string; revokedAt: null }[];
    expect(listed.map((t) => t.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(token.slice(21));
    await run('tokens', 'revoke', id);
    expect(lines.out.at(-1)).toBe(`Revoked token ${id}.`);
    await run('tokens', 'revoke', id);
    expect(lines.err.at(-1)).toBe(`error [PET_CLI_USAGE]: no active token "${id}"`);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    await run('tokens', 'create', '--employee', 'E-nobody');
    expect(lines.err.at(-1)).toMatch(
      /^error \[PET_COMMAND_INVALID\]: .*"E-nobody" is not an active employee/,
    );
    await run('tokens', 'create');
    expect(lines.err.at(-1)).toBe(
      'error [PET_CLI_USAGE]: give exactly one of --employee ID and --system NAME',
    );
  });

  it('appends one event in a unit of work of its own, and tails the log as it grows', async () => {
    await run('demo', '--days', '3');
    const db = new Database(join(folder, 'pet.db'), { readonly: true });
    const customer = db.prepare('SELECT id FROM pet_customers LIMIT 1').get() as { id: string };
    const count = () =>
      (db.prepare('SELECT count(*) AS n FROM domain_events').get() as { n: number }).n;
    const before = count();

    const store = createSqliteEventStore({ path: join(folder, 'pet.db') });
    const stop = new AbortController();
    const tailed: string[] = [];
    const tail = tailCommand(
      store,
      { out: (l) => tailed.push(l), err: () => undefined },
      { type: ['customer.archived'], json: true },
      stop.signal,
    );
    const payload = JSON.stringify({ from_status: 'active', to_status: 'archived' });
    const append = [
      'customer.archived',
      '--version',
      '1',
      '--context',
      `customer/${customer.id}`,
      '--as',
      'system:cli-test',
    ];
    await run('--json', 'append', ...append, '--payload', payload, '--idempotency-key', 'k-1');
    const appended = JSON.parse(lines.out.at(-1) ?? '') as {
      event_type: string;
      actor_employee_id: null;
    };
    expect(appended).toMatchObject({ event_type: 'customer.archived', actor_employee_id: null });
    expect(count()).toBe(before + 1);
    await run('append', ...append, '--payload', payload, '--idempotency-key', 'k-1');
    expect(lines.err.at(-1)).toContain('Replayed');
    expect(count()).toBe(before + 1);

    await run('append', ...append, '--payload', '{"from_status": "sleeping"}');
    expect(lines.err.at(-1)).toMatch(/^error \[PET_PAYLOAD_INVALID\]/);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    await run('append', ...append, '--payload', '[1]');
    expect(lines.err.at(-1)).toMatch(/^error \[PET_CLI_USAGE\]/);
    expect(count()).toBe(before + 1);

    for (let i = 0; i < 100 && tailed.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop.abort();
    await tail;
    await store.close();
    db.close();
    expect(tailed.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([
      (JSON.parse(lines.out.find((l) => l.includes('customer.archived')) ?? '{}') as { id: string })
        .id,
    ]);
  });

  it('refuses demo options out of range, and a period that is not over', async () => {
    await run('demo', '--scale', '0');
    expect(lines.err.at(-1)).toBe(
      'error [PET_CLI_USAGE]: --scale must be a whole number from 1 to 10000, got "0"',
    );
    await run('demo', '--end', '2999-01-01');
    expect(lines.err.at(-1)).toBe(
      'error [PET_CLI_USAGE]: --end must be a day that is over: 2999-01-01 is not',
    );
    expect(process.exitCode).toBe(1);
  });

  it('exits non-zero with the error code on failure', async () => {
    await run('migrate');
    await run('events', '--after', '42');
    expect(process.exitCode).toBe(1);
    expect(lines.err).toEqual(['error [PET_POSITION_UNKNOWN]: Position not in the log: 42']);
    await run('--json', 'events', '--limit', 'lots');
    expect(JSON.parse(lines.err.at(-1) ?? '')).toMatchObject({ error: { code: 'PET_CLI_USAGE' } });
  });

  it('lists, shows, checks and exports the registered schemas', async () => {
    await run('migrate');
    lines.out = [];
    await run('schemas', 'list');
    expect(lines.out.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(
      PET_CONTRACTS.map((c) => `${c.eventType} v${c.schemaVersion}`).sort(),
    );
    lines.out = [];
    await run('schemas', 'show', 'ticket.created', '--version', '1');
    expect(JSON.parse(lines.out.join('\n'))).toMatchObject({
      event_type: 'ticket.created',
      schema_version: 1,
      schema: { additionalProperties: false },
    });
    lines.out = [];
    await run('schemas', 'check');
    expect(lines.out).toEqual([
      `Registry matches the code (${PET_CONTRACTS.length} schema versions).`,
    ]);
    lines.out = [];
    const exportDir = join(folder, 'schemas');
    await run('schemas', 'export', exportDir);
    const file = join(exportDir, 'ticket.created', 'v1.schema.json');
    expect(lines.out).toContain(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      $id: 'urn:pet-events:schema:ticket.created:1',
      $schema: 'http://json-schema.org/draft-07/schema#',
    });
    expect(process.exitCode).toBeUndefined();
  });

  it('exits non-zero when the registry drifts from the code', async () => {
    await run('migrate');
    const store = createSqliteEventStore({ path: join(folder, 'pet.db') });
    await store.transaction((tx) =>
      tx.registerEventSchema({
        eventType: 'ticket.merged',
        schemaVersion: 1,
        schema: {
          type: 'object',
          properties: { into_ticket_id: { type: 'string' } },
          additionalProperties: false,
        },
      }),
    );
    await store.close();
    await run('schemas', 'check');
    expect(process.exitCode).toBe(1);
    expect(lines.err.at(-1)).toMatch(
      /^error \[PET_SCHEMA_DRIFT\]: .*ticket\.merged v1 is registered but no longer declared in code/,
    );
  });

  it('closes a schema version for new events', async () => {
    await run('migrate');
    await run(
      'schemas',
      'deprecate',
      'ticket.status_changed',
      '--version',
      '1',
      '--reason',
      'replaced by v2',
    );
    expect(lines.out.at(-1)).toBe('Closed ticket.status_changed v1 for new events.');
    lines.out = [];
    await run('--json', 'schemas', 'list');
    const listed = lines.out.map(
      (l) => JSON.parse(l) as { event_type: string; deprecated_at: string | null },
    );
    expect(listed.find((s) => s.event_type === 'ticket.status_changed')?.deprecated_at).toMatch(
      /Z$/,
    );
  });

  it('refuses to migrate when a registered schema version differs from the code', async () => {
    const store = createSqliteEventStore({ path: join(folder, 'pet.db') });
    await store.migrate();
    await store.transaction((tx) =>
      tx.registerEventSchema({
        eventType: 'ticket.created',
        schemaVersion: 1,
        schema: {
          type: 'object',
          properties: { customer_id: { type: 'string' } },
          additionalProperties: false,
        },
      }),
    );
    await store.close();
    await run('migrate');
    expect(process.exitCode).toBe(1);
    expect(lines.err.at(-1)).toMatch(
      /^error \[PET_SCHEMA_VERSION_CHANGED\]: Schema version changed: ticket\.created v1 is registered with sha256 [0-9a-f]{64} but the code declares sha256 [0-9a-f]{64}/,
    );
  });

  it('asks for migrate before reading a database that is behind', async () => {
    await run('events');
    expect(process.exitCode).toBe(1);
    expect(lines.err.at(-1)).toBe(
      'error [PET_DATABASE_NOT_MIGRATED]: Database not migrated: it is at migration 0, this release needs 9 (run pet-events migrate)',
    );
  });

  it('refuses a database URL it cannot read', async () => {
    const program = buildProgram({ out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) });
    await program.parseAsync(['node', 'pet-events', '--db', 'mysql://x', 'migrate']);
    expect(process.exitCode).toBe(1);
    expect(lines.err[0]).toMatch(/^error \[PET_DATABASE_URL_INVALID\]/);
  });
});
