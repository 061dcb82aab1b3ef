/**
 * The raw read of the log that consumer benchmarks compare with: plain SQL through the
 * driver, pages of 1,000 rows in position order, payloads parsed.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseLocation } from '../src/store/open-event-store.js';

/** The raw read: plain SQL through the driver, pages of 1,000 in position order. */
export async function rawRead(location: DatabaseLocation): Promise<number> {
  if (location.dialect === 'sqlite') {
    const db = new Database(location.path, { readonly: true });
    try {
      const page = db
        .prepare('SELECT * FROM domain_events WHERE position > ? ORDER BY position LIMIT 1000')
        .raw(true);
      let total = 0;
      let after = 0;
      for (;;) {
        const rows = page.all(after) as unknown[][];
        if (rows.length === 0) return total;
        for (const row of rows) JSON.parse(row[11] as string);
        total += rows.length;
        after = rows[rows.length - 1]![1] as number;
      }
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: location.connectionString });
  await client.connect();
  try {
    let total = 0;
    let after = '0';
    for (;;) {
      const { rows } = await client.query<{ position: string }>({
        name: 'raw_read',
        text: 'SELECT * FROM domain_events WHERE position > $1 ORDER BY position LIMIT 1000',
        values: [after],
      });
      if (rows.length === 0) return total;
      total += rows.length;
      after = rows[rows.length - 1]!.position;
    }
  } finally {
    await client.end();
  }
}
