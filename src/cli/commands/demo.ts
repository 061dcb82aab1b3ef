import { createHash } from 'node:crypto';
import type { JsonObject, NewEvent } from '../../events/types.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';
import { formatEventLine } from './events.js';

const ADA = { type: 'employee', id: 'E-ada' };
const ACME = { type: 'customer', id: 'C-acme' };
const TICKET = { type: 'ticket', id: 'T-1001' };

const SCHEMAS: { eventType: string; properties: JsonObject; required: string[] }[] = [
  {
    eventType: 'ticket.created',
    properties: {
      customer_id: { type: 'string' },
      priority: { enum: ['low', 'normal', 'high', 'urgent'] },
      response_due_at: { type: 'string', format: 'date-time' },
      resolution_due_at: { type: 'string', format: 'date-time' },
      sla_version: { type: 'integer', minimum: 1 },
    },
    required: ['customer_id', 'priority', 'response_due_at', 'resolution_due_at', 'sla_version'],
  },
  {
    eventType: 'ticket.status_changed',
    properties: {
      from_status: { enum: ['new', 'open', 'pending', 'resolved', 'closed'] },
      to_status: { enum: ['new', 'open', 'pending', 'resolved', 'closed'] },
    },
    required: ['from_status', 'to_status'],
  },
];

/**
 * `pet-events demo`: migrates, records a short ticket story (once; a second run finds it
 * recorded), and prints the log.
 */
export async function demoCommand(store: EventStore, output: Output): Promise<void> {
  await store.migrate();
  const recorded = await store.readContext(TICKET, { limit: 1 });
  if (recorded.length === 0) {
    await store.transaction(async (tx) => {
      for (const { eventType, properties, required } of SCHEMAS) {
        const schema = { type: 'object', properties, required, additionalProperties: false };
        const sha256 = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
        await tx.registerEventSchema({ eventType, schemaVersion: 1, schema, sha256 });
      }
      for (const context of [ADA, ACME, TICKET]) await tx.registerContext(context);
      await tx.appendEvents(story());
    });
    output.out('Recorded a demo ticket story:');
  } else {
    output.out('The demo ticket story is already recorded:');
  }
  for (const event of await store.readLog({ limit: 100 })) output.out(formatEventLine(event));
}

function story(): NewEvent[] {
  const base = { context: TICKET, actorEmployeeId: ADA.id, schemaVersion: 1 };
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
