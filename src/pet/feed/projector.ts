/**
 * The activity feed's projector: each domain event becomes a feed item (or joins the day's
 * summary of its kind), with a severity, plain-text headline and detail, and its scopes.
 *
 * Everything an item says is a function of the log up to its event: names come from rows no
 * command changes (see names.ts), and team memberships from team events earlier in the log,
 * taken at the event's occurred_at. A rebuild gives byte-identical items.
 */
import {
  defineConsumer,
  handlerForEach,
  type HandledEvent,
  type HandlerContext,
} from '../../consumers/consumer.js';
import type { Position } from '../../events/types.js';
import { REFERENCE_KEYWORD } from '../../registry/contract.js';
import type { SqlAccess } from '../../store/sql-access.js';
import { count, duration } from '../format.js';
import { NameBook, type Names } from './names.js';
import { PET_CONTRACTS } from '../catalogue.js';
import { MembershipHistory, membershipTable } from '../consumers/memberships.js';
import { RENDERERS, type Renderer, type Rendering } from './render.js';

export const FEED_CONSUMER_NAME = 'pet.feed';

/** How much an item matters. */
export type Severity = 'info' | 'attention' | 'risk' | 'breach' | 'commercial';
export const SEVERITIES = [
  'info',
  'attention',
  'risk',
  'breach',
  'commercial',
] as const satisfies readonly Severity[];

/** SLA breach, SLA warning, escalation, quotes and opportunities; everything else is info. */
export function severityOf(eventType: string): Severity {
  if (eventType === 'sla.breached') return 'breach';
  if (eventType === 'sla.warning') return 'risk';
  if (eventType === 'ticket.escalated') return 'attention';
  if (eventType.startsWith('quote.') || eventType.startsWith('opportunity.')) return 'commercial';
  return 'info';
}

/** Leads, opportunities and quotes: seen only by admin, executive, manager and sales. */
export function isCommercial(eventType: string): boolean {
  return /^(lead|opportunity|quote)\./.test(eventType);
}

/** Context types that are scopes of an item. */
const SCOPED = new Set([
  'employee',
  'team',
  'customer',
  'project',
  'ticket',
  'quote',
  'lead',
  'opportunity',
]);
/**
 * Contexts whose parties (the people who acted in or were named by an item about them, and
 * the teams such an item names) see all items about them: "contexts they are involved with".
 */
export const WORK_CONTEXTS = new Set(['project', 'ticket', 'quote', 'lead', 'opportunity']);

/** One event of a summarised item. */
interface Member {
  readonly eventId: string;
  readonly position: bigint;
  readonly occurredAt: string;
  readonly line: string;
  readonly minutes: number | null;
}

interface Group {
  readonly itemId: string;
  readonly members: Member[];
}

/** What one run of the projector remembers between events. */
export interface FeedRunState {
  /** Facts at or before it are only in the read model; after it, also here. */
  readonly from: bigint;
  readonly names: NameBook;
  readonly memberships: MembershipHistory;
  readonly groups: Map<string, Group>;
  /**
   * Rows this run wrote that later events would only write again (a summary's scopes, who
   * is involved where), by the position of the event that wrote them.
   */
  readonly written: Map<string, bigint>;
}

/**
 * Whether the row `key` is to be written for the event at `position`: not if an earlier
 * event of this run wrote it. A batch handled again (after a failed write rolled it back)
 * writes it again, since its events are not earlier than themselves.
 */
function firstWrite(state: FeedRunState, key: string, position: bigint): boolean {
  const by = state.written.get(key);
  if (by !== undefined && by < position) return false;
  state.written.set(key, position);
  return true;
}

const ITEMS = 'pet_rm_feed_items';
const ITEM_EVENTS = 'pet_rm_feed_item_events';
const SCOPES = 'pet_rm_feed_scopes';
const INVOLVEMENT = 'pet_rm_feed_involvement';
const ARCHIVED = 'pet_rm_feed_archived';
const MEMBERSHIPS = 'pet_rm_feed_memberships';

