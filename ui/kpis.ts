/**
 * The KPI dashboard: every built-in KPI (its latest definition version) for a scope and a
 * window, with its value, its judgement (good / warning / breach) and a trend; and one KPI's
 * page with a larger trend and its explanation: the definition version used and the events
 * that contributed. Values are the service's own (`/v1/kpis/KEY`); a trend is the same query
 * as of the end of each past day.
 */
import { api, inBatches, path } from './api.js';
import type { AppContext } from './app-context.js';
import { dataTable, h, problemBox, replace, uid } from './dom.js';
import { fullInstant, words } from './format.js';
import { axisText, sparkline, trendChart, trendInstants, type TrendPoint } from './chart.js';
import type { Classification, KpiDefinition, KpiExplanation, KpiValue } from './types.js';

const WINDOWS: readonly (readonly [string, string])[] = [
  ['today', 'Today'],
  ['rolling_7d', 'Last 7 days'],
  ['rolling_30d', 'Last 30 days'],
  ['rolling_90d', 'Last 90 days'],
  ['month_to_date', 'Month to date'],
  ['quarter_to_date', 'Quarter to date'],
  ['year_to_date', 'Year to date'],
  ['all_time', 'All time'],
];
const CLASSIFICATIONS: Readonly<Record<Classification, string>> = {
  good: 'Good',
  warning: 'Warning',
  breach: 'Breach',
  unclassified: 'Not judged',
};
const CARD_TREND_DAYS = 14;
const DETAIL_TREND_DAYS = 30;
const PARALLEL = 4;

// Kept while the tab is open: the dashboard and a KPI's page share the pickers.
const picked = { scope: '', window: 'rolling_30d' };

function scopeOf(app: AppContext): string {
  const own = `employee:${app.session.id}`;
  if (!app.abilities.kpisOfAnyScope) return own;
  return picked.scope === '' ? 'organisation' : picked.scope;
}

/** The latest version of each KPI. */
async function definitions(): Promise<KpiDefinition[]> {
  const { definitions: all } = await api<{ definitions: KpiDefinition[] }>('v1/kpis');
  const latest = new Map<string, KpiDefinition>();
  for (const d of all) {
    if ((latest.get(d.key)?.version ?? 0) < d.version) latest.set(d.key, d);
  }
  return [...latest.values()].sort((a, b) => a.title.localeCompare(b.title));
}

function valueUrl(key: string, scope: string, window: string, asOf?: string, explain = false) {
  return path(`v1/kpis/${encodeURIComponent(key)}${explain ? '/explain' : ''}`, {
    scope,
    window,
    asOf,
  });
}

async function trend(key: string, scope: string, window: string, days: number) {
  return inBatches(trendInstants(days), PARALLEL, async (asOf): Promise<TrendPoint> => {
    const value = await api<KpiValue>(valueUrl(key, scope, window, asOf));
    return { asOf, value: value.value, display: value.display };
  });
}

/** The scope and window pickers; `changed` after each change. */
function pickers(app: AppContext, changed: () => void): HTMLElement {
  const windowId = uid('window');
  const windowSelect = h(
    'select',
    {
      id: windowId,
      onchange: () => {
        picked.window = windowSelect.value;
        changed();
      },
    },
    WINDOWS.map(([value, text]) => h('option', { value, selected: value === picked.window }, text)),
  );
  const windowField = h(
    'div',
    { class: 'field' },
    h('label', { for: windowId }, 'Window'),
    windowSelect,
  );
  if (!app.abilities.kpisOfAnyScope) {
    return h(
      'form',
      { class: 'filters', 'aria-label': 'KPI pickers', onsubmit: (e) => e.preventDefault() },
      h(
        'div',
        { class: 'filter-row' },
        h('p', { class: 'hint' }, `Your own KPIs (${app.session.name}).`),
        windowField,
      ),
    );
  }
  const scopeId = uid('scope');
  const current = scopeOf(app);
  const option = (value: string, text: string) =>
    h('option', { value, selected: value === current }, text);
  const group = (label: string, kind: string, list: readonly { id: string; name: string }[]) =>
    list.length === 0
      ? null
      : h(
          'optgroup',
          { label },
          list.map((n) => option(`${kind}:${n.id}`, `${n.name} (${n.id})`)),
        );
  const { teams, customers, projects } = app.session.scopes;
  const scopeSelect = h(
    'select',
    {
      id: scopeId,
      onchange: () => {
        picked.scope = scopeSelect.value;
        changed();
      },
    },
    option('organisation', 'The organisation'),
    app.session.kind === 'employee' ? option(`employee:${app.session.id}`, 'Me') : null,
    group('Teams', 'team', teams),
    group('Customers', 'customer', customers),
    group('Projects', 'project', projects),
  );
  return h(
    'form',
    { class: 'filters', 'aria-label': 'KPI pickers', onsubmit: (e) => e.preventDefault() },
    h(
      'div',
      { class: 'filter-row' },
      h('div', { class: 'field' }, h('label', { for: scopeId }, 'Scope'), scopeSelect),
      windowField,
    ),
  );
}

