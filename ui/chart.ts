/**
 * Hand-made SVG charts of a KPI over time: a sparkline for a dashboard card and a larger
 * chart with its target and breach lines. Each point is the KPI's value as of the end of a
 * day; a day without a value (nothing to divide) leaves a gap. Both carry a text alternative.
 */
import { dataTable, h, s } from './dom.js';
import { utcDayLabel as dayLabel } from './format.js';
import type { KpiDefinition } from './types.js';

/** A KPI's value as of one instant. */
export interface TrendPoint {
  /** The instant the value is as of. */
  readonly asOf: string;
  readonly value: number | null;
  readonly display: string;
}

/** A number of the KPI's unit as a short axis label. */
export function axisText(value: number, unit: KpiDefinition['unit']): string {
  if (value === 0) return '0';
  if (unit === 'percent') return `${Math.round(value * 1000) / 10} %`;
  if (unit === 'minutes') {
    return value >= 120 ? `${Math.round(value / 6) / 10} h` : `${Math.round(value)} min`;
  }
  if (unit === 'ratio') return value.toFixed(2);
  return String(Math.round(value * 100) / 100);
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** The next of 1, 2, 5 × 10^n at or above `value` (> 0). */
function roundUp(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((f) => f * power >= value) ?? 10;
  return step * power;
}

/** `roundUp` in the unit the axis is labelled in: hours for long durations, percent. */
function roundAxis(value: number, unit: KpiDefinition['unit'] | undefined): number {
  if (unit === 'minutes' && value >= 120) return roundUp(value / 60) * 60;
  if (unit === 'percent') return roundUp(value * 100) / 100;
  return roundUp(value);
}

function scale(
  points: readonly TrendPoint[],
  frame: Frame,
  extra: readonly number[],
  unit?: KpiDefinition['unit'],
) {
  const values = [...points.map((p) => p.value).filter((v): v is number => v !== null), ...extra];
  let min = Math.min(0, ...values);
  let max = Math.max(...values, 0);
  if (max === min) max = min + 1;
  // Round the axis out to a round number, so its labels read as such.
  max = roundAxis(max, unit);
  if (min < 0) min = -roundAxis(-min, unit);
  const plotWidth = frame.width - frame.left - frame.right;
  const plotHeight = frame.height - frame.top - frame.bottom;
  const step = points.length > 1 ? plotWidth / (points.length - 1) : 0;
  return {
    min,
    max,
    x: (i: number) => frame.left + i * step,
    y: (v: number) => frame.top + plotHeight - ((v - min) / (max - min)) * plotHeight,
  };
}

/** Line segments through the points that have values; a missing value breaks the line. */
function segments(
  points: readonly TrendPoint[],
  x: (i: number) => number,
  y: (v: number) => number,
) {
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
    } else {
      run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
    }
  });
  if (run.length > 0) runs.push(run.join(' '));
  return runs;
}

/** What a chart shows, in words. */
export function trendSummary(points: readonly TrendPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return 'No trend.';
  return `Trend over ${points.length} days, as of each day's end: ${first.display} on ${dayLabel(first.asOf)}, ${last.display} on ${dayLabel(last.asOf)}.`;
}

/** A card's small trend line, from zero up. */
export function sparkline(points: readonly TrendPoint[]): SVGSVGElement {
  const frame: Frame = { width: 160, height: 36, left: 3, right: 3, top: 4, bottom: 4 };
  const { x, y } = scale(points, frame, []);
  // Stretched to the card's width; the line keeps its thickness (non-scaling stroke).
  return s(
    'svg',
    {
      class: 'sparkline',
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': trendSummary(points),
    },
    segments(points, x, y).map((run) => s('polyline', { points: run, class: 'line' })),
  );
}

/** A KPI's trend with its axis, its target and breach lines, and the same as a table. */
export function trendChart(points: readonly TrendPoint[], definition: KpiDefinition): HTMLElement {
  const frame: Frame = { width: 640, height: 260, left: 64, right: 16, top: 16, bottom: 36 };
  const thresholds = definition.thresholds;
  const plot = scale(
    points,
    frame,
    thresholds === undefined ? [] : [thresholds.target, thresholds.breach],
    definition.unit,
  );
  const { x, y } = plot;
  const across = (value: number) => ({
    x1: frame.left,
    x2: frame.width - frame.right,
    y1: y(value),
    y2: y(value),
  });
  const threshold = (value: number, kind: 'target' | 'breach') =>
    s(
      'g',
      { class: `threshold ${kind}` },
      s('line', across(value)),
      s(
        'text',
        { x: frame.width - frame.right - 4, y: y(value) - 4, 'text-anchor': 'end' },
        `${kind} ${axisText(value, definition.unit)}`,
      ),
    );
  const svg = s(
    'svg',
    {
      class: 'trend-chart',
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      role: 'img',
      'aria-label': trendSummary(points),
    },
    [plot.min, (plot.min + plot.max) / 2, plot.max].map((t) =>
      s(
        'g',
        { class: 'tick' },
        s('line', across(t)),
        s(
          'text',
          { x: frame.left - 6, y: y(t) + 4, 'text-anchor': 'end' },
          axisText(t, definition.unit),
        ),
      ),
    ),
    thresholds === undefined ? null : threshold(thresholds.target, 'target'),
    thresholds === undefined ? null : threshold(thresholds.breach, 'breach'),
    segments(points, x, y).map((run) => s('polyline', { points: run, class: 'line' })),
    points.map((p, i) =>
      p.value === null
        ? null
        : s(
            'circle',
            { cx: x(i), cy: y(p.value), r: 3, class: 'dot' },
            s('title', {}, `${dayLabel(p.asOf)}: ${p.display}`),
          ),
    ),
    dayLabels(points, x, frame.height - frame.bottom + 22),
  );
  const table = h(
    'details',
    { class: 'trend-table' },
    h('summary', {}, 'The trend as a table'),
    dataTable(
      'The trend',
      ['As of', 'Value'],
      points.map((p) => [h('time', { datetime: p.asOf }, dayLabel(p.asOf)), p.display]),
    ),
  );
  return h('figure', { class: 'trend' }, svg, table);
}

/** The first, middle and last days under the chart. */
function dayLabels(points: readonly TrendPoint[], x: (i: number) => number, baseline: number) {
  const last = points.length - 1;
  return [...new Set([0, Math.floor(last / 2), last])].map((i) => {
    const p = points[i];
    const anchor = i === 0 ? 'start' : i === last ? 'end' : 'middle';
    return p === undefined
      ? null
      : s(
          'text',
          { x: x(i), y: baseline, 'text-anchor': anchor, class: 'x-label' },
          dayLabel(p.asOf),
        );
  });
}

/** The instants a trend is computed as of: the end of each of the last `days` UTC days, today's being now. */
export function trendInstants(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => {
    const back = days - 1 - i;
    return back === 0
      ? now.toISOString()
      : new Date(today - (back - 1) * 86_400_000 - 1).toISOString();
  });
}
