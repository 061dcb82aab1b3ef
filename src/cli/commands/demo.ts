import { employeePrincipal } from '../../unit-of-work/principal.js';
import { createUnitOfWork, type Emission } from '../../unit-of-work/unit-of-work.js';
import { PET_CONTRACTS } from '../../pet/catalogue.js';
import { syncContracts } from '../../registry/sync.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { formatEventLine } from './events.js';

const ADA = { type: 'employee', id: 'E-ada' };
const ACME = { type: 'customer', id: 'C-acme' };
const TICKET = { type: 'ticket', id: 'T-1001' };

/**
 * `pet-events demo`: migrates, registers the contracts, records a short ticket story (once; a second run finds it
 * recorded), and prints the log.
 */
export async function demoCommand(store: EventStore, output: Output): Promise<void> {
  await store.migrate();
  await syncContracts(store, PET_CONTRACTS);
  const recorded = await store.readContext(TICKET, { limit: 1 });
  if (recorded.length === 0) {
    // Ada must be a registered employee before she can act.
    await store.transaction((tx) => tx.registerContext(ADA));
    await createUnitOfWork(store).run(
      {
        principal: employeePrincipal(ADA.id),
        command: 'demo.ticket_story',
        idempotencyKey: 'demo-ticket-story',
        input: { ticket: TICKET.id },
      },
      async ({ registerContext, emit }) => {
        for (const context of [ACME, TICKET]) await registerContext(context);
        for (const event of story()) emit(event);
      },
    );
    output.out('Recorded a demo ticket story:');
  } else {
    output.out('The demo ticket story is already recorded:');
  }
  for (const event of await store.readLog({ limit: 100 })) output.out(formatEventLine(event));
}

function story(): Emission[] {
  const base = { context: TICKET, schemaVersion: 1 };
  return [
    {
      ...base,
      eventType: 'ticket.created',
      occurredAt: '2026-11-27T09:00:00Z',
      payload: {
        customer_id: ACME.id,
        priority: 'high',
        response_due_at: '2026-11-27T10:00:00Z',
        resolution_due_at: '2026-11-27T17:00:00Z',
        sla_version: 1,
      },
    },
    {
      ...base,
      eventType: 'ticket.status_changed',
      occurredAt: '2026-11-27T09:12:00Z',
      payload: { from_status: 'new', to_status: 'open' },
    },
    {
      ...base,
      eventType: 'ticket.status_changed',
      occurredAt: '2026-11-27T11:40:00Z',
      payload: { from_status: 'open', to_status: 'resolved' },
    },
  ];
}
