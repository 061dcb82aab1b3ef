import { readFileSync } from 'node:fs';
import { CliUsageError, ConsumerBusyError } from '../../events/errors.js';
import { rebuildConsumer } from '../../consumers/read-model.js';
import { kpiProjector } from '../../pet/kpi/projector.js';
import {
  explainKpi,
  kpiValue,
  KPI_WINDOWS,
  type KpiQuery,
  type KpiWindow,
} from '../../pet/kpi/query.js';
import { listDefinitions, registerDefinitions } from '../../pet/kpi/registry.js';
import { START } from '../../events/types.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { catchUpWithProgress, progressBar, rate } from '../progress.js';

export interface KpiQueryOptions {
  readonly version?: string;
  readonly scope: string;
  readonly window: string;
  readonly asOf?: string;
  readonly catchUp: boolean;
  readonly json: boolean;
  readonly progress: boolean;
}

/** `pet-events kpi list`: every registered version of every KPI. */
export async function kpiListCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  for (const { definition: d, sha256, registeredAt } of await listDefinitions(store)) {
    if (json) {
      output.out(
        JSON.stringify({
          key: d.key,
          version: d.version,
          title: d.title,
          unit: d.unit,
          direction: d.direction,
          scopes: d.scopes,
          thresholds: d.thresholds ?? null,
          sha256,
          registered_at: registeredAt,
        }),
      );
      continue;
    }
    const judged = d.thresholds
      ? `target ${d.thresholds.target}, breach ${d.thresholds.breach}`
      : 'no target';
    output.out(
      `${`${d.key} v${d.version}`.padEnd(30)}  ${d.title.padEnd(26)}  ${d.unit.padEnd(8)}  ${d.direction.replaceAll('_', ' ').padEnd(17)}  ${judged}`,
    );
  }
}

/** `pet-events kpi show KEY`: the value for a scope and window as of an instant. */
export async function kpiShowCommand(
  store: EventStore,
  output: Output,
  key: string,
  options: KpiQueryOptions,
): Promise<void> {
  const query = await prepare(store, key, options);
  const value = await kpiValue(store, query);
  if (options.json) {
    output.out(JSON.stringify(value));
    return;
  }
  output.out(
    `${value.title} (${value.key} v${value.version}), ${value.scope}, ${value.window.replaceAll('_', ' ')} as of ${value.asOf}: ${value.display} — ${value.classification}`,
  );
  for (const group of value.groups) {
    output.out(`  ${group.group.padEnd(16)} ${group.value ?? 'no value'}`);
  }
}

/** `pet-events kpi explain KEY`: the value, its figures, why it is judged so, and its events. */
export async function kpiExplainCommand(
  store: EventStore,
  output: Output,
  key: string,
  options: KpiQueryOptions & { limit: string },
): Promise<void> {
  const query = await prepare(store, key, options);
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new CliUsageError('--limit must be a whole number from 1 to 10000');
  const explained = await explainKpi(store, query, limit);
  if (options.json) {
    output.out(JSON.stringify(explained));
    return;
  }
  const f = explained.figures;
  output.out(
    `${explained.title} (${explained.key} v${explained.version}), ${explained.scope}, ${explained.window.replaceAll('_', ' ')}: ${explained.from ?? 'the beginning'} to ${explained.asOf}`,
  );
  output.out(`Value: ${explained.display}`);
  output.out(
    `Figures: ${f.numerator === undefined ? `${f.count} events, sum ${f.sum ?? 'none'}` : `numerator ${f.numerator}, denominator ${f.denominator ?? 0} (${f.count} events)`}`,
  );
  output.out(`Judgement: ${explained.reason}`);
  output.out(`Definition: ${JSON.stringify(explained.definition.metric)}`);
  output.out(
    `Contributions: ${explained.contributions}${explained.contributions > explained.events.length ? ` (the first ${explained.events.length} below)` : ''}`,
  );
  for (const e of explained.events) {
    output.out(
      `  ${e.occurredAt}  ${e.eventId}  ${e.part}${e.group === '' ? '' : ` [${e.group}]`}  ${e.value}`,
    );
  }
}

/** `pet-events kpi define FILE`: registers a new version, then recomputes the KPIs from the log. */
export async function kpiDefineCommand(
  store: EventStore,
  output: Output,
  file: string,
  options: { json: boolean; progress: boolean },
): Promise<void> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliUsageError(
      `${file} is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { registered } = await registerDefinitions(store, [document]);
  const [definition] = registered;
  if (definition === undefined) {
    output.out(
      options.json
        ? JSON.stringify({ registered: false })
        : 'That version is registered already with the same content; nothing changed.',
    );
    return;
  }
  const total = Number((await store.backlog(START)).events);
  const bar = total >= 10_000 ? progressBar(options, 'Computing the KPIs') : undefined;
  const started = performance.now();
  bar?.start(total, 0, { rate: 0 });
  let handled = 0;
  try {
    handled = (
      await rebuildConsumer(store, kpiProjector, {
        onBatch: (p) => bar?.update(p.handled, { rate: rate(p.handled, started) }),
      })
    ).handled;
  } catch (error) {
    if (!(error instanceof ConsumerBusyError)) throw error;
    // Registered all the same: its values come with the next rebuild.
    output.err(
      `Registered KPI ${definition.key} v${definition.version}, not computed yet: ${error.message}; then run pet-events consumers rebuild ${kpiProjector.name}.`,
    );
    return;
  } finally {
    bar?.stop();
  }
  output.out(
    options.json
      ? JSON.stringify({
          registered: true,
          key: definition.key,
          version: definition.version,
          events: handled,
        })
      : `Registered KPI ${definition.key} v${definition.version}; computed from ${handled} events.`,
  );
}

async function prepare(
  store: EventStore,
  key: string,
  options: KpiQueryOptions,
): Promise<KpiQuery> {
  if (!KPI_WINDOWS.includes(options.window as KpiWindow)) {
    throw new CliUsageError(`--window must be one of ${KPI_WINDOWS.join(', ')}`);
  }
  if (options.version !== undefined && !/^[1-9]\d*$/.test(options.version)) {
    throw new CliUsageError('--version must be a whole number from 1');
  }
  if (options.catchUp) {
    await catchUpWithProgress(store, kpiProjector, options, 'Bringing the KPIs up to date');
  }
  return {
    key,
    scope: options.scope,
    window: options.window as KpiWindow,
    asOf: options.asOf ?? new Date().toISOString(),
    ...(options.version === undefined ? {} : { version: Number(options.version) }),
  };
}
