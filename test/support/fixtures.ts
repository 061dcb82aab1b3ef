/**
 * The shared fixture: a few contexts and event types every storage suite uses.
 */
import { appendEvents } from '../../src/store/internal.js';
import { Type } from '@sinclair/typebox';
import type { JsonObject, NewEvent } from '../../src/events/types.js';
import { defineContract, Payload } from '../../src/registry/contract.js';
import type { EventStore } from '../../src/store/event-store.js';

export const ALICE = { type: 'employee', id: 'E-alice' } as const;
export const BOB = { type: 'employee', id: 'E-bob' } as const;
export const ACME = { type: 'customer', id: 'C-acme' } as const;
export const TICKET = { type: 'ticket', id: 'T-1042' } as const;
export const OTHER_TICKET = { type: 'ticket', id: 'T-1043' } as const;

function schemaOf(properties: JsonObject, required: string[] = []): { schema: JsonObject } {
  return { schema: { type: 'object', properties, required, additionalProperties: false } };
}

export const TICKET_CREATED_V1 = {
  eventType: 'ticket.created',
  schemaVersion: 1,
  ...schemaOf({ customer_id: { type: 'string' }, priority: { type: 'string' } }),
};
export const TICKET_CREATED_V2 = {
  eventType: 'ticket.created',
  schemaVersion: 2,
  ...schemaOf(
    {
      customer_id: { type: 'string', 'x-pet-reference': 'customer' },
      priority: { enum: ['low', 'normal', 'high', 'urgent'] },
      sla_version: { type: 'integer', minimum: 1 },
    },
    ['customer_id', 'priority', 'sla_version'],
  ),
};
export const TICKET_STATUS_CHANGED_V1 = {
  eventType: 'ticket.status_changed',
  schemaVersion: 1,
  ...schemaOf({ from_status: { type: 'string' }, to_status: { type: 'string' } }),
};

/** Registers the fixture's contexts and event types. */
export async function seedFixture(store: EventStore): Promise<void> {
  await store.transaction(async (tx) => {
    for (const registration of [TICKET_CREATED_V1, TICKET_CREATED_V2, TICKET_STATUS_CHANGED_V1]) {
      await tx.registerEventSchema(registration);
    }
    for (const context of [ALICE, BOB, ACME, TICKET, OTHER_TICKET]) {
      await tx.registerContext(context);
    }
  });
}

/** A valid `ticket.created` v1 event on `TICKET`, with overrides. */
export function ticketCreated(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventType: 'ticket.created',
    schemaVersion: 1,
    context: TICKET,
    actorEmployeeId: ALICE.id,
    payload: { customer_id: ACME.id, priority: 'high' },
    ...overrides,
  };
}

/** A valid `ticket.status_changed` v1 event, with overrides. */
export function statusChanged(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventType: 'ticket.status_changed',
    schemaVersion: 1,
    context: TICKET,
    actorEmployeeId: BOB.id,
    payload: { from_status: 'new', to_status: 'open' },
    ...overrides,
  };
}

/** Appends events in their own transaction. */
export function append(store: EventStore, events: readonly NewEvent[]) {
  return store.transaction((tx) => appendEvents(tx, events));
}

/**
 * The fixture's two `ticket.created` versions as contracts, for consumers typed against
 * them (what a consumer needs of a contract is its type, version and payload type).
 */
export const CreatedV1 = defineContract({
  eventType: 'ticket.created',
  schemaVersion: 1,
  schema: Payload({ customer_id: Type.String(), priority: Type.String() }),
});
export const CreatedV2 = defineContract({
  eventType: 'ticket.created',
  schemaVersion: 2,
  schema: Payload({
    customer_id: Type.String(),
    priority: Type.String(),
    sla_version: Type.Integer(),
  }),
});
