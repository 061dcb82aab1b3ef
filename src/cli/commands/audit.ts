import { readFileSync } from 'node:fs';
import { chainHead, sealLog } from '../../audit/chain.js';
import { verifyLog, type ChainDigest } from '../../audit/verify.js';
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
      output.out(`      ${changeLine(e.before, e.after)}`);
    }
    output.out(`State: ${JSON.stringify(history.state)}`);
    for (const f of history.findings) {
      output.out(`Finding at #${f.position} (${f.eventId}): ${f.problem}`);
    }
  }
  if (history.findings.length > 0) process.exitCode = 1;
}

/** `status open → resolved; employee_id "E-1"`: what an event changed. */
function changeLine(before: AuditState, after: AuditState): string {
  const parts: string[] = [];
  if (after.status !== undefined) {
    parts.push(
      before.status === after.status
        ? `status ${showValue(after.status)}`
        : `status ${showValue(before.status)} → ${showValue(after.status)}`,
    );
  }
  const changed = Object.keys(after).filter(
    (key) => key !== 'status' && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (changed.length > 0) {
    parts.push(changed.map((key) => `${key} ${JSON.stringify(after[key])}`).join(', '));
  }
  return parts.join('; ');
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

/** `pet-events audit digest`: seals the log, then prints where the chain ends. */
export async function auditDigestCommand(
  store: EventStore,
  output: Output,
  options: { json: boolean; progress: boolean },
): Promise<void> {
  const head = await chainHead(store);
  const total = Number((await store.backlog(head.position)).events);
  const bar = total >= 10_000 ? progressBar(options, 'Sealing') : undefined;
  const started = performance.now();
  bar?.start(total, 0, { rate: 0 });
  try {
    await sealLog(store, { onPage: (n) => bar?.update(n, { rate: rate(n, started) }) });
  } finally {
    bar?.stop();
  }
  const sealed = await chainHead(store);
  const digest: ChainDigest = {
    seq: sealed.seq.toString(),
    position: sealed.position.toString(),
    link: sealed.link,
    at: sealed.sealedAt ?? new Date().toISOString(),
  };
  output.out(
    options.json
      ? JSON.stringify(digest)
      : `${JSON.stringify(digest)}\nKeep this line outside the database; pet-events audit verify --digest FILE checks the log still reaches it.`,
  );
}

/** `pet-events audit verify [--digest FILE]`: exit 1 with the first finding. */
export async function auditVerifyCommand(
  store: EventStore,
  output: Output,
  options: { digest?: string; threads?: string; json: boolean; progress: boolean },
): Promise<void> {
  const digest = options.digest === undefined ? undefined : readDigest(options.digest);
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new CliUsageError(
      `--threads must be a whole number from 1 to 64, got ${options.threads}`,
    );
  }
  const total = Number((await store.backlog(toPosition(0))).events);
  const bar = total >= 10_000 ? progressBar(options, 'Verifying') : undefined;
  const started = performance.now();
  bar?.start(total, 0, { rate: 0 });
  let report;
  try {
    report = await verifyLog(store, {
      ...(digest === undefined ? {} : { digest }),
      ...(threads === undefined ? {} : { threads }),
      onProgress: (n) => bar?.update(n, { rate: rate(n, started) }),
    });
  } finally {
    bar?.stop();
  }
  if (options.json) {
    output.out(JSON.stringify(report));
  } else if (report.finding === null) {
    output.out(
      `Verified ${report.checked} events (${report.sealed} sealed, ${report.checked - report.sealed} not sealed yet): no finding${digest === undefined ? '' : `; the chain reaches the digest at entry ${digest.seq}`}.`,
    );
  } else {
    output.out(
      `Finding${report.finding.position === null ? '' : ` at #${report.finding.position}`}: ${report.finding.problem}`,
    );
  }
  if (!report.ok) process.exitCode = 1;
}

function readDigest(file: string): ChainDigest {
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim().startsWith('{'));
    const value = JSON.parse(lines[0] ?? '') as Partial<ChainDigest>;
    if (
      typeof value.seq === 'string' &&
      typeof value.position === 'string' &&
      typeof value.link === 'string' &&
      /^[0-9a-f]{64}$/.test(value.link) &&
      typeof value.at === 'string'
    ) {
      return value as ChainDigest;
    }
  } catch {
    // reported below
  }
  throw new CliUsageError(`${file} holds no digest printed by pet-events audit digest`);
}
