/**
 * The KPI engine, on each database: every built-in KPI on a small firm whose values are
 * computed by hand below; windows as of an explicit instant (partial days and whole days
 * agree); team scope by membership at the event's time; explanations; versions that keep
 * their values; definitions refused with stable codes; the same numbers from scratch.
 */
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/consumers/catch-up.js';
import { rebuildConsumer, verifyConsumer } from '../../src/consumers/read-model.js';
import type { PetError } from '../../src/events/errors.js';
import type { Pet } from '../../src/pet/pet.js';
import { buildDemoFirm } from '../../src/pet/demo/firm.js';
import { kpiProjector } from '../../src/pet/kpi/projector.js';
import { explainKpi, kpiValue, type KpiQuery, type KpiWindow } from '../../src/pet/kpi/query.js';
import {
  builtInDefinitions,
  findDefinition,
  registerDefinitions,
} from '../../src/pet/kpi/registry.js';
import type { DatabaseFactory } from '../support/databases.js';
import { actingAs, after, asAdmin, rejection, usePetWorld, type World } from '../pet/world.js';

const as = actingAs;
const D2 = after(2 * 24 * 60); // 2026-03-04T09:00Z
const LATER = '2026-03-20T00:00:00.000Z';

async function firstHalf(pet: Pet): Promise<void> {
  for (const [id, role] of [
    ['E-sally', 'sales'],
    ['E-dave', 'delivery'],
  ] as const) {
    await pet.employees.hire(asAdmin(after(1)), { id, name: id, email: `${id}@example.com`, role });
  }
  await pet.teams.create(asAdmin(after(1)), { id: 'T-ops', name: 'Ops', managerId: 'E-admin' });
  await pet.teams.addMember(asAdmin(after(1)), { teamId: 'T-ops', employeeId: 'E-sam' });
  await pet.teams.addMember(asAdmin(after(1)), { teamId: 'T-ops', employeeId: 'E-dave' });
  await pet.customers.create(asAdmin(after(2)), { id: 'C-globex', name: 'Globex' });
  const sally = (minutes: number) => as('E-sally', after(minutes));
  // Leads: two qualified (after 120 and 2,880 minutes), one disqualified, one undecided.
  await pet.leads.create(sally(10), {
    id: 'L-1',
    subject: 'a',
    source: 'email',
    customerId: 'C-acme',
  });
  await pet.leads.create(sally(20), { id: 'L-2', subject: 'b', source: 'phone' });
  await pet.leads.create(sally(30), { id: 'L-3', subject: 'c', source: 'email' });
  await pet.leads.create(as('E-sam', after(40)), { id: 'L-4', subject: 'd', source: 'website' });
  await pet.leads.qualify(sally(130), { id: 'L-1' });
  await pet.leads.disqualify(sally(80), { id: 'L-2', reason: 'no budget' });
  // Quotes: accepted after 600 and 2,880 minutes, one rejected.
  const quote = async (id: string, minutes: number) => {
    await pet.quotes.create(sally(minutes), {
      id,
      customerId: 'C-acme',
      currency: 'EUR',
      sellTotalMinor: 100_000,
      costTotalMinor: 50_000,
      validUntil: '2026-06-30',
      soldMinutes: 100,
    });
    await pet.quotes.send(sally(minutes), { id });
  };
  await quote('Q-1', 100);
  await quote('Q-2', 110);
  await quote('Q-3', 120);
  await pet.quotes.accept(sally(700), { id: 'Q-1', projectId: 'P-1' });
  await pet.quotes.reject(sally(200), { id: 'Q-2', reason: 'price' });
}

