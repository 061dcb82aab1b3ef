import { CliUsageError } from '../../events/errors.js';
import { feedProjector, SEVERITIES, type Severity } from '../../pet/feed/projector.js';
import { queryFeed, type FeedItem } from '../../pet/feed/query.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { catchUpWithProgress } from '../progress.js';

export interface FeedOptions {
  readonly as: string;
  readonly scope: string;
  readonly since?: string;
  readonly until?: string;
  readonly type: readonly string[];
  readonly severity: readonly string[];
  readonly actor?: string;
  readonly limit: string;
  readonly cursor?: string;
  readonly includeArchived: boolean;
  readonly catchUp: boolean;
  readonly json: boolean;
  readonly progress: boolean;
}

/**
 * `pet-events feed --as EMPLOYEE`: brings the feed up to the head of the log (unless
 * `--no-catch-up`), then prints a page of it as that employee sees it, newest first, grouped
 * Today / Yesterday / This week / Older.
 */
export async function feedCommand(
  store: EventStore,
  output: Output,
  options: FeedOptions,
): Promise<void> {
  const limit = Number(options.limit);
  if (!/^\d+$/.test(options.limit)) throw new CliUsageError(`--limit must be a whole number`);
  for (const severity of options.severity) {
    if (!SEVERITIES.includes(severity as Severity)) {
      throw new CliUsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
    }
  }
  const viewer = await employeeNamed(store, options.as);
  if (options.catchUp) {
    await catchUpWithProgress(store, feedProjector, options, 'Bringing the feed up to date');
  }
  const page = await queryFeed(store, {
    viewer: viewer.id,
    scope: options.scope,
    limit,
    includeArchived: options.includeArchived,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.type.length === 0 ? {} : { eventTypes: options.type }),
    ...(options.severity.length === 0 ? {} : { severities: options.severity as Severity[] }),
    ...(options.actor === undefined
      ? {}
      : { actor: (await employeeNamed(store, options.actor)).id }),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  if (options.json) {
    output.out(JSON.stringify({ items: page.items, next_cursor: page.nextCursor }));
    return;
  }
  output.out(
    `Feed for ${viewer.name} (${viewer.role}), scope ${options.scope}: ${page.items.length} items`,
  );
  let heading = '';
  for (const item of page.items) {
    const group = dayGroup(item.occurredAt, new Date());
    if (group !== heading) {
      output.out('');
      output.out(group);
      heading = group;
    }
    for (const text of lines(item)) output.out(text);
  }
  if (page.nextCursor !== null) {
    output.out('');
    output.out(`More: --cursor ${page.nextCursor}`);
  }
}

function lines(item: FeedItem): string[] {
  const when = `${item.occurredAt.slice(0, 10)} ${item.occurredAt.slice(11, 16)}`;
  const pad = ' '.repeat(2 + when.length + 2 + 12 + 2);
  const count = item.eventIds.length > 1 ? ` (${item.eventIds.length} events)` : '';
  const detail = item.detail === '' ? [] : item.detail.split('\n').map((l) => `${pad}${l}`);
  return [`  ${when}  ${`[${item.severity}]`.padEnd(12)}  ${item.headline}${count}`, ...detail];
}

/** Today, Yesterday, This week (the 7 days before), Older: by UTC day. */
export function dayGroup(occurredAt: string, now: Date): string {
  const day = Date.parse(`${occurredAt.slice(0, 10)}T00:00:00Z`);
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  const days = Math.round((today - day) / 86_400_000);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return 'This week';
  return 'Older';
}

/** An employee by id or email. */
async function employeeNamed(store: EventStore, idOrEmail: string) {
  const [row] = await store.query<{ id: string; name: string; role: string }>(
    'SELECT id, name, role FROM pet_employees WHERE id = $1 OR email = $1',
    [idOrEmail],
  );
  if (row === undefined) throw new CliUsageError(`no employee with id or email ${idOrEmail}`);
  return row;
}
