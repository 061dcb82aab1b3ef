/**
 * Contract enforcement at append, run once per adapter: payloads validated against exactly
 * the version they declare, references resolved, deprecated versions closed, the registry
 * synchronised with the code.
 */
import { appendEvents } from '../../src/store/internal.js';
import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  PayloadInvalidError,
  PetError,
  ReferenceUnresolvedError,
  SchemaVersionChangedError,
  SchemaVersionDeprecatedError,
  SchemaVersionUnregisteredError,
} from '../../src/events/errors.js';
import type { JsonObject, JsonValue, NewEvent } from '../../src/events/types.js';
import { TicketCreatedV1 } from '../../src/pet/ticket/contracts.js';
import { defineContract, Payload, Reference } from '../../src/registry/contract.js';
import { checkContracts, hasDrift, syncContracts } from '../../src/registry/sync.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';
import { ACME, append, TICKET, ticketCreated } from '../support/fixtures.js';
import { useSeededDatabase, type Harness } from './harness.js';

/** Runs every contract behaviour against the databases `factory` makes. */
export function contractConformance(factory: DatabaseFactory): void {
  describe('contracts', () => {
    contractBehaviours(useSeededDatabase(factory));
  });
}

function contractBehaviours(harness: Harness): void {
  let db: TestDatabase;
  let store: EventStore;
  beforeEach(() => {
    ({ db, store } = harness.current());
  });

  async function rejection(attempt: Promise<unknown>): Promise<PetError> {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PetError);
    return error as PetError;
  }

  const v2 = (payload: JsonObject): NewEvent => ticketCreated({ schemaVersion: 2, payload });

  describe('payload validation', () => {
    it('validates each event against exactly the version it declares', async () => {
      const withSla = { customer_id: ACME.id, priority: 'high', sla_version: 3 };
      const error = await rejection(append(store, [ticketCreated({ payload: withSla })]));
      expect(error).toBeInstanceOf(PayloadInvalidError);
      expect((error as PayloadInvalidError).violations).toEqual([
        { pointer: '/sla_version', message: 'is not allowed' },
      ]);
      await append(store, [v2(withSla)]);
      await append(store, [ticketCreated({ context: { type: 'ticket', id: 'T-1043' } })]);
      expect((await store.readLog()).map((e) => e.schemaVersion)).toEqual([2, 1]);
    });

    it('reports every violation, not only the first, and writes nothing', async () => {
      const error = await rejection(
        append(store, [v2({ priority: 'whenever', sla_version: 'three', colour: 'red' })]),
      );
      expect(error.code).toBe('PET_PAYLOAD_INVALID');
      const pointers = (error as PayloadInvalidError).violations.map((v) => v.pointer).sort();
      expect(pointers).toEqual(['/colour', '/customer_id', '/priority', '/sla_version']);
      expect(error.message).toMatch(/^Payload invalid for ticket\.created v2: /);
      expect(await store.readLog()).toEqual([]);
    });
  });

  describe('references', () => {
    it('rejects a reference that does not resolve, naming the pointer, the type and the id', async () => {
      const error = await rejection(
        append(store, [v2({ customer_id: 'C-ghost', priority: 'low', sla_version: 1 })]),
      );
      expect(error).toBeInstanceOf(ReferenceUnresolvedError);
      expect(error).toMatchObject({
        code: 'PET_REFERENCE_UNRESOLVED',
        pointer: '/customer_id',
        context: { type: 'customer', id: 'C-ghost' },
        eventType: 'ticket.created',
      });
      expect(error.message).toContain('/customer_id names customer/C-ghost');
      expect(await store.readLog()).toEqual([]);
    });

    it('resolves a reference to a context registered earlier in the same transaction', async () => {
      await store.transaction(async (tx) => {
        await tx.registerContext({ type: 'customer', id: 'C-new' });
        await appendEvents(tx, [v2({ customer_id: 'C-new', priority: 'low', sla_version: 1 })]);
      });
      expect(await store.readContext(TICKET)).toHaveLength(1);
    });

    it('remembers a context as resolvable only once the transaction that saw it committed', async () => {
      // A transaction registers C-fleeting, resolves a reference to it, and rolls back: the
      // store must not go on treating C-fleeting as registered.
      const undone = new Error('undone');
      await expect(
        store.transaction(async (tx) => {
          await tx.registerContext({ type: 'customer', id: 'C-fleeting' });
          await appendEvents(tx, [
            v2({ customer_id: 'C-fleeting', priority: 'low', sla_version: 1 }),
          ]);
          throw undone;
        }),
      ).rejects.toBe(undone);
      const error = await rejection(
        append(store, [v2({ customer_id: 'C-fleeting', priority: 'low', sla_version: 1 })]),
      );
      expect(error).toMatchObject({
        code: 'PET_REFERENCE_UNRESOLVED',
        context: { type: 'customer', id: 'C-fleeting' },
      });
      // Committed, the same registration resolves from then on, in this store and others.
      await store.transaction((tx) => tx.registerContext({ type: 'customer', id: 'C-fleeting' }));
      await append(store, [v2({ customer_id: 'C-fleeting', priority: 'low', sla_version: 1 })]);
      await append(store, [
        ticketCreated({
          schemaVersion: 2,
          context: { type: 'ticket', id: 'T-1043' },
          payload: { customer_id: 'C-fleeting', priority: 'high', sla_version: 1 },
        }),
      ]);
      expect(await store.readLog()).toHaveLength(2);
    });

    it('checks references inside arrays and nested objects', async () => {
      const Assigned = defineContract({
        eventType: 'ticket.watchers_set',
        schemaVersion: 1,
        schema: Payload({
          watchers: Type.Array(Payload({ employee_id: Reference('employee') })),
        }),
      });
      await syncContracts(store, [Assigned]);
      const event = (ids: string[]): NewEvent => ({
        eventType: 'ticket.watchers_set',
        schemaVersion: 1,
        context: TICKET,
        payload: { watchers: ids.map((employee_id) => ({ employee_id })) },
      });
      await append(store, [event(['E-alice', 'E-bob'])]);
      const error = await rejection(append(store, [event(['E-alice', 'E-nobody'])]));
      expect(error).toMatchObject({
        pointer: '/watchers/1/employee_id',
        context: { id: 'E-nobody' },
      });
    });
  });

  describe('deprecation', () => {
    it('closes a version for new events while its stored events stay readable', async () => {
      const [stored] = await append(store, [ticketCreated()]);
      expect(
        await store.transaction((tx) =>
          tx.deprecateEventSchema({
            eventType: 'ticket.created',
            schemaVersion: 1,
            reason: 'v2 carries the SLA',
          }),
        ),
      ).toBe('deprecated');
      const error = await rejection(
        append(store, [ticketCreated({ context: { type: 'ticket', id: 'T-1043' } })]),
      );
      expect(error).toBeInstanceOf(SchemaVersionDeprecatedError);
      expect(error.code).toBe('PET_SCHEMA_VERSION_DEPRECATED');
      expect(await store.getEvent(stored?.id ?? '')).toEqual(stored);
      const listed = await store.listEventSchemas();
      expect(listed.find((s) => s.schemaVersion === 1)?.deprecatedAt).toMatch(/Z$/);
      await expect(db.raw.run('DELETE FROM event_schema_deprecations')).rejects.toThrow(
        /PET_APPEND_ONLY/,
      );
    });

    it('is seen by a store that loaded the registry before the deprecation', async () => {
      const other = db.openAnother();
      await append(other, [ticketCreated()]);
      await store.transaction((tx) =>
        tx.deprecateEventSchema({
          eventType: 'ticket.created',
          schemaVersion: 1,
          reason: 'replaced',
        }),
      );
      // `other` loaded the registry before the deprecation; the database refuses all the same.
      await expect(
        append(other, [ticketCreated({ context: { type: 'ticket', id: 'T-1043' } })]),
      ).rejects.toBeInstanceOf(SchemaVersionDeprecatedError);
      expect(await store.readContext({ type: 'ticket', id: 'T-1043' })).toEqual([]);
    });

    it('refuses to deprecate a version that is not registered', async () => {
      await expect(
        store.transaction((tx) =>
          tx.deprecateEventSchema({ eventType: 'ticket.created', schemaVersion: 9, reason: 'x' }),
        ),
      ).rejects.toBeInstanceOf(SchemaVersionUnregisteredError);
    });
  });

  describe('synchronising the code with the registry', () => {
    it('registers new versions once, and a store that started earlier finds them', async () => {
      const other = db.openAnother();
      const WatchedV1 = defineContract({
        eventType: 'ticket.watched',
        schemaVersion: 1,
        schema: Payload({ employee_id: Reference('employee') }),
      });
      expect(await syncContracts(other, [WatchedV1])).toEqual({
        registered: ['ticket.watched v1'],
        unchanged: [],
      });
      expect(await syncContracts(other, [WatchedV1])).toEqual({
        registered: [],
        unchanged: ['ticket.watched v1'],
      });
      await append(store, [
        {
          eventType: 'ticket.watched',
          schemaVersion: 1,
          context: TICKET,
          payload: { employee_id: 'E-bob' },
        },
      ]);
    });

    it('refuses a changed schema for a registered version, naming both hashes, and registers nothing', async () => {
      const Edited = defineContract({
        eventType: 'ticket.created',
        schemaVersion: 1,
        schema: Payload({ customer_id: Reference('customer') }),
      });
      const Fresh = defineContract({
        eventType: 'ticket.merged',
        schemaVersion: 1,
        schema: Payload({ into_ticket_id: Reference('ticket') }),
      });
      const error = await rejection(syncContracts(store, [Fresh, Edited]));
      expect(error).toBeInstanceOf(SchemaVersionChangedError);
      const registered = (await store.listEventSchemas()).find(
        (s) => s.eventType === 'ticket.created' && s.schemaVersion === 1,
      );
      expect(error.message).toContain(
        `ticket.created v1 is registered with sha256 ${registered?.sha256}`,
      );
      expect((await store.listEventSchemas()).map((s) => s.eventType)).not.toContain(
        'ticket.merged',
      );
      const drift = await checkContracts(store, [Fresh, Edited]);
      expect(hasDrift(drift)).toBe(true);
      expect(drift.unregistered).toEqual(['ticket.merged v1']);
      expect(drift.changed.map((c) => c.label)).toEqual(['ticket.created v1']);
      expect(drift.undeclared).toEqual(['ticket.created v2', 'ticket.status_changed v1']);
    });
  });

  describe('generated invalid payloads', () => {
    it('rejects hundreds of them with a clear code and stores none', async () => {
      // The real ticket.created v1 contract, under a name the fixture does not use.
      const Opened = defineContract({
        eventType: 'support.ticket_opened',
        schemaVersion: 1,
        schema: TicketCreatedV1.schema,
      });
      await syncContracts(store, [Opened]);
      const opened = (payload: JsonObject) =>
        ticketCreated({ eventType: 'support.ticket_opened', payload });
      const valid: JsonObject = {
        customer_id: ACME.id,
        priority: 'high',
        response_due_at: '2026-11-27T10:00:00Z',
        resolution_due_at: '2026-11-27T17:00:00Z',
        sla_version: 1,
      };
      const fields = Object.keys(valid);
      const deep = (depth: number): JsonValue => (depth === 0 ? 'x' : { nested: deep(depth - 1) });
      const invalid = fc.oneof(
        // a field of the wrong type
        fc
          .tuple(
            fc.constantFrom(...fields),
            fc.oneof(
              fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
              fc.boolean(),
              fc.constant(null),
              fc.array(fc.string()),
            ),
          )
          .map(([field, value]) => ({ ...valid, [field]: value })),
        // a required field missing
        fc
          .constantFrom(...fields)
          .filter((f) => f !== 'project_id')
          .map((field) => {
            const copy = { ...valid };
            delete copy[field];
            return copy;
          }),
        // a field the contract does not have
        fc
          .string({ minLength: 1 })
          .filter((key) => !fields.includes(key) && key !== 'project_id')
          .map((key) => JSON.parse(JSON.stringify({ ...valid, [key]: 'x' })) as JsonObject),
        // huge strings, deep nesting
        fc.constantFrom(...fields).map((field) => ({ ...valid, [field]: 'x'.repeat(300_000) })),
        fc.integer({ min: 50, max: 400 }).map((depth) => ({ ...valid, priority: deep(depth) })),
        // prototype-pollution keys, as JSON.parse makes them: own properties
        fc
          .constantFrom('__proto__', 'constructor', 'prototype')
          .map(
            (key) =>
              JSON.parse(
                `{"${key}":{"polluted":true},${JSON.stringify(valid).slice(1)}`,
              ) as JsonObject,
          ),
        // not an instant, not a known code, not a positive version
        fc.string().map((s) => ({ ...valid, response_due_at: `${s}not-a-date` })),
        fc
          .string()
          .filter((s) => !['low', 'normal', 'high', 'urgent'].includes(s))
          .map((s) => ({ ...valid, priority: s })),
        fc.integer({ max: 0 }).map((n) => ({ ...valid, sla_version: n })),
      );
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(invalid, async (payload) => {
          tried += 1;
          const error = await rejection(append(store, [opened(payload)]));
          expect(['PET_PAYLOAD_INVALID', 'PET_EVENT_INVALID']).toContain(error.code);
        }),
        { numRuns: 300 },
      );
      expect(tried).toBeGreaterThanOrEqual(300);
      expect(await store.readLog()).toEqual([]);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
      await append(store, [opened(valid)]);
    });
  });
}
