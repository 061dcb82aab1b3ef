/**
 * The activity feed: the viewer's items (only those the service lets them see), a scope
 * switcher and filters, grouped Today / Yesterday / This week / Older, newer items arriving
 * live, and reactions on each item.
 */
import { api, path } from './api.js';
import type { AppContext } from './app-context.js';
import { announce, h, labelledSelect, problemBox, replace, uid } from './dom.js';
import { DAY_GROUPS, dayGroup, eventTypeLabel, startOfLocalDay, when, words } from './format.js';
import { listenToFeed, type LiveState } from './live.js';
import { reactionsPanel } from './reactions.js';
import type { FeedItem, FeedPage, Severity } from './types.js';

type ScopeKind = 'org' | 'me' | 'team' | 'customer' | 'project';

interface Filters {
  scopeKind: ScopeKind;
  scopeId: string;
  type: string;
  severities: Set<Severity>;
  since: string;
  until: string;
  includeArchived: boolean;
}

const PAGE = 50;
const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  breach: 'Breach',
  risk: 'At risk',
  attention: 'Attention',
  commercial: 'Commercial',
  info: 'Info',
};

// Kept while the tab is open, so coming back to the feed shows what was asked for last.
const filters: Filters = {
  scopeKind: 'org',
  scopeId: '',
  type: '',
  severities: new Set(),
  since: '',
  until: '',
  includeArchived: false,
};

/** Renders the feed into `main`; returns what stops its live updates. */
export function feedPage(main: HTMLElement, app: AppContext): () => void {
  const status = h('p', { class: 'live-status', role: 'status' }, 'Connecting to live updates…');
  const summary = h('p', { class: 'summary', role: 'status' });
  const results = h('div', { class: 'feed-groups' });
  const more = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true },
    'Load older items',
  );
  const view = new FeedView(results, app);
  let cursor: string | null = null;
  let generation = 0;

  const query = (extra: { cursor?: string } = {}) =>
    path('v1/feed', {
      scope: scopeParam(),
      type: filters.type || undefined,
      severity: [...filters.severities],
      since: filters.since === '' ? undefined : startOfLocalDay(filters.since),
      until: filters.until === '' ? undefined : startOfLocalDay(filters.until, 1),
      includeArchived: filters.includeArchived,
      limit: String(PAGE),
      cursor: extra.cursor,
    });

  const load = async () => {
    generation += 1;
    const mine = generation;
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await api<FeedPage>(query());
      if (mine !== generation) return;
      cursor = page.nextCursor;
      view.reset(page.items);
      more.hidden = cursor === null;
      summary.textContent = countText(view.size, cursor !== null);
    } catch (error) {
      if (mine !== generation) return;
      view.reset([]);
      more.hidden = true;
      summary.textContent = '';
      replace(results, problemBox(error));
    } finally {
      results.removeAttribute('aria-busy');
    }
  };

  more.addEventListener('click', () => {
    if (cursor === null) return;
    const mine = generation;
    more.disabled = true;
    api<FeedPage>(query({ cursor }))
      .then((page) => {
        if (mine !== generation) return;
        cursor = page.nextCursor;
        view.add(page.items, false);
        more.hidden = cursor === null;
        summary.textContent = countText(view.size, cursor !== null);
        announce(`${page.items.length} older items loaded`);
      })
      .catch((error: unknown) => summary.replaceChildren(problemBox(error)))
      .finally(() => {
        more.disabled = false;
      });
  });

  // A change anywhere in the feed: read our first page again, and show what is new to us.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const mine = generation;
      api<FeedPage>(query())
        .then((page) => {
          if (mine !== generation) return;
          const added = view.add(page.items, true);
          if (added > 0) {
            summary.textContent = countText(view.size, cursor !== null);
            announce(added === 1 ? '1 new item in the feed' : `${added} new items in the feed`);
          }
        })
        .catch(() => undefined);
    }, 300);
  };
  const live = listenToFeed(refresh, (state) => showLive(status, state));

  replace(
    main,
    h('h1', { id: 'page-title', tabindex: -1 }, 'Activity feed'),
    status,
    filterForm(app, () => void load()),
    summary,
    results,
    more,
  );
  void load();
  return () => {
    clearTimeout(pending);
    live.stop();
  };
}

