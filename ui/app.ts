/**
 * The page: sign-in with a token, then the feed, the KPI dashboard and the audit trail, each
 * at its own address (`#/feed`, `#/kpis`, `#/kpis/KEY`, `#/audit`, `#/audit/TYPE/ID`). Which
 * pages appear is asked of the service once, at sign-in: a page the viewer may not open is
 * not offered, and its address says so.
 */
import { api, ApiError, forgetToken, storedToken, storeToken, whenUnauthenticated } from './api.js';
import type { AppContext } from './app-context.js';
import { auditPage } from './audit.js';
import { h, problemBox, replace } from './dom.js';
import { feedPage } from './feed.js';
import { kpiDetailPage, kpisPage } from './kpis.js';
import type { Session } from './types.js';

const root = document.getElementById('app') as HTMLElement;
let stopPage: () => void = () => undefined;

/** Asks the service who the token is and which pages it may open. */
async function contextOf(token: string): Promise<AppContext> {
  const session = await api<Session>('v1/ui/session', { token });
  return { session, abilities: session.abilities };
}

function signIn(message?: string): void {
  stopPage();
  document.title = 'Sign in · PET Events';
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const error = h('div', { class: 'form-error', role: 'alert' });
  if (message !== undefined) replace(error, h('p', { class: 'problem' }, message));
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'signin-form',
      onsubmit: (event) => {
        event.preventDefault();
        const token = input.value.trim();
        button.disabled = true;
        contextOf(token)
          .then((context) => {
            storeToken(token);
            showApp(context, true);
          })
          .catch((e: unknown) => {
            const text =
              e instanceof ApiError && e.status === 401
                ? 'The service does not accept this token.'
                : e instanceof Error
                  ? e.message
                  : String(e);
            replace(error, h('p', { class: 'problem' }, text));
            input.focus();
          })
          .finally(() => {
            button.disabled = false;
          });
      },
    },
    h('label', { for: 'token' }, 'API token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'hint' },
      'A token from ',
      h('code', {}, 'pet-events tokens create --employee ID'),
      ' (or the one ',
      h('code', {}, 'pet-events serve --demo'),
      ' prints). It is kept in this tab only, until you sign out or close it.',
    ),
    error,
    button,
  );
  replace(
    root,
    h(
      'main',
      { id: 'main', class: 'signin', tabindex: -1 },
      h('h1', {}, 'Sign in to PET Events'),
      h('p', {}, 'The activity feed, KPIs and audit trail of PET, as your role may see them.'),
      form,
    ),
  );
  input.focus();
}

function signOut(message?: string): void {
  forgetToken();
  history.replaceState(null, '', location.pathname);
  signIn(message);
}

interface Page {
  readonly path: string;
  readonly label: string;
  readonly allowed: boolean;
}

function pagesOf({ abilities, session }: AppContext): Page[] {
  return [
    { path: '#/feed', label: 'Feed', allowed: abilities.feed },
    {
      path: '#/kpis',
      label: 'KPIs',
      allowed: abilities.kpisOfAnyScope || session.kind === 'employee',
    },
    { path: '#/audit', label: 'Audit', allowed: abilities.audit },
  ];
}

function showApp(context: AppContext, focusFirstPage: boolean): void {
  const pages = pagesOf(context);
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    h(
      'ul',
      {},
      pages
        .filter((p) => p.allowed)
        .map((p) => h('li', {}, h('a', { href: p.path, 'data-page': p.path }, p.label))),
    ),
  );
  const main = h('main', { id: 'main', tabindex: -1 });
  const skip = h('a', { class: 'skip-link', href: '#main' }, 'Skip to content');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  const roles = context.session.roles.join(', ');
  replace(
    root,
    skip,
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, 'PET Events'),
      nav,
      h(
        'div',
        { class: 'who' },
        h('span', { class: 'who-name' }, `${context.session.name} · ${roles}`),
        h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, 'Sign out'),
      ),
    ),
    main,
  );

  // A fresh load leaves the focus at the top (the skip link comes first); a change of page
  // moves it to the new page's heading, where a screen reader then starts.
  let focus = focusFirstPage;
  const route = () => {
    stopPage();
    stopPage = () => undefined;
    const hash = location.hash === '' ? (pages.find((p) => p.allowed)?.path ?? '') : location.hash;
    const [, page = '', ...rest] = hash.split('/');
    const args = rest.map((part) => decodeURIComponent(part));
    for (const link of nav.querySelectorAll('a')) {
      if (link.dataset.page === `#/${page}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const allowed = pages.find((p) => p.path === `#/${page}`)?.allowed ?? false;
    if (!allowed) {
      document.title = 'Not available · PET Events';
      replace(
        main,
        h('h1', { id: 'page-title', tabindex: -1 }, 'Not available'),
        h('p', { class: 'problem', role: 'alert' }, 'There is no such page for your sign-in.'),
      );
    } else if (page === 'feed') {
      document.title = 'Feed · PET Events';
      stopPage = feedPage(main, context);
    } else if (page === 'kpis' && args[0] !== undefined) {
      document.title = 'KPI · PET Events';
      kpiDetailPage(main, context, args[0]);
    } else if (page === 'kpis') {
      document.title = 'KPIs · PET Events';
      kpisPage(main, context);
    } else {
      document.title = 'Audit · PET Events';
      auditPage(main, context, args[0], args[1]);
    }
    if (focus) document.getElementById('page-title')?.focus();
    focus = true;
  };
  window.onhashchange = route;
  route();
}

async function start(): Promise<void> {
  whenUnauthenticated(() => signOut('The service no longer accepts your token. Sign in again.'));
  const token = storedToken();
  if (token === null) return signIn();
  try {
    showApp(await contextOf(token), false);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('The service no longer accepts your token. Sign in again.');
    } else {
      replace(root, h('main', { id: 'main' }, problemBox(error)));
    }
  }
}

void start();
