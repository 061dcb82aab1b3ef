/**
 * Reading the feed: a viewer, a scope and filters; newest first; a page at a time by keyset
 * cursor. Visibility is part of the query itself, so an item the viewer may not see is
 * absent: not in a page, not counted, not behind a cursor (a cursor only ever names an item
 * the viewer was shown).
 *
 * Who sees what (docs/feed.md): admins and executives see everything; managers see their
 * teams' items (teams they manage or lead: items about people while they were members, and
 * about the work those teams were named in) and what everyone sees; everyone else sees items
 * they acted in or are named by, and items about the projects, tickets, quotes, leads and
 * opportunities they acted in or were named in. Commercial items (leads, opportunities,
 * quotes) only reach admin, executive, manager and sales.
 */
import { FeedQueryInvalidError, FeedViewerUnknownError } from '../../events/errors.js';
import { normaliseInstant } from '../../events/instant.js';
import type { EventStore } from '../../store/event-store.js';
import type { SqlValue } from '../../store/sql-access.js';
import { SEVERITIES, type Severity } from './projector.js';

/** What to show, to whom. */
export interface FeedQuery {
  /** The employee looking. */
  readonly viewer: string;
  /**
   * `org` (default), `me` (items the viewer acted in or is named by), or `team:ID`,
   * `customer:ID`, `project:ID`, `ticket:ID`, `quote:ID`, `lead:ID`, `opportunity:ID`,
   * `employee:ID`.
   */
  readonly scope?: string;
  /** Items that occurred at or after this instant. */
  readonly since?: string;
  /** Items that occurred before this instant. */
  readonly until?: string;
  readonly eventTypes?: readonly string[];
  readonly severities?: readonly Severity[];
  /** Items this employee acted in. */
  readonly actor?: string;
  /** Also items of archived contexts (left out by default). */
  readonly includeArchived?: boolean;
  /** Items per page: 1 to 200, default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One item as a viewer sees it. */
export interface FeedItem {
  /** The id of the item's first event: stable across rebuilds of the feed. */
  readonly id: string;
  readonly occurredAt: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly severity: Severity;
  readonly actorId: string | null;
  readonly context: { readonly type: string; readonly id: string };
  readonly headline: string;
  readonly detail: string;
  /** The events the item covers, in log order (more than one for a summary). */
  readonly eventIds: readonly string[];
}

/** A page of the feed. */
export interface FeedPage {
  readonly items: readonly FeedItem[];
  /** Pass as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

export const DEFAULT_FEED_LIMIT = 50;
export const MAX_FEED_LIMIT = 200;

const SCOPE =
  /^(org|me|(team|customer|project|ticket|quote|lead|opportunity|employee):[A-Za-z0-9_-]{1,100})$/;
/** Who sees every item, and who sees commercial items (leads, opportunities, quotes). */
export const ALL_SEEING: ReadonlySet<string> = new Set(['admin', 'executive']);
export const COMMERCIAL_ROLES: ReadonlySet<string> = new Set([
  'admin',
  'executive',
  'manager',
  'sales',
]);

/** Who the viewer is, for visibility. */
export interface Viewer {
  readonly id: string;
  readonly role: string;
}

/** The active employee `id`, with the role that decides what they see. */
export async function viewerOf(store: EventStore, id: string): Promise<Viewer> {
  const [row] = await store.query<{ role: string }>(
    `SELECT role FROM pet_employees WHERE id = $1 AND status = 'active'`,
    [id],
  );
  if (row === undefined) throw new FeedViewerUnknownError(id);
  return { id, role: row.role };
}

/** A SQL condition and its parameters, numbered from `next`. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: SqlValue[] = [];

  /** Adds a condition; `?` marks each parameter, in order. */
  add(text: string, ...values: SqlValue[]): void {
    let i = 0;
    this.parts.push(
      text.replace(/\?/g, () => {
        this.params.push(values[i] ?? null);
        i += 1;
        return `$${this.params.length}`;
      }),
    );
  }

