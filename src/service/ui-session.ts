/**
 * What the web UI asks about its viewer: who the token stands for, and the scopes worth
 * offering in its pickers (`GET /v1/ui/session`); and, for auditors, contexts found by id or
 * name (`GET /v1/ui/contexts`). Suggestions only ever name what the viewer could see anyway:
 * an admin or executive every team, customer and project; anyone else their own teams and the
 * customers and projects of the work they took part in (docs/feed.md). The reads themselves
 * still decide visibility: a scope typed by hand shows no more than the feed allows.
 */
import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../events/errors.js';
import { PET_CONTRACTS } from '../pet/catalogue.js';
import { isCommercial } from '../pet/feed/projector.js';
import { ALL_SEEING, COMMERCIAL_ROLES } from '../pet/feed/query.js';
import type { EventStore } from '../store/event-store.js';
import type { ServiceApp, ServiceContext } from './app.js';
import { AUDITORS, KPI_READERS } from './reads.js';
import { problems } from './schemas.js';
import type { Caller } from './tokens.js';

const SUGGESTIONS = 200;
const SEARCH_RESULTS = 20;

const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Session = Type.Object({
  kind: Type.Union([Type.Literal('employee'), Type.Literal('system')]),
  id: Type.String({ description: 'the employee id, or the system name' }),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  abilities: Type.Object({
    feed: Type.Boolean({ description: 'an employee: has a feed' }),
    kpisOfAnyScope: Type.Boolean({ description: 'else only their own, employee:ID' }),
    audit: Type.Boolean(),
  }),
  scopes: Type.Object({
    teams: Type.Array(Named),
    customers: Type.Array(Named),
    projects: Type.Array(Named),
  }),
  eventTypes: Type.Array(Type.String(), {
    description: 'the event types whose items the viewer may see',
  }),
});

