/**
 * Query latencies beside the plain query doing the same work, grouped: the summary and the
 * printout the feed and KPI benchmarks share.
 */

/** Timings of one group, in ms: ours and the plain query's, in the same run. */
export interface Timings {
  readonly ours: number[];
  readonly raw: number[];
}

/** A group's p50 / p95 / max, and the plain query's p95 beside it. */
export interface LatencySummary {
  readonly group: string;
  readonly queries: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly rawP95Ms: number;
  readonly ratio: number;
}

/** Adds one measurement to each group it belongs to. */
export function record(
  timings: Map<string, Timings>,
  groups: readonly string[],
  ours: number,
  raw: number,
): void {
  for (const group of groups) {
    const entry = timings.get(group) ?? { ours: [], raw: [] };
    entry.ours.push(ours);
    entry.raw.push(raw);
    timings.set(group, entry);
  }
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Summarises each group and prints it, flagging a p95 at or above the target. */
export function summarise(
  timings: ReadonlyMap<string, Timings>,
  targetP95Ms: number,
  plainName: string,
): LatencySummary[] {
  const summaries = [...timings].map(([group, t]) => ({
    group,
    queries: t.ours.length,
    p50Ms: round2(quantile(t.ours, 0.5)),
    p95Ms: round2(quantile(t.ours, 0.95)),
    maxMs: round2(Math.max(...t.ours)),
    rawP95Ms: round2(quantile(t.raw, 0.95)),
    ratio: round2(quantile(t.raw, 0.95) / Math.max(quantile(t.ours, 0.95), 0.001)),
  }));
  const width = Math.max(...summaries.map((s) => s.group.length));
  for (const s of summaries) {
    console.log(
      `  ${s.group.padEnd(width)} ${String(s.queries).padStart(5)} queries  p50 ${s.p50Ms} ms  p95 ${s.p95Ms} ms  max ${s.maxMs} ms  (${plainName} p95 ${s.rawP95Ms} ms, ratio ${s.ratio})${s.p95Ms < targetP95Ms ? '' : '  ABOVE TARGET'}`,
    );
  }
  return summaries;
}
