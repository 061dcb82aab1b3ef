/**
 * The activity feed: the viewer's items (only those the service lets them see), a scope
 * switcher and filters, grouped Today / Yesterday / This week / Older, newer items arriving
 * live, and reactions on each item.
 */
import { api } from './api.js';
import type { AppContext } from './app-context.js';
import { announce, h, problemBox, replace } from './dom.js';
import { feedUrl, filterForm } from './feed-filters.js';
import { FeedView } from './feed-view.js';
import { listenToFeed, type LiveState } from './live.js';
import type { FeedPage } from './types.js';

const PAGE = 50;

/** Renders the feed into `main`; returns what stops its live updates. */
export function feedPage(main: HTMLElement, app: AppContext): () => void {
  const status = h('p', { class: 'live-status', role: 'status' }, 'Connecting to live updates…');
  const pager = new FeedPager(app);
  let pending: ReturnType<typeof setTimeout> | undefined;
  // Changes come in bursts (a projector batch): read the feed once they settle.
  const live = listenToFeed(
    () => {
      clearTimeout(pending);
      pending = setTimeout(() => void pager.refresh(), 300);
    },
    (state) => showLive(status, state),
  );
  replace(
    main,
    h('h1', { id: 'page-title', tabindex: -1 }, 'Activity feed'),
    status,
    filterForm(app, () => void pager.load()),
    pager.summary,
    pager.results,
    pager.more,
  );
  void pager.load();
  return () => {
    clearTimeout(pending);
    live.stop();
  };
}

/** The items shown, the cursor to older ones, and the three ways they change. */
class FeedPager {
  readonly summary = h('p', { class: 'summary', role: 'status' });
  readonly results = h('div', { class: 'feed-groups' });
  readonly more = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true },
    'Load older items',
  );
  readonly #view: FeedView;
  #cursor: string | null = null;
  // Each new query's number: an answer to an older one (filters changed since) is dropped.
  #generation = 0;

  constructor(app: AppContext) {
    this.#view = new FeedView(this.results, app);
    this.more.addEventListener('click', () => void this.loadMore());
  }

  /** The first page for the filters as they are now. */
  async load(): Promise<void> {
    const mine = (this.#generation += 1);
    this.results.setAttribute('aria-busy', 'true');
    try {
      const page = await api<FeedPage>(feedUrl(PAGE));
      if (mine !== this.#generation) return;
      this.#cursor = page.nextCursor;
      this.#view.reset(page.items);
      this.#showCount();
    } catch (error) {
      if (mine !== this.#generation) return;
      this.#cursor = null;
      this.#view.reset([]);
      this.#showCount();
      this.summary.textContent = '';
      replace(this.results, problemBox(error));
    } finally {
      this.results.removeAttribute('aria-busy');
    }
  }

  async loadMore(): Promise<void> {
    if (this.#cursor === null) return;
    const mine = this.#generation;
    this.more.disabled = true;
    try {
      const page = await api<FeedPage>(feedUrl(PAGE, this.#cursor));
      if (mine !== this.#generation) return;
      this.#cursor = page.nextCursor;
      this.#view.add(page.items, false);
      this.#showCount();
      announce(`${page.items.length} older items loaded`);
    } catch (error) {
      this.summary.replaceChildren(problemBox(error));
    } finally {
      this.more.disabled = false;
    }
  }

  /** The first page again: what is new to the viewer is added, what has left it goes. */
  async refresh(): Promise<void> {
    const mine = this.#generation;
    const page = await api<FeedPage>(feedUrl(PAGE)).catch(() => undefined);
    if (page === undefined || mine !== this.#generation) return;
    const removed = this.#view.prune(page.items, page.nextCursor === null);
    const added = this.#view.add(page.items, true);
    if (added > 0 || removed > 0) this.#showCount();
    if (added > 0) {
      announce(added === 1 ? '1 new item in the feed' : `${added} new items in the feed`);
    }
  }

  #showCount(): void {
    this.more.hidden = this.#cursor === null;
    this.summary.textContent = countText(this.#view.size, this.#cursor !== null);
  }
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