  /** A parameter placeholder for a value used outside `add`. */
  param(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/**
 * The scopes whose items a restricted viewer sees: the viewer's own, the work contexts they
 * are involved with and, for a manager, their teams and the work contexts those were named in.
 * Read first and given to the page's SQL as a list, so both databases plan index lookups.
 */
async function visibleScopeList(store: EventStore, viewer: Viewer): Promise<string[]> {
  const own = `employee:${viewer.id}`;
  const parts = [
    'SELECT CAST($1 AS TEXT) AS scope',
    'SELECT context AS scope FROM pet_rm_feed_involvement WHERE party = $1',
  ];
  if (viewer.role === 'manager') {
    const teams = `SELECT 'team:' || id AS team FROM pet_teams WHERE manager_id = $2
      UNION ALL SELECT 'team:' || team_id AS team FROM pet_team_memberships
        WHERE employee_id = $2 AND role = 'lead' AND left_at IS NULL`;
    parts.push(
      `SELECT team AS scope FROM (${teams}) managed`,
      `SELECT context AS scope FROM pet_rm_feed_involvement WHERE party IN (${teams})`,
    );
  }
  const rows = await store.query<{ scope: string }>(
    parts.join(' UNION '),
    viewer.role === 'manager' ? [own, viewer.id] : [own],
  );
  return rows.map((row) => row.scope);
}

/** `$4, $5, $6`: the scopes as parameters of `where` (a plan the planner can estimate). */
function inList(where: Conditions, values: readonly string[]): string {
  return values.map((value) => where.param(value)).join(', ');
}

/** A page of the feed for a viewer. */
export async function queryFeed(store: EventStore, query: FeedQuery): Promise<FeedPage> {
  const limit = query.limit ?? DEFAULT_FEED_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEED_LIMIT) {
    throw new FeedQueryInvalidError('limit', `must be an integer from 1 to ${MAX_FEED_LIMIT}`);
  }
  const scope = query.scope ?? 'org';
  if (!SCOPE.test(scope)) {
    throw new FeedQueryInvalidError(
      'scope',
      `must be org, me or TYPE:ID (team, customer, project, ticket, quote, lead, opportunity, employee), got ${JSON.stringify(scope)}`,
    );
  }
  const since = checkedInstant('since', query.since);
  const until = checkedInstant('until', query.until);
  for (const severity of query.severities ?? []) {
    if (!SEVERITIES.includes(severity)) {
      throw new FeedQueryInvalidError('severity', `must be one of ${SEVERITIES.join(', ')}`);
    }
  }
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const viewer = await viewerOf(store, query.viewer);
  const requested = scope === 'me' ? `employee:${viewer.id}` : scope;
  const restricted = !ALL_SEEING.has(viewer.role);

  // Walk the requested scope newest first, keeping what the viewer may see; but a restricted
  // viewer's view of the whole organisation is walked from what they may see, the smaller set.
  const plan: Plan = {
    viewer,
    requested,
    query,
    cursor,
    limit,
    since,
    until,
    driveFromVisible: restricted && requested === 'org',
    visible: restricted ? await visibleScopeList(store, viewer) : [],
  };
  let rows: ItemRow[] | undefined;
  if (plan.driveFromVisible) {
    // What a viewer may see is walked whole: first only the last week before the page (the
    // newest items are what a page shows), then four times as far back, and so on; all of it
    // only if those are not a page full.
    const anchor = cursor?.occurredAt ?? until ?? (await newestItem(store));
    for (const window of WINDOWS_MS) {
      if (anchor === undefined) break;
      const horizon = new Date(Date.parse(anchor) - window).toISOString();
      if (since !== undefined && since >= horizon) break;
      rows = await store.query<ItemRow>(...pageSql(plan, horizon));
      if (rows.length > limit) break;
      rows = undefined;
    }
  }
  rows ??= await store.query<ItemRow>(...pageSql(plan));
  const page = rows.slice(0, limit);
  const events = await eventsOf(
    store,
    page.map((row) => row.item_id),
  );
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.item_id,
      occurredAt: row.occurred_at,
      eventType: row.event_type,
      schemaVersion: Number(row.schema_version),
      severity: row.severity,
      actorId: row.actor_id,
      context: { type: row.context_type, id: row.context_id },
      headline: row.headline,
      detail: row.detail,
      eventIds: events.get(row.item_id) ?? [],
    })),
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeCursor({ occurredAt: last.occurred_at, itemId: last.item_id })
        : null,
  };
}

/** How far back from the page's start a restricted viewer's tries look, before all of it. */
const WINDOWS_MS = [7, 28, 112].map((days) => days * 24 * 3_600_000);

interface Plan {
  readonly viewer: Viewer;
  readonly requested: string;
  readonly query: FeedQuery;
  readonly cursor: Cursor | undefined;
  readonly limit: number;
  /** `query.since` and `query.until`, normalised. */
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly driveFromVisible: boolean;
  /** What a restricted viewer may see (empty for those who see everything). */
  readonly visible: readonly string[];
}

/** The newest item's occurred_at, if the feed has any. */
async function newestItem(store: EventStore): Promise<string | undefined> {
  const [row] = await store.query<{ newest: string | null }>(
    `SELECT max(occurred_at) AS newest FROM pet_rm_feed_scopes WHERE scope = 'org'`,
  );
  return row?.newest ?? undefined;
}

/**
 * The SQL of a page (one row more than the limit, to know whether more follow): the page's
 * item ids are found among the scope rows (every condition is checked there, most of them
 * without reading an item), and only the page's items are read.
 */
