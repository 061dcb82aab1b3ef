import { CliUsageError } from '../../events/errors.js';
import { toPosition, type ContextRef } from '../../events/types.js';
import { exportCloudEvents } from '../../pet/audit/export.js';
import { auditHistory, showValue, type AuditState } from '../../pet/audit/history.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { progressBar, rate } from '../progress.js';

/** `ticket/T-1` → a context reference. */
export function parseContext(text: string): ContextRef {
  const match = /^([a-z][a-z0-9_]*)\/(.+)$/.exec(text);
  if (match === null)
    throw new CliUsageError(`a context is TYPE/ID (ticket/T-1), got ${JSON.stringify(text)}`);
  return { type: match[1] as string, id: match[2] as string };
}

/** `pet-events audit history TYPE/ID [--at INSTANT]`. */
export async function auditHistoryCommand(
  store: EventStore,
  output: Output,
  context: string,
  options: { at?: string; json: boolean },
): Promise<void> {
  const history = await auditHistory(store, parseContext(context), {
    ...(options.at === undefined ? {} : { at: options.at }),
  });
  if (options.json) {
    output.out(JSON.stringify(history));
  } else {
    output.out(
      `${history.context.type}/${history.context.id}: ${history.entries.length} events${history.at === null ? '' : ` up to ${history.at}`}`,
    );
    for (const e of history.entries) {
      const actor = e.actor === null ? 'system' : `${e.actor.name ?? '?'} (${e.actor.id})`;
      output.out(
        `  v${e.contextVersion}  #${e.position}  ${e.occurredAt} (recorded ${e.recordedAt})  ${actor}  ${e.eventType}@${e.schemaVersion}`,
      );
      output.out(`      ${statusChange(e.before, e.after)}${changes(e.before, e.after)}`);
    }
    output.out(`State: ${JSON.stringify(history.state)}`);
    for (const f of history.findings) {
      output.out(`Finding at #${f.position} (${f.eventId}): ${f.problem}`);
    }
  }
  if (history.findings.length > 0) process.exitCode = 1;
}

function statusChange(before: AuditState, after: AuditState): string {
  if (before.status === after.status) {
    return after.status === undefined ? '' : `status ${showValue(after.status)}`;
  }
  return `status ${before.status === undefined ? '—' : showValue(before.status)} → ${showValue(after.status)}`;
}

function changes(before: AuditState, after: AuditState): string {
  const changed = Object.keys(after).filter(
    (key) => key !== 'status' && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (changed.length === 0) return '';
  const list = changed.map((key) => `${key} ${JSON.stringify(after[key])}`).join(', ');
  return before.status === after.status && after.status === undefined ? list : `; ${list}`;
}

/** `pet-events audit export`: CloudEvents, one JSON object per line, on stdout. */
export async function auditExportCommand(
  store: EventStore,
  output: Output,
  options: { context?: string; from: string; to?: string; source?: string; progress: boolean },
): Promise<void> {
  const position = (flag: string, value: string) => {
    if (!/^\d+$/.test(value))
      throw new CliUsageError(`${flag} must be a position (a whole number)`);
    return toPosition(value);
  };
  const total =
    options.context === undefined
      ? Number((await store.backlog(position('--from', options.from))).events)
      : 0;
  const bar =
    total >= 10_000
      ? progressBar({ json: false, progress: options.progress }, 'Exporting')
      : undefined;
  const started = performance.now();
  bar?.start(total, 0, { rate: 0 });
  try {
    await exportCloudEvents(store, (line) => output.out(line), {
      after: position('--from', options.from),
      ...(options.to === undefined ? {} : { to: position('--to', options.to) }),
      ...(options.context === undefined ? {} : { context: parseContext(options.context) }),
      ...(options.source === undefined ? {} : { source: options.source }),
      onPage: (exported) => bar?.update(exported, { rate: rate(exported, started) }),
    });
  } finally {
    bar?.stop();
  }
}
