/**
 * A small firm for the service's fault tests, set up through PET's commands: an administrator
 * (also an auditor), support engineers each with an open ticket of their own, a salesperson,
 * a customer, and a bearer token for each of them and for one integration.
 */
import { createPet } from '../../src/pet/pet.js';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { builtInDefinitions, registerDefinitions } from '../../src/pet/kpi/registry.js';
import { syncContracts } from '../../src/registry/sync.js';
import { createToken, revokeToken } from '../../src/service/tokens.js';
import type { EventStore } from '../../src/store/event-store.js';
import { employeePrincipal, systemPrincipal } from '../../src/unit-of-work/principal.js';

/** One support engineer: their token and the ticket that is theirs to work on. */
export interface Engineer {
  readonly employeeId: string;
  readonly token: string;
  readonly ticketId: string;
}

export interface ServiceFirm {
  readonly adminToken: string;
  readonly salesToken: string;
  readonly systemToken: string;
  /** The token of an employee who has left since it was created. */
  readonly leaverToken: string;
  /** A token revoked since it was created. */
  readonly revokedToken: string;
  readonly engineers: readonly Engineer[];
  readonly customerId: string;
}

/**
 * Registers PET's contracts and KPIs on a migrated store and sets the firm up.
 *
 * @example
 * const firm = await seedServiceFirm(db.store, { engineers: 4 });
 */
export async function seedServiceFirm(
  store: EventStore,
  options: { readonly engineers: number },
): Promise<ServiceFirm> {
  await syncContracts(store, PET_CONTRACTS);
  await registerDefinitions(store, builtInDefinitions());
  const pet = createPet(store);
  const admin = { principal: employeePrincipal('E-admin') };
  await pet.employees.hire(
    { principal: systemPrincipal('bootstrap') },
    { id: 'E-admin', name: 'Ada Admin', email: 'ada@example.com', role: 'admin' },
  );
  await pet.customers.create(admin, { id: 'C-acme', name: 'Acme Ltd' });
  const hire = (id: string, role: 'support' | 'sales') =>
    pet.employees.hire(admin, {
      id,
      name: `${role} ${id}`,
      email: `${id.toLowerCase()}@example.com`,
      role,
      managerId: 'E-admin',
    });
  await hire('E-sales', 'sales');
  await hire('E-leaver', 'sales');

  const engineers: Engineer[] = [];
  for (let n = 1; n <= options.engineers; n += 1) {
    const employeeId = `E-support-${n}`;
    const ticketId = `T-${n}`;
    await hire(employeeId, 'support');
    await pet.tickets.create(admin, {
      id: ticketId,
      customerId: 'C-acme',
      subject: `Ticket ${n}`,
      priority: 'normal',
    });
    await pet.tickets.assign(admin, { id: ticketId, employeeId });
    await pet.tickets.changeStatus(
      { principal: employeePrincipal(employeeId) },
      { id: ticketId, to: 'open' },
    );
    engineers.push({ employeeId, ticketId, token: await tokenOf(store, employeeId) });
  }

  const leaverToken = await tokenOf(store, 'E-leaver');
  await pet.employees.leave(admin, { id: 'E-leaver' });
  const revoked = await createToken(store, { subject: { employeeId: 'E-sales' } });
  await revokeToken(store, revoked.info.id);
  return {
    adminToken: (await createToken(store, { subject: { employeeId: 'E-admin' }, auditor: true }))
      .token,
    salesToken: await tokenOf(store, 'E-sales'),
    systemToken: (await createToken(store, { subject: { systemName: 'billing' } })).token,
    leaverToken,
    revokedToken: revoked.token,
    engineers,
    customerId: 'C-acme',
  };
}

async function tokenOf(store: EventStore, employeeId: string): Promise<string> {
  return (await createToken(store, { subject: { employeeId } })).token;
}
