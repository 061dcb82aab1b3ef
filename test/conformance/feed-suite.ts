/**
 * The activity feed, on each database: a small firm with known answers for what each role
 * sees, severities, summaries, scopes by team membership at the event's time, archival,
 * keyset pages that never hint at hidden items, deterministic rebuilds, and reactions.
 */
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/consumers/catch-up.js';
import { readModelRows, rebuildConsumer, verifyConsumer } from '../../src/consumers/read-model.js';
import { feedProjector } from '../../src/pet/feed/projector.js';
import { queryFeed, type FeedItem, type FeedQuery } from '../../src/pet/feed/query.js';
import { react, reactionsTo, withdrawReaction } from '../../src/pet/feed/reactions.js';
import type { Pet } from '../../src/pet/pet.js';
import type { DatabaseFactory } from '../support/databases.js';
import { actingAs, after, asAdmin, rejection, usePetWorld, type World } from '../pet/world.js';

const as = actingAs;
const D2 = after(2 * 24 * 60);

/** The firm up to sam's second time entry on T-1 (the feed is caught up in between). */
async function firstHalf(pet: Pet): Promise<void> {
  for (const [id, role] of [
    ['E-exec', 'executive'],
    ['E-mona', 'manager'],
    ['E-sally', 'sales'],
    ['E-dave', 'delivery'],
    ['E-mel', 'member'],
  ] as const) {
    const name = `${id.slice(2, 3).toUpperCase()}${id.slice(3)} ${role}`;
    await pet.employees.hire(asAdmin(after(1)), { id, name, email: `${id}@example.com`, role });
  }
  await pet.teams.create(asAdmin(after(2)), { id: 'T-ops', name: 'Ops', managerId: 'E-mona' });
  await pet.teams.addMember(asAdmin(after(3)), { teamId: 'T-ops', employeeId: 'E-sam' });
  await pet.teams.addMember(asAdmin(after(3)), { teamId: 'T-ops', employeeId: 'E-dave' });
  await pet.customers.create(asAdmin(after(4)), { id: 'C-globex', name: 'Globex' });
  const sally = (minutes: number) => as('E-sally', after(minutes));
  await pet.leads.create(sally(10), {
    id: 'L-1',
    subject: 'Rollout',
    source: 'referral',
    customerId: 'C-acme',
  });
  await pet.leads.qualify(sally(20), { id: 'L-1' });
  await pet.leads.convert(sally(30), {
    id: 'L-1',
    opportunityId: 'O-1',
    ownerId: 'E-sally',
    estimatedValueMinor: 1_250_000,
    currency: 'EUR',
  });
  await pet.quotes.create(sally(40), {
    id: 'Q-1',
    customerId: 'C-acme',
    opportunityId: 'O-1',
    currency: 'EUR',
    sellTotalMinor: 1_250_000,
    costTotalMinor: 700_000,
    validUntil: '2026-04-30',
    soldMinutes: 6000,
  });
  await pet.quotes.send(sally(50), { id: 'Q-1' });
  await pet.quotes.accept(sally(60), { id: 'Q-1', projectId: 'P-1', projectName: 'Apollo' });
  await pet.tickets.create(asAdmin(after(70)), {
    id: 'T-1',
    customerId: 'C-acme',
    subject: 'VPN down',
    priority: 'normal',
  });
  await pet.tickets.assign(asAdmin(after(71)), { id: 'T-1', employeeId: 'E-sam' });
  await pet.tickets.changeStatus(as('E-sam', after(72)), { id: 'T-1', to: 'open' });
  await pet.tickets.escalate(asAdmin(after(75)), { id: 'T-1', stage: 1 });
  await samOnVpn(pet, 'TE-s1', 80);
  await samOnVpn(pet, 'TE-s2', 90);
}

async function samOnVpn(pet: Pet, id: string, at: number): Promise<void> {
  await pet.timeEntries.submit(as('E-sam', after(at)), {
    id,
    ticketId: 'T-1',
    startedAt: after(at - 30),
    endedAt: after(at),
    minutes: 30,
    billable: true,
    workType: 'support',
  });
}