/** Registers `GET /v1/ui/session` and `GET /v1/ui/contexts`. */
export function uiSessionRoutes(app: ServiceApp, { store }: ServiceContext): void {
  app.get(
    '/v1/ui/session',
    {
      schema: {
        summary: 'Who the token stands for, and the feed scopes worth offering them',
        tags: ['ui'],
        response: { 200: Session, ...problems(401) },
      },
    },
    async (request) => sessionOf(store, request.caller),
  );

  app.get(
    '/v1/ui/contexts',
    {
      schema: {
        summary: 'Contexts whose id starts with, or whose name contains, the text',
        description: 'For the audit search. Roles: admin, auditor.',
        tags: ['ui'],
        querystring: Type.Object(
          { q: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            contexts: Type.Array(
              Type.Object({
                type: Type.String(),
                id: Type.String(),
                name: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      const roles = request.caller?.roles;
      if (roles === undefined || !(roles.has('admin') || roles.has('auditor'))) {
        throw new NotFoundError('the context search');
      }
      return { contexts: await searchContexts(store, request.query.q) };
    },
  );
}

type Named = { id: string; name: string };

async function sessionOf(store: EventStore, caller: Caller | null) {
  if (caller === null) throw new NotFoundError('the session');
  const roles = [...caller.roles].sort();
  const abilities = {
    feed: caller.principal.kind === 'employee',
    kpisOfAnyScope: KPI_READERS.some((role) => caller.roles.has(role)),
    audit: AUDITORS.some((role) => caller.roles.has(role)),
  };
  const none = { teams: [], customers: [], projects: [] };
  if (caller.principal.kind !== 'employee') {
    const name = caller.principal.name;
    return {
      kind: 'system' as const,
      id: name,
      name,
      roles,
      abilities,
      scopes: none,
      eventTypes: [],
    };
  }
  const id = caller.principal.employeeId;
  const [row] = await store.query<{ name: string; role: string }>(
    'SELECT name, role FROM pet_employees WHERE id = $1',
    [id],
  );
  const role = row?.role ?? '';
  const eventTypes = [...new Set(PET_CONTRACTS.map((c) => c.eventType))]
    .filter((type) => COMMERCIAL_ROLES.has(role) || !isCommercial(type))
    .sort();
  const scopes = ALL_SEEING.has(role) ? await everything(store) : await involved(store, id, role);
  return {
    kind: 'employee' as const,
    id,
    name: row?.name ?? id,
    roles,
    abilities,
    scopes,
    eventTypes,
  };
}

async function everything(store: EventStore) {
  const limit = `ORDER BY name, id LIMIT ${SUGGESTIONS}`;
  return {
    teams: await store.query<Named>(`SELECT id, name FROM pet_teams ${limit}`),
    customers: await store.query<Named>(`SELECT id, name FROM pet_customers ${limit}`),
    projects: await store.query<Named>(`SELECT id, name FROM pet_projects ${limit}`),
  };
}

/**
 * A restricted viewer's teams (those they are in, and for a manager those they manage or
 * lead), and the projects and customers of the work contexts they, or for a manager their
 * teams, took part in: scopes whose items they see.
 */
async function involved(store: EventStore, id: string, role: string) {
  const teams = await store.query<Named>(
    `SELECT id, name FROM pet_teams WHERE manager_id = $1
        OR id IN (SELECT team_id FROM pet_team_memberships WHERE employee_id = $1 AND left_at IS NULL)
      ORDER BY name, id LIMIT ${SUGGESTIONS}`,
    [id],
  );
  const managed =
    role === 'manager'
      ? `UNION SELECT 'team:' || id FROM pet_teams WHERE manager_id = $1
         UNION SELECT 'team:' || team_id FROM pet_team_memberships
           WHERE employee_id = $1 AND role = 'lead' AND left_at IS NULL`
      : '';
  const commercial = COMMERCIAL_ROLES.has(role)
    ? `UNION SELECT q.customer_id FROM pet_quotes q JOIN work w ON w.context = 'quote:' || q.id
       UNION SELECT o.customer_id FROM pet_opportunities o
         JOIN work w ON w.context = 'opportunity:' || o.id`
    : '';
  const work = `WITH parties AS (SELECT CAST('employee:' || $1 AS TEXT) AS party ${managed}),
    work AS (SELECT DISTINCT context FROM pet_rm_feed_involvement
              WHERE party IN (SELECT party FROM parties))`;
  const projects = await store.query<Named>(
    `${work}
     SELECT p.id, p.name FROM pet_projects p
      WHERE 'project:' || p.id IN (SELECT context FROM work)
         OR p.id IN (SELECT t.project_id FROM pet_tickets t JOIN work w ON w.context = 'ticket:' || t.id)
      ORDER BY p.name, p.id LIMIT ${SUGGESTIONS}`,
    [id],
  );
  const customers = await store.query<Named>(
    `${work}
     SELECT c.id, c.name FROM pet_customers c WHERE c.id IN (
       SELECT t.customer_id FROM pet_tickets t JOIN work w ON w.context = 'ticket:' || t.id
       UNION SELECT p.customer_id FROM pet_projects p JOIN work w ON w.context = 'project:' || p.id
       ${commercial})
      ORDER BY c.name, c.id LIMIT ${SUGGESTIONS}`,
    [id],
  );
  return { teams, customers, projects };
}

/** Contexts by id prefix (any type) or by the name of a customer, employee, team … */
async function searchContexts(store: EventStore, text: string) {
  const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const named = (type: string, table: string, column: string) =>
    `SELECT '${type}' AS type, id, ${column} AS name FROM ${table}
      WHERE lower(${column}) LIKE $1 ESCAPE '\\' OR id LIKE $2 ESCAPE '\\'`;
  const rows = await store.query<{ type: string; id: string; name: string | null }>(
    `SELECT type, id, name FROM (
       ${named('customer', 'pet_customers', 'name')}
       UNION ALL ${named('employee', 'pet_employees', 'name')}
       UNION ALL ${named('team', 'pet_teams', 'name')}
       UNION ALL ${named('project', 'pet_projects', 'name')}
       UNION ALL ${named('ticket', 'pet_tickets', 'subject')}
       UNION ALL ${named('lead', 'pet_leads', 'subject')}
       UNION ALL SELECT context_type AS type, context_id AS id, CAST(NULL AS TEXT) AS name
         FROM contexts WHERE context_id LIKE $2 ESCAPE '\\'
           AND context_type NOT IN ('customer', 'employee', 'team', 'project', 'ticket', 'lead')
     ) found ORDER BY type, id LIMIT ${SEARCH_RESULTS}`,
    [like, prefix],
  );
  return rows;
}
