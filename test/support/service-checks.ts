/**
 * What the service's fault tests check on the database afterwards: a digest of every table
 * (nothing stored), acknowledged events present, and PET's state rows in step with the log.
 */
import { createHash } from 'node:crypto';
import type { EventStore } from '../../src/store/event-store.js';

/** The names of the store's tables (its schema's, on PostgreSQL). */
async function tableNames(store: EventStore): Promise<string[]> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.query<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
      : await store.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
        );
  return rows.map((row) => row.name).sort();
}

/** The sha256 of every row of every table, and the row count of each: equal when nothing changed. */
export async function databaseDigest(
  store: EventStore,
): Promise<{ readonly digest: string; readonly rows: Record<string, number> }> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const table of await tableNames(store)) {
    const rows = (await store.query(`SELECT * FROM ${table}`)).map((row) =>
      JSON.stringify(row, (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      ),
    );
    rows.sort();
    counts[table] = rows.length;
    hash.update(`${table}\n${rows.join('\n')}\n`);
  }
  return { digest: hash.digest('hex'), rows: counts };
}

/** The acknowledged event ids the log does not hold. */
export async function missingEvents(store: EventStore, ids: Iterable<string>): Promise<string[]> {
  const present = new Set(
    (await store.query<{ id: string }>('SELECT id FROM domain_events')).map((row) => row.id),
  );
  return [...ids].filter((id) => !present.has(id));
}

/**
 * Where time entries and tickets disagree with the log: a state row without its events, events
 * without their state row, a ticket whose status is not the one its last change recorded.
 * Empty when they agree.
 */
export async function stateLogMismatches(store: EventStore): Promise<string[]> {
  const found: string[] = [];
  const entries = new Set(
    (await store.query<{ id: string }>('SELECT id FROM pet_time_entries')).map((row) => row.id),
  );
  const submitted = new Set(
    (
      await store.query<{ id: string }>(
        `SELECT context_id AS id FROM domain_events
          WHERE event_type IN ('time_entry.submitted', 'time_entry.corrected')`,
      )
    ).map((row) => row.id),
  );
  for (const id of entries) if (!submitted.has(id)) found.push(`time entry ${id}: no event`);
  for (const id of submitted) if (!entries.has(id)) found.push(`time entry ${id}: no state row`);

  const tickets = await store.query<{ id: string; status: string }>(
    'SELECT id, status FROM pet_tickets',
  );
  const changes = await store.query<{ id: string; payload: unknown }>(
    `SELECT context_id AS id, payload FROM domain_events
      WHERE event_type IN ('ticket.status_changed', 'ticket.resolved', 'ticket.closed')
      ORDER BY context_version`,
  );
  const last = new Map<string, string>();
  for (const change of changes) {
    const payload = (
      typeof change.payload === 'string' ? JSON.parse(change.payload) : change.payload
    ) as { to_status: string };
    last.set(change.id, payload.to_status);
  }
  for (const ticket of tickets) {
    const expected = last.get(ticket.id) ?? 'new';
    if (ticket.status !== expected) {
      found.push(`ticket ${ticket.id}: state says ${ticket.status}, the log ${expected}`);
    }
  }
  return found;
}
