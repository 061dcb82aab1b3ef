/**
 * Integrity, on each database: the log sealed into the audit chain, a digest kept outside,
 * and a verify that finds, by position, a payload edited, an event deleted, a forged event
 * inserted and two events swapped, each done with the guards taken away (as a superuser
 * could) and put back; and the guards themselves missing.
 */
import { describe, expect, it } from 'vitest';
import { canonicalEvent, chainHead, sealLog, verifyExportedChain } from '../../src/audit/chain.js';
import { exportCloudEvents } from '../../src/pet/audit/export.js';
import { verifyLog, type ChainDigest } from '../../src/audit/verify.js';
import { EventInvalidError, PositionUnknownError } from '../../src/events/errors.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { toPosition } from '../../src/events/types.js';
import { toWireEvent } from '../../src/events/wire.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import { after, asAdmin, ticketStory, usePetWorld, type World } from '../pet/world.js';

async function story(w: World): Promise<RecordedEvent[]> {
  await ticketStory(w, false);
  return w.store.readLog({ limit: 1000 });
}

/** Runs raw SQL with the log's guards taken away, then puts them back. */
async function withoutGuards(
  db: TestDatabase,
  dialect: 'sqlite' | 'postgres',
  statements: readonly string[],
): Promise<void> {
  if (dialect === 'postgres') {
    await db.raw.run('ALTER TABLE domain_events DISABLE TRIGGER ALL');
    for (const statement of statements) await db.raw.run(statement);
    await db.raw.run('ALTER TABLE domain_events ENABLE TRIGGER ALL');
    return;
  }
  const triggers = (await db.raw.run(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'domain_events'",
  )) as { name: string; sql: string }[];
  await db.raw.run('PRAGMA foreign_keys = OFF');
  for (const { name } of triggers) await db.raw.run(`DROP TRIGGER ${name}`);
  for (const statement of statements) await db.raw.run(statement);
  for (const { sql } of triggers) await db.raw.run(sql);
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

export function integrityConformance(factory: DatabaseFactory): void {
  describe('integrity', () => {
    const world = usePetWorld(factory);

    async function sealed(w: World): Promise<{ log: RecordedEvent[]; digest: ChainDigest }> {
      const log = await story(w);
      await sealLog(w.store);
      const head = await chainHead(w.store);
      return {
        log,
        digest: {
          seq: head.seq.toString(),
          position: head.position.toString(),
          link: head.link,
          at: head.sealedAt ?? '',
        },
      };
    }

    it('seals the log in order, reaches its digest, and seals only what is new', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      expect(digest.seq).toBe(String(log.length));
      expect(await verifyLog(w.store, { digest })).toEqual({
        ok: true,
        checked: log.length,
        sealed: log.length,
        stretches: 1,
        finding: null,
      });
      await w.pet.tickets.changeStatus(asAdmin(after(40)), { id: 'T-1', to: 'closed' });
      const unsealed = await verifyLog(w.store, { digest });
      expect([unsealed.ok, unsealed.checked, unsealed.sealed]).toEqual([
        true,
        log.length + 1,
        log.length,
      ]);
      expect((await sealLog(w.store)).sealed).toBe(1);
      expect((await sealLog(w.store)).sealed).toBe(0);
      // The chain is the store's own: domain SQL cannot write it, nor can anyone change it.
      await expect(w.db.raw.run('DELETE FROM audit_chain')).rejects.toThrow(/PET_APPEND_ONLY/);
      await expect(
        w.db.raw.run(`INSERT INTO audit_chain (seq, position, event_id, link, sealed_at)
          VALUES (99, 1, ${quote(log[0]?.id ?? '')}, ${quote('0'.repeat(64))}, 'now')`),
      ).rejects.toThrow(/PET_APPEND_ONLY|UNIQUE|unique/);
    });

    it('reads the log in the wire shape the chain hashes, page by page as readLog does', async () => {
      const w = world();
      const log = await story(w);
      expect(await w.store.readWireLog({ limit: 1000 })).toEqual(log.map(toWireEvent));
      const third = log[2] as RecordedEvent;
      expect(await w.store.readWireLog({ after: third.position, limit: 2 })).toEqual(
        log.slice(3, 5).map(toWireEvent),
      );
      const unknown = await w.store
        .readWireLog({ after: toPosition(999_999) })
        .catch((error: unknown) => error);
      expect(unknown).toBeInstanceOf(PositionUnknownError);
      expect((unknown as PositionUnknownError).code).toBe('PET_POSITION_UNKNOWN');
    });

    it('reads the log for verify, with the canonical JSON of each event where the database writes it out', async () => {
      const w = world();
      await w.pet.tickets.create(asAdmin(after(5)), {
        id: 'T-9',
        customerId: 'C-acme',
        subject: 'VPN "down" \\ é ☃ 😀 \t \u2028 </script>',
        priority: 'high',
      });
      const log = await story(w);
      const page = await w.store.readAuditLog({ limit: 1000 });
      expect(page.events).toEqual(log.map(toWireEvent));
      // SQLite writes it from the stored row, the payload as stored: in canonical JSON, keys in
      // order, whatever order PET's commands wrote them in.
      if (factory.dialect === 'sqlite') {
        expect(page.canonical).toEqual(page.events.map(canonicalEvent));
      } else {
        expect(page.canonical).toBeUndefined();
      }
      const third = log[2] as RecordedEvent;
      const next = await w.store.readAuditLog({ after: third.position, limit: 2 });
      expect(next.events).toEqual(log.slice(3, 5).map(toWireEvent));
      expect(next.canonical).toEqual(page.canonical?.slice(3, 5));
      const unknown = await w.store
        .readAuditLog({ after: toPosition(999_999) })
        .catch((error: unknown) => error);
      expect(unknown).toBeInstanceOf(PositionUnknownError);
    });

    it('finds nothing wrong in a payload stored in another key order and spacing: the same content', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      const reordered = `{ ${Object.entries(created.payload)
        .reverse()
        .map(([key, value]) => `${JSON.stringify(key)} : ${JSON.stringify(value)}`)
        .join(' , ')} }`;
      await withoutGuards(w.db, factory.dialect, [
        `UPDATE domain_events SET payload = ${quote(reordered)} WHERE id = ${quote(created.id)}`,
      ]);
      if (factory.dialect === 'sqlite') {
        const [stored] = await w.store.query<{ payload: string }>(
          `SELECT payload FROM domain_events WHERE id = ${quote(created.id)}`,
        );
        expect(stored?.payload).toBe(reordered);
      }
      expect(await verifyLog(w.store, { digest })).toEqual({
        ok: true,
        checked: log.length,
        sealed: log.length,
        stretches: 1,
        finding: null,
      });
    });

    it('finds a payload that holds a key twice where the database keeps both (SQLite), not where it keeps the last (jsonb)', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      // "priority" first written "low", then as recorded: JSON.parse reads the recorded value,
      // SQLite's json_extract the other one.
      const twice = `{"\\u0070riority":"low",${JSON.stringify(created.payload).slice(1)}`;
      await withoutGuards(w.db, factory.dialect, [
        `UPDATE domain_events SET payload = ${quote(twice)} WHERE id = ${quote(created.id)}`,
      ]);
      const report = await verifyLog(w.store, { digest });
      if (factory.dialect === 'sqlite') {
        const [read] = await w.store.query<{ priority: string }>(
          `SELECT json_extract(payload, '$.priority') AS priority FROM domain_events WHERE id = ${quote(created.id)}`,
        );
        expect(read?.priority).toBe('low');
        expect(report.finding).toEqual({
          position: created.position.toString(),
          problem: `the event at #${created.position} holds the key "priority" twice in one object: readers differ on its content`,
        });
      } else {
        // jsonb keeps one value per key, the last: the row holds what was recorded.
        const [read] = await w.store.query<{ priority: string }>(
          `SELECT payload->>'priority' AS priority FROM domain_events WHERE id = ${quote(created.id)}`,
        );
        expect(read?.priority).toBe(created.payload.priority);
        expect(report).toMatchObject({ ok: true, finding: null });
      }
    });

    it('reads the chain entry by entry, after one entry and through another', async () => {
      const w = world();
      const { log } = await sealed(w);
      const entries = await w.store.readChain({ after: 0n, limit: 1000 });
      expect(
        entries.map(([seq, position, eventId]) => [String(seq), String(position), eventId]),
      ).toEqual(
        log.map((event, index) => [String(index + 1), event.position.toString(), event.id]),
      );
      const head = await chainHead(w.store);
      expect(entries.at(-1)?.[3]).toBe(head.link);
      const middle = await w.store.readChain({ after: 2n, through: 5n, limit: 2 });
      expect(middle.map(([seq]) => String(seq))).toEqual(['3', '4']);
      expect(middle).toEqual(entries.slice(2, 4));
      expect(await w.store.readChain({ after: 4n, through: 5n, limit: 10 })).toEqual(
        entries.slice(4, 5),
      );
      expect(await w.store.readChain({ after: BigInt(log.length), limit: 10 })).toEqual([]);
      for (const invalid of [
        { after: -1n, limit: 10 },
        { after: 3 as unknown as bigint, limit: 10 },
        { after: 5n, through: 4n, limit: 10 },
        { after: 0n, limit: 0 },
      ]) {
        const error = await w.store.readChain(invalid).catch((caught: unknown) => caught);
        expect((error as { code?: string }).code).toBe('PET_READ_OPTIONS_INVALID');
      }
    });

    it('lists every registered context id by type, as the registry holds it', async () => {
      const w = world();
      await story(w);
      const awkward = ['a "quoted", \\ back-slashed id', 'é ünïcode ☃ 😀', '[1,2]', 'null'];
      await w.store.transaction(async (tx) => {
        for (const id of awkward) await tx.registerContext({ type: 'document', id });
      });
      const expected = new Map<string, string[]>();
      const rows = await w.store.query<{ t: string; i: string }>(
        'SELECT context_type AS t, context_id AS i FROM contexts',
      );
      for (const { t, i } of rows) expected.set(t, [...(expected.get(t) ?? []), i]);
      const listed = await w.store.listContextIds();
      expect([...listed.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [type, ids] of expected)
        expect([...(listed.get(type) ?? [])].sort()).toEqual(ids.sort());
      expect([...(listed.get('document') ?? [])].sort()).toEqual([...awkward].sort());
      expect(listed.get('employee')?.length).toBeGreaterThan(1);
    });

    it('finds an edited payload at its position', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      await withoutGuards(w.db, factory.dialect, [
        factory.dialect === 'postgres'
          ? `UPDATE domain_events SET payload = jsonb_set(payload, '{priority}', '"low"') WHERE id = ${quote(created.id)}`
          : `UPDATE domain_events SET payload = json_set(payload, '$.priority', 'low') WHERE id = ${quote(created.id)}`,
      ]);
      const report = await verifyLog(w.store, { digest });
      expect(report.finding).toEqual({
        position: created.position.toString(),
        problem: `the event at #${created.position} does not match chain entry ${log.indexOf(created) + 1}: its recorded content changed`,
      });
    });

    for (const column of ['occurred_at', 'recorded_at'] as const) {
      it(`finds ${column} moved by less than a millisecond, which the wire shape does not round away`, async () => {
        const w = world();
        const { log, digest } = await sealed(w);
        const assigned = log.find((e) => e.eventType === 'ticket.assigned') as RecordedEvent;
        const moved =
          factory.dialect === 'postgres'
            ? [
                `UPDATE domain_events SET ${column} = ${column} + interval '400 microseconds' WHERE id = ${quote(assigned.id)}`,
              ]
            : // The column's CHECK allows milliseconds only; someone with the file can lift it.
              [
                'PRAGMA ignore_check_constraints = ON',
                `UPDATE domain_events SET ${column} = substr(${column}, 1, 23) || '400Z' WHERE id = ${quote(assigned.id)}`,
                'PRAGMA ignore_check_constraints = OFF',
              ];
        await withoutGuards(w.db, factory.dialect, moved);
        const report = await verifyLog(w.store, { digest });
        expect(report.finding).toEqual({
          position: assigned.position.toString(),
          problem: `the event at #${assigned.position} does not match chain entry ${log.indexOf(assigned) + 1}: its recorded content changed`,
        });
      });
    }

    it('finds a payload number out of range where null was sealed, which JSON.stringify would write as null', async () => {
      const w = world();
      const log = await story(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      const set = (json: string) =>
        factory.dialect === 'postgres'
          ? `UPDATE domain_events SET payload = jsonb_set(payload, '{subject}', '${json}') WHERE id = ${quote(created.id)}`
          : `UPDATE domain_events SET payload = json_set(payload, '$.subject', json('${json}')) WHERE id = ${quote(created.id)}`;
      // A null where a schema left the type open, sealed as it stands; then a number no
      // double holds, which JSON.parse reads as Infinity.
      await withoutGuards(w.db, factory.dialect, [set('null')]);
      await sealLog(w.store);
      await withoutGuards(w.db, factory.dialect, [
        factory.dialect === 'postgres'
          ? set('1e400')
          : `UPDATE domain_events SET payload = replace(payload, '"subject":null', '"subject":1e400') WHERE id = ${quote(created.id)}`,
      ]);
      const report = await verifyLog(w.store);
      expect(report.finding).toEqual({
        position: created.position.toString(),
        problem: `the event at #${created.position} holds Infinity, which JSON cannot carry: it has no canonical JSON, and readers differ on it`,
      });
    });

    it('refuses to seal a payload number no double holds: the chain ends just before it', async () => {
      const w = world();
      const log = await story(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      await withoutGuards(w.db, factory.dialect, [
        factory.dialect === 'postgres'
          ? `UPDATE domain_events SET payload = jsonb_set(payload, '{subject}', '1e400') WHERE id = ${quote(created.id)}`
          : `UPDATE domain_events SET payload = json_set(payload, '$.subject', json('1e400')) WHERE id = ${quote(created.id)}`,
      ]);
      await expect(sealLog(w.store)).rejects.toThrow(EventInvalidError);
      const before = log[log.indexOf(created) - 1];
      expect(before).toBeDefined();
      expect((await chainHead(w.store)).position).toBe(before?.position);
    });

    it('finds a deleted event, naming its position', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const assigned = log.find((e) => e.eventType === 'ticket.assigned') as RecordedEvent;
      await withoutGuards(w.db, factory.dialect, [
        `DELETE FROM domain_events WHERE id = ${quote(assigned.id)}`,
      ]);
      const report = await verifyLog(w.store, { digest });
      const next = log[log.indexOf(assigned) + 1] as RecordedEvent;
      expect(report.finding?.position).toBe(next.position.toString());
      expect(report.finding?.problem).toContain(`names #${assigned.position} (${assigned.id})`);
      expect(report.finding?.problem).toContain('an event was removed, added or moved');
    });

    it('finds a forged event inserted into the log, at its position', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const created = log.find((e) => e.eventType === 'ticket.created') as RecordedEvent;
      const forgedId = '0190a1b2-0000-7000-8000-00000000f0f0';
      const copy = `event_type, schema_version, occurred_at, recorded_at, actor_employee_id,
        context_type, context_id, payload`;
      await withoutGuards(
        w.db,
        factory.dialect,
        factory.dialect === 'postgres'
          ? [
              // Same transaction as the ticket's creation, a later position: right after it in log order.
              `INSERT INTO domain_events (id, position, transaction_id, context_version, ${copy})
                 OVERRIDING SYSTEM VALUE
                 SELECT ${quote(forgedId)}, 100000, transaction_id, 99, ${copy}
                 FROM domain_events WHERE id = ${quote(created.id)}`,
            ]
          : [
              `UPDATE domain_events SET position = position + 1000000 WHERE position > ${created.position}`,
              `UPDATE domain_events SET position = position - 999999 WHERE position > 1000000`,
              `INSERT INTO domain_events (id, position, context_version, ${copy})
                 SELECT ${quote(forgedId)}, position + 1, 99, ${copy}
                 FROM domain_events WHERE id = ${quote(created.id)}`,
            ],
      );
      const report = await verifyLog(w.store, { digest });
      const forged = (await w.store.getEvent(forgedId)) as RecordedEvent;
      expect(report.finding?.position).toBe(forged.position.toString());
      expect(report.finding?.problem).toContain(
        `(${forgedId}): an event was removed, added or moved`,
      );
    });

    it('finds a chain entry naming an event no longer in the log', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const last = log.at(-1) as RecordedEvent;
      await withoutGuards(w.db, factory.dialect, [
        `DELETE FROM domain_events WHERE id = ${quote(last.id)}`,
      ]);
      expect((await verifyLog(w.store, { digest })).finding).toEqual({
        position: last.position.toString(),
        problem: `chain entry ${log.length} names #${last.position} (${last.id}), which is not in the log`,
      });
    });

    it('finds, in an event not sealed yet, a reference, an actor, a context and a schema version that are not registered', async () => {
      const w = world();
      const { digest } = await sealed(w);
      await w.pet.tickets.create(asAdmin(after(40)), {
        id: 'T-2',
        customerId: 'C-acme',
        subject: 'Printer',
        priority: 'low',
      });
      const created = (await w.store.readLog({ limit: 1000 })).at(-1) as RecordedEvent;
      const where = `WHERE id = ${quote(created.id)}`;
      const findingAfter = async (edit: string) => {
        await withoutGuards(w.db, factory.dialect, [`UPDATE domain_events SET ${edit} ${where}`]);
        const report = await verifyLog(w.store, { digest });
        expect(report.finding?.position).toBe(created.position.toString());
        return report.finding?.problem;
      };
      // Each edit adds to the one before, and is found first: verify checks in this order.
      expect(
        await findingAfter(
          factory.dialect === 'postgres'
            ? `payload = jsonb_set(payload, '{customer_id}', '"C-gone"')`
            : `payload = json_set(payload, '$.customer_id', 'C-gone')`,
        ),
      ).toBe('/customer_id names customer/C-gone, which is not registered');
      expect(await findingAfter(`actor_employee_id = 'E-gone'`)).toBe(
        'its actor E-gone is not a registered employee',
      );
      expect(await findingAfter(`context_id = 'T-gone'`)).toBe(
        'its context ticket/T-gone is not registered',
      );
      expect(await findingAfter('schema_version = 7')).toBe(
        'ticket.created v7 is not a registered schema version',
      );
    });

    it('finds two events swapped, at the first of them', async () => {
      const w = world();
      const { log, digest } = await sealed(w);
      const [a, b] = log.filter((e) => e.context.id === 'T-1') as [RecordedEvent, RecordedEvent];
      // PostgreSQL orders the log by (transaction, position): swapping the transactions swaps
      // the events; SQLite orders it by position.
      const swap =
        factory.dialect === 'postgres'
          ? [
              `CREATE TEMP TABLE swap AS SELECT id, transaction_id FROM domain_events WHERE id IN (${quote(a.id)}, ${quote(b.id)})`,
              `UPDATE domain_events d SET transaction_id = s.transaction_id
                 FROM swap s WHERE d.id = ${quote(b.id)} AND s.id = ${quote(a.id)}`,
              `UPDATE domain_events d SET transaction_id = s.transaction_id
                 FROM swap s WHERE d.id = ${quote(a.id)} AND s.id = ${quote(b.id)}`,
            ]
          : [
              `UPDATE domain_events SET position = 999999 WHERE id = ${quote(a.id)}`,
              `UPDATE domain_events SET position = ${a.position} WHERE id = ${quote(b.id)}`,
              `UPDATE domain_events SET position = ${b.position} WHERE id = ${quote(a.id)}`,
            ];
      await withoutGuards(w.db, factory.dialect, swap);
      const report = await verifyLog(w.store, { digest });
      // The log's event at entry a's place is now b (moved to a's position, or before a).
      const now = (await w.store.getEvent(b.id)) as RecordedEvent;
      expect(report.finding?.position).toBe(now.position.toString());
      expect(report.finding?.problem).toContain(`names #${a.position} (${a.id})`);
      expect(report.finding?.problem).toContain(`(${b.id}): an event was removed, added or moved`);
    });

    it('exports the chain with the events, so an outside party can re-verify it offline', async () => {
      const w = world();
      const { log } = await sealed(w);
      const lines: string[] = [];
      await exportCloudEvents(w.store, (line) => lines.push(line));
      expect(lines).toHaveLength(log.length);
      expect(verifyExportedChain(lines)).toEqual({ ok: true, checked: log.length, finding: null });
      const first = JSON.parse(lines[0] ?? '') as { petseq: string; petlink: string };
      expect(first.petseq).toBe('1');
      // A part of the log verifies from the link before it.
      expect(
        verifyExportedChain(lines.slice(3), {
          previousLink: (JSON.parse(lines[2] ?? '') as { petlink: string }).petlink,
        }).ok,
      ).toBe(true);
      expect(verifyExportedChain(lines.slice(3), { previousLink: first.petlink }).ok).toBe(false);
      // A changed payload, a dropped line, an unsealed event: each named by its line.
      const changed = [...lines];
      const third = JSON.parse(changed[2] ?? '') as {
        data: Record<string, unknown>;
        petposition: string;
      };
      changed[2] = JSON.stringify({ ...third, data: { ...third.data, forged: true } });
      expect(verifyExportedChain(changed).finding).toEqual({
        line: 3,
        problem: `the event at #${third.petposition} does not match its link: it was changed`,
      });
      expect(verifyExportedChain([...lines.slice(0, 2), ...lines.slice(3)]).finding?.line).toBe(3);
      // A number no double holds in the exported data: a finding, not an error.
      const huge = [...lines];
      huge[2] = (lines[2] ?? '').replace('"data":{', '"data":{"forged":1e400,');
      expect(verifyExportedChain(huge).finding).toEqual({
        line: 3,
        problem: `the event at #${third.petposition} holds Infinity, which JSON cannot carry: it has no canonical JSON`,
      });
      await w.pet.tickets.changeStatus(asAdmin(after(40)), { id: 'T-1', to: 'closed' });
      const more: string[] = [];
      await exportCloudEvents(w.store, (line) => more.push(line));
      expect(verifyExportedChain(more).finding).toEqual({
        line: more.length,
        problem: 'the event is not sealed: it has no chain entry to verify',
      });
    });

    it('finds guards missing, a chain that no longer reaches the digest, and payloads that break their schema', async () => {
      const w = world();
      const { digest } = await sealed(w);
      expect(
        (await verifyLog(w.store, { digest: { ...digest, link: 'f'.repeat(64) } })).finding,
      ).toEqual({
        position: digest.position,
        problem: `the chain no longer reaches the digest: link ${digest.link} at entry ${digest.seq}, the digest says ${'f'.repeat(64)}`,
      });
      expect(
        (await verifyLog(w.store, { digest: { ...digest, seq: String(Number(digest.seq) + 5) } }))
          .finding?.problem,
      ).toBe(
        `the chain ends at entry ${digest.seq}, before the digest's entry ${Number(digest.seq) + 5}`,
      );
      // An event not sealed yet is still checked against its schema.
      await w.pet.tickets.changeStatus(asAdmin(after(40)), { id: 'T-1', to: 'closed' });
      const closed = (await w.store.readLog({ limit: 1000 })).at(-1) as RecordedEvent;
      await withoutGuards(w.db, factory.dialect, [
        factory.dialect === 'postgres'
          ? `UPDATE domain_events SET payload = jsonb_set(payload, '{to_status}', '"gone"') WHERE id = ${quote(closed.id)}`
          : `UPDATE domain_events SET payload = json_set(payload, '$.to_status', 'gone') WHERE id = ${quote(closed.id)}`,
      ]);
      const broken = await verifyLog(w.store, { digest });
      expect(broken.finding?.position).toBe(closed.position.toString());
      expect(broken.finding?.problem).toMatch(
        /^the payload breaks ticket\.closed v1 at \/to_status: /,
      );
      if (factory.dialect === 'postgres') {
        await w.db.raw.run('ALTER TABLE domain_events DISABLE TRIGGER domain_events_append_only');
      } else {
        await w.db.raw.run('DROP TRIGGER domain_events_no_update');
      }
      const guard =
        factory.dialect === 'postgres' ? 'domain_events_append_only' : 'domain_events_no_update';
      expect((await verifyLog(w.store)).finding).toEqual({
        position: null,
        problem: `guard triggers missing or disabled: ${guard}`,
      });
      if (factory.dialect === 'postgres') {
        // The trigger that resolves an event's references (in place of foreign keys) is one too.
        await w.db.raw.run(
          'ALTER TABLE domain_events DISABLE TRIGGER domain_events_references_resolve',
        );
        expect((await verifyLog(w.store)).finding?.problem).toBe(
          'guard triggers missing or disabled: domain_events_append_only, domain_events_references_resolve',
        );
      }
    });

    describe('in stretches checked side by side (worker threads)', () => {
      /** The same verify in three stretches and in one: the reports must agree. */
      async function bothWays(w: World, digest: ChainDigest) {
        const inThree = await verifyLog(w.store, { digest, threads: 3 });
        const inOne = await verifyLog(w.store, { digest, threads: 1 });
        expect([inThree.stretches, inOne.stretches]).toEqual([3, 1]);
        expect({ ...inThree, stretches: 1 }).toEqual(inOne);
        return inThree;
      }

      /** The events at which three stretches of `log` meet: the last of the first and second. */
      const cutsOf = (log: readonly RecordedEvent[]) =>
        [1, 2].map((k) => log[Math.floor((log.length * k) / 3) - 1] as RecordedEvent);

      const edit = (id: string) =>
        factory.dialect === 'postgres'
          ? `UPDATE domain_events SET payload = payload || '{"forged": true}' WHERE id = ${quote(id)}`
          : `UPDATE domain_events SET payload = json_set(payload, '$.forged', json('true')) WHERE id = ${quote(id)}`;

      it('reports what one stretch does on an intact log, with events not sealed yet', async () => {
        const w = world();
        const { log, digest } = await sealed(w);
        await w.pet.tickets.changeStatus(asAdmin(after(40)), { id: 'T-1', to: 'closed' });
        expect(await bothWays(w, digest)).toEqual({
          ok: true,
          checked: log.length + 1,
          sealed: log.length,
          stretches: 3,
          finding: null,
        });
        expect(
          (await bothWays(w, { ...digest, seq: String(log.length + 3) })).finding?.problem,
        ).toBe(
          `the chain ends at entry ${log.length}, before the digest's entry ${log.length + 3}`,
        );
      });

      it('finds an edit in the second stretch, and the last event of the first stretch edited', async () => {
        const w = world();
        const { log, digest } = await sealed(w);
        const [firstCut] = cutsOf(log) as [RecordedEvent];
        const inSecond = log[log.indexOf(firstCut) + 1] as RecordedEvent;
        await withoutGuards(w.db, factory.dialect, [edit(inSecond.id)]);
        expect((await bothWays(w, digest)).finding?.position).toBe(inSecond.position.toString());
        // Where the second stretch starts: the first recomputes that link and finds the edit.
        await withoutGuards(w.db, factory.dialect, [edit(firstCut.id)]);
        const report = await bothWays(w, digest);
        expect(report.finding?.position).toBe(firstCut.position.toString());
        expect(report.finding?.problem).toContain('its recorded content changed');
      });

      it('finds the event where two stretches meet deleted, and an edit in the last stretch', async () => {
        const w = world();
        const { log, digest } = await sealed(w);
        const [, secondCut] = cutsOf(log) as [RecordedEvent, RecordedEvent];
        const last = log.at(-1) as RecordedEvent;
        await withoutGuards(w.db, factory.dialect, [edit(last.id)]);
        expect((await bothWays(w, digest)).finding?.position).toBe(last.position.toString());
        await withoutGuards(w.db, factory.dialect, [
          `DELETE FROM domain_events WHERE id = ${quote(secondCut.id)}`,
        ]);
        const report = await bothWays(w, digest);
        expect(report.finding?.problem).toContain(`names #${secondCut.position} (${secondCut.id})`);
      });

      it('refuses a number of threads that is not a positive integer', async () => {
        const w = world();
        const { digest } = await sealed(w);
        for (const threads of [0, -1, 1.5, Number.NaN]) {
          await expect(verifyLog(w.store, { digest, threads })).rejects.toThrow(
            /threads must be a positive integer/,
          );
        }
      });
    });
  });
}
