/**
 * The feed's scope switcher and filters, and the query they make. What was picked is kept
 * while the tab is open, so coming back to the feed shows what was asked for last.
 */
import { path } from './api.js';
import type { AppContext } from './app-context.js';
import { h, labelledSelect, replace, uid } from './dom.js';
import { eventTypeLabel, startOfLocalDay, words } from './format.js';
import type { Severity } from './types.js';

export type ScopeKind = 'org' | 'me' | 'team' | 'customer' | 'project';

export interface Filters {
  scopeKind: ScopeKind;
  scopeId: string;
  type: string;
  severities: Set<Severity>;
  since: string;
  until: string;
  includeArchived: boolean;
}

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  breach: 'Breach',
  risk: 'At risk',
  attention: 'Attention',
  commercial: 'Commercial',
  info: 'Info',
};

export const filters: Filters = {
  scopeKind: 'org',
  scopeId: '',
  type: '',
  severities: new Set(),
  since: '',
  until: '',
  includeArchived: false,
};

/** `v1/feed?…` for what is picked: a page of `limit` items, after `cursor`. */
export function feedUrl(limit: number, cursor?: string): string {
  return path('v1/feed', {
    scope: scopeParam(),
    type: filters.type === '' ? undefined : filters.type,
    severity: [...filters.severities],
    since: filters.since === '' ? undefined : startOfLocalDay(filters.since),
    until: filters.until === '' ? undefined : startOfLocalDay(filters.until, 1),
    includeArchived: filters.includeArchived,
    limit: String(limit),
    cursor,
  });
}

function scopeParam(): string {
  if (filters.scopeKind === 'org' || filters.scopeKind === 'me') return filters.scopeKind;
  return filters.scopeId === '' ? 'org' : `${filters.scopeKind}:${filters.scopeId}`;
}

/** The scope switcher and filters; `changed` after each change. */
export function filterForm(app: AppContext, changed: () => void): HTMLElement {
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
