import { describe, expect, it } from 'vitest';
import { sqliteFactory } from '../support/databases.js';
import { after, asAdmin, usePetWorld } from './world.js';

describe('smoke', () => {
  const world = usePetWorld(sqliteFactory);
  it('runs a story', async () => {
    const { pet, store } = world();
    await pet.tickets.create(asAdmin(), { id: 'T-1', customerId: 'C-acme', subject: 'VPN', priority: 'urgent' });
    await pet.tickets.changeStatus(asAdmin(after(10)), { id: 'T-1', to: 'open' });
    await pet.tickets.changeStatus(asAdmin(after(100)), { id: 'T-1', to: 'pending' });
    await pet.tickets.changeStatus(asAdmin(after(300)), { id: 'T-1', to: 'open' });
    const r = await pet.tickets.evaluateSla(after(500));
    console.log(r.result, r.events.map((e) => [e.eventType, e.occurredAt, e.payload]));
    await pet.quotes.create(asAdmin(), { id: 'Q-1', customerId: 'C-acme', currency: 'EUR', sellTotalMinor: 100000, costTotalMinor: 50000, validUntil: '2026-04-01', soldMinutes: 60 });
    await pet.quotes.send(asAdmin(), { id: 'Q-1' });
    await pet.quotes.accept(asAdmin(), { id: 'Q-1', projectId: 'P-1' });
    await pet.timeEntries.submit(asAdmin(), { id: 'TE-1', projectId: 'P-1', startedAt: after(0), endedAt: after(90), minutes: 90, billable: true, workType: 'project' });
    await pet.timeEntries.correct(asAdmin(), { id: 'TE-2', correctsId: 'TE-1', projectId: 'P-1', startedAt: after(0), endedAt: after(90), minutes: 30, billable: true, workType: 'project' });
    await pet.timeEntries.submit(asAdmin(), { id: 'TE-3', projectId: 'P-1', startedAt: after(0), endedAt: after(90), minutes: 40, billable: true, workType: 'project' });
    await pet.leads.create(asAdmin(), { id: 'L-1', subject: 'x', source: 'email', customerId: 'C-acme', estimatedValueMinor: 5, currency: 'EUR' });
    await pet.leads.qualify(asAdmin(), { id: 'L-1' });
    await pet.leads.convert(asAdmin(), { id: 'L-1', opportunityId: 'O-1', ownerId: 'E-sam' });
    await pet.opportunities.classify(asAdmin(), { id: 'O-1', class: 'gold' });
    await pet.teams.create(asAdmin(), { id: 'TM-1', name: 'Support', managerId: 'E-admin' });
    await pet.teams.addMember(asAdmin(), { teamId: 'TM-1', employeeId: 'E-sam' });
    const log = await store.readLog({ limit: 1000 });
    for (const e of log) console.log(e.eventType, e.context.id, JSON.stringify(e.payload));
    expect(log.length).toBeGreaterThan(10);
  });
});
