/**
 * The KPI projector (consumer `pet.kpi`): every registered version of every KPI definition,
 * computed from the events alone. Each event a definition reads adds a contribution (its
 * value, in every scope it counts for) and is summed into day buckets; values for any window
 * are read from those (src/pet/kpi/query.ts). Replaying the log from scratch (rebuild,
 * verify) gives the same rows as following it.
 *
 * What the metrics need beyond one event is learned from earlier events and stamped with
 * their positions: the customer and project of tickets, projects, quotes, opportunities and
 * leads (from their creation events); team memberships (from team events, taken at each
 * event's occurred_at); the first start of a duration; whether a context had an earlier
 * event of a kind (`unless_earlier`).
 */
import {
  defineConsumer,
  handlerForEach,
  type HandledEvent,
  type HandlerContext,
} from '../../consumers/consumer.js';
import type { Position } from '../../events/types.js';
import type { SqlAccess } from '../../store/sql-access.js';
import { PET_CONTRACTS } from '../catalogue.js';
import { MembershipHistory, membershipTable } from '../consumers/memberships.js';
import { definitionOf } from './registry.js';
import { sourcesOf, type EventSource, type KpiDefinition, type Part } from './definition.js';

export const KPI_CONSUMER_NAME = 'pet.kpi';

type KpiEvent = HandledEvent<Record<string, unknown>>;

interface Links {
  readonly customer?: string;
  readonly project?: string;
}

interface Mark {
  readonly at: string;
  readonly position: bigint;
}

/** What one run remembers; facts at or before `from` are read back from the read model. */
export interface KpiRunState {
  readonly from: bigint;
  loaded: boolean;
  definitions: KpiDefinition[];
  /** null: known not to exist before this run. */
  readonly links: Map<string, Links | null>;
  readonly memberships: MembershipHistory;
  readonly marks: Map<string, Mark | null>;
}

const BUCKETS = 'pet_rm_kpi_buckets';
const CONTRIBUTIONS = 'pet_rm_kpi_contributions';
const LINKS = 'pet_rm_kpi_links';
const MEMBERSHIPS = 'pet_rm_kpi_memberships';
const MARKS = 'pet_rm_kpi_marks';

const ADD_TO_BUCKET = `INSERT INTO ${BUCKETS}
    (kpi_key, version, part, scope, grp, day, n, total, low, high)
  VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $7)
  ON CONFLICT (kpi_key, version, scope, part, grp, day) DO UPDATE SET
    n = ${BUCKETS}.n + 1, total = ${BUCKETS}.total + excluded.total,
    low = CASE WHEN excluded.low < ${BUCKETS}.low THEN excluded.low ELSE ${BUCKETS}.low END,
    high = CASE WHEN excluded.high > ${BUCKETS}.high THEN excluded.high ELSE ${BUCKETS}.high END`;
