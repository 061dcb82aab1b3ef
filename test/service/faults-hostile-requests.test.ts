/**
 * Thousands of malformed, oversized and hostile requests: each answered 4xx with a problem
 * document and its code, nothing stored, and the service healthy afterwards.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type ServiceApp } from '../../src/service/app.js';
import type { EventStore } from '../../src/store/event-store.js';
import { DATABASE_FACTORIES, type TestDatabase } from '../support/databases.js';
import { databaseDigest } from '../support/service-checks.js';
import { seedServiceFirm, type ServiceFirm } from '../support/service-firm.js';

/** One request as `app.inject` takes it. */
interface Attempt {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

/** Strings an attacker tries in every text: SQL, script, paths, encodings, control characters. */
const HOSTILE_TEXT = [
  "' OR '1'='1",
  "'; DROP TABLE domain_events; --",
  '"; DELETE FROM pet_tickets; --',
  '1; UPDATE api_tokens SET revoked_at = NULL; --',
  "T-1' UNION SELECT secret_sha256 FROM api_tokens --",
  '$1',
  '$$; SELECT pg_sleep(10); $$',
  "'); SELECT pg_terminate_backend(pg_backend_pid()); --",
  '/* */ OR 1=1',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${process.exit(1)}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  'a\u0000b',
  '\u0000',
  '\u0007\u0008\u001b[31m',
  'line\r\nX-Injected: 1',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeffT-1',
  'T-1\u200b',
  '😀'.repeat(50),
  'x'.repeat(201),
  'Ｔ－１',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '9223372036854775808',
  ' ',
];

/** Bodies that are not JSON, or not the JSON a command takes. */
const BAD_JSON = [
  '',
  '{',
  '}',
  '{"id": }',
  "{'id': 'x'}",
  '{"id": "x",}',
  '{"id": "x"} trailing',
  '{"id": "x"}{"id": "y"}',
  '[]',
  '[{"id": "x"}]',
  'null',
  'true',
  '0',
  '"a string"',
  'NaN',
  '{"minutes": NaN}',
  '{"minutes": Infinity}',
  '{"minutes": 1e999}',
  '{"id": "x" /* comment */}',
  '\ufeff{"id": "x"}',
  '{"id": "\\ud800"}',
  '{"id": "\\u0000"}',
  '{"id": "x", "id": "y"}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"admin": true}}}',
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  '\u0000\u0001\u0002',
  'id=x&name=y',
  '<?xml version="1.0"?><x/>',
];

const TIME = { startedAt: '2026-11-27T09:00:00Z', endedAt: '2026-11-27T09:30:00Z' };

/** A valid command, and which of its fields name other records (a hostile value finds none). */
interface CommandShape {
  readonly url: string;
  readonly token: (firm: ServiceFirm) => string;
  readonly body: Record<string, unknown>;
  readonly required: readonly string[];
  readonly references: readonly string[];
  /** Path segments that name a record (replaced by hostile text). */
  readonly pathIds: readonly string[];
}

const admin = (firm: ServiceFirm) => firm.adminToken;
const engineer = (firm: ServiceFirm) => firm.engineers[0]?.token ?? '';

const COMMANDS: readonly CommandShape[] = [
  {
    url: '/v1/time-entries',
    token: engineer,
    body: {
      id: 'TE-new',
      ticketId: 'T-1',
      ...TIME,
      minutes: 30,
      billable: true,
      workType: 'support',
    },
    required: ['id', 'startedAt', 'endedAt', 'minutes', 'billable', 'workType'],
    references: ['ticketId'],
    pathIds: [],
  },
  {
    url: '/v1/tickets/T-1/status',
    token: engineer,
    body: { to: 'pending' },
    required: ['to'],
    references: [],
    pathIds: ['T-1'],
  },
  {
    url: '/v1/tickets',
    token: admin,
    body: {
      id: 'T-new',
      customerId: 'C-acme',
      subject: 'Printer',
      priority: 'high',
      slaVersion: 1,
    },
    required: ['id', 'customerId', 'subject', 'priority'],
    references: ['customerId'],
    pathIds: [],
  },
  {
    url: '/v1/tickets/T-1/assign',
    token: admin,
    body: { employeeId: 'E-support-2' },
    required: [],
    references: ['employeeId'],
    pathIds: ['T-1'],
  },
  {
    url: '/v1/tickets/T-1/escalate',
    token: admin,
    body: { stage: 1 },
    required: ['stage'],
    references: [],
    pathIds: ['T-1'],
  },
  {
    url: '/v1/customers',
    token: admin,
    body: { id: 'C-new', name: 'New Customer', legalName: 'New Customer Ltd' },
    required: ['id', 'name'],
    references: [],
    pathIds: [],
  },
  {
    url: '/v1/employees',
    token: admin,
    body: { id: 'E-new', name: 'Newton', email: 'new@example.com', role: 'support' },
    required: ['id', 'name', 'email', 'role'],
    references: [],
    pathIds: [],
  },
  {
    url: '/v1/leads',
    token: admin,
    body: {
      id: 'L-new',
      subject: 'A lead',
      source: 'referral',
      customerId: 'C-acme',
      estimatedValueMinor: 100_000,
      currency: 'EUR',
    },
    required: ['id', 'subject', 'source'],
    references: ['customerId'],
    pathIds: [],
  },
  {
    url: '/v1/quotes',
    token: admin,
    body: {
      id: 'Q-new',
      customerId: 'C-acme',
      currency: 'EUR',
      sellTotalMinor: 500_000,
      costTotalMinor: 300_000,
      validUntil: '2026-12-31',
      soldMinutes: 6000,
    },
    required: ['id', 'customerId', 'currency', 'sellTotalMinor', 'costTotalMinor', 'validUntil'],
    references: ['customerId'],
    pathIds: [],
  },
  {
    url: '/v1/projects',
    token: admin,
    body: { id: 'P-new', customerId: 'C-acme', name: 'Rollout', soldMinutes: 6000 },
    required: ['id', 'customerId', 'name', 'soldMinutes'],
    references: ['customerId'],
    pathIds: [],
  },
  {
    url: '/v1/customers/C-acme/archive',
    token: admin,
    body: {},
    required: [],
    references: [],
    pathIds: ['C-acme'],
  },
  {
    url: '/v1/teams',
    token: admin,
    body: { id: 'TM-new', name: 'Support', managerId: 'E-admin' },
    required: ['id', 'name', 'managerId'],
    references: ['managerId'],
    pathIds: [],
  },
];

/** Every byte of the text's UTF-8 (a lone surrogate as U+FFFD) percent-encoded but the unreserved. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._~-]/.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Values of every JSON type but the one `value` has. */
function wrongTypes(value: unknown): unknown[] {
  const all: unknown[] = ['text', 30, 1.5, -1, true, false, null, [], [value], {}, { value }];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  return all.filter((candidate) =>
    typeof value === 'number' && Number.isInteger(value)
      ? !(typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 0)
      : kind(candidate) !== kind(value),
  );
}

const json = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  ...extra,
});

