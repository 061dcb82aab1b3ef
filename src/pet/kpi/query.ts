/**
 * KPI values: a definition version, a scope, a window and an explicit `as of` instant (never
 * an implicit clock). Full days come from the day buckets, the partial days at the window's
 * edges from the contributions; percentiles from the contributions alone.
 */
import { KpiQueryInvalidError } from '../../events/errors.js';
import { normaliseInstant } from '../../events/instant.js';
import type { EventStore } from '../../store/event-store.js';
import type { SqlValue } from '../../store/sql-access.js';
import { classify, formatValue, type Classification, type KpiDefinition } from './definition.js';
import { findDefinition } from './registry.js';

export const KPI_WINDOWS = [
  'today',
  'month_to_date',
  'quarter_to_date',
  'year_to_date',
  'rolling_7d',
  'rolling_30d',
  'rolling_90d',
  'all_time',
] as const;
export type KpiWindow = (typeof KPI_WINDOWS)[number];

/** Which value. */
export interface KpiQuery {
  readonly key: string;
  /** Default: the latest version. */
  readonly version?: number;
  /** `organisation`, `employee:ID`, `team:ID`, `customer:ID` or `project:ID`. */
  readonly scope: string;
  readonly window: KpiWindow;
  /** The instant the window ends at (RFC 3339); events are taken by occurred_at. */
  readonly asOf: string;
}

/** The figures a value is computed from. */
export interface KpiFigures {
  /** Contributing events (for a ratio: the denominator's). */
  readonly count: number;
  readonly sum: number | null;
  readonly numerator?: number;
  readonly denominator?: number;
}

/** A KPI value, with what it was computed from and how it is judged. */
export interface KpiValue {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  readonly unit: KpiDefinition['unit'];
  readonly scope: string;
  readonly window: KpiWindow;
  /** The window: occurred_at from (inclusive; null for all time) to asOf (inclusive). */
  readonly from: string | null;
  readonly asOf: string;
  readonly value: number | null;
  /** `82 %`, `135 min`. */
  readonly display: string;
  readonly figures: KpiFigures;
  /** Per value of the definition's `group_by`, when it has one. */
  readonly groups: readonly { readonly group: string; readonly value: number | null }[];
  readonly classification: Classification;
  readonly reason: string;
}

const SCOPE = /^(organisation|(employee|team|customer|project):[A-Za-z0-9_-]{1,100})$/;
const DAY_MS = 86_400_000;

/** Where a window starts, for an as-of instant (UTC calendar). */
export function windowStart(window: KpiWindow, asOf: string): string | null {
  const at = new Date(asOf);
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const utc = (year: number, month: number, day: number) =>
    new Date(Date.UTC(year, month, day)).toISOString();
  switch (window) {
    case 'today':
      return utc(y, m, at.getUTCDate());
    case 'month_to_date':
      return utc(y, m, 1);
    case 'quarter_to_date':
      return utc(y, m - (m % 3), 1);
    case 'year_to_date':
      return utc(y, 0, 1);
    case 'rolling_7d':
    case 'rolling_30d':
    case 'rolling_90d':
      return new Date(at.getTime() - Number(window.slice(8, -1)) * DAY_MS).toISOString();
    case 'all_time':
      return null;
  }
}

interface Figure extends Record<string, unknown> {
  part: string;
  grp: string;
  n: number;
  total: number;
  low: number | null;
  high: number | null;
}

/** Checks a query against its definition; returns the normalised instants. */
function checkQuery(
  definition: KpiDefinition,
  query: KpiQuery,
): { asOf: string; from: string | null } {
  const asOf = normaliseInstant(query.asOf);
  if (asOf === undefined) {
    throw new KpiQueryInvalidError(
      'as of',
      `must be an RFC 3339 instant, got ${JSON.stringify(query.asOf)}`,
    );
  }
  if (!KPI_WINDOWS.includes(query.window)) {
    throw new KpiQueryInvalidError('window', `must be one of ${KPI_WINDOWS.join(', ')}`);
  }
  if (!SCOPE.test(query.scope)) {
    throw new KpiQueryInvalidError(
      'scope',
      `must be organisation or KIND:ID (employee, team, customer, project), got ${JSON.stringify(query.scope)}`,
    );
  }
  const kind = query.scope.split(':')[0] as string;
  if (!(definition.scopes as readonly string[]).includes(kind)) {
    throw new KpiQueryInvalidError(
      'scope',
      `${kind} is not a scope of ${definition.key} v${definition.version} (${definition.scopes.join(', ')})`,
    );
  }
  return { asOf, from: windowStart(query.window, asOf) };
}

