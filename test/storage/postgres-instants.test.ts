/**
 * Instants on PostgreSQL: the store's sessions run in UTC, but a function a read calls may
 * change a session's time zone, and PostgreSQL then writes every timestamptz in that zone.
 * Reads, appends, sealing and verify must give the same instants whatever a session's zone.
 * And an instant's text must carry its era: `YYYY` alone writes 2026 BC as 2026.
 */
import { describe, expect, it } from 'vitest';
import { sealLog } from '../../src/audit/chain.js';
import { verifyLog } from '../../src/audit/verify.js';
import { postgresFactory } from '../support/databases.js';
import { append, statusChanged, ticketCreated } from '../support/fixtures.js';
import { useOneConnectionStore } from '../support/one-connection.js';

const skipReason = postgresFactory.skipReason;

describe.skipIf(skipReason !== undefined)(
  `PostgreSQL instants${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    const setUp = useOneConnectionStore();

    for (const zone of ['America/New_York', 'Asia/Kolkata'] as const) {
      it(`reads, appends, seals and verifies in UTC after a read set the session to ${zone}`, async () => {
        const { db, single } = setUp();
        const [created] = await append(single, [
          ticketCreated({ occurredAt: '2026-03-02T09:00:00.123Z' }),
        ]);
        // Not through set_config itself, which the store refuses in a read, but through a
        // function of the database's that calls it: the store cannot see into that.
        await db.raw.run(
          `CREATE FUNCTION pet_test_zone(zone text) RETURNS text LANGUAGE sql
             AS $$ SELECT set_config('TimeZone', zone, false) $$`,
        );
        await single.query('SELECT pet_test_zone($1)', [zone]);
        expect(await single.query('SELECT current_setting($1) AS zone', ['TimeZone'])).toEqual([
          { zone },
        ]);
        const [changed] = await append(single, [
          statusChanged({ occurredAt: '2026-03-02T09:30:00.000Z' }),
        ]);
        expect(changed?.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        const log = await single.readLog();
        expect(log.map((e) => [e.occurredAt, e.recordedAt])).toEqual([
          ['2026-03-02T09:00:00.123Z', created?.recordedAt],
          ['2026-03-02T09:30:00.000Z', changed?.recordedAt],
        ]);
        // Sealed on the session in another zone, verified on a fresh one in UTC, and back.
        await sealLog(single);
        expect((await verifyLog(db.store)).finding).toBeNull();
        expect((await verifyLog(single)).finding).toBeNull();
      });
    }

    it('finds an instant moved to the same day and hour before Christ', async () => {
      const { db } = setUp();
      const [created] = await append(db.store, [
        ticketCreated({ occurredAt: '2026-03-02T09:00:00.000Z' }),
      ]);
      await append(db.store, [statusChanged()]);
      await sealLog(db.store);
      await db.raw.run('ALTER TABLE domain_events DISABLE TRIGGER ALL');
      await db.raw.run(
        `UPDATE domain_events SET occurred_at = '2026-03-02 09:00:00+00 BC' WHERE id = '${created?.id}'`,
      );
      await db.raw.run('ALTER TABLE domain_events ENABLE TRIGGER ALL');
      const report = await verifyLog(db.store);
      expect(report.finding).toEqual({
        position: created?.position.toString(),
        problem: `the event at #${created?.position} does not match chain entry 1: its recorded content changed`,
      });
      // Reads say what the row holds: the year before Christ, not 2026.
      const [read] = await db.store.readLog();
      expect(read?.occurredAt).toBe('-002025-03-02T09:00:00.000Z');
    });
  },
);