function scopeParam(): string {
  if (filters.scopeKind === 'org' || filters.scopeKind === 'me') return filters.scopeKind;
  return filters.scopeId === '' ? 'org' : `${filters.scopeKind}:${filters.scopeId}`;
}

function countText(size: number, more: boolean): string {
  const items = size === 1 ? '1 item' : `${size} items`;
  if (size === 0) return 'Nothing to show for these filters.';
  return more ? `Showing the newest ${items}.` : `Showing ${items}.`;
}

function showLive(status: HTMLElement, state: LiveState): void {
  status.dataset.state = state;
  status.textContent =
    state === 'live'
      ? 'Live: new items appear as they happen.'
      : state === 'connecting'
        ? 'Connecting to live updates…'
        : 'Live updates interrupted; reconnecting…';
}

/** The scope switcher and filters; `changed` after each change. */
function filterForm(app: AppContext, changed: () => void): HTMLElement {
  const { scopes, eventTypes } = app.session;
  const lists: Record<'team' | 'customer' | 'project', readonly { id: string; name: string }[]> = {
    team: scopes.teams,
    customer: scopes.customers,
    project: scopes.projects,
  };
  const which = h('div', { class: 'scope-which' });
  const showWhich = () => {
    const kind = filters.scopeKind;
    if (kind === 'org' || kind === 'me') return replace(which);
    const options = lists[kind];
    if (!options.some((o) => o.id === filters.scopeId)) filters.scopeId = options[0]?.id ?? '';
    if (options.length === 0) {
      return replace(which, h('p', { class: 'hint' }, `No ${kind} to choose from.`));
    }
    replace(
      which,
      labelledSelect(
        words(kind).replace(/^./, (c) => c.toUpperCase()),
        options.map((o) => [o.id, `${o.name} (${o.id})`] as const),
        filters.scopeId,
        (value) => {
          filters.scopeId = value;
          changed();
        },
      ),
    );
  };
  showWhich();

  const kinds: [ScopeKind, string][] = [
    ['org', 'Everything I can see'],
    ['me', 'Me'],
    ['team', 'A team'],
    ['customer', 'A customer'],
    ['project', 'A project'],
  ];
  const scope = labelledSelect('Scope', kinds, filters.scopeKind, (value) => {
    filters.scopeKind = value as ScopeKind;
    showWhich();
    changed();
  });
  const type = labelledSelect(
    'Event type',
    [['', 'All types'], ...eventTypes.map((t) => [t, eventTypeLabel(t)] as const)],
    filters.type,
    (value) => {
      filters.type = value;
      changed();
    },
  );
  const commercial = eventTypes.some((t) => t.startsWith('quote.'));
  const severities = (Object.keys(SEVERITY_LABELS) as Severity[]).filter(
    (s) => s !== 'commercial' || commercial,
  );
  const severity = h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, 'Severity'),
    severities.map((s) => {
      const id = uid('severity');
      return h(
        'span',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          id,
          checked: filters.severities.has(s),
          onchange: (event) => {
            if ((event.target as HTMLInputElement).checked) filters.severities.add(s);
            else filters.severities.delete(s);
            changed();
          },
        }),
        h('label', { for: id }, SEVERITY_LABELS[s]),
      );
    }),
  );
  const date = (label: string, key: 'since' | 'until') => {
    const id = uid('date');
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', {
        type: 'date',
        id,
        value: filters[key],
        onchange: (event) => {
          filters[key] = (event.target as HTMLInputElement).value;
          changed();
        },
      }),
    );
  };
  const archivedId = uid('archived');
  const archived = h(
    'div',
    { class: 'check' },
    h('input', {
      type: 'checkbox',
      id: archivedId,
      checked: filters.includeArchived,
      onchange: (event) => {
        filters.includeArchived = (event.target as HTMLInputElement).checked;
        changed();
      },
    }),
    h('label', { for: archivedId }, 'Show items of archived customers'),
  );
  return h(
    'form',
    { class: 'filters', 'aria-label': 'Feed filters', onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'filter-row' }, scope, which, type),
    h('div', { class: 'filter-row' }, severity, date('From', 'since'), date('To', 'until')),
    h('div', { class: 'filter-row' }, archived),
  );
}

/**
 * The items on screen, grouped by day. New items are inserted in place; items already shown
 * are updated, never moved, so an open reaction panel or the focus stays where it is.
 */
