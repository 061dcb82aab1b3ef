/**
 * Idempotency keys of units of work, run once per adapter through the unit-of-work suite.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import type { PetError } from '../../src/events/errors.js';
import { IdempotencyConflictError, UnitOfWorkInvalidError } from '../../src/events/errors.js';
import type { EventStore } from '../../src/store/event-store.js';
import { employeePrincipal } from '../../src/unit-of-work/principal.js';
import {
  createUnitOfWork,
  type UnitOfWork,
  type UnitOfWorkContext,
} from '../../src/unit-of-work/unit-of-work.js';
import type { TestDatabase } from '../support/databases.js';
import { BOB } from '../support/fixtures.js';
import type { Leads } from './leads.js';

/** Replays, conflicts, scoping and bursts of one key. */
export function idempotencyBehaviours(leads: Leads): void {
  const { alice, lead, createLead, stateOf } = leads;
  let db: TestDatabase;
  let store: EventStore;
  let unitOfWork: UnitOfWork;
  beforeEach(() => {
    ({ db, store, unitOfWork } = leads.current());
  });
  describe('idempotency', () => {
    const touch = (id: string) => async (c: UnitOfWorkContext) => {
      const [row] = await c.sql.query<{ touches: number | string }>(
        'SELECT touches FROM test_leads WHERE id = $1',
        [id],
      );
      const touches = Number(row?.touches ?? 0) + 1;
      await c.sql.execute('UPDATE test_leads SET touches = $1 WHERE id = $2', [touches, id]);
      c.emit({
        eventType: 'lead.qualified',
        schemaVersion: 1,
        context: lead(id),
        payload: { from_status: 'new', to_status: 'qualified', touches },
      });
      return { touches };
    };

    beforeEach(async () => {
      await unitOfWork.run({ principal: alice, command: 'lead.create' }, (c) =>
        createLead(c, 'L-7'),
      );
    });

    it('replays the original events and result, and runs no state change', async () => {
      const options = {
        principal: alice,
        command: 'lead.qualify',
        idempotencyKey: 'req-1',
        input: { lead: 'L-7' },
      };
      const first = await unitOfWork.run(options, touch('L-7'));
      const replay = await unitOfWork.run(options, touch('L-7'));
      expect(replay.replayed).toBe(true);
      expect(replay.result).toEqual({ touches: 1 });
      expect(replay.events).toEqual(first.events);
      expect(replay.correlationId).toBe(first.correlationId);
      expect(await stateOf('L-7')).toEqual([{ status: 'new', touches: 1 }]);
      expect(await store.readContext(lead('L-7'))).toHaveLength(2);
    });

    it('requires the input with a key, so a different request cannot pass for a replay', async () => {
      const error = await unitOfWork
        .run(
          { principal: alice, command: 'lead.qualify', idempotencyKey: 'no-input' },
          touch('L-7'),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnitOfWorkInvalidError);
      expect((error as UnitOfWorkInvalidError).field).toBe('input');
    });

    it('replays only its own events when it continued a shared correlation', async () => {
      const chain = await unitOfWork.run({ principal: alice, command: 'lead.create' }, (c) =>
        createLead(c, 'L-8'),
      );
      const options = {
        principal: alice,
        command: 'lead.qualify',
        idempotencyKey: 'in-chain',
        input: { lead: 'L-7' },
        correlationId: chain.correlationId,
      };
      const first = await unitOfWork.run(options, touch('L-7'));
      const replay = await unitOfWork.run(options, touch('L-7'));
      expect(replay.replayed).toBe(true);
      expect(replay.events).toEqual(first.events);
      expect(replay.events).toHaveLength(1);
      expect(await store.readCorrelation(chain.correlationId)).toHaveLength(2);
    });

    it('keeps a recorded key and its result out of reach of raw SQL', async () => {
      await unitOfWork.run(
        {
          principal: alice,
          command: 'lead.qualify',
          idempotencyKey: 'kept',
          input: { lead: 'L-7' },
        },
        touch('L-7'),
      );
      await expect(
        db.raw.run(`UPDATE unit_of_work_keys SET fingerprint = '${'0'.repeat(64)}'`),
      ).rejects.toThrow(/PET_APPEND_ONLY/);
      await expect(db.raw.run("UPDATE unit_of_work_keys SET result = '{}'")).rejects.toThrow(
        /PET_APPEND_ONLY/,
      );
      await expect(db.raw.run('DELETE FROM unit_of_work_keys')).rejects.toThrow(/PET_APPEND_ONLY/);
    });

    it('frees a key whose first run rolled back', async () => {
      const options = {
        principal: alice,
        command: 'lead.qualify',
        idempotencyKey: 'retry',
        input: { lead: 'L-7' },
      };
      await expect(
        unitOfWork.run(options, async (c) => {
          await touch('L-7')(c);
          throw new Error('crashed');
        }),
      ).rejects.toThrow('crashed');
      const retried = await unitOfWork.run(options, touch('L-7'));
      expect(retried.replayed).toBe(false);
      expect(retried.result).toEqual({ touches: 1 });
    });

    it('refuses the same key with a different input, naming the key', async () => {
      await unitOfWork.run(
        {
          principal: alice,
          command: 'lead.qualify',
          idempotencyKey: 'req-2',
          input: { lead: 'L-7' },
        },
        touch('L-7'),
      );
      const error = await unitOfWork
        .run(
          {
            principal: alice,
            command: 'lead.qualify',
            idempotencyKey: 'req-2',
            input: { lead: 'L-8' },
          },
          touch('L-7'),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdempotencyConflictError);
      expect((error as PetError).code).toBe('PET_IDEMPOTENCY_CONFLICT');
      expect((error as Error).message).toContain('"req-2"');
      expect(await stateOf('L-7')).toEqual([{ status: 'new', touches: 1 }]);
    });

    it('scopes keys by command and by principal', async () => {
      const key = { idempotencyKey: 'shared', input: { lead: 'L-7' } };
      await unitOfWork.run({ ...key, principal: alice, command: 'lead.qualify' }, touch('L-7'));
      const otherCommand = await unitOfWork.run(
        { ...key, principal: alice, command: 'lead.requalify' },
        touch('L-7'),
      );
      const otherPrincipal = await unitOfWork.run(
        { ...key, principal: employeePrincipal(BOB.id), command: 'lead.qualify' },
        touch('L-7'),
      );
      expect([otherCommand.replayed, otherPrincipal.replayed]).toEqual([false, false]);
      expect(await stateOf('L-7')).toEqual([{ status: 'new', touches: 3 }]);
    });

    it('runs 50 simultaneous units with one key exactly once; the others get its result', async () => {
      const stores = [store, db.openAnother(), db.openAnother()];
      const runs = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          createUnitOfWork(stores[i % stores.length] as EventStore).run(
            {
              principal: alice,
              command: 'lead.qualify',
              idempotencyKey: 'burst',
              input: { lead: 'L-7' },
            },
            touch('L-7'),
          ),
        ),
      );
      expect(runs.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(runs.map((r) => JSON.stringify(r.result)))).toEqual(
        new Set([JSON.stringify({ touches: 1 })]),
      );
      expect(new Set(runs.map((r) => r.events.map((e) => e.id).join()))).toHaveProperty('size', 1);
      expect(await stateOf('L-7')).toEqual([{ status: 'new', touches: 1 }]);
      expect(await store.readContext(lead('L-7'))).toHaveLength(2);
    });
  });
}