async function secondHalf(pet: Pet): Promise<void> {
  const sally = (minutes: number) => as('E-sally', after(minutes));
  await pet.leads.qualify(sally(30 + 2880), { id: 'L-3' });
  await pet.quotes.accept(sally(120 + 2880), { id: 'Q-3', projectId: 'P-3' });
  // Tickets: T-1 resolved after 300 minutes within its targets; T-2 (urgent) breaches its
  // response and resolution targets, then is resolved after 300 minutes.
  await pet.tickets.create(asAdmin(after(200)), {
    id: 'T-1',
    customerId: 'C-acme',
    subject: 'VPN',
    priority: 'normal',
  });
  await pet.tickets.assign(asAdmin(after(200)), { id: 'T-1', employeeId: 'E-sam' });
  await pet.tickets.changeStatus(as('E-sam', after(210)), { id: 'T-1', to: 'open' });
  await pet.tickets.create(asAdmin(after(220)), {
    id: 'T-2',
    customerId: 'C-globex',
    subject: 'Mail',
    priority: 'urgent',
  });
  await pet.tickets.evaluateSla(after(280));
  await pet.tickets.evaluateSla(after(500));
  await pet.tickets.changeStatus(as('E-sam', after(500)), { id: 'T-1', to: 'resolved' });
  await pet.tickets.changeStatus(as('E-sam', after(510)), { id: 'T-2', to: 'open' });
  await pet.tickets.changeStatus(as('E-sam', after(520)), { id: 'T-2', to: 'resolved' });
  // Time: sam 60 billable + 30 not on T-1; dave 120 on P-1 (sold 100: a first crossing), a
  // correction to 90 after leaving the team (back under), 60 more (a second crossing).
  const entry = (
    id: string,
    employee: string,
    at: string,
    minutes: number,
    billable: boolean,
    target: { ticketId: string } | { projectId: string },
  ) =>
    pet.timeEntries.submit(as(employee, at), {
      id,
      ...target,
      startedAt: after(-minutes, at),
      endedAt: at,
      minutes,
      billable,
      workType: 'ticketId' in target ? 'support' : 'project',
    });
  await entry('TE-s1', 'E-sam', after(300), 60, true, { ticketId: 'T-1' });
  await entry('TE-s2', 'E-sam', after(400), 30, false, { ticketId: 'T-1' });
  await entry('TE-d1', 'E-dave', after(460), 120, true, { projectId: 'P-1' });
  await pet.teams.removeMember(asAdmin(D2), { teamId: 'T-ops', employeeId: 'E-dave' });
  await pet.timeEntries.correct(as('E-dave', after(30, D2)), {
    id: 'TE-d1x',
    correctsId: 'TE-d1',
    projectId: 'P-1',
    startedAt: after(-90, after(30, D2)),
    endedAt: after(30, D2),
    minutes: 90,
    billable: true,
    workType: 'project',
  });
  await entry('TE-d2', 'E-dave', after(60, D2), 60, true, { projectId: 'P-1' });
}

async function firm(w: World): Promise<void> {
  await registerDefinitions(w.store, builtInDefinitions());
  await firstHalf(w.pet);
  await catchUp(w.store, kpiProjector, { batchSize: 5 });
  await secondHalf(w.pet);
  await catchUp(w.store, kpiProjector, { batchSize: 5 });
}