class FeedView {
  readonly #root: HTMLElement;
  readonly #app: AppContext;
  readonly #items = new Map<string, { item: FeedItem; element: HTMLElement }>();
  readonly #groups = new Map<string, HTMLOListElement>();

  constructor(root: HTMLElement, app: AppContext) {
    this.#root = root;
    this.#app = app;
  }

  get size(): number {
    return this.#items.size;
  }

  reset(items: readonly FeedItem[]): void {
    this.#items.clear();
    this.#groups.clear();
    this.#root.replaceChildren();
    this.add(items, false);
  }

  /** Adds items not shown yet (marked new when `fresh`); returns how many were added. */
  add(items: readonly FeedItem[], fresh: boolean): number {
    const now = new Date();
    let added = 0;
    for (const item of items) {
      const shown = this.#items.get(item.id);
      if (shown !== undefined) {
        updateItem(shown.element, item);
        shown.item = item;
        continue;
      }
      const element = itemElement(item, now, this.#app, fresh);
      this.#insert(item, element, dayGroup(item.occurredAt, now));
      this.#items.set(item.id, { item, element });
      added += 1;
    }
    return added;
  }

  #insert(item: FeedItem, element: HTMLElement, group: string): void {
    const list = this.#group(group);
    const later = [...list.children].find((li) => {
      const other = this.#items.get((li as HTMLElement).dataset.itemId ?? '')?.item;
      return other !== undefined && newerFirst(item, other) < 0;
    });
    list.insertBefore(element, later ?? null);
  }

  #group(name: string): HTMLOListElement {
    const existing = this.#groups.get(name);
    if (existing !== undefined) return existing;
    const id = uid('group');
    const list = h('ol', { class: 'items', 'aria-labelledby': id });
    const section = h('section', { class: 'day-group', 'data-group': name }, h('h2', { id }, name));
    section.append(list);
    const order = DAY_GROUPS.indexOf(name as (typeof DAY_GROUPS)[number]);
    const after = [...this.#root.children].find(
      (s) =>
        DAY_GROUPS.indexOf((s as HTMLElement).dataset.group as (typeof DAY_GROUPS)[number]) > order,
    );
    this.#root.insertBefore(section, after ?? null);
    this.#groups.set(name, list);
    return list;
  }
}

function newerFirst(a: FeedItem, b: FeedItem): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

function itemElement(item: FeedItem, now: Date, app: AppContext, fresh: boolean): HTMLElement {
  const headingId = uid('item');
  const group = dayGroup(item.occurredAt, now);
  const context = `${words(item.context.type)} ${item.context.id}`;
  const contextPart = app.abilities.audit
    ? h(
        'a',
        {
          href: `#/audit/${encodeURIComponent(item.context.type)}/${encodeURIComponent(item.context.id)}`,
          'aria-label': `Audit history of ${context}`,
        },
        context,
      )
    : h('span', {}, context);
  const events = item.eventIds.length > 1 ? ` · ${item.eventIds.length} events` : '';
  return h(
    'li',
    {
      class: `item sev-${item.severity}${fresh ? ' is-new' : ''}`,
      'data-item-id': item.id,
      'data-event-type': item.eventType,
    },
    h(
      'article',
      { 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'item-head' },
        h('span', { class: `badge sev-${item.severity}` }, SEVERITY_LABELS[item.severity]),
        fresh ? h('span', { class: 'badge new' }, 'New') : null,
        h('h3', { id: headingId, class: 'headline' }, item.headline),
      ),
      item.detail === '' ? null : h('p', { class: 'detail' }, item.detail),
      h(
        'p',
        { class: 'meta' },
        h('time', { datetime: item.occurredAt }, when(item.occurredAt, group)),
        ' · ',
        contextPart,
        ` · ${eventTypeLabel(item.eventType)}${events}`,
      ),
      app.session.kind === 'employee' ? reactionsPanel(item, app.session.id) : null,
    ),
  );
}

function updateItem(element: HTMLElement, item: FeedItem): void {
  const headline = element.querySelector('.headline');
  if (headline !== null && headline.textContent !== item.headline) {
    headline.textContent = item.headline;
  }
  const detail = element.querySelector('.detail');
  if (detail !== null && detail.textContent !== item.detail) detail.textContent = item.detail;
}