function pageSql(plan: Plan, horizon?: string): [string, SqlValue[]] {
  const { viewer, requested, query, cursor, limit } = plan;
  const where = new Conditions();
  if (plan.driveFromVisible) {
    where.add(`v.scope IN (${inList(where, plan.visible)})`);
    if (horizon !== undefined) where.add('v.occurred_at >= ?', horizon);
  } else {
    where.add('v.scope = ?', requested);
    if (!ALL_SEEING.has(viewer.role)) {
      const visible = inList(where, plan.visible);
      where.add(
        `EXISTS (SELECT 1 FROM pet_rm_feed_scopes w WHERE w.item_id = v.item_id AND w.scope IN (${visible}))`,
      );
    }
  }
  if (!COMMERCIAL_ROLES.has(viewer.role)) where.add('v.commercial = 0');
  if (!query.includeArchived) {
    where.add(`NOT EXISTS (SELECT 1 FROM pet_rm_feed_scopes a
      JOIN pet_rm_feed_archived x ON x.context = a.scope WHERE a.item_id = v.item_id)`);
  }
  if (plan.since !== undefined) where.add('v.occurred_at >= ?', plan.since);
  if (plan.until !== undefined) where.add('v.occurred_at < ?', plan.until);
  const itemFilters = new Conditions();
  const filter = (column: string, values: readonly string[] | undefined) => {
    if (values !== undefined && values.length > 0) {
      itemFilters.parts.push(`f.${column} IN (${inList(where, values)})`);
    }
  };
  filter('event_type', query.eventTypes);
  filter('severity', query.severities);
  filter('actor_id', query.actor === undefined ? undefined : [query.actor]);
  if (itemFilters.parts.length > 0) {
    where.add(
      `EXISTS (SELECT 1 FROM pet_rm_feed_items f WHERE f.item_id = v.item_id AND ${itemFilters.parts.join(' AND ')})`,
    );
  }
  if (cursor !== undefined) {
    where.add(
      '(v.occurred_at < ? OR (v.occurred_at = ? AND v.item_id < ?))',
      cursor.occurredAt,
      cursor.occurredAt,
      cursor.itemId,
    );
  }
  // Through what a viewer may see, an item can come by several scopes: once is enough.
  const distinct = plan.driveFromVisible ? 'DISTINCT ' : '';
  return [
    `SELECT i.item_id, i.occurred_at, i.event_type, i.schema_version, i.severity, i.actor_id,
        i.context_type, i.context_id, i.headline, i.detail
       FROM (SELECT ${distinct}v.item_id, v.occurred_at FROM pet_rm_feed_scopes v
              WHERE ${where.parts.join(' AND ')}
              ORDER BY v.occurred_at DESC, v.item_id DESC
              LIMIT ${limit + 1}) s
       JOIN pet_rm_feed_items i ON i.item_id = s.item_id
      ORDER BY s.occurred_at DESC, s.item_id DESC`,
    where.params,
  ];
}

interface ItemRow extends Record<string, unknown> {
  item_id: string;
  occurred_at: string;
  event_type: string;
  schema_version: number;
  severity: Severity;
  actor_id: string | null;
  context_type: string;
  context_id: string;
  headline: string;
  detail: string;
}

/** The events of each item, in log order. */
async function eventsOf(
  store: EventStore,
  itemIds: readonly string[],
): Promise<Map<string, string[]>> {
  const events = new Map<string, string[]>();
  if (itemIds.length === 0) return events;
  const rows = await store.query<{ item_id: string; event_id: string }>(
    `SELECT item_id, event_id FROM pet_rm_feed_item_events
      WHERE item_id IN (${itemIds.map((_, i) => `$${i + 1}`).join(', ')})
      ORDER BY item_id, position`,
    itemIds,
  );
  for (const row of rows) {
    const list = events.get(row.item_id) ?? [];
    list.push(row.event_id);
    events.set(row.item_id, list);
  }
  return events;
}

/** Whether the viewer may see the item: the same rules as a query of the whole feed. */
export async function canSee(store: EventStore, viewer: Viewer, itemId: string): Promise<boolean> {
  const where = new Conditions();
  where.add('i.item_id = ?', itemId);
  if (!COMMERCIAL_ROLES.has(viewer.role)) where.add('i.commercial = 0');
  if (!ALL_SEEING.has(viewer.role)) {
    const visible = inList(where, await visibleScopeList(store, viewer));
    where.add(
      `EXISTS (SELECT 1 FROM pet_rm_feed_scopes v WHERE v.item_id = i.item_id AND v.scope IN (${visible}))`,
    );
  }
  const rows = await store.query(
    `SELECT 1 AS seen FROM pet_rm_feed_items i WHERE ${where.parts.join(' AND ')}`,
    where.params,
  );
  return rows.length > 0;
}

/**
 * An instant of the query, normalised (instants compare as text in the read model, in the
 * log's shape).
 */
function checkedInstant(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalised = normaliseInstant(value);
  if (normalised === undefined) {
    throw new FeedQueryInvalidError(
      field,
      `must be an RFC 3339 instant, got ${JSON.stringify(value)}`,
    );
  }
  return normalised;
}

interface Cursor {
  readonly occurredAt: string;
  readonly itemId: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.itemId])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      normaliseInstant(value[0]) === value[0]
    ) {
      return { occurredAt: value[0], itemId: value[1] };
    }
  } catch {
    // reported below
  }
  throw new FeedQueryInvalidError('cursor', 'is not one this feed gave out');
}