async function secondHalf(pet: Pet): Promise<void> {
  await samOnVpn(pet, 'TE-s3', 100);
  await pet.tickets.changeStatus(as('E-sam', after(110)), { id: 'T-1', to: 'resolved' });
  await pet.leads.create(as('E-sam', after(115)), {
    id: 'L-2',
    subject: 'Printer fleet',
    source: 'phone',
  });
  const daveOnApollo = (id: string, at: string) =>
    pet.timeEntries.submit(as('E-dave', at), {
      id,
      projectId: 'P-1',
      startedAt: after(-120, at),
      endedAt: at,
      minutes: 120,
      billable: true,
      workType: 'project',
    });
  await daveOnApollo('TE-d1', after(120));
  await pet.tickets.create(asAdmin(after(130)), {
    id: 'T-3',
    customerId: 'C-globex',
    subject: 'Mail outage',
    priority: 'urgent',
  });
  await pet.tickets.assign(asAdmin(after(131)), { id: 'T-3', teamId: 'T-ops' });
  await pet.tickets.evaluateSla(after(200));
  await pet.teams.removeMember(asAdmin(D2), { teamId: 'T-ops', employeeId: 'E-dave' });
  await daveOnApollo('TE-d2', after(60, D2));
  await pet.customers.archive(asAdmin(after(120, D2)), { id: 'C-globex' });
  // Ten days on: a first page for a restricted viewer finds little in its last week.
  const D10 = after(10 * 24 * 60);
  await pet.timeEntries.submit(as('E-sam', D10), {
    id: 'TE-s9',
    startedAt: after(-60, D10),
    endedAt: D10,
    minutes: 60,
    billable: false,
    workType: 'internal',
  });
}

async function firm(w: World): Promise<void> {
  await firstHalf(w.pet);
  await catchUp(w.store, feedProjector, { batchSize: 7 });
  await secondHalf(w.pet);
  await catchUp(w.store, feedProjector, { batchSize: 7 });
}