function commandAttempts(firm: ServiceFirm): Attempt[] {
  const attempts: Attempt[] = [];
  const post = (
    url: string,
    token: string,
    payload: string,
    headers: Record<string, string> = json(token),
  ) => attempts.push({ method: 'POST', url, headers, payload });

  for (const command of COMMANDS) {
    const token = command.token(firm);
    const withField = (field: string, value: unknown) =>
      JSON.stringify({ ...command.body, [field]: value });
    for (const [field, value] of Object.entries(command.body)) {
      for (const wrong of wrongTypes(value)) post(command.url, token, withField(field, wrong));
    }
    for (const field of command.required) {
      const rest = Object.entries(command.body).filter(([name]) => name !== field);
      post(command.url, token, JSON.stringify(Object.fromEntries(rest)));
    }
    for (const field of ['extra', 'ID', 'id ', '$where', 'constructor', 'prototype', '']) {
      post(command.url, token, withField(field, 'x'));
    }
    post(command.url, token, `{"__proto__": {"x": 1}, ${JSON.stringify(command.body).slice(1)}`);
    for (const text of BAD_JSON) post(command.url, token, text);
    for (const hostile of HOSTILE_TEXT) {
      for (const field of command.references) post(command.url, token, withField(field, hostile));
      for (const segment of command.pathIds) {
        post(
          command.url.replace(segment, percentEncoded(hostile)),
          token,
          JSON.stringify(command.body),
        );
      }
      // Wherever a closed list of values is expected (roles, statuses, priorities …).
      for (const field of ['to', 'priority', 'role', 'source', 'workType', 'currency']) {
        if (field in command.body) post(command.url, token, withField(field, hostile));
      }
    }
    const body = JSON.stringify(command.body);
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      'json',
      '',
    ]) {
      post(command.url, token, body, { authorization: `Bearer ${token}`, 'content-type': type });
    }
    attempts.push({
      method: 'POST',
      url: command.url,
      headers: json(token, { 'content-type': 'application/json; charset=utf-16' }),
      payload: Buffer.from(body, 'utf16le'),
    });
    for (const key of ['', ' ', 'a b', 'ключ', 'k'.repeat(201), 'tab\there']) {
      post(command.url, token, body, json(token, { 'idempotency-key': key }));
    }
    for (const authorization of badAuthorizations(firm, token)) {
      post(command.url, token, body, { authorization, 'content-type': 'application/json' });
    }
    post(command.url, token, body, { 'content-type': 'application/json' });
    post(command.url, token, JSON.stringify({ ...command.body, pad: 'x'.repeat(300 * 1024) }));
    post(command.url, token, `"${'y'.repeat(2 * 1024 * 1024)}"`);
  }
  return attempts;
}