const UPSERT_ITEM = `INSERT INTO ${ITEMS} (item_id, group_key, occurred_at, last_position,
    event_type, schema_version, severity, commercial, actor_id, context_type, context_id,
    headline, detail, event_count)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  ON CONFLICT (item_id) DO UPDATE SET occurred_at = excluded.occurred_at,
    last_position = excluded.last_position, headline = excluded.headline,
    detail = excluded.detail, event_count = excluded.event_count`;
const INSERT_ITEM_EVENT = `INSERT INTO ${ITEM_EVENTS} (item_id, event_id, position, occurred_at,
    line, minutes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item_id, event_id) DO NOTHING`;
const INSERT_SCOPE = `INSERT INTO ${SCOPES} (scope, item_id, occurred_at, commercial)
  VALUES ($1, $2, $3, $4) ON CONFLICT (item_id, scope) DO NOTHING`;
const MOVE_SCOPES = `UPDATE ${SCOPES} SET occurred_at = $2 WHERE item_id = $1`;
const INSERT_INVOLVEMENT = `INSERT INTO ${INVOLVEMENT} (party, context) VALUES ($1, $2)
  ON CONFLICT (party, context) DO NOTHING`;
const INSERT_ARCHIVED = `INSERT INTO ${ARCHIVED} (context, archived_at, position) VALUES ($1, $2, $3)
  ON CONFLICT (context) DO NOTHING`;

/** The events that a day's batch of the same kind, actor and target summarises. */
const SUMMARISED = new Set(['time_entry.submitted', 'time_entry.locked']);

type FeedEvent = HandledEvent<Record<string, unknown>>;

/** Declared references of each version: `[field, context type]`. */
const REFERENCES = new Map(
  PET_CONTRACTS.map((contract) => [
    `${contract.eventType}@${contract.schemaVersion}`,
    Object.entries(contract.schema.properties as Record<string, Record<string, unknown>>).flatMap(
      ([field, schema]) => {
        const type = schema[REFERENCE_KEYWORD];
        return typeof type === 'string' ? [[field, type] as const] : [];
      },
    ),
  ]),
);

async function project(event: FeedEvent, context: HandlerContext<FeedRunState>): Promise<void> {
  const { sql, defer, state } = context;
  const names = state.names.on(sql);
  const key = `${event.eventType}@${event.schemaVersion}`;
  const render = (RENDERERS as unknown as Record<string, Renderer<Record<string, unknown>>>)[key];
  if (render === undefined) throw new Error(`the feed has no renderer for ${key}`);
  const actor =
    event.actorEmployeeId === null ? 'System' : await names.employee(event.actorEmployeeId);
  const single = await render(event, names, actor);

  await state.memberships.record(event, sql, defer);
  if (event.eventType.endsWith('.archived')) {
    defer(INSERT_ARCHIVED, [
      `${event.context.type}:${event.context.id}`,
      event.occurredAt,
      event.position,
    ]);
  }

  const { scopes, parties } = await scopesOf(event, names, state, sql);
  const groupKey = SUMMARISED.has(event.eventType) ? await groupKeyOf(event, names) : null;
  let item: { id: string; occurredAt: string; position: bigint; count: number } = {
    id: event.id,
    occurredAt: event.occurredAt,
    position: event.position,
    count: 1,
  };
  let text: Rendering = single;
  let moved = false;
  if (groupKey !== null) {
    const group = await groupOf(groupKey, event, state, sql);
    const member: Member = {
      eventId: event.id,
      position: event.position,
      occurredAt: event.occurredAt,
      line: single.detail,
      minutes: typeof event.payload.minutes === 'number' ? event.payload.minutes : null,
    };
    // A batch handled again meets its own members: only those before this event count.
    const members = [...group.members.filter((m) => m.position < event.position), member];
    if (!group.members.some((m) => m.eventId === event.id)) group.members.push(member);
    const latest = members.reduce((a, b) => (b.occurredAt > a.occurredAt ? b : a));
    moved = members.length > 1 && latest === member;
    item = {
      id: group.itemId,
      occurredAt: latest.occurredAt,
      position: event.position,
      count: members.length,
    };
    if (members.length > 1) text = await summary(event, members, names, actor);
  }

  const commercial = isCommercial(event.eventType) ? 1 : 0;
  defer(UPSERT_ITEM, [
    item.id,
    groupKey,
    item.occurredAt,
    item.position,
    event.eventType,
    event.schemaVersion,
    severityOf(event.eventType),
    commercial,
    event.actorEmployeeId,
    event.context.type,
    event.context.id,
    text.headline,
    text.detail,
    item.count,
  ]);
  defer(INSERT_ITEM_EVENT, [
    item.id,
    event.id,
    event.position,
    event.occurredAt,
    single.detail,
    typeof event.payload.minutes === 'number' ? event.payload.minutes : null,
  ]);
  for (const scope of scopes) {
    if (groupKey === null || firstWrite(state, `${item.id} ${scope}`, event.position)) {
      defer(INSERT_SCOPE, [scope, item.id, item.occurredAt, commercial]);
    }
  }
  if (moved) defer(MOVE_SCOPES, [item.id, item.occurredAt]);
  for (const party of parties) {
    for (const scope of scopes) {
      if (
        WORK_CONTEXTS.has(scope.slice(0, scope.indexOf(':'))) &&
        firstWrite(state, `${party} ${scope}`, event.position)
      ) {
        defer(INSERT_INVOLVEMENT, [party, scope]);
      }
    }
  }
}

