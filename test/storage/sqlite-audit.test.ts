/**
 * Verify on SQLite against a row no STRICT table can hold: a BLOB put into a text column after
 * the table's declaration was rewritten without STRICT (writable_schema, as someone with the
 * file could). SQLite cannot write such a row out as JSON; verify must still report the row at
 * its position, not fail.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { chainHead, sealLog } from '../../src/audit/chain.js';
import { verifyLog } from '../../src/audit/verify.js';
import { sqliteFactory } from '../support/databases.js';
import { ticketStory, usePetWorld } from '../pet/world.js';

/** Rewrites `domain_events` without STRICT and runs `statements` with its guards taken away. */
function behindTheTablesBack(path: string, statements: readonly string[]): void {
  const db = new Database(path);
  try {
    db.unsafeMode(true);
    const triggers = db
      .prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'domain_events'",
      )
      .all() as { name: string; sql: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
    const version = db.pragma('schema_version', { simple: true }) as number;
    db.pragma('writable_schema = ON');
    const rewritten = db
      .prepare(
        "UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')') WHERE type = 'table' AND name = 'domain_events'",
      )
      .run();
    expect(rewritten.changes).toBe(1);
    // Other connections (the store's) read the schema again when its version moves.
    db.pragma(`schema_version = ${version + 1}`);
    db.pragma('writable_schema = OFF');
    db.close();
    const reopened = new Database(path);
    try {
      reopened.pragma('foreign_keys = OFF');
      for (const statement of statements) reopened.exec(statement);
      for (const { sql } of triggers) reopened.exec(sql);
    } finally {
      reopened.close();
    }
  } finally {
    if (db.open) db.close();
  }
}

describe('SQLite verify', () => {
  const world = usePetWorld(sqliteFactory);

  it('reports a row holding a BLOB in a text column at its position, though SQLite cannot write the row out as JSON', async () => {
    const w = world();
    await ticketStory(w, false);
    const log = await w.store.readLog({ limit: 1000 });
    await sealLog(w.store);
    const head = await chainHead(w.store);
    const [{ file } = { file: '' }] = (await w.db.raw.run(
      "SELECT file FROM pragma_database_list WHERE name = 'main'",
    )) as { file: string }[];
    const target = log[2];
    if (target === undefined) throw new Error('the story wrote fewer than three events');
    // The same bytes as the text it held, now typed BLOB.
    behindTheTablesBack(file, [
      `UPDATE domain_events SET correlation_id = CAST(correlation_id AS BLOB) WHERE position = ${target.position}`,
    ]);
    const [stored] = (await w.db.raw.run(
      `SELECT typeof(correlation_id) AS type FROM domain_events WHERE position = ${target.position}`,
    )) as { type: string }[];
    expect(stored?.type).toBe('blob');
    const report = await verifyLog(w.store, {
      digest: {
        seq: head.seq.toString(),
        position: head.position.toString(),
        link: head.link,
        at: '',
      },
    });
    expect(report.finding).toEqual({
      position: target.position.toString(),
      problem: `the event at #${target.position} does not match chain entry 3: its recorded content changed`,
    });
    expect(report.checked).toBe(3);
  });

  it('finds a key held twice in a payload on a page SQLite cannot write out as JSON', async () => {
    const w = world();
    await ticketStory(w, false);
    const log = await w.store.readLog({ limit: 1000 });
    await sealLog(w.store);
    const [{ file } = { file: '' }] = (await w.db.raw.run(
      "SELECT file FROM pragma_database_list WHERE name = 'main'",
    )) as { file: string }[];
    const [twice, blob] = [log[1], log[2]];
    if (twice === undefined || blob === undefined) {
      throw new Error('the story wrote fewer than three events');
    }
    // The payload's first key twice: JSON.parse keeps the last, the one that was sealed.
    const [key = ''] = Object.keys(twice.payload);
    const text = `{${JSON.stringify(key)}:"forged",${JSON.stringify(twice.payload).slice(1)}`;
    behindTheTablesBack(file, [
      `UPDATE domain_events SET payload = '${text.replaceAll("'", "''")}' WHERE position = ${twice.position}`,
      // Further on in the same page: the page goes without SQLite's canonical texts.
      `UPDATE domain_events SET correlation_id = CAST(correlation_id AS BLOB) WHERE position = ${blob.position}`,
    ]);
    const report = await verifyLog(w.store);
    expect(report.finding).toEqual({
      position: twice.position.toString(),
      problem: `the event at #${twice.position} holds the key ${JSON.stringify(key)} twice in one object: readers differ on its content`,
    });
  });
});
