/**
 * The web UI end to end, in Debian's Chromium: an administrator and a support employee of the
 * demo firm sign in with their tokens and see what their roles allow and nothing else; a
 * reaction is added; a new fact arrives live; a KPI is explained; a ticket's history is read
 * and the log verified; the pages fit a phone and work from the keyboard. Each page is saved
 * as a screenshot under test-artifacts/ui/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPet } from '../../src/pet/pet.js';
import { reactionsTo } from '../../src/pet/feed/reactions.js';
import { createToken, revokeToken } from '../../src/service/tokens.js';
import { employeePrincipal } from '../../src/unit-of-work/principal.js';
import {
  buildUi,
  caughtUp,
  chromiumMissing,
  failuresOf,
  screenshot,
  signedIn,
  startUiWorld,
  type UiWorld,
} from './support.js';
import { SIDEWAYS_OVERFLOW, TEXT_CONTRASTS, UNLABELLED_CONTROLS } from './in-page.js';

if (chromiumMissing !== undefined) {
  console.warn(`\n!!! Web UI tests SKIPPED: ${chromiumMissing}.\n`);
}

const COMMERCIAL =
  '[data-event-type^="quote."], [data-event-type^="lead."], [data-event-type^="opportunity."]';

describe.skipIf(chromiumMissing !== undefined)('the web UI in Chromium', () => {
  let world: UiWorld;

  beforeAll(async () => {
    buildUi();
    world = await startUiWorld();
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  const items = (page: Page) => page.locator('.items > li.item');

  it('shows the administrator commercial items, every page and the whole organisation', async () => {
    const page = await signedIn(world, world.tokens.admin, undefined, 'sign-in');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Feed',
      'KPIs',
      'Audit',
    ]);
    await items(page).first().waitFor();
    await expect(page.getByRole('heading', { level: 2 }).first().textContent()).resolves.toMatch(
      /^(Today|Yesterday|This week|Older)$/,
    );

    await page.getByRole('checkbox', { name: 'Commercial' }).check();
    await page.locator(`.items > li.item:is(${COMMERCIAL})`).first().waitFor();
    expect(await page.locator('.items > li.item:not(.sev-commercial)').count()).toBe(0);
    await screenshot(page, 'feed-admin-commercial');
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it('shows a support employee their own work, no commercial item, and no audit trail', async () => {
    const page = await signedIn(world, world.tokens.support);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['Feed', 'KPIs']);
    await items(page).first().waitFor();
    const more = page.getByRole('button', { name: 'Load older items' });
    if (await more.isVisible()) {
      const before = await items(page).count();
      await more.click();
      await expect.poll(() => items(page).count()).toBeGreaterThan(before);
    }
    expect(await items(page).count()).toBeGreaterThan(0);
    expect(await page.locator(COMMERCIAL).count()).toBe(0);
    // Not even the means to ask: no commercial severity or event types among the filters.
    expect(await page.getByRole('checkbox', { name: 'Commercial' }).count()).toBe(0);
    const types = await page.getByLabel('Event type').locator('option').allTextContents();
    expect(types.some((t) => /^(Quote|Lead|Opportunity) /.test(t))).toBe(false);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'feed-support');

    await page.goto(`${world.service.url}/#/audit/ticket/T-0000016`);
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByText('Integrity').count()).toBe(0);
    await screenshot(page, 'audit-refused-support');

    await nav.getByRole('link', { name: 'KPIs' }).click();
    await page.getByText('Your own KPIs').waitFor();
    expect(await page.getByLabel('Scope').count()).toBe(0);
    await page.locator('.kpi-card .badge').first().waitFor();
    await page.locator('.kpi-card svg.sparkline').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'kpis-support');
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it('adds a comment and an acknowledgement to a feed item', async () => {
    const page = await signedIn(world, world.tokens.support);
    const item = items(page).first();
    await item.waitFor();
    const itemId = (await item.getAttribute('data-item-id')) ?? '';
    await item.getByRole('button', { name: 'Reactions' }).click();
    await item.getByText('No reactions yet.').waitFor();

    await item.getByLabel('Comment').fill('Looked at this with the customer.');
    await item.getByRole('button', { name: 'Add comment' }).click();
    await item.getByText('Looked at this with the customer.').waitFor();
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await item.getByRole('button', { name: 'Acknowledged' }).waitFor();
    expect(await item.getByRole('button', { name: 'Acknowledged' }).isDisabled()).toBe(true);
    await screenshot(page, 'feed-reactions');

    const stored = await reactionsTo(world.store, world.supportId, itemId);
    expect(stored.map((r) => [r.kind, r.body])).toEqual([
      ['comment', 'Looked at this with the customer.'],
      ['acknowledgement', null],
    ]);
    await page.close();
  });

  it('shows a new fact in the feed as it happens, without reloading', async () => {
    const page = await signedIn(world, world.tokens.admin);
    await items(page).first().waitFor();
    await page.getByText('Live: new items appear as they happen.').waitFor();

    await createPet(world.store).customers.create(
      { principal: employeePrincipal(world.adminId) },
      { id: 'C-LIVE', name: 'Live Update Ltd' },
    );
    const fresh = page.locator('.items > li.item.is-new', { hasText: 'Live Update Ltd' });
    await fresh.waitFor({ timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Today' }).count()).resolves.toBe(1);
    await screenshot(page, 'feed-live');
    await page.close();
  });

  it("takes an archived customer's items away, and shows them when asked", async () => {
    const admin = { principal: employeePrincipal(world.adminId) };
    const pet = createPet(world.store);
    await pet.customers.create(admin, { id: 'C-GONE', name: 'Bygone Ltd' });
    await caughtUp(world.store);
    const page = await signedIn(world, world.tokens.admin);
    const bygone = page.locator('.items > li.item', { hasText: 'Bygone Ltd' });
    await bygone.first().waitFor();
    await page.getByText('Live: new items appear as they happen.').waitFor();

    // Archived while the viewer looks: its items leave the feed as it happens.
    await pet.customers.archive(admin, { id: 'C-GONE' });
    await expect.poll(() => bygone.count(), { timeout: 15_000 }).toBe(0);

    await page.getByRole('checkbox', { name: 'Show items of archived customers' }).check();
    await bygone.first().waitFor();
    await screenshot(page, 'feed-archived-shown');
    await page.close();
  });

  it('shows every KPI judged with a trend, and explains one', async () => {
    const page = await signedIn(world, world.tokens.admin);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'KPIs' })
      .click();
    await page.getByLabel('Window').selectOption('all_time');
    const cards = page.locator('.kpi-card');
    await expect.poll(() => cards.count()).toBe(11);
    await expect.poll(() => page.locator('.kpi-card .badge').count()).toBe(11);
    const judgements = await page.locator('.kpi-card .badge').allTextContents();
    expect(judgements.every((j) => ['Good', 'Warning', 'Breach', 'Not judged'].includes(j))).toBe(
      true,
    );
    await expect
      .poll(() => page.locator('.kpi-card svg.sparkline').count(), { timeout: 20_000 })
      .toBe(11);
    await screenshot(page, 'kpis-admin');

    await page
      .locator('.kpi-card[data-kpi="sla_compliance"]')
      .getByRole('link', { name: 'Explain' })
      .click();
    await page.getByRole('heading', { name: 'SLA compliance', level: 1 }).waitFor();
    const explanation = page.locator('section.explanation');
    await explanation.getByText('sla_compliance, version 1').waitFor();
    await expect
      .poll(() => explanation.locator('table.events tbody tr').count())
      .toBeGreaterThan(0);
    await page.locator('svg.trend-chart').waitFor({ timeout: 20_000 });
    expect(await page.locator('svg.trend-chart circle.dot').count()).toBeGreaterThan(0);
    await screenshot(page, 'kpi-explain', true);
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it('finds a ticket, shows its history as a timeline and verifies the log', async () => {
    const page = await signedIn(world, world.tokens.admin);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit' })
      .click();
    await page.getByText('Head link').waitFor();

    const [ticket] = await world.store.query<{ id: string }>(
      `SELECT id FROM pet_tickets WHERE status = 'closed' ORDER BY id LIMIT 1`,
    );
    const id = ticket?.id ?? '';
    await page.getByLabel('Context id or name').fill(id);
    await page.getByRole('link', { name: `ticket ${id}` }).click();
    await page.getByRole('heading', { name: `History of ticket ${id}` }).waitFor();
    const entries = page.locator('ol.timeline > li');
    expect(await entries.count()).toBeGreaterThanOrEqual(3);
    await expect(entries.first().textContent()).resolves.toContain('Ticket created');
    await expect(page.locator('.transition').first().textContent()).resolves.toMatch(/→ new/);
    await expect(entries.last().textContent()).resolves.toMatch(/Status: resolved → closed/);
    await expect(entries.first().locator('.meta').textContent()).resolves.toMatch(/^By .+\(E-/);

    await page.getByRole('button', { name: 'Verify the log' }).click();
    await page.getByText(/^Verified: \d+ events checked/).waitFor({ timeout: 20_000 });
    await screenshot(page, 'audit-history', true);
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it('returns to sign-in, forgetting the token, once the service refuses it', async () => {
    const { token, info } = await createToken(world.store, {
      subject: { employeeId: world.supportId },
    });
    const page = await signedIn(world, token);
    await items(page).first().waitFor();
    await revokeToken(world.store, info.id);

    await items(page).first().getByRole('button', { name: 'Reactions' }).click();
    await page.getByText('The service no longer accepts your token. Sign in again.').waitFor();
    expect(await page.getByLabel('API token').isVisible()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });

  it('fits a phone screen without scrolling sideways', async () => {
    const page = await signedIn(world, world.tokens.admin, { width: 390, height: 844 });
    await items(page).first().waitFor();
    const overflow = async () => Number(await page.evaluate(SIDEWAYS_OVERFLOW));
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'feed-phone');
    await page.getByRole('link', { name: 'KPIs' }).click();
    await page.locator('.kpi-card .badge').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'kpis-phone');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByText('Head link').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('labels every control, reads well, and works from the keyboard', async () => {
    const page = await signedIn(world, world.tokens.admin);
    const readable = async (name: string) => {
      expect([name, await page.evaluate(UNLABELLED_CONTROLS)]).toEqual([name, []]);
      // Text against the background it sits on: WCAG AA asks 4.5:1.
      const contrasts = await page.evaluate<{ selector: string; ratio: number }[]>(TEXT_CONTRASTS);
      expect(contrasts.length).toBeGreaterThan(10);
      expect([name, contrasts.filter((c) => c.ratio < 4.5)]).toEqual([name, []]);
    };
    await items(page).first().waitFor();
    await readable('feed');
    await page.evaluate("location.hash = '#/kpis'");
    await expect.poll(() => page.locator('.kpi-card .badge').count()).toBe(11);
    await readable('KPIs');
    const [ticket] = await world.store.query<{ id: string }>(
      `SELECT id FROM pet_tickets WHERE status = 'closed' ORDER BY id LIMIT 1`,
    );
    await page.evaluate(`location.hash = '#/audit/ticket/${ticket?.id ?? ''}'`);
    await page.locator('ol.timeline > li').first().waitFor();
    await readable('audit');

    await page.evaluate("location.hash = '#/feed'");
    await page.reload();
    await items(page).first().waitFor();
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('KPIs');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'KPIs', level: 1 }).waitFor();
    // The new page's heading takes the focus, so a screen reader starts there.
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('page-title');

    await page.getByRole('link', { name: 'Feed' }).click();
    const disclosure = items(page).first().getByRole('button', { name: 'Reactions' });
    await disclosure.focus();
    await page.keyboard.press('Enter');
    await expect(disclosure.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.close();
  });
});