/** Every item a query gives, page after page. */
async function all(w: World, query: FeedQuery): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryFeed(w.store, { ...query, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** `ticket.assigned T-1`: an item by its type and context, sorted for comparison. */
const keys = (items: readonly FeedItem[]) =>
  items.map((i) => `${i.eventType} ${i.context.id}`).sort();

const EVERYTHING = [
  'customer.created C-acme',
  'employee.hired E-admin',
  'employee.hired E-sam',
  'employee.hired E-exec',
  'employee.hired E-mona',
  'employee.hired E-sally',
  'employee.hired E-dave',
  'employee.hired E-mel',
  'team.created T-ops',
  'team.member_added T-ops',
  'team.member_added T-ops',
  'lead.created L-1',
  'lead.qualified L-1',
  'lead.converted L-1',
  'opportunity.created O-1',
  'quote.created Q-1',
  'quote.sent Q-1',
  'quote.accepted Q-1',
  'project.created P-1',
  'ticket.created T-1',
  'ticket.assigned T-1',
  'ticket.status_changed T-1',
  'ticket.escalated T-1',
  'time_entry.submitted TE-s1',
  'ticket.resolved T-1',
  'lead.created L-2',
  'time_entry.submitted TE-d1',
  'team.member_removed T-ops',
  'time_entry.submitted TE-d2',
  'time_entry.submitted TE-s9',
].sort();

const GLOBEX = [
  'customer.created C-globex',
  'ticket.created T-3',
  'ticket.assigned T-3',
  'sla.warning T-3',
  'sla.breached T-3',
  'customer.archived C-globex',
].sort();

export function feedConformance(factory: DatabaseFactory): void {
  describe('activity feed', () => {
    const world = usePetWorld(factory);

    it('shows each role what it may see, and nothing else', async () => {
      const w = world();
      await firm(w);
      const seen = async (viewer: string, more: Partial<FeedQuery> = {}) =>
        keys(await all(w, { viewer, limit: 3, ...more }));

      expect(await seen('E-admin')).toEqual(EVERYTHING);
      expect(await seen('E-exec')).toEqual(EVERYTHING);
      // Only her own hire names her.
      expect(await seen('E-mel')).toEqual(['employee.hired E-mel']);
      // His own items and everything about the ticket he worked; his lead is commercial.
      expect(await seen('E-sam')).toEqual(
        [
          'employee.hired E-sam',
          'team.member_added T-ops',
          'ticket.created T-1',
          'ticket.assigned T-1',
          'ticket.status_changed T-1',
          'ticket.escalated T-1',
          'time_entry.submitted TE-s1',
          'ticket.resolved T-1',
          'time_entry.submitted TE-s9',
        ].sort(),
      );
      // Her deals, the project they made, and the time logged on it; not sam's lead.
      expect(await seen('E-sally')).toEqual(
        [
          'employee.hired E-sally',
          'lead.created L-1',
          'lead.qualified L-1',
          'lead.converted L-1',
          'opportunity.created O-1',
          'quote.created Q-1',
          'quote.sent Q-1',
          'quote.accepted Q-1',
          'project.created P-1',
          'time_entry.submitted TE-d1',
          'time_entry.submitted TE-d2',
        ].sort(),
      );
      // The project he logged time on, but not the deal behind it.
      expect(await seen('E-dave')).toEqual(
        [
          'employee.hired E-dave',
          'team.member_added T-ops',
          'team.member_removed T-ops',
          'project.created P-1',
          'time_entry.submitted TE-d1',
          'time_entry.submitted TE-d2',
        ].sort(),
      );
      // Her team's items while its people were in it (sam's lead too: managers see commercial
      // items); dave's second entry came after he left.
      expect(await seen('E-mona')).toEqual(
        [
          'employee.hired E-mona',
          'lead.created L-2',
          'team.created T-ops',
          'team.member_added T-ops',
          'team.member_added T-ops',
          'ticket.assigned T-1',
          'ticket.status_changed T-1',
          'time_entry.submitted TE-s1',
          'ticket.resolved T-1',
          'time_entry.submitted TE-d1',
          'team.member_removed T-ops',
          'time_entry.submitted TE-s9',
        ].sort(),
      );
      // Archived Globex comes back on request, with the ticket her team was given.
      expect(await seen('E-admin', { includeArchived: true })).toEqual(
        [...EVERYTHING, ...GLOBEX].sort(),
      );
      expect(await seen('E-mona', { includeArchived: true, scope: 'ticket:T-3' })).toEqual(
        ['ticket.created T-3', 'ticket.assigned T-3', 'sla.warning T-3', 'sla.breached T-3'].sort(),
      );
      expect(await seen('E-sam', { includeArchived: true, scope: 'ticket:T-3' })).toEqual([]);
    });

    it('scopes items by team membership at the time, customer, project, ticket and person', async () => {
      const w = world();
      await firm(w);
      const scoped = async (scope: string, viewer = 'E-admin') =>
        keys(await all(w, { viewer, scope }));
      const team = await scoped('team:T-ops');
      expect(team).toContain('time_entry.submitted TE-d1');
      expect(team).not.toContain('time_entry.submitted TE-d2');
      expect(await scoped('project:P-1')).toEqual(
        ['project.created P-1', 'time_entry.submitted TE-d1', 'time_entry.submitted TE-d2'].sort(),
      );
      expect(await scoped('customer:C-acme')).toEqual(
        [
          'customer.created C-acme',
          'lead.created L-1',
          'lead.qualified L-1',
          'lead.converted L-1',
          'opportunity.created O-1',
          'quote.created Q-1',
          'quote.sent Q-1',
          'quote.accepted Q-1',
          'project.created P-1',
          'ticket.created T-1',
          'ticket.assigned T-1',
          'ticket.status_changed T-1',
          'ticket.escalated T-1',
          'time_entry.submitted TE-s1',
          'ticket.resolved T-1',
          'time_entry.submitted TE-d1',
          'time_entry.submitted TE-d2',
        ].sort(),
      );
      // `me`: what the viewer did or was named in.
      expect(await scoped('me', 'E-dave')).toEqual(
        [
          'employee.hired E-dave',
          'team.member_added T-ops',
          'team.member_removed T-ops',
          'time_entry.submitted TE-d1',
          'time_entry.submitted TE-d2',
        ].sort(),
      );
      // A scope the viewer cannot see into is empty, not an error.
      expect(await scoped('customer:C-acme', 'E-mel')).toEqual([]);
    });

    it('gives each kind its severity and renders facts as words', async () => {
      const w = world();
      await firm(w);
      const items = await all(w, { viewer: 'E-admin', includeArchived: true, limit: 200 });
      const by = (type: string) => items.filter((i) => i.eventType === type);
      expect(by('sla.breached').map((i) => i.severity)).toEqual(['breach']);
      expect(by('sla.warning').map((i) => i.severity)).toEqual(['risk']);
      expect(by('ticket.escalated').map((i) => i.severity)).toEqual(['attention']);
      for (const type of ['quote.created', 'quote.sent', 'quote.accepted', 'opportunity.created']) {
        expect(by(type).map((i) => i.severity)).toEqual(['commercial']);
      }
      for (const type of [
        'lead.created',
        'ticket.created',
        'project.created',
        'customer.created',
      ]) {
        expect(new Set(by(type).map((i) => i.severity))).toEqual(new Set(['info']));
      }
      const [quote] = by('quote.created');
      expect(quote?.headline).toBe('Sally sales drafted quote v1 for Acme Ltd');
      expect(quote?.detail).toBe(
        'Sell EUR 12,500.00 · cost EUR 7,000.00 · 100 h of work · valid until 2026-04-30',
      );
      const [breach] = by('sla.breached');
      expect(breach?.headline).toBe('Ticket “Mail outage” breached its response target');
      expect(breach?.actorId).toBeNull();
      for (const item of items) {
        expect(item.headline).not.toMatch(/[<>]/);
        expect(item.headline).not.toMatch(/undefined|null|NaN/);
        expect(item.detail).not.toMatch(/undefined|null|NaN/);
      }
    });

    it("summarises a day's time entries of one person on one ticket into one item that links every event", async () => {
      const w = world();
      await firm(w);
      const items = await all(w, { viewer: 'E-sam', scope: 'ticket:T-1' });
      const summaries = items.filter((i) => i.eventType === 'time_entry.submitted');
      expect(summaries).toHaveLength(1);
      const [summary] = summaries as [FeedItem];
      expect(summary.headline).toBe(
        'Sam Support logged 3 time entries on ticket “VPN down”, 1 h 30 min in all',
      );
      expect(summary.detail.split('\n')).toEqual([
        '2026-03-02 09:50–10:20 UTC · 30 min · billable · support work',
        '2026-03-02 10:00–10:30 UTC · 30 min · billable · support work',
        '2026-03-02 10:10–10:40 UTC · 30 min · billable · support work',
      ]);
      expect(summary.occurredAt).toBe(after(100));
      const submitted = (await w.store.readLog({ limit: 1000 })).filter(
        (e) => e.eventType === 'time_entry.submitted' && /^TE-s[123]$/.test(e.context.id),
      );
      expect(summary.eventIds).toEqual(submitted.map((e) => e.id));
      expect(summary.id).toBe(submitted[0]?.id);
    });

    it('rebuilds to byte-identical items, whatever batches and runs the live feed was built in', async () => {
      const w = world();
      await firm(w);
      const readModel = feedProjector.readModel!;
      const live = await w.store.transaction((tx) => readModelRows(tx.sql, readModel));
      expect(live.get('pet_rm_feed_items')?.length).toBe(EVERYTHING.length + GLOBEX.length);
      const verified = await verifyConsumer(w.store, feedProjector);
      expect(verified.firstDifference).toBeNull();
      expect(verified.equal).toBe(true);
      await rebuildConsumer(w.store, feedProjector, { batchSize: 500 });
      const rebuilt = await w.store.transaction((tx) => readModelRows(tx.sql, readModel));
      expect(JSON.stringify([...rebuilt])).toBe(JSON.stringify([...live]));
    });

    it('pages newest first by cursor; filters by time, type, severity and actor', async () => {
      const w = world();
      await firm(w);
      const whole = (await queryFeed(w.store, { viewer: 'E-admin', limit: 200 })).items;
      expect(whole).toHaveLength(EVERYTHING.length);
      const paged = await all(w, { viewer: 'E-admin', limit: 4 });
      expect(paged.map((i) => i.id)).toEqual(whole.map((i) => i.id));
      const order = whole.map((i) => `${i.occurredAt} ${i.id}`);
      expect(order).toEqual([...order].sort().reverse());

      const sally = await queryFeed(w.store, { viewer: 'E-sally', limit: 10 });
      expect(sally.items).toHaveLength(10);
      const rest = await queryFeed(w.store, {
        viewer: 'E-sally',
        limit: 10,
        cursor: sally.nextCursor as string,
      });
      expect(rest.items).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();

      const filtered = async (more: Partial<FeedQuery>) =>
        keys(await all(w, { viewer: 'E-admin', ...more }));
      expect(await filtered({ severities: ['commercial'] })).toEqual(
        [
          'opportunity.created O-1',
          'quote.created Q-1',
          'quote.sent Q-1',
          'quote.accepted Q-1',
        ].sort(),
      );
      expect(await filtered({ eventTypes: ['ticket.escalated', 'ticket.resolved'] })).toEqual([
        'ticket.escalated T-1',
        'ticket.resolved T-1',
      ]);
      expect(await filtered({ actor: 'E-dave' })).toEqual([
        'time_entry.submitted TE-d1',
        'time_entry.submitted TE-d2',
      ]);
      expect(await filtered({ since: D2 })).toEqual([
        'team.member_removed T-ops',
        'time_entry.submitted TE-d2',
        'time_entry.submitted TE-s9',
      ]);
      expect(await filtered({ since: after(100), until: after(115) })).toEqual(
        ['time_entry.submitted TE-s1', 'ticket.resolved T-1'].sort(),
      );
    });

    it('refuses malformed queries and unknown viewers with stable codes', async () => {
      const w = world();
      await firm(w);
      const code = async (query: FeedQuery) => (await rejection(queryFeed(w.store, query))).code;
      expect(await code({ viewer: 'E-admin', scope: 'galaxy:1' })).toBe('PET_FEED_QUERY_INVALID');
      expect(await code({ viewer: 'E-admin', cursor: 'not-a-cursor' })).toBe(
        'PET_FEED_QUERY_INVALID',
      );
      expect(await code({ viewer: 'E-admin', limit: 0 })).toBe('PET_FEED_QUERY_INVALID');
      expect(await code({ viewer: 'E-admin', since: 'yesterday' })).toBe('PET_FEED_QUERY_INVALID');
      expect(await code({ viewer: 'E-admin', severities: ['loud' as never] })).toBe(
        'PET_FEED_QUERY_INVALID',
      );
      expect(await code({ viewer: 'E-nobody' })).toBe('PET_FEED_VIEWER_UNKNOWN');
    });

    it('takes reactions from those who can see an item, as rows of their own that never change it', async () => {
      const w = world();
      await firm(w);
      const readModel = feedProjector.readModel!;
      const before = await w.store.transaction((tx) => readModelRows(tx.sql, readModel));
      const [resolved] = (
        await queryFeed(w.store, { viewer: 'E-sam', eventTypes: ['ticket.resolved'] })
      ).items as [FeedItem];
      const comment = await react(w.store, 'E-mona', resolved.id, {
        kind: 'comment',
        body: 'Thanks, Sam',
      });
      await react(w.store, 'E-sam', resolved.id, { kind: 'acknowledgement' });
      const mention = await react(w.store, 'E-admin', resolved.id, {
        kind: 'mention',
        employeeId: 'E-dave',
        body: 'see this',
      });
      expect(
        (await rejection(react(w.store, 'E-sam', resolved.id, { kind: 'acknowledgement' }))).code,
      ).toBe('PET_FEED_QUERY_INVALID');
      // Mel cannot see the item: to her it does not exist, like an item that does not.
      for (const itemId of [resolved.id, '0190a1b2-0000-7000-8000-000000000000']) {
        const error = await rejection(react(w.store, 'E-mel', itemId, { kind: 'acknowledgement' }));
        expect(error.code).toBe('PET_FEED_ITEM_NOT_FOUND');
        expect((await rejection(reactionsTo(w.store, 'E-mel', itemId))).code).toBe(
          'PET_FEED_ITEM_NOT_FOUND',
        );
      }
      expect(
        (await rejection(react(w.store, 'E-sam', resolved.id, { kind: 'comment', body: ' ' })))
          .code,
      ).toBe('PET_FEED_QUERY_INVALID');
      // Only the author withdraws, once; the withdrawal is a new row.
      expect((await rejection(withdrawReaction(w.store, 'E-sam', comment))).code).toBe(
        'PET_FEED_ITEM_NOT_FOUND',
      );
      await withdrawReaction(w.store, 'E-admin', mention);
      expect((await rejection(withdrawReaction(w.store, 'E-admin', mention))).code).toBe(
        'PET_FEED_ITEM_NOT_FOUND',
      );
      const live = await reactionsTo(w.store, 'E-sam', resolved.id);
      expect(live.map((r) => [r.kind, r.employeeId, r.body])).toEqual([
        ['comment', 'E-mona', 'Thanks, Sam'],
        ['acknowledgement', 'E-sam', null],
      ]);
      const rows = await w.db.raw.run('SELECT kind FROM pet_feed_reactions ORDER BY seq');
      expect(rows).toHaveLength(4);
      // The database itself refuses a withdrawal by someone else, or of a withdrawal.
      const [withdrawal] = (await w.db.raw.run(
        "SELECT id FROM pet_feed_reactions WHERE kind = 'withdrawal'",
      )) as { id: string }[];
      for (const [employee, withdraws] of [
        ['E-sam', comment],
        ['E-admin', withdrawal?.id ?? ''],
      ] as const) {
        await expect(
          w.db.raw.run(`INSERT INTO pet_feed_reactions
            (id, item_id, employee_id, kind, withdraws_id, created_at)
            VALUES ('R-forged-${employee}', '${resolved.id}', '${employee}', 'withdrawal', '${withdraws}', 'now')`),
        ).rejects.toThrow(/PET_REACTION_WITHDRAWAL/);
      }
      for (const statement of [
        'UPDATE pet_feed_reactions SET body = NULL',
        'DELETE FROM pet_feed_reactions',
      ]) {
        await expect(w.db.raw.run(statement)).rejects.toThrow(/PET_APPEND_ONLY/);
      }
      const afterwards = await w.store.transaction((tx) => readModelRows(tx.sql, readModel));
      expect(JSON.stringify([...afterwards])).toBe(JSON.stringify([...before]));
    });
  });
}