function badAuthorizations(firm: ServiceFirm, valid: string): string[] {
  const [, id = '', secret = ''] = /^pet_([0-9a-f]{16})_(.+)$/.exec(valid) ?? [];
  const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
  return [
    '',
    'Bearer',
    'Bearer ',
    `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    `Token ${valid}`,
    `Bearer ${valid} ${valid}`,
    `Bearer ${valid}x`,
    `Bearer pet_${id}_${flipped}`,
    `Bearer pet_${'0'.repeat(16)}_${secret}`,
    `Bearer pet_${id.toUpperCase()}_${secret}`,
    `Bearer pet_${id}_${secret.slice(0, 20)}`,
    `Bearer ${firm.revokedToken}`,
    `Bearer ${firm.leaverToken}`,
    `Bearer pet_${id}_' OR '1'='1`,
    `Bearer ${'a'.repeat(8000)}`,
    `Bearer ${"'; DROP TABLE api_tokens; --"}`,
  ];
}

/** Commands the caller's role may not run, and rules the domain refuses. */
function refusedAttempts(firm: ServiceFirm): Attempt[] {
  const [first, second] = firm.engineers as [
    ServiceFirm['engineers'][0],
    ServiceFirm['engineers'][0],
  ];
  const entry = {
    id: 'TE-x',
    ticketId: first.ticketId,
    ...TIME,
    billable: true,
    workType: 'support',
  };
  const cases: [string, string, Record<string, unknown>][] = [
    ['/v1/employees', firm.salesToken, { id: 'E-x', name: 'X', email: 'x@x', role: 'admin' }],
    [
      '/v1/tickets',
      firm.salesToken,
      { id: 'T-x', customerId: 'C-acme', subject: 's', priority: 'low' },
    ],
    ['/v1/time-entries', first.token, { ...entry, employeeId: second.employeeId, minutes: 30 }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 0 }],
    ['/v1/time-entries', first.token, { ...entry, minutes: -30 }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 100_001 }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 30, endedAt: '2026-11-27T08:00:00Z' }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 30, startedAt: '2026-02-30T09:00:00Z' }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 30, startedAt: 'yesterday' }],
    ['/v1/time-entries', first.token, { ...entry, minutes: 30, ticketId: 'T-1', projectId: 'P-1' }],
    ['/v1/time-entries', firm.systemToken, { ...entry, minutes: 30 }],
    [`/v1/tickets/${first.ticketId}/status`, first.token, { to: 'closed' }],
    [`/v1/tickets/${first.ticketId}/status`, first.token, { to: 'open' }],
    [`/v1/tickets/${first.ticketId}/status`, first.token, { to: 'new' }],
    [`/v1/tickets/${first.ticketId}/escalate`, firm.adminToken, { stage: 0 }],
    [`/v1/tickets/${first.ticketId}/escalate`, firm.adminToken, { stage: 11 }],
    [`/v1/tickets/${first.ticketId}/assign`, firm.adminToken, {}],
    [
      `/v1/tickets/${first.ticketId}/assign`,
      firm.adminToken,
      { employeeId: 'E-admin', teamId: 'TM-1' },
    ],
    [
      '/v1/tickets',
      firm.adminToken,
      { id: 'T-1', customerId: 'C-acme', subject: 's', priority: 'low' },
    ],
    [
      '/v1/tickets',
      firm.adminToken,
      { id: 'T-x', customerId: 'C-acme', subject: 's', priority: 'low', slaVersion: 2 ** 31 },
    ],
    [
      '/v1/tickets',
      firm.adminToken,
      { id: 'T-x', customerId: 'C-acme', subject: 's', priority: 'low', slaVersion: 1e20 },
    ],
    [
      '/v1/tickets',
      firm.adminToken,
      { id: 'T-x', customerId: 'C-acme', subject: 's', priority: 'low', slaVersion: 99 },
    ],
    [
      '/v1/leads',
      firm.adminToken,
      { id: 'L-x', subject: 's', source: 'referral', estimatedValueMinor: 1e30, currency: 'EUR' },
    ],
    [
      '/v1/leads',
      firm.adminToken,
      {
        id: 'L-x',
        subject: 's',
        source: 'referral',
        estimatedValueMinor: 2 ** 63,
        currency: 'EUR',
      },
    ],
    [
      '/v1/leads',
      firm.adminToken,
      { id: 'L-x', subject: 's', source: 'referral', currency: 'XXXX' },
    ],
    [
      '/v1/quotes',
      firm.adminToken,
      {
        id: 'Q-x',
        customerId: 'C-acme',
        currency: 'EUR',
        sellTotalMinor: 1e30,
        costTotalMinor: 1,
        validUntil: '2026-12-31',
        soldMinutes: 1,
      },
    ],
    [
      '/v1/quotes',
      firm.adminToken,
      {
        id: 'Q-x',
        customerId: 'C-acme',
        currency: 'EUR',
        sellTotalMinor: 1,
        costTotalMinor: 1,
        validUntil: '2026-12-31',
        soldMinutes: 2 ** 40,
      },
    ],
    [
      '/v1/quotes',
      firm.adminToken,
      {
        id: 'Q-x',
        customerId: 'C-acme',
        currency: 'EUR',
        sellTotalMinor: 1,
        costTotalMinor: 1,
        validUntil: '2026-13-45',
        soldMinutes: 1,
      },
    ],
    [
      '/v1/quotes',
      firm.adminToken,
      {
        id: 'Q-x',
        customerId: 'C-acme',
        version: 2 ** 40,
        currency: 'EUR',
        sellTotalMinor: 1,
        costTotalMinor: 1,
        validUntil: '2026-12-31',
        soldMinutes: 1,
      },
    ],
    [
      '/v1/projects',
      firm.adminToken,
      { id: 'P-x', customerId: 'C-acme', name: 'n', soldMinutes: 1e20 },
    ],
    ['/v1/quotes/Q-none/accept', firm.adminToken, { projectId: 'P-x' }],
    ['/v1/leads/L-none/qualify', firm.adminToken, {}],
    ['/v1/employees/E-admin/leave', firm.adminToken, { reason: 'x' }],
    ['/v1/employees/E-nobody/leave', firm.adminToken, {}],
    ['/v1/teams/TM-none/members', firm.adminToken, { employeeId: 'E-admin' }],
    ['/v1/teams/TM-none/members/E-admin/remove', firm.adminToken, {}],
    ['/v1/time-entries/TE-none/corrections', first.token, { ...entry, minutes: 10 }],
    ['/v1/time-entries/TE-none/lock', firm.adminToken, {}],
    ['/v1/feed/items/none/reactions', first.token, { kind: 'comment', body: 'hi' }],
    ['/v1/feed/items/none/reactions', firm.systemToken, { kind: 'acknowledgement' }],
    ['/v1/feed/items/none/reactions', first.token, { kind: 'like' }],
    ['/v1/feed/reactions/none/withdraw', first.token, {}],
    ['/v1/audit/verify', first.token, {}],
    [
      '/v1/audit/verify',
      firm.adminToken,
      { digest: { seq: 'x', position: '1', link: 'z', at: '' } },
    ],
  ];
  return cases.map(([url, token, body]) => ({
    method: 'POST',
    url,
    headers: json(token),
    payload: JSON.stringify(body),
  }));
}

/** Reads with malformed queries, and paths and methods that lead nowhere. */
function readAndPathAttempts(firm: ServiceFirm): Attempt[] {
  const attempts: Attempt[] = [];
  const get = (url: string, token = firm.adminToken, headers: Record<string, string> = {}) =>
    attempts.push({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
  const q = percentEncoded;
  for (const bad of [
    'after=-1',
    'after=abc',
    'after=99999999999999999999',
    'after=9223372036854775808',
    'after=9999999999999999999',
    'after=1&after=2',
    'limit=0',
    'limit=10001',
    'limit=abc',
    'limit=-5',
    `type=${'t'.repeat(101)}`,
    `${Array.from({ length: 51 }, () => 'type=x').join('&')}`,
    'context=nope',
    `context=${q("ticket/' OR 1=1 --")}&limit=abc`,
    'unknown=1',
    '__proto__[x]=1',
  ]) {
    get(`/v1/events?${bad}`);
  }
  for (const bad of [
    'afterVersion=-1',
    'afterVersion=1e20',
    'afterVersion=99999999999',
    'limit=0',
    'x=1',
  ]) {
    get(`/v1/contexts/ticket/T-1/events?${bad}`);
  }
  for (const bad of ['at=yesterday', 'at=2026-02-30T00:00:00Z', `at=${q("'; DROP TABLE x; --")}`]) {
    get(`/v1/contexts/ticket/T-1/history?${bad}`);
  }
  const engineer = firm.engineers[0]?.token ?? '';
  for (const bad of [
    'since=yesterday',
    'until=2026-13-01T00:00:00Z',
    'limit=0',
    'limit=201',
    'severity=fatal',
    'includeArchived=maybe',
    `cursor=${q("' OR 1=1 --")}`,
    'cursor=eyJ4IjoxfQ',
    `cursor=${'A'.repeat(501)}`,
    `scope=${q('team:<script>')}`,
    `scope=${q("customer:' OR 1=1 --")}`,
    'scope=org&scope=me',
    `actor=${'x'.repeat(201)}`,
    'x=1',
  ]) {
    get(`/v1/feed?${bad}`, engineer);
  }
  get('/v1/feed', firm.systemToken);
  for (const bad of [
    'window=forever',
    `scope=${q("employee:' OR 1=1 --")}`,
    'scope=galaxy:1',
    'asOf=now',
    'version=0',
    'version=99999999999',
    'version=1e20',
    'x=1',
  ]) {
    get(`/v1/kpis/hours_logged?${bad}`);
    get(`/v1/kpis/hours_logged/explain?${bad}`);
  }
  for (const key of HOSTILE_TEXT.slice(0, 12)) get(`/v1/kpis/${q(key)}`);
  get('/v1/kpis/hours_logged?scope=organisation', engineer);
  get('/v1/events', engineer);
  get('/v1/consumers', engineer);
  get('/v1/audit/digest', firm.systemToken);
  for (const id of ['x', "' OR 1=1 --", '00000000-0000-0000-0000-000000000000', 'e'.repeat(101)]) {
    get(`/v1/events/${q(id)}`);
  }
  for (const [type, id] of [
    ['Ticket', 'T-1'],
    ["ticket'", 'T-1'],
    ['t'.repeat(101), 'x'],
  ] as const) {
    get(`/v1/contexts/${q(type)}/${q(id)}/events`);
    get(`/v1/contexts/${q(type)}/${q(id)}/history`);
  }
  for (const [type, version] of [
    ['ticket.created', '0'],
    ['ticket.created', 'one'],
    ['ticket.created', '99999999999999999999'],
    ["x' OR 1=1 --", '1'],
  ] as const) {
    get(`/v1/schemas/${q(type)}/${version}`);
  }
  for (const bad of ['after=abc', 'after=-1', 'after=99999999999999999999', 'x=1']) {
    get(`/v1/events/stream?${bad}`);
  }
  get('/v1/events/stream', firm.adminToken, { 'last-event-id': 'abc' });
  get('/v1/events/stream', engineer);

  // (GET / is the web UI.)
  const paths = [
    '/v1',
    '/v1/',
    '/v2/tickets',
    '/V1/tickets',
    '/v1/tickets/',
    '//v1/tickets',
    '/v1//tickets',
    '/v1/tickets/T-1',
    '/v1/tickets/T-1/status/',
    '/v1/tickets/T-1/STATUS',
    '/v1/./tickets',
    '/v1/../v1/tickets',
    '/v1/%2e%2e/etc/passwd',
    '/v1/tickets/%2e%2e%2f%2e%2e%2fetc%2fpasswd/status',
    '/v1/tickets/%ZZ/status',
    '/v1/tickets/%/status',
    '/v1/tickets/%00/status',
    '/v1/tickets/%c0%ae%c0%ae/status',
    `/v1/tickets/${'x'.repeat(201)}/status`,
    `/v1/tickets/${'x'.repeat(5000)}/status`,
    `/${'a/'.repeat(2000)}`,
    '/v1/tickets/T-1/status?%ZZ',
    '/v1/tickets?x=%ZZ',
    '/etc/passwd',
    '/.env',
    '/.git/config',
    '/admin',
    '/v1/openapi.json/..',
    '/v1/tickets;jsessionid=1',
    '/v1/tickets#frag',
    '/v1/tickets/\u00e9/status',
    '/v1/customers/<script>/archive',
    '/healthz/../metrics/x',
    '/v1/events/stream/x',
  ];
  for (const path of paths) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      attempts.push({
        method,
        url: path,
        headers: json(firm.adminToken),
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
      });
    }
  }
  for (const url of [
    '/v1/tickets',
    '/v1/customers',
    '/v1/time-entries',
    '/v1/tickets/T-1/status',
  ]) {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      attempts.push({ method, url, headers: json(firm.adminToken), payload: '{}' });
    }
  }
  return attempts;
}

/** Why a response is not a clean refusal, or undefined when it is one. */
function unclean(status: number, contentType: string, body: string): string | undefined {
  if (status < 400 || status > 499) return `status ${status}`;
  if (!contentType.startsWith('application/problem+json')) return `content-type ${contentType}`;
  let problem: { code?: unknown; status?: unknown };
  try {
    problem = JSON.parse(body) as { code?: unknown; status?: unknown };
  } catch {
    return 'a body that is not JSON';
  }
  if (typeof problem.code !== 'string' || !/^PET_[A-Z_]+$/.test(problem.code)) {
    return `code ${String(problem.code)}`;
  }
  if (problem.status !== status) return `problem status ${String(problem.status)}`;
  return undefined;
}

/** Requests HTTP parsing itself refuses, before any route: too large, or not HTTP at all. */
const MALFORMED_HTTP = [
  `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  'GARBAGE\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n',
  'GET /he lthz HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
  'POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'POST /v1/customers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
];

/** Sends raw bytes and reads until the server closes: status, content type and body. */
function rawExchange(
  port: number,
  request: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        type: /^content-type: *(.*)$/im.exec(head)?.[1]?.trim() ?? '',
        body,
      });
    });
    socket.end(request, 'latin1');
  });
}