const ADD_CONTRIBUTION = `INSERT INTO ${CONTRIBUTIONS}
    (kpi_key, version, part, scope, grp, event_id, occurred_at, value)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const SET_LINKS = `INSERT INTO ${LINKS} (context, customer_id, project_id) VALUES ($1, $2, $3)
  ON CONFLICT (context) DO NOTHING`;
const SET_MARK = `INSERT INTO ${MARKS} (mark, at, position) VALUES ($1, $2, $3)
  ON CONFLICT (mark) DO NOTHING`;

/** Context types whose creation event names their customer (and project). */
const CREATIONS: Readonly<Record<string, string>> = {
  'ticket.created': 'ticket',
  'project.created': 'project',
  'quote.created': 'quote',
  'opportunity.created': 'opportunity',
  'lead.created': 'lead',
};

async function load(state: KpiRunState, sql: SqlAccess): Promise<void> {
  if (state.loaded) return;
  state.loaded = true;
  const rows = await sql.query<{ document: unknown }>(
    'SELECT document FROM pet_kpi_definitions ORDER BY kpi_key, version',
  );
  state.definitions = rows.map((row) => definitionOf(row.document));
}

/**
 * Where a context belongs: learned in this run, or (for a context created before the run)
 * read back from the read model once.
 */
async function linksOf(state: KpiRunState, sql: SqlAccess, context: string): Promise<Links> {
  let found = state.links.get(context);
  if (found === undefined) {
    found = null;
    if (state.from > 0n) {
      const [row] = await sql.query<{ customer_id: string | null; project_id: string | null }>(
        `SELECT customer_id, project_id FROM ${LINKS} WHERE context = $1`,
        [context],
      );
      if (row !== undefined) {
        found = {
          ...(row.customer_id === null ? {} : { customer: row.customer_id }),
          ...(row.project_id === null ? {} : { project: row.project_id }),
        };
      }
    }
    state.links.set(context, found);
  }
  return found ?? {};
}

/** A mark set before this event (a replayed batch does not see its own later marks). */
async function markBefore(
  state: KpiRunState,
  sql: SqlAccess,
  mark: string,
  position: bigint,
): Promise<Mark | undefined> {
  let found = state.marks.get(mark);
  if (found === undefined) {
    found = null;
    if (state.from > 0n) {
      const [row] = await sql.query<{ at: string; position: string | number }>(
        `SELECT at, position FROM ${MARKS} WHERE mark = $1`,
        [mark],
      );
      if (row !== undefined) found = { at: row.at, position: BigInt(row.position) };
    }
    state.marks.set(mark, found);
  }
  return found !== null && found.position < position ? found : undefined;
}

/** Sets a mark unless an earlier event set it; true if this event set it. */
async function setMark(
  state: KpiRunState,
  sql: SqlAccess,
  defer: HandlerContext['defer'],
  mark: string,
  event: KpiEvent,
): Promise<boolean> {
  if ((await markBefore(state, sql, mark, event.position)) !== undefined) return false;
  state.marks.set(mark, { at: event.occurredAt, position: event.position });
  defer(SET_MARK, [mark, event.occurredAt, event.position]);
  return true;
}

function matches(
  source: { type: string; versions: readonly number[]; where?: Readonly<Record<string, unknown>> },
  event: KpiEvent,
): boolean {
  if (source.type !== event.eventType || !source.versions.includes(event.schemaVersion)) {
    return false;
  }
  for (const [field, expected] of Object.entries(source.where ?? {})) {
    const actual = event.payload[field];
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (!allowed.includes(actual)) return false;
  }
  return true;
}

function valueOf(source: EventSource, event: KpiEvent): number | undefined {
  if (source.value === undefined) return 1;
  const value = event.payload[source.value];
  if (typeof value !== 'number') return undefined;
  const minus = source.minus === undefined ? 0 : event.payload[source.minus];
  return typeof minus === 'number' ? value - minus : undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The scopes an event counts in for a definition. */
async function scopesFor(
  definition: KpiDefinition,
  event: KpiEvent,
  state: KpiRunState,
  sql: SqlAccess,
): Promise<string[]> {
  const { payload, context } = event;
  const ticketId = text(payload.ticket_id);
  const projectId = text(payload.project_id);
  const own = await linksOf(state, sql, `${context.type}:${context.id}`);
  const viaTicket = ticketId === undefined ? {} : await linksOf(state, sql, `ticket:${ticketId}`);
  const viaProject =
    projectId === undefined ? {} : await linksOf(state, sql, `project:${projectId}`);
  const customer =
    text(payload.customer_id) ?? own.customer ?? viaTicket.customer ?? viaProject.customer;
  const project =
    text(payload.project_id) ??
    (context.type === 'project' ? context.id : undefined) ??
    own.project ??
    viaTicket.project;
  const attribution = definition.employee;
  const employee =
    attribution === 'actor' || (attribution === undefined && payload.employee_id === undefined)
      ? event.actorEmployeeId
      : (text(payload[attribution ?? 'employee_id']) ?? null);
  const scopes: string[] = [];
  for (const kind of definition.scopes) {
    if (kind === 'organisation') scopes.push('organisation');
    if (kind === 'employee' && employee !== null) scopes.push(`employee:${employee}`);
    if (kind === 'customer' && customer !== undefined) scopes.push(`customer:${customer}`);
    if (kind === 'project' && project !== undefined) scopes.push(`project:${project}`);
    if (kind === 'team' && employee !== null) {
      for (const team of await state.memberships.teamsAt(employee, event, sql)) {
        scopes.push(`team:${team}`);
      }
    }
  }
  return scopes;
}

async function project(event: KpiEvent, context: HandlerContext<KpiRunState>): Promise<void> {
  const { sql, defer, state } = context;
  await load(state, sql);
  const created = CREATIONS[event.eventType];
  if (created !== undefined) {
    const customer = text(event.payload.customer_id);
    const projectId = created === 'project' ? event.context.id : text(event.payload.project_id);
    const links: Links = {
      ...(customer === undefined ? {} : { customer }),
      ...(projectId === undefined ? {} : { project: projectId }),
    };
    state.links.set(`${created}:${event.context.id}`, links);
    defer(SET_LINKS, [
      `${created}:${event.context.id}`,
      links.customer ?? null,
      links.project ?? null,
    ]);
  }
  await state.memberships.record(event, sql, defer);
  const contextKey = `${event.context.type}:${event.context.id}`;
  for (const definition of state.definitions) {
    const id = `${definition.key}|${definition.version}`;
    for (const [index, { part, source }] of sourcesOf(definition.metric).entries()) {
      // An earlier event of the kind a source excludes marks the context.
      if (source.unless_earlier !== undefined && matches(source.unless_earlier, event)) {
        await setMark(state, sql, defer, `unless|${id}|${index}|${contextKey}`, event);
      }
      if (!matches(source, event)) continue;
      if (
        source.unless_earlier !== undefined &&
        (await markBefore(state, sql, `unless|${id}|${index}|${contextKey}`, event.position)) !==
          undefined
      ) {
        continue;
      }
      let value = valueOf(source, event);
      if (part === 'start') {
        await setMark(state, sql, defer, `start|${id}|${contextKey}`, event);
        continue;
      }
      if (definition.metric.aggregate === 'duration') {
        const start = await markBefore(state, sql, `start|${id}|${contextKey}`, event.position);
        if (
          start === undefined ||
          !(await setMark(state, sql, defer, `end|${id}|${contextKey}`, event))
        )
          continue;
        value = (Date.parse(event.occurredAt) - Date.parse(start.at)) / 60_000;
      }
      if (value === undefined) continue;
      await contribute(definition, part, value, event, state, sql, defer);
    }
  }
}

async function contribute(
  definition: KpiDefinition,
  part: Part,
  value: number,
  event: KpiEvent,
  state: KpiRunState,
  sql: SqlAccess,
  defer: HandlerContext['defer'],
): Promise<void> {
  const grouped = definition.group_by === undefined ? '' : event.payload[definition.group_by];
  const group =
    typeof grouped === 'string' || typeof grouped === 'number' || typeof grouped === 'boolean'
      ? String(grouped)
      : '';
  const day = event.occurredAt.slice(0, 10);
  for (const scope of await scopesFor(definition, event, state, sql)) {
    const key = [definition.key, definition.version, part, scope, group];
    defer(ADD_TO_BUCKET, [...key, day, value]);
    defer(ADD_CONTRIBUTION, [...key, event.id, event.occurredAt, value]);
  }
}

/** The KPI projector (consumer `pet.kpi`). */
export const kpiProjector = defineConsumer({
  name: KPI_CONSUMER_NAME,
  kind: 'projection',
  contracts: PET_CONTRACTS,
  runState: (from: Position): KpiRunState => ({
    from,
    loaded: false,
    definitions: [],
    links: new Map(),
    memberships: new MembershipHistory(MEMBERSHIPS, from),
    marks: new Map(),
  }),
  handlers: handlerForEach(PET_CONTRACTS, project),
  readModel: {
    tables: [
      {
        name: BUCKETS,
        columns: `kpi_key TEXT NOT NULL, version INTEGER NOT NULL, part TEXT NOT NULL,
          scope TEXT NOT NULL, grp TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,
          total DOUBLE PRECISION NOT NULL, low DOUBLE PRECISION NOT NULL,
          high DOUBLE PRECISION NOT NULL,
          PRIMARY KEY (kpi_key, version, scope, part, grp, day)`,
        // Scope before part: a value reads one scope's buckets of every part.
        key: ['kpi_key', 'version', 'scope', 'part', 'grp', 'day'],
      },
      {
        name: CONTRIBUTIONS,
        columns: `kpi_key TEXT NOT NULL, version INTEGER NOT NULL, part TEXT NOT NULL,
          scope TEXT NOT NULL, grp TEXT NOT NULL, event_id TEXT NOT NULL,
          occurred_at TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
          PRIMARY KEY (kpi_key, version, part, scope, grp, event_id)`,
        key: ['kpi_key', 'version', 'part', 'scope', 'grp', 'event_id'],
        indexes: [['kpi_key', 'version', 'scope', 'occurred_at']],
      },
      {
        name: LINKS,
        columns: `context TEXT PRIMARY KEY, customer_id TEXT, project_id TEXT`,
        key: ['context'],
      },
      membershipTable(MEMBERSHIPS),
      {
        name: MARKS,
        columns: `mark TEXT PRIMARY KEY, at TEXT NOT NULL, position BIGINT NOT NULL`,
        key: ['mark'],
      },
    ],
  },
});