/** The figures of a window, per part and group: buckets for full days, contributions for the rest. */
async function figures(
  store: EventStore,
  definition: KpiDefinition,
  scope: string,
  from: string | null,
  asOf: string,
): Promise<Figure[]> {
  const key: SqlValue[] = [definition.key, definition.version, scope];
  // Whole days inside the window; the as-of day is partial (events after as-of are out).
  const firstFull =
    from === null
      ? '0000-01-01'
      : from.slice(11) === '00:00:00.000Z'
        ? from.slice(0, 10)
        : new Date(Date.parse(from.slice(0, 10)) + DAY_MS).toISOString().slice(0, 10);
  const lastFull = new Date(Date.parse(asOf.slice(0, 10)) - DAY_MS).toISOString().slice(0, 10);
  const rows: Figure[] = [];
  if (firstFull <= lastFull) {
    rows.push(
      ...(await store.query<Figure>(
        `SELECT part, grp, sum(n) AS n, sum(total) AS total, min(low) AS low, max(high) AS high
           FROM pet_rm_kpi_buckets
          WHERE kpi_key = $1 AND version = $2 AND scope = $3 AND day >= $4 AND day <= $5
          GROUP BY part, grp`,
        [...key, firstFull, lastFull],
      )),
    );
  }
  // The partial days: before the first full day, and after the last one.
  const edges: [string, string][] =
    firstFull <= lastFull
      ? [
          [from ?? '0000', `${firstFull}T00:00:00.000Z`],
          [`${nextDay(lastFull)}T00:00:00.000Z`, asOf],
        ]
      : [[from ?? '0000', asOf]];
  for (const [start, end] of edges) {
    rows.push(
      ...(await store.query<Figure>(
        `SELECT part, grp, count(*) AS n, sum(value) AS total, min(value) AS low, max(value) AS high
           FROM pet_rm_kpi_contributions
          WHERE kpi_key = $1 AND version = $2 AND scope = $3 AND occurred_at >= $4
            AND occurred_at ${end === asOf ? '<=' : '<'} $5
          GROUP BY part, grp`,
        [...key, start, end],
      )),
    );
  }
  return rows.map((row) => ({
    part: row.part,
    grp: row.grp,
    n: Number(row.n),
    total: Number(row.total ?? 0),
    low: row.low === null ? null : Number(row.low),
    high: row.high === null ? null : Number(row.high),
  }));
}

function nextDay(day: string): string {
  return new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10);
}

/** The percentile of values (nearest rank). */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** The value of one group (or of all of them) from its figures. */
function valueFrom(
  definition: KpiDefinition,
  parts: Figure[],
  values: number[] | undefined,
): { value: number | null; figures: KpiFigures } {
  const merge = (part: string) => {
    const of = parts.filter((f) => f.part === part);
    const n = of.reduce((s, f) => s + f.n, 0);
    return {
      n,
      total: of.reduce((s, f) => s + f.total, 0),
      low: n === 0 ? null : Math.min(...of.flatMap((f) => (f.low === null ? [] : [f.low]))),
      high: n === 0 ? null : Math.max(...of.flatMap((f) => (f.high === null ? [] : [f.high]))),
    };
  };
  const { metric } = definition;
  if (metric.aggregate === 'ratio') {
    const num = merge('numerator');
    const den = merge('denominator');
    const numerator = metric.numerator.aggregate === 'count' ? num.n : num.total;
    const denominator = metric.denominator.aggregate === 'count' ? den.n : den.total;
    return {
      value: denominator === 0 ? null : numerator / denominator,
      figures: { count: den.n, sum: null, numerator, denominator },
    };
  }
  const v = merge('value');
  const statistic = metric.aggregate === 'duration' ? metric.statistic : metric.aggregate;
  const p =
    metric.aggregate === 'duration'
      ? metric.percentile
      : metric.aggregate === 'percentile'
        ? metric.percentile
        : undefined;
  const value =
    statistic === 'count'
      ? v.n
      : v.n === 0
        ? null
        : statistic === 'sum'
          ? v.total
          : statistic === 'avg'
            ? v.total / v.n
            : statistic === 'min'
              ? v.low
              : statistic === 'max'
                ? v.high
                : percentile(values ?? [], p ?? 50);
  return { value, figures: { count: v.n, sum: v.n === 0 ? null : v.total } };
}