function badge(classification: Classification): HTMLElement {
  return h('span', { class: `badge cls-${classification}` }, CLASSIFICATIONS[classification]);
}

/** The dashboard. */
export function kpisPage(main: HTMLElement, app: AppContext): void {
  const grid = h('ul', { class: 'kpi-grid', 'aria-label': 'KPIs' });
  const note = h('p', { class: 'hint', role: 'status' });
  let generation = 0;
  const load = async () => {
    generation += 1;
    const mine = generation;
    const scope = scopeOf(app);
    const kind = scope.split(':')[0] ?? 'organisation';
    replace(grid);
    grid.setAttribute('aria-busy', 'true');
    try {
      const all = await definitions();
      const shown = all.filter((d) => d.scopes.some((s) => s === kind));
      const left = all.filter((d) => !shown.includes(d)).map((d) => d.title);
      note.textContent = left.length === 0 ? '' : `Not defined for this scope: ${left.join(', ')}.`;
      const cards = shown.map((d) => kpiCard(d));
      replace(
        grid,
        cards.map((c) => c.element),
      );
      await inBatches(cards, PARALLEL, (card) => card.fill(scope, picked.window));
      if (mine !== generation) return;
      await inBatches(cards, 2, (card) => card.fillTrend(scope, picked.window));
    } catch (error) {
      if (mine === generation) replace(grid, h('li', {}, problemBox(error)));
    } finally {
      if (mine === generation) grid.removeAttribute('aria-busy');
    }
  };
  replace(
    main,
    h('h1', { id: 'page-title', tabindex: -1 }, 'KPIs'),
    pickers(app, () => void load()),
    note,
    grid,
  );
  void load();
}

function kpiCard(definition: KpiDefinition) {
  const titleId = uid('kpi');
  const value = h('p', { class: 'kpi-value' }, '…');
  const judgement = h('div', { class: 'kpi-judgement' });
  const chart = h('div', { class: 'kpi-trend' });
  const element = h(
    'li',
    { class: 'kpi-card', 'data-kpi': definition.key },
    h(
      'h2',
      { id: titleId },
      h('a', { href: `#/kpis/${encodeURIComponent(definition.key)}` }, definition.title),
    ),
    value,
    judgement,
    chart,
    h(
      'a',
      {
        class: 'explain-link',
        href: `#/kpis/${encodeURIComponent(definition.key)}`,
        'aria-describedby': titleId,
      },
      'Explain',
    ),
  );
  return {
    element,
    async fill(scope: string, window: string) {
      try {
        const v = await api<KpiValue>(valueUrl(definition.key, scope, window));
        value.textContent = v.display;
        element.classList.add(`cls-${v.classification}`);
        replace(judgement, badge(v.classification), h('p', { class: 'reason' }, v.reason));
      } catch (error) {
        value.textContent = '—';
        replace(judgement, problemBox(error));
      }
    },
    async fillTrend(scope: string, window: string) {
      try {
        replace(chart, sparkline(await trend(definition.key, scope, window, CARD_TREND_DAYS)));
      } catch {
        replace(chart);
      }
    },
  };
}

