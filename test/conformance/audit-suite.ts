/**
 * Audits, on each database: a context's history with the state before and after each fact,
 * as of an instant, with findings for facts that do not follow from the ones before; and the
 * log exported as CloudEvents that the official SDK accepts.
 */
import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { toPosition } from '../../src/events/types.js';
import { exportCloudEvents } from '../../src/pet/audit/export.js';
import { auditHistory } from '../../src/pet/audit/history.js';
import type { DatabaseFactory } from '../support/databases.js';
import { append } from '../support/fixtures.js';
import { after, asAdmin, rejection, ticketStory, usePetWorld } from '../pet/world.js';

export function auditConformance(factory: DatabaseFactory): void {
  describe('audit', () => {
    const world = usePetWorld(factory);

    it("tells a context's history: who, when, what, and the state before and after", async () => {
      const w = world();
      await ticketStory(w);
      const history = await auditHistory(w.store, { type: 'ticket', id: 'T-1' });
      expect(history.findings).toEqual([]);
      expect(
        history.entries.map((e) => [
          e.contextVersion,
          e.eventType,
          e.actor?.name ?? 'system',
          e.before.status ?? null,
          e.after.status,
        ]),
      ).toEqual([
        [1, 'ticket.created', 'Ada Admin', null, 'new'],
        [2, 'ticket.assigned', 'Ada Admin', 'new', 'new'],
        [3, 'sla.warning', 'system', 'new', 'new'],
        [4, 'sla.breached', 'system', 'new', 'new'],
        [5, 'ticket.status_changed', 'Sam Support', 'new', 'open'],
        [6, 'ticket.resolved', 'Sam Support', 'open', 'resolved'],
      ]);
      expect(history.entries[1]?.after).toMatchObject({ employee_id: 'E-sam', priority: 'urgent' });
      expect(history.state).toMatchObject({ status: 'resolved', sla_response: 'breached' });
      const log = await w.store.readContext({ type: 'ticket', id: 'T-1' });
      expect(history.entries.map((e) => [e.eventId, e.position, e.recordedAt])).toEqual(
        log.map((e) => [e.id, e.position.toString(), e.recordedAt]),
      );

      // As of an instant: the facts up to it, and the state they left.
      const then = await auditHistory(w.store, { type: 'ticket', id: 'T-1' }, { at: after(75) });
      expect(then.entries.map((e) => e.eventType).at(-1)).toBe('ticket.status_changed');
      expect(then.state.status).toBe('open');
      // Archived contexts keep their history.
      await w.pet.customers.archive(asAdmin(after(100)), { id: 'C-acme' });
      const customer = await auditHistory(w.store, { type: 'customer', id: 'C-acme' });
      expect(customer.entries.map((e) => [e.eventType, e.after.status])).toEqual([
        ['customer.created', 'active'],
        ['customer.archived', 'archived'],
      ]);
    });

    it('reports a fact that does not follow from the ones before it, by position', async () => {
      const w = world();
      await ticketStory(w);
      const [forged] = await append(w.store, [
        {
          eventType: 'ticket.status_changed',
          schemaVersion: 1,
          context: { type: 'ticket', id: 'T-1' },
          payload: { from_status: 'open', to_status: 'new' },
          actorEmployeeId: 'E-sam',
          occurredAt: after(95),
        },
      ]);
      const history = await auditHistory(w.store, { type: 'ticket', id: 'T-1' });
      expect(history.findings).toEqual([
        {
          position: forged?.position.toString(),
          eventId: forged?.id,
          problem: 'from_status is open, but the events before it leave resolved',
        },
        {
          position: forged?.position.toString(),
          eventId: forged?.id,
          problem: 'resolved → new is not a transition of ticket',
        },
      ]);
    });

    it('refuses a context that is not registered and an instant that is not one', async () => {
      const w = world();
      await ticketStory(w);
      expect((await rejection(auditHistory(w.store, { type: 'ticket', id: 'T-404' }))).code).toBe(
        'PET_AUDIT_QUERY_INVALID',
      );
      expect(
        (await rejection(auditHistory(w.store, { type: 'ticket', id: 'T-1' }, { at: 'noon' })))
          .code,
      ).toBe('PET_AUDIT_QUERY_INVALID');
    });

    it('exports CloudEvents 1.0 the official SDK accepts, in log order, whole or in part', async () => {
      const w = world();
      await ticketStory(w);
      const lines: string[] = [];
      const count = await exportCloudEvents(w.store, (line) => lines.push(line));
      const log = await w.store.readLog({ limit: 1000 });
      expect(count).toBe(log.length);
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const event of parsed) expect(new CloudEvent(event).validate()).toBe(true);
      expect(parsed.map((e) => e.id)).toEqual(log.map((e) => e.id));
      const created = log.find((e) => e.eventType === 'ticket.created');
      expect(parsed.find((e) => e.id === created?.id)).toEqual({
        specversion: '1.0',
        id: created?.id,
        source: 'urn:pet-events',
        type: 'ticket.created',
        subject: 'ticket/T-1',
        time: created?.occurredAt,
        datacontenttype: 'application/json',
        dataschema: 'urn:pet-events:schema:ticket.created:1',
        data: created?.payload,
        petposition: created?.position.toString(),
        petschemaversion: 1,
        petcontextversion: 1,
        petrecordedat: created?.recordedAt,
        petactor: 'E-admin',
        petcorrelationid: created?.correlationId,
      });
      const breach = parsed.find((e) => e.type === 'sla.breached');
      expect(breach).not.toHaveProperty('petactor');

      const ticket: string[] = [];
      await exportCloudEvents(w.store, (line) => ticket.push(line), {
        context: { type: 'ticket', id: 'T-1' },
        source: 'https://pet.example/events',
      });
      expect(
        ticket.map((l) => (JSON.parse(l) as { petcontextversion: number }).petcontextversion),
      ).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new CloudEvent(JSON.parse(ticket[0] ?? '{}') as Record<string, unknown>).source).toBe(
        'https://pet.example/events',
      );
      const part: string[] = [];
      await exportCloudEvents(w.store, (line) => part.push(line), {
        after: log[1]?.position ?? toPosition(0),
        to: log[4]?.position ?? toPosition(0),
      });
      expect(part.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(
        log.slice(2, 5).map((e) => e.id),
      );
      expect(
        (await rejection(exportCloudEvents(w.store, () => undefined, { source: 'not a uri' })))
          .code,
      ).toBe('PET_AUDIT_QUERY_INVALID');
    });
  });
}