export function kpiConformance(factory: DatabaseFactory): void {
  describe('KPI engine', () => {
    const world = usePetWorld(factory);
    const value = async (w: World, key: string, more: Partial<KpiQuery> = {}) =>
      kpiValue(w.store, {
        key,
        scope: 'organisation',
        window: 'all_time',
        asOf: LATER,
        ...more,
      });

    it('computes every built-in KPI as computed by hand', async () => {
      const w = world();
      await firm(w);
      const v = (key: string, more: Partial<KpiQuery> = {}) => value(w, key, more);

      const volume = await v('lead_volume_by_source');
      expect(volume.value).toBe(4);
      expect(volume.groups).toEqual([
        { group: 'email', value: 2 },
        { group: 'phone', value: 1 },
        { group: 'website', value: 1 },
      ]);
      expect((await v('lead_volume_by_source', { scope: 'employee:E-sally' })).value).toBe(3);
      expect((await v('lead_volume_by_source', { scope: 'customer:C-acme' })).value).toBe(1);

      const qualification = await v('time_to_qualification');
      expect(qualification.value).toBe((120 + 2880) / 2);
      expect(qualification.reason).toBe(
        '25 h is above the 24 h target and below the 72 h breach line: warning',
      );
      const disqualified = await v('disqualification_rate');
      expect(disqualified.figures).toMatchObject({ numerator: 1, denominator: 3 });
      expect(disqualified.classification).toBe('warning');

      const wins = await v('quote_win_rate');
      expect(wins.figures).toMatchObject({ numerator: 2, denominator: 3 });
      expect(wins.display).toBe('66.67 %');
      expect(wins.classification).toBe('good');
      expect((await v('quote_turnaround')).value).toBe((600 + 2880) / 2);

      // 60 + 30 + 120 + 60, and the correction's 90 - 120.
      expect((await v('hours_logged')).value).toBe(240);
      expect((await v('hours_logged', { scope: 'employee:E-dave' })).value).toBe(150);
      expect((await v('hours_logged', { scope: 'employee:E-sam' })).value).toBe(90);
      expect((await v('hours_logged', { scope: 'project:P-1' })).value).toBe(150);
      expect((await v('hours_logged', { scope: 'customer:C-acme' })).value).toBe(240);
      // Dave counted for the team only while he was in it.
      expect((await v('hours_logged', { scope: 'team:T-ops' })).value).toBe(90 + 120);

      const billable = await v('billable_ratio');
      expect(billable.figures).toMatchObject({ numerator: 240, denominator: 270 });
      expect(billable.classification).toBe('good');

      const breaches = await v('sla_breaches');
      expect(breaches.value).toBe(2);
      expect(breaches.groups).toEqual([
        { group: 'resolution', value: 1 },
        { group: 'response', value: 1 },
      ]);
      expect((await v('sla_breaches', { scope: 'customer:C-acme' })).value).toBe(0);

      const compliance = await v('sla_compliance');
      expect(compliance.figures).toMatchObject({ numerator: 1, denominator: 2 });
      expect(compliance.reason).toBe('50 % is below the 75 % breach line: breach');
      expect((await v('mean_time_to_resolution')).value).toBe(300);
      expect((await v('mean_time_to_resolution')).classification).toBe('good');

      expect((await v('project_variance_count')).value).toBe(2);
      expect((await v('project_variance_count', { scope: 'project:P-3' })).value).toBe(0);
    });

    it('takes windows as of an explicit instant: partial days from events, whole days from buckets', async () => {
      const w = world();
      await firm(w);
      const hours = async (window: KpiWindow, asOf: string) =>
        (await value(w, 'hours_logged', { window, asOf })).value;
      // On D2: the correction (-30) at 09:30, dave's 60 at 10:00.
      expect(await hours('today', after(45, D2))).toBe(-30);
      expect(await hours('today', after(90, D2))).toBe(30);
      expect(await hours('rolling_7d', after(90, D2))).toBe(240);
      expect(await hours('month_to_date', after(90, D2))).toBe(240);
      expect(await hours('quarter_to_date', LATER)).toBe(240);
      expect(await hours('year_to_date', LATER)).toBe(240);
      expect(await hours('rolling_7d', LATER)).toBeNull();
      expect(await hours('rolling_30d', LATER)).toBe(240);
      // Before anything happened.
      expect(await hours('all_time', after(-60))).toBeNull();
      const window = await value(w, 'hours_logged', { window: 'rolling_7d', asOf: after(90, D2) });
      expect(window).toMatchObject({
        from: '2026-02-25T10:30:00.000Z',
        asOf: '2026-03-04T10:30:00.000Z',
      });
    });

    it('explains a value: definition version, figures, reason and contributing events', async () => {
      const w = world();
      await firm(w);
      const explained = await explainKpi(w.store, {
        key: 'sla_compliance',
        scope: 'organisation',
        window: 'all_time',
        asOf: LATER,
      });
      expect(explained.definition.version).toBe(1);
      expect(explained.reason).toBe('50 % is below the 75 % breach line: breach');
      const resolved = (await w.store.readLog({ limit: 1000 })).filter(
        (e) => e.eventType === 'ticket.resolved',
      );
      expect(explained.contributions).toBe(3);
      expect(explained.events.map((e) => [e.part, e.eventId]).sort()).toEqual(
        [
          ['denominator', resolved[0]?.id],
          ['denominator', resolved[1]?.id],
          ['numerator', resolved.find((e) => e.context.id === 'T-1')?.id],
        ].sort(),
      );
    });

    it('keeps each version and its values; a changed version or a skipped one is refused', async () => {
      const w = world();
      await firm(w);
      const v1 = await findDefinition(w.store, 'quote_win_rate', 1);
      const changed = { ...v1, thresholds: { target: 0.7, breach: 0.5 } };
      expect((await rejection(registerDefinitions(w.store, [changed]))).code).toBe(
        'PET_KPI_DEFINITION_CHANGED',
      );
      expect(
        (await rejection(registerDefinitions(w.store, [{ ...changed, version: 3 }]))).code,
      ).toBe('PET_KPI_DEFINITION_INVALID');
      await registerDefinitions(w.store, [{ ...changed, version: 2 }]);
      await rebuildConsumer(w.store, kpiProjector);
      const latest = await value(w, 'quote_win_rate');
      expect([latest.version, latest.display, latest.classification]).toEqual([
        2,
        '66.67 %',
        'warning',
      ]);
      expect(latest.reason).toBe(
        '66.67 % is below the 70 % target and above the 50 % breach line: warning',
      );
      const first = await value(w, 'quote_win_rate', { version: 1 });
      expect([first.version, first.classification]).toEqual([1, 'good']);
      const rows = await w.db.raw.run('SELECT kpi_key FROM pet_kpi_definitions');
      expect(rows).toHaveLength(builtInDefinitions().length + 1);
      await expect(w.db.raw.run('DELETE FROM pet_kpi_definitions')).rejects.toThrow(
        /PET_APPEND_ONLY/,
      );
      // The database keeps versions contiguous and rows true to their documents.
      const document = (version: number, key = 'quote_win_rate') =>
        `'${JSON.stringify({ ...v1, key, version }).replaceAll("'", "''")}'`;
      const insert = (key: string, version: number, doc: string) =>
        w.db.raw
          .run(`INSERT INTO pet_kpi_definitions (kpi_key, version, document, sha256, registered_at)
          VALUES ('${key}', ${version}, ${doc}, '${'0'.repeat(64)}', 'now')`);
      await expect(insert('quote_win_rate', 4, document(4))).rejects.toThrow(
        /PET_KPI_VERSION_SKIPPED/,
      );
      await expect(insert('quote_win_rate', 3, document(3, 'other_key'))).rejects.toThrow(/check/i);
      await expect(insert('quote_win_rate', 3, document(2))).rejects.toThrow(/check/i);
    });

    it('computes sums, averages, minima, maxima and percentiles of payload values', async () => {
      const w = world();
      await firm(w);
      const base = await findDefinition(w.store, 'hours_logged');
      const submitted = { type: 'time_entry.submitted', versions: [1], value: 'minutes' };
      const define = (key: string, metric: object) => ({ ...base, key, version: 1, metric });
      await registerDefinitions(w.store, [
        define('entry_minutes_avg', { aggregate: 'avg', from: [submitted] }),
        define('entry_minutes_min', { aggregate: 'min', from: [submitted] }),
        define('entry_minutes_max', { aggregate: 'max', from: [submitted] }),
        define('entry_minutes_p50', { aggregate: 'percentile', percentile: 50, from: [submitted] }),
        define('entry_minutes_p90', { aggregate: 'percentile', percentile: 90, from: [submitted] }),
      ]);
      await rebuildConsumer(w.store, kpiProjector);
      // Submitted entries: 60, 30, 120, 60 minutes.
      const of = async (key: string, more: Partial<KpiQuery> = {}) =>
        (await value(w, key, more)).value;
      expect(await of('entry_minutes_avg')).toBe(67.5);
      expect(await of('entry_minutes_min')).toBe(30);
      expect(await of('entry_minutes_max')).toBe(120);
      expect(await of('entry_minutes_p50')).toBe(60);
      expect(await of('entry_minutes_p90')).toBe(120);
      // Sam's two entries, by nearest rank.
      expect(await of('entry_minutes_p50', { scope: 'employee:E-sam' })).toBe(30);
      // The window edges (the as-of day is partial) agree with whole days.
      expect(await of('entry_minutes_max', { window: 'today', asOf: after(90, D2) })).toBe(60);
      expect(await of('entry_minutes_min', { window: 'rolling_7d', asOf: after(90, D2) })).toBe(30);
    });

    it('refuses invalid definitions and queries with stable codes', async () => {
      const w = world();
      await firm(w);
      const base = await findDefinition(w.store, 'hours_logged');
      const invalid = async (document: unknown) =>
        (await rejection(registerDefinitions(w.store, [document]))) as PetError & {
          pointer: string;
        };
      const noValue = await invalid({
        ...base,
        key: 'minutes_x',
        version: 1,
        metric: { aggregate: 'sum', from: [{ type: 'time_entry.submitted', versions: [1] }] },
      });
      expect([noValue.code, noValue.pointer]).toEqual([
        'PET_KPI_DEFINITION_INVALID',
        '/metric/from/0/value',
      ]);
      const twice = await invalid({
        ...base,
        key: 'minutes_w',
        version: 1,
        metric: {
          aggregate: 'count',
          from: [
            { type: 'lead.created', versions: [1] },
            { type: 'lead.created', versions: [1] },
          ],
        },
      });
      expect([twice.code, twice.pointer]).toEqual([
        'PET_KPI_DEFINITION_INVALID',
        '/metric/from/1/type',
      ]);
      const extra = await invalid({ ...base, key: 'minutes_y', version: 1, colour: 'red' });
      expect(extra.code).toBe('PET_KPI_DEFINITION_INVALID');
      const backwards = await invalid({
        ...base,
        key: 'minutes_z',
        version: 1,
        thresholds: { target: 100, breach: 200 },
      });
      expect([backwards.code, backwards.pointer]).toEqual([
        'PET_KPI_DEFINITION_INVALID',
        '/thresholds',
      ]);
      const query = async (more: Partial<KpiQuery>) =>
        (await rejection(value(w, 'sla_breaches', more))).code;
      expect(await query({ scope: 'employee:E-sam' })).toBe('PET_KPI_QUERY_INVALID');
      expect(await query({ window: 'fortnight' as KpiWindow })).toBe('PET_KPI_QUERY_INVALID');
      expect(await query({ asOf: 'now' })).toBe('PET_KPI_QUERY_INVALID');
      expect((await rejection(value(w, 'happiness'))).code).toBe('PET_KPI_UNKNOWN');
    });

    it('gives the same numbers from scratch as followed live, on the demo firm', async () => {
      const w = world();
      await registerDefinitions(w.store, builtInDefinitions());
      await buildDemoFirm(w.pet, { scale: 1, seed: 11, days: 6 });
      await catchUp(w.store, kpiProjector, { batchSize: 37 });
      // A second run, which starts from what the first left in the read model.
      await firstHalf(w.pet);
      await catchUp(w.store, kpiProjector, { batchSize: 37 });
      const verified = await verifyConsumer(w.store, kpiProjector);
      expect(verified.firstDifference).toBeNull();
      expect(verified.equal).toBe(true);
      const asOf = '2026-11-21T00:00:00.000Z';
      const values = () =>
        Promise.all(
          builtInDefinitions().flatMap((d) =>
            (['all_time', 'rolling_7d', 'today'] as const).map(
              async (window) => (await value(w, d.key, { window, asOf })).value,
            ),
          ),
        );
      const live = await values();
      expect(live.filter((v) => v !== null).length).toBeGreaterThan(10);
      await rebuildConsumer(w.store, kpiProjector, { batchSize: 1000 });
      expect(await values()).toEqual(live);
    });

    it('gives the same numbers from scratch as followed live, in any batches', async () => {
      const w = world();
      await firm(w);
      const verified = await verifyConsumer(w.store, kpiProjector);
      expect(verified.firstDifference).toBeNull();
      const live = await Promise.all(
        builtInDefinitions().map(async (d) => (await value(w, d.key)).value),
      );
      await rebuildConsumer(w.store, kpiProjector, { batchSize: 1000 });
      const rebuilt = await Promise.all(
        builtInDefinitions().map(async (d) => (await value(w, d.key)).value),
      );
      expect(rebuilt).toEqual(live);
    });
  });
}
