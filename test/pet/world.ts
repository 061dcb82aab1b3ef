/**
 * A migrated database with PET's contracts, PET's commands over it, and a small firm to act
 * in: an admin, a support engineer, a customer.
 */
import { afterEach, beforeEach } from 'vitest';
import { PetError } from '../../src/events/errors.js';
import { createPet, type Pet } from '../../src/pet/pet.js';
import { catchUp } from '../../src/consumers/catch-up.js';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { syncContracts } from '../../src/registry/sync.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { CommandOptions } from '../../src/pet/command.js';
import { employeePrincipal, systemPrincipal } from '../../src/unit-of-work/principal.js';
import type { DatabaseFactory, TestDatabase } from '../support/databases.js';

export const T0 = '2026-03-02T09:00:00.000Z';

/** `T0` plus some minutes, as an instant. */
export const after = (minutes: number, from: string = T0): string =>
  new Date(Date.parse(from) + minutes * 60_000).toISOString();

/** Acting as an employee at an instant. */
export const actingAs = (employeeId: string, at: string): CommandOptions => ({
  principal: employeePrincipal(employeeId),
  at,
});

/** The PetError an attempt fails with (anything else, or success, fails the test). */
export async function rejection(attempt: Promise<unknown>): Promise<PetError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof PetError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Acting as the admin at an instant. */
export const asAdmin = (at: string = T0, more: Partial<CommandOptions> = {}): CommandOptions => ({
  principal: employeePrincipal('E-admin'),
  at,
  ...more,
});

export interface World {
  readonly db: TestDatabase;
  readonly store: EventStore;
  readonly pet: Pet;
}

/** Registers a fresh PET world per test in the calling describe block. */
export function usePetWorld(factory: DatabaseFactory): () => World {
  let world: World | undefined;
  beforeEach(async () => {
    const db = await factory.create();
    await syncContracts(db.store, PET_CONTRACTS);
    const pet = createPet(db.store);
    const system = { principal: systemPrincipal('bootstrap'), at: T0 };
    await pet.employees.hire(system, {
      id: 'E-admin',
      name: 'Ada Admin',
      email: 'ada@example.com',
      role: 'admin',
    });
    await pet.employees.hire(asAdmin(), {
      id: 'E-sam',
      name: 'Sam Support',
      email: 'sam@example.com',
      role: 'support',
      managerId: 'E-admin',
    });
    await pet.customers.create(asAdmin(), { id: 'C-acme', name: 'Acme Ltd' });
    world = { db, store: db.store, pet };
  });
  afterEach(async () => {
    await world?.db.cleanup();
    world = undefined;
  });
  return () => {
    if (!world) throw new Error('no world outside a test');
    return world;
  };
}

/** A ticket's life: created (urgent), assigned to Sam, an SLA evaluation, opened, resolved. */
export async function ticketStory(w: World, evaluateSla = true): Promise<void> {
  await w.pet.tickets.create(asAdmin(after(10)), {
    id: 'T-1',
    customerId: 'C-acme',
    subject: 'VPN',
    priority: 'urgent',
  });
  await w.pet.tickets.assign(asAdmin(after(11)), { id: 'T-1', employeeId: 'E-sam' });
  if (evaluateSla) await w.pet.tickets.evaluateSla(after(60));
  await w.pet.tickets.changeStatus(actingAs('E-sam', after(70)), { id: 'T-1', to: 'open' });
  await w.pet.tickets.changeStatus(actingAs('E-sam', after(90)), { id: 'T-1', to: 'resolved' });
}

/**
 * Runs every PET consumer until it has handled every event appended so far. On PostgreSQL a
 * reader sees an event only once every older transaction of the cluster has ended, and other
 * test files keep transactions open: one catch-up may not see it yet.
 */
export async function projectEverything(store: EventStore): Promise<void> {
  const [row] = await store.query<{ last: string | number | null }>(
    'SELECT max(position) AS last FROM domain_events',
  );
  const last = BigInt(row?.last ?? 0);
  const deadline = Date.now() + 20_000;
  for (const consumer of PET_CONSUMERS) {
    while ((await store.readCheckpoint(consumer.name)) < last) {
      if (Date.now() > deadline) throw new Error(`${consumer.name} did not reach #${last}`);
      await catchUp(store, consumer);
      if ((await store.readCheckpoint(consumer.name)) < last) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

/** Waits until readers of the log see every event appended so far (see `projectEverything`). */
export async function logVisible(store: EventStore): Promise<void> {
  const [row] = await store.query<{ last: string | number | null }>(
    'SELECT max(position) AS last FROM domain_events',
  );
  const last = BigInt(row?.last ?? 0);
  for (let i = 0; (await store.headPosition()) < last; i += 1) {
    if (i > 400) throw new Error(`the log's readers did not reach #${last}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