/**
 * An item's scopes: the organisation; its context and the contexts it references; their
 * customer and project; the actor and the employees it names, and the teams those people
 * belonged to at the event's occurred_at.
 */
async function scopesOf(
  event: FeedEvent,
  names: Names,
  state: FeedRunState,
  sql: SqlAccess,
): Promise<{ scopes: Set<string>; parties: Set<string> }> {
  const scopes = new Set(['org']);
  const people = new Set<string>();
  // Who took part: the people, and the teams the event itself names (a ticket assigned to a
  // team); not the teams people belong to.
  const parties = new Set<string>();
  const contexts = [event.context];
  for (const [field, type] of REFERENCES.get(`${event.eventType}@${event.schemaVersion}`) ?? []) {
    const id = event.payload[field];
    if (typeof id === 'string') contexts.push({ type, id });
  }
  if (event.actorEmployeeId !== null) people.add(event.actorEmployeeId);
  for (const context of contexts) {
    if (context.type === 'employee') people.add(context.id);
    if (context.type === 'team') parties.add(`team:${context.id}`);
    if (SCOPED.has(context.type)) scopes.add(`${context.type}:${context.id}`);
    if (
      ['project', 'ticket', 'quote', 'lead', 'opportunity', 'time_entry'].includes(context.type)
    ) {
      const links = await names.links(context);
      if (links.customer !== undefined) scopes.add(`customer:${links.customer}`);
      if (links.project !== undefined) scopes.add(`project:${links.project}`);
      if (links.ticket !== undefined) scopes.add(`ticket:${links.ticket}`);
      if (links.employee !== undefined) people.add(links.employee);
    }
  }
  for (const person of people) {
    scopes.add(`employee:${person}`);
    parties.add(`employee:${person}`);
    for (const team of await state.memberships.teamsAt(person, event, sql)) {
      scopes.add(`team:${team}`);
    }
  }
  return { scopes, parties };
}

/** `time_entry.submitted|actor|project:…|2026-11-20`: what a day's summary gathers. */
async function groupKeyOf(event: FeedEvent, names: Names): Promise<string> {
  const { payload } = event;
  const target =
    event.eventType === 'time_entry.locked'
      ? `employee:${await names.entryEmployee(event.context.id)}`
      : typeof payload.ticket_id === 'string'
        ? `ticket:${payload.ticket_id}`
        : typeof payload.project_id === 'string'
          ? `project:${payload.project_id}`
          : 'internal';
  return [
    event.eventType,
    event.actorEmployeeId ?? 'system',
    target,
    event.occurredAt.slice(0, 10),
  ].join('|');
}

