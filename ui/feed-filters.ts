/**
 * The feed's scope switcher and filters, and the query they make. What was picked is kept
 * while the tab is open, so coming back to the feed shows what was asked for last.
 */
import { path } from './api.js';
import type { AppContext } from './app-context.js';
import { checkbox, h, labelledSelect, replace, uid } from './dom.js';
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
  const { eventTypes } = app.session;
  const type = labelledSelect(
    'Event type',
    [['', 'All types'], ...eventTypes.map((t) => [t, eventTypeLabel(t)] as const)],
    filters.type,
    (value) => {
      filters.type = value;
      changed();
    },
  );
  const archived = checkbox('Show items of archived customers', filters.includeArchived, (on) => {
    filters.includeArchived = on;
    changed();
  });
  return h(
    'form',
    { class: 'filters', 'aria-label': 'Feed filters', onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'filter-row' }, scopeFields(app, changed), type),
    h(
      'div',
      { class: 'filter-row' },
      severityField(eventTypes, changed),
      dateField('From', 'since', changed),
      dateField('To', 'until', changed),
    ),
    h('div', { class: 'filter-row' }, archived),
  );
}

const SCOPE_KINDS: readonly (readonly [ScopeKind, string])[] = [
  ['org', 'Everything I can see'],
  ['me', 'Me'],
  ['team', 'A team'],
  ['customer', 'A customer'],
  ['project', 'A project'],
];

/** The kind of scope, and for a team, customer or project which one. */
function scopeFields(app: AppContext, changed: () => void): DocumentFragment {
  const { teams, customers, projects } = app.session.scopes;
  const lists = { team: teams, customer: customers, project: projects };
  const which = h('div', { class: 'scope-which' });
  const showWhich = () => {
    const kind = filters.scopeKind;
    if (kind === 'org' || kind === 'me') return replace(which);
    const options = lists[kind];
    if (!options.some((o) => o.id === filters.scopeId)) filters.scopeId = options[0]?.id ?? '';
    if (options.length === 0) {
      return replace(which, h('p', { class: 'hint' }, `No ${kind} to choose from.`));
    }
    const label = words(kind).replace(/^./, (c) => c.toUpperCase());
    const choices = options.map((o) => [o.id, `${o.name} (${o.id})`] as const);
    replace(
      which,
      labelledSelect(label, choices, filters.scopeId, (value) => {
        filters.scopeId = value;
        changed();
      }),
    );
  };
  showWhich();
  const kind = labelledSelect('Scope', SCOPE_KINDS, filters.scopeKind, (value) => {
    filters.scopeKind = value as ScopeKind;
    showWhich();
    changed();
  });
  const fragment = document.createDocumentFragment();
  fragment.append(kind, which);
  return fragment;
}

/** A checkbox per severity; commercial only for those who may see commercial items. */
function severityField(eventTypes: readonly string[], changed: () => void): HTMLElement {
  const commercial = eventTypes.some((t) => t.startsWith('quote.'));
  const severities = (Object.keys(SEVERITY_LABELS) as Severity[]).filter(
    (s) => s !== 'commercial' || commercial,
  );
  return h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, 'Severity'),
    severities.map((s) =>
      checkbox(SEVERITY_LABELS[s], filters.severities.has(s), (on) => {
        if (on) filters.severities.add(s);
        else filters.severities.delete(s);
        changed();
      }),
    ),
  );
}

/** A whole-day bound of the time filter (`since` inclusive, `until` through that day). */
function dateField(label: string, key: 'since' | 'until', changed: () => void): HTMLElement {
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
}
