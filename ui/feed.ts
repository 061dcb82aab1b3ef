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

  const query = (after?: string) => feedUrl(PAGE, after);

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
    api<FeedPage>(query(cursor))
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

  // A change anywhere in the feed: read our first page again, show what is new to us and
  // take away what has left it.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const mine = generation;
      api<FeedPage>(query())
        .then((page) => {
          if (mine !== generation) return;
          const removed = view.prune(page.items, page.nextCursor === null);
          const added = view.add(page.items, true);
          if (added > 0 || removed > 0) {
            summary.textContent = countText(view.size, cursor !== null);
          }
          if (added > 0) {
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