/** The summary a group of the same kind of event is, once it has more than one. */
async function summary(
  event: FeedEvent,
  members: readonly Member[],
  names: Names,
  actor: string,
): Promise<Rendering> {
  const lines = [...members].sort((a, b) => (a.position < b.position ? -1 : 1));
  const entries = count(members.length, 'time entry', 'time entries');
  if (event.eventType === 'time_entry.locked') {
    return {
      headline: `${actor} locked ${entries} of ${await names.employee(await names.entryEmployee(event.context.id))}`,
      detail: '',
    };
  }
  const minutes = members.reduce((sum, m) => sum + (m.minutes ?? 0), 0);
  return {
    headline: `${actor} logged ${entries} on ${await names.workTarget(event.payload)}, ${duration(minutes)} in all`,
    detail: lines.map((m) => m.line).join('\n'),
  };
}

/** The group of `key`: remembered, or read from the read model, or new with this event. */
async function groupOf(
  key: string,
  event: FeedEvent,
  state: FeedRunState,
  sql: SqlAccess,
): Promise<Group> {
  let group = state.groups.get(key);
  if (group === undefined) {
    group = { itemId: event.id, members: [] };
    if (state.from > 0n) {
      const [found] = await sql.query<{ item_id: string }>(
        `SELECT item_id FROM ${ITEMS} WHERE group_key = $1`,
        [key],
      );
      if (found !== undefined) {
        const rows = await sql.query<{
          event_id: string;
          position: string | number;
          occurred_at: string;
          line: string;
          minutes: number | null;
        }>(
          `SELECT event_id, position, occurred_at, line, minutes FROM ${ITEM_EVENTS}
             WHERE item_id = $1`,
          [found.item_id],
        );
        group = {
          itemId: found.item_id,
          members: rows.map((row) => ({
            eventId: row.event_id,
            position: BigInt(row.position),
            occurredAt: row.occurred_at,
            line: row.line,
            minutes: row.minutes === null ? null : Number(row.minutes),
          })),
        };
      }
    }
    state.groups.set(key, group);
  }
  return group;
}

/** The activity feed projector (consumer `pet.feed`). */
export const feedProjector = defineConsumer({
  name: FEED_CONSUMER_NAME,
  kind: 'projection',
  contracts: PET_CONTRACTS,
  runState: (from: Position): FeedRunState => ({
    from,
    names: new NameBook(),
    memberships: new MembershipHistory(MEMBERSHIPS, from),
    groups: new Map(),
    written: new Map(),
  }),
  handlers: handlerForEach(PET_CONTRACTS, project),
  readModel: {
    tables: [
      {
        name: ITEMS,
        columns: `item_id TEXT PRIMARY KEY, group_key TEXT UNIQUE, occurred_at TEXT NOT NULL,
          last_position BIGINT NOT NULL, event_type TEXT NOT NULL, schema_version INTEGER NOT NULL,
          severity TEXT NOT NULL, commercial INTEGER NOT NULL, actor_id TEXT,
          context_type TEXT NOT NULL, context_id TEXT NOT NULL, headline TEXT NOT NULL,
          detail TEXT NOT NULL, event_count INTEGER NOT NULL`,
        key: ['item_id'],
      },
      {
        name: ITEM_EVENTS,
        columns: `item_id TEXT NOT NULL, event_id TEXT NOT NULL, position BIGINT NOT NULL,
          occurred_at TEXT NOT NULL, line TEXT NOT NULL, minutes INTEGER, PRIMARY KEY (item_id, event_id)`,
        key: ['item_id', 'event_id'],
      },
      {
        name: SCOPES,
        // `commercial` repeats the item's, so a restricted viewer's page is found among scopes.
        columns: `scope TEXT NOT NULL, item_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
          commercial INTEGER NOT NULL, PRIMARY KEY (item_id, scope)`,
        key: ['item_id', 'scope'],
        indexes: [['scope', 'occurred_at', 'item_id']],
      },
      {
        name: INVOLVEMENT,
        columns: `party TEXT NOT NULL, context TEXT NOT NULL, PRIMARY KEY (party, context)`,
        key: ['party', 'context'],
      },
      {
        name: ARCHIVED,
        columns: `context TEXT PRIMARY KEY, archived_at TEXT NOT NULL, position BIGINT NOT NULL`,
        key: ['context'],
      },
      membershipTable(MEMBERSHIPS),
    ],
  },
});
