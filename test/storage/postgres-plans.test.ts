/**
 * PostgreSQL's plan cache and PET's append statements: a prepared statement is planned for its
 * parameters five times, then PostgreSQL keeps a generic plan only if it does not cost more.
 * An append that plans anew on every call costs about 0.2 ms more per round trip.
 */
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/databases.js';
import { append, ticketCreated } from '../support/fixtures.js';
import { useOneConnectionStore } from '../support/one-connection.js';

const skipReason = postgresFactory.skipReason;

describe.skipIf(skipReason !== undefined)(
  `PostgreSQL append statements${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    const setUp = useOneConnectionStore();

    async function plans(): Promise<Record<string, { generic: number; custom: number }>> {
      const { single } = setUp();
      const rows = await single.query<{ name: string; generic: string; custom: string }>(
        `SELECT name, generic_plans AS generic, custom_plans AS custom
           FROM pg_prepared_statements WHERE starts_with(name, 'pet_append')`,
      );
      return Object.fromEntries(
        rows.map((r) => [r.name, { generic: Number(r.generic), custom: Number(r.custom) }]),
      );
    }

    it('keep a generic plan for single events whether references are left to check or not', async () => {
      const { db, single } = setUp();
      for (let k = 0; k < 12; k += 1) {
        // A customer the appending store has not seen: registered by another store.
        const customer = `C-new-${k}`;
        await db.store.transaction((tx) => tx.registerContext({ type: 'customer', id: customer }));
        const ticket = { type: 'ticket', id: `T-plan-${k}` };
        await db.store.transaction((tx) => tx.registerContext(ticket));
        // Version 2 of ticket.created declares customer_id a reference.
        await append(single, [
          ticketCreated({
            schemaVersion: 2,
            context: ticket,
            payload: { customer_id: customer, priority: 'low', sla_version: 1 },
          }),
        ]);
        // The same customer again: known now, nothing left to check.
        await append(single, [
          ticketCreated({
            schemaVersion: 2,
            context: ticket,
            payload: { customer_id: customer, priority: 'high', sla_version: 1 },
          }),
        ]);
      }
      const cached = await plans();
      // Five custom plans, then generic ones: not planned anew on every call.
      expect(cached.pet_append_event).toEqual({ generic: 7, custom: 5 });
      expect(cached.pet_append_event_unreferenced).toEqual({ generic: 7, custom: 5 });
    });
  },
);
