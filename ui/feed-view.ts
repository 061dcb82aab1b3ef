/** The feed's items on screen: grouped by day, each with its reactions. */
import type { AppContext } from './app-context.js';
import { h, uid } from './dom.js';
import { DAY_GROUPS, dayGroup, eventTypeLabel, when, words } from './format.js';
import { SEVERITY_LABELS } from './feed-filters.js';
import { reactionsPanel } from './reactions.js';
import type { FeedItem } from './types.js';

/**
 * The items on screen, grouped by day. New items are inserted in place; items already shown
 * are updated, never moved, so an open reaction panel or the focus stays where it is.
 */
export class FeedView {
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

  /**
   * Takes away shown items that a fresh first page no longer holds where it would (an item
   * of a customer archived since); `complete` when that page is the whole feed. Returns how
   * many went.
   */
  prune(page: readonly FeedItem[], complete: boolean): number {
    const kept = new Set(page.map((item) => item.id));
    const oldest = page[page.length - 1];
    let removed = 0;
    for (const [id, { item, element }] of this.#items) {
      if (kept.has(id)) continue;
      if (!complete && (oldest === undefined || newerFirst(item, oldest) > 0)) continue;
      element.remove();
      this.#items.delete(id);
      removed += 1;
    }
    for (const [name, list] of this.#groups) {
      if (list.children.length > 0) continue;
      list.parentElement?.remove();
      this.#groups.delete(name);
    }
    return removed;
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
