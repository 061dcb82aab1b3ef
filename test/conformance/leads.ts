/**
 * The leads the unit-of-work suites work on: a state table, two contracts, and helpers.
 */
import { Type } from '@sinclair/typebox';
import { beforeEach } from 'vitest';
import { Code, defineContract, Payload, Reference } from '../../src/registry/contract.js';
import { syncContracts } from '../../src/registry/sync.js';
import type { EventStore } from '../../src/store/event-store.js';
import { employeePrincipal } from '../../src/unit-of-work/principal.js';
import {
  createUnitOfWork,
  type UnitOfWork,
  type UnitOfWorkContext,
} from '../../src/unit-of-work/unit-of-work.js';
import type { TestDatabase } from '../support/databases.js';
import { ALICE } from '../support/fixtures.js';
import type { Harness } from './harness.js';

export const LeadCreatedV1 = defineContract({
  eventType: 'lead.created',
  schemaVersion: 1,
  schema: Payload({ source: Code('email', 'phone', 'referral'), owner_id: Reference('employee') }),
});
export const LeadQualifiedV1 = defineContract({
  eventType: 'lead.qualified',
  schemaVersion: 1,
  schema: Payload({
    from_status: Code('new'),
    to_status: Code('qualified'),
    touches: Type.Integer(),
  }),
});

/** Runs every unit-of-work behaviour against the databases `factory` makes. */
/** The state table, the contracts and the helpers both unit-of-work suites use. */
export function useLeads(harness: Harness) {
  let db: TestDatabase;
  let store: EventStore;
  let unitOfWork: UnitOfWork;
  const alice = employeePrincipal(ALICE.id);

  beforeEach(async () => {
    ({ db, store } = harness.current());
    unitOfWork = createUnitOfWork(store);
    await syncContracts(store, [LeadCreatedV1, LeadQualifiedV1]);
    await db.raw.run(
      'CREATE TABLE test_leads (id TEXT PRIMARY KEY, status TEXT NOT NULL, touches INTEGER NOT NULL DEFAULT 0)',
    );
  });

  const lead = (id: string) => ({ type: 'lead', id });

  /** Creates a lead: its state row, its context, its event. */
  async function createLead(context: UnitOfWorkContext, id: string, payload: object = {}) {
    await context.sql.execute('INSERT INTO test_leads (id, status) VALUES ($1, $2)', [id, 'new']);
    await context.registerContext(lead(id));
    return context.emit({
      eventType: 'lead.created',
      schemaVersion: 1,
      context: lead(id),
      payload: { source: 'email', owner_id: ALICE.id, ...payload },
    });
  }

  async function stateOf(id: string): Promise<unknown[]> {
    return db.raw.run(`SELECT status, touches FROM test_leads WHERE id = '${id}'`);
  }

  return { current: () => ({ db, store, unitOfWork }), alice, lead, createLead, stateOf };
}

export type Leads = ReturnType<typeof useLeads>;