for (const factory of DATABASE_FACTORIES) {
  describe.skipIf(factory.skipReason !== undefined)(
    `Hostile requests on ${factory.dialect}${factory.skipReason ? ` (SKIPPED: ${factory.skipReason})` : ''}`,
    () => {
      let db: TestDatabase;
      let store: EventStore;
      let firm: ServiceFirm;
      let app: ServiceApp;

      beforeAll(async () => {
        db = await factory.create();
        store = db.store;
        firm = await seedServiceFirm(store, { engineers: 2 });
        app = await createService({ store, logger: false });
      });
      afterAll(async () => {
        await app?.close();
        await db?.cleanup();
      });

      it('refuses thousands of malformed, oversized and hostile requests with a coded 4xx, storing nothing', async () => {
        const before = await databaseDigest(store);
        const attempts = [
          ...commandAttempts(firm),
          ...refusedAttempts(firm),
          ...readAndPathAttempts(firm),
        ];
        expect(attempts.length).toBeGreaterThan(2000);

        const failures = new Map<string, string>();
        const check = async (attempt: Attempt) => {
          const response = await app.inject(attempt);
          const why = unclean(
            response.statusCode,
            String(response.headers['content-type'] ?? ''),
            response.body,
          );
          if (why !== undefined) {
            const headers = JSON.stringify(attempt.headers).slice(0, 200);
            const request = `${attempt.method} ${attempt.url.slice(0, 120)} ${headers} ${String(attempt.payload ?? '').slice(0, 160)}`;
            failures.set(request, `${why}: ${response.body.slice(0, 300)}`);
          }
        };
        // Eight at a time, as concurrent clients would send them.
        for (let i = 0; i < attempts.length; i += 8) {
          await Promise.all(attempts.slice(i, i + 8).map(check));
        }
        expect(Object.fromEntries(failures)).toEqual({});
        expect(await databaseDigest(store)).toEqual(before);
      });

      it('answers requests that are not well-formed HTTP with a coded 4xx', async () => {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = app.server.address() as { port: number };
        const failures: Record<string, string> = {};
        for (const request of MALFORMED_HTTP) {
          const response = await rawExchange(port, request);
          const why = unclean(response.status, response.type, response.body);
          if (why !== undefined) failures[request.slice(0, 100)] = `${why}: ${response.body}`;
        }
        expect(failures).toEqual({});
      });

      it('stays healthy and takes a valid command afterwards', async () => {
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
        expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
        const [first] = firm.engineers;
        const response = await app.inject({
          method: 'POST',
          url: '/v1/time-entries',
          headers: json(first?.token ?? ''),
          payload: JSON.stringify({
            id: 'TE-after',
            ticketId: first?.ticketId,
            ...TIME,
            minutes: 30,
            billable: true,
            workType: 'support',
          }),
        });
        expect(response.statusCode).toBe(201);
        expect(response.json<{ events: { event_type: string }[] }>().events).toEqual([
          expect.objectContaining({ event_type: 'time_entry.submitted' }),
        ]);
      });

      it('stores SQL and script fragments in free text verbatim, as text', async () => {
        const before = await databaseDigest(store);
        for (const [n, text] of HOSTILE_TEXT.filter(
          (t) =>
            t.length <= 200 &&
            t.trim().length > 0 &&
            ![...t].some((c) => c < ' ' || (c.length === 1 && c >= '\ud800' && c <= '\udfff')),
        ).entries()) {
          const response = await app.inject({
            method: 'POST',
            url: '/v1/customers',
            headers: json(firm.adminToken),
            payload: JSON.stringify({ id: `C-text-${n}`, name: text }),
          });
          expect(response.statusCode, text).toBe(201);
          const [row] = await store.query<{ name: string }>(
            'SELECT name FROM pet_customers WHERE id = $1',
            [`C-text-${n}`],
          );
          expect(row?.name).toBe(text);
        }
        const after = await databaseDigest(store);
        for (const [table, count] of Object.entries(before.rows)) {
          expect(after.rows[table], table).toBeGreaterThanOrEqual(count);
        }
      });
    },
  );
}