/** One KPI: its value, trend and explanation. */
export function kpiDetailPage(main: HTMLElement, app: AppContext, key: string): void {
  const body = h('div', { class: 'kpi-detail' });
  const title = h('h1', { id: 'page-title', tabindex: -1 }, words(key));
  let generation = 0;
  const load = async () => {
    generation += 1;
    const mine = generation;
    const scope = scopeOf(app);
    body.setAttribute('aria-busy', 'true');
    replace(body, h('p', { class: 'hint' }, 'Loading…'));
    try {
      const explained = await api<KpiExplanation>(
        valueUrl(key, scope, picked.window, undefined, true),
      );
      if (mine !== generation) return;
      title.textContent = explained.title;
      const trendBox = h(
        'div',
        { class: 'trend-box' },
        h('p', { class: 'hint' }, 'Loading the trend…'),
      );
      replace(body, valueSection(explained), trendSection(trendBox), explanation(explained));
      const points = await trend(key, scope, picked.window, DETAIL_TREND_DAYS);
      if (mine === generation) replace(trendBox, trendChart(points, explained.definition));
    } catch (error) {
      if (mine === generation) replace(body, problemBox(error));
    } finally {
      if (mine === generation) body.removeAttribute('aria-busy');
    }
  };
  replace(
    main,
    h('p', {}, h('a', { href: '#/kpis' }, '← All KPIs')),
    title,
    pickers(app, () => void load()),
    body,
  );
  void load();
}

function windowLabel(window: string): string {
  return WINDOWS.find(([value]) => value === window)?.[1] ?? words(window);
}

function valueSection(v: KpiExplanation): HTMLElement {
  const span =
    v.from === null
      ? `as of ${fullInstant(v.asOf)}`
      : `from ${fullInstant(v.from)} to ${fullInstant(v.asOf)}`;
  return h(
    'section',
    { class: `kpi-now cls-${v.classification}`, 'aria-label': 'Current value' },
    h('p', { class: 'kpi-value' }, v.display),
    badge(v.classification),
    h('p', { class: 'reason' }, v.reason),
    h('p', { class: 'hint' }, `${windowLabel(v.window)}, ${v.scope}: ${span}.`),
  );
}

function trendSection(box: HTMLElement): HTMLElement {
  const id = uid('trend');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, 'Trend'), box);
}

function explanation(v: KpiExplanation): HTMLElement {
  const id = uid('explain');
  const shown = v.events.length;
  return h(
    'section',
    { class: 'explanation', 'aria-labelledby': id },
    h('h2', { id }, 'Explanation'),
    h(
      'dl',
      { class: 'facts' },
      explanationFacts(v).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
    ),
    h(
      'h3',
      {},
      shown < v.contributions
        ? `The first ${shown} of ${v.contributions} contributing events`
        : `The ${shown} contributing events`,
    ),
    shown === 0
      ? h('p', { class: 'hint' }, 'No event contributed to this value.')
      : dataTable(
          'Contributing events',
          ['Occurred', 'Part', 'Group', 'Value', 'Event'],
          v.events.map((e) => [
            h('time', { datetime: e.occurredAt }, fullInstant(e.occurredAt)),
            e.part,
            e.group === '' ? '—' : e.group,
            e.value === null ? '—' : String(e.value),
            h('code', {}, e.eventId),
          ]),
          { className: 'events' },
        ),
    h(
      'details',
      {},
      h('summary', {}, `Definition document (version ${v.version})`),
      h('pre', { class: 'json' }, JSON.stringify(v.definition, null, 2)),
    ),
  );
}

/** The definition version used, what it measures and how it judges, and the figures. */
function explanationFacts(v: KpiExplanation): [string, string][] {
  const d = v.definition;
  const thresholds =
    d.thresholds === undefined
      ? 'none (not judged)'
      : `target ${axisText(d.thresholds.target, d.unit)}, breach ${axisText(d.thresholds.breach, d.unit)}`;
  return [
    ['Definition', `${d.key}, version ${v.version}`],
    ['What it measures', d.description ?? '—'],
    ['Better when', d.direction === 'higher_is_better' ? 'higher' : 'lower'],
    ['Thresholds', thresholds],
    ...Object.entries(v.figures)
      .filter(([, value]) => value !== null)
      .map(([name, value]): [string, string] => [`Figure: ${name}`, String(value)]),
    ...v.groups.map((g): [string, string] => [`Group ${g.group}`, String(g.value ?? '—')]),
    ['Contributing events', String(v.contributions)],
  ];
}