/** A KPI's value for a scope and window as of an instant. */
export async function kpiValue(store: EventStore, query: KpiQuery): Promise<KpiValue> {
  return valueOf(store, await findDefinition(store, query.key, query.version), query);
}

async function valueOf(
  store: EventStore,
  definition: KpiDefinition,
  query: KpiQuery,
): Promise<KpiValue> {
  const { asOf, from } = checkQuery(definition, query);
  const rows = await figures(store, definition, query.scope, from, asOf);
  const usesPercentile =
    definition.metric.aggregate === 'percentile' ||
    (definition.metric.aggregate === 'duration' && definition.metric.statistic === 'percentile');
  const values = usesPercentile
    ? await contributionValues(store, definition, query.scope, from, asOf)
    : undefined;
  const overall = valueFrom(
    definition,
    rows,
    values?.map((v) => v.value),
  );
  const groups =
    definition.group_by === undefined
      ? []
      : [...new Set(rows.map((r) => r.grp))].sort().map((group) => ({
          group,
          value: valueFrom(
            definition,
            rows.filter((r) => r.grp === group),
            values?.filter((v) => v.grp === group).map((v) => v.value),
          ).value,
        }));
  const judged = classify(definition, overall.value);
  return {
    key: definition.key,
    version: definition.version,
    title: definition.title,
    unit: definition.unit,
    scope: query.scope,
    window: query.window,
    from,
    asOf,
    value: overall.value,
    display: overall.value === null ? 'no value' : formatValue(definition, overall.value),
    figures: overall.figures,
    groups,
    classification: judged.classification,
    reason: judged.reason,
  };
}

async function contributionValues(
  store: EventStore,
  definition: KpiDefinition,
  scope: string,
  from: string | null,
  asOf: string,
): Promise<{ grp: string; value: number }[]> {
  const rows = await store.query<{ grp: string; value: number | string }>(
    `SELECT grp, value FROM pet_rm_kpi_contributions
      WHERE kpi_key = $1 AND version = $2 AND scope = $3 AND part = 'value'
        AND occurred_at >= $4 AND occurred_at <= $5`,
    [definition.key, definition.version, scope, from ?? '0000', asOf],
  );
  return rows.map((row) => ({ grp: row.grp, value: Number(row.value) }));
}

/** Why a KPI has its value: the definition, the figures, the reason, and the events. */
export interface KpiExplanation extends KpiValue {
  readonly definition: KpiDefinition;
  /** How many contributions (an event counted in a part of the metric) there are. */
  readonly contributions: number;
  /** The first `limit` of them, oldest first. */
  readonly events: readonly {
    readonly eventId: string;
    readonly part: string;
    readonly group: string;
    readonly occurredAt: string;
    readonly value: number;
  }[];
}

/** Explains a KPI value: its definition version, figures, classification and events. */
export async function explainKpi(
  store: EventStore,
  query: KpiQuery,
  limit = 100,
): Promise<KpiExplanation> {
  const definition = await findDefinition(store, query.key, query.version);
  const value = await valueOf(store, definition, query);
  const where = `kpi_key = $1 AND version = $2 AND scope = $3 AND occurred_at >= $4 AND occurred_at <= $5`;
  const params = [value.key, value.version, value.scope, value.from ?? '0000', value.asOf];
  const [counted] = await store.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM pet_rm_kpi_contributions WHERE ${where}`,
    params,
  );
  const events = await store.query<{
    event_id: string;
    part: string;
    grp: string;
    occurred_at: string;
    value: number | string;
  }>(
    `SELECT event_id, part, grp, occurred_at, value FROM pet_rm_kpi_contributions
      WHERE ${where} ORDER BY occurred_at, event_id, part LIMIT ${Math.max(1, Math.min(limit, 10_000))}`,
    params,
  );
  return {
    ...value,
    definition,
    contributions: Number(counted?.n ?? 0),
    events: events.map((e) => ({
      eventId: e.event_id,
      part: e.part,
      group: e.grp,
      occurredAt: e.occurred_at,
      value: Number(e.value),
    })),
  };
}
