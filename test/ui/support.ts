/**
 * What the browser tests share: the UI built as `npm run build` builds it, the service running
 * in this process on a temp SQLite file with a small demo firm, tokens for its people, and
 * Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FEED_CONSUMER_NAME } from '../../src/pet/feed/projector.js';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { buildDemoFirm } from '../../src/pet/demo/firm.js';
import { createPet } from '../../src/pet/pet.js';
import { syncContracts } from '../../src/registry/sync.js';
import { startService, type RunningService } from '../../src/service/serve.js';
import { createToken } from '../../src/service/tokens.js';
import type { EventStore } from '../../src/store/event-store.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'ui');

/**
 * Why the browser tests cannot run here, if they cannot. Never in CI, which installs Chromium
 * (.ci/run): there a missing browser fails the tests instead of skipping them.
 */
export const chromiumMissing =
  existsSync(CHROMIUM) || process.env.CI !== undefined
    ? undefined
    : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

/**
 * Compiles `ui/` into `dist/ui/` exactly as `npm run build:ui` does, unless every built file
 * is already newer than its source (as after `npm run build`).
 */
export function buildUi(): void {
  if (uiBuilt()) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'ui'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/copy-ui.mjs'], { stdio: 'inherit' });
}

function uiBuilt(): boolean {
  return readdirSync('ui')
    .filter((name) => name !== 'tsconfig.json')
    .every((name) => {
      const built = join('dist', 'ui', name.replace(/\.ts$/, '.js'));
      return existsSync(built) && statSync(built).mtimeMs >= statSync(join('ui', name)).mtimeMs;
    });
}

export interface UiWorld {
  readonly store: EventStore;
  readonly service: RunningService;
  readonly browser: Browser;
  /** Tokens by who holds them. */
  readonly tokens: { readonly admin: string; readonly support: string };
  readonly supportId: string;
  readonly adminId: string;
  close(): Promise<void>;
}

/** A service over two weeks of the demo firm, caught up, and a browser. */
export async function startUiWorld(): Promise<UiWorld> {
  const folder = mkdtempSync(join(tmpdir(), 'pet-events-ui-'));
  const store = createSqliteEventStore({ path: join(folder, 'pet.db') });
  await store.migrate();
  await syncContracts(store, PET_CONTRACTS);
  await buildDemoFirm(createPet(store), { scale: 1, seed: 1, days: 14 });
  // A firm already there: startService only mints the administrator's token.
  const service = await startService(store, {
    port: 0,
    host: '127.0.0.1',
    demo: true,
    logger: false,
  });
  await caughtUp(store);
  const [support] = await store.query<{ id: string }>(
    `SELECT id FROM pet_employees WHERE role = 'support' AND status = 'active' ORDER BY id LIMIT 1`,
  );
  if (support === undefined) throw new Error('the demo firm has no active support employee');
  const { token } = await createToken(store, { subject: { employeeId: support.id } });
  const [admin] = await store.query<{ id: string }>(
    `SELECT id FROM pet_employees WHERE role = 'admin' AND status = 'active' ORDER BY id LIMIT 1`,
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    store,
    service,
    browser,
    tokens: { admin: service.demoToken ?? '', support: token },
    supportId: support.id,
    adminId: admin?.id ?? '',
    async close() {
      await browser.close();
      await service.stop();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Waits until every consumer has read the whole log. */
export async function caughtUp(store: EventStore, consumers = [FEED_CONSUMER_NAME, 'pet.kpi']) {
  const head = await store.headPosition();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const positions = await Promise.all(consumers.map((c) => store.readCheckpoint(c)));
    if (positions.every((p) => p >= head)) return;
    if (Date.now() > deadline) throw new Error(`consumers not caught up with ${head}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fresh tab at the service, signed in with `token`, showing the first page. */
export async function signedIn(
  world: UiWorld,
  token: string,
  viewport = { width: 1280, height: 900 },
  signInScreenshot?: string,
): Promise<Page> {
  const page = await world.browser.newPage({ viewport });
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(message.text());
  });
  (page as Page & { failures?: string[] }).failures = failures;
  await page.goto(world.service.url);
  if (signInScreenshot !== undefined) {
    await page.getByLabel('API token').waitFor();
    await screenshot(page, signInScreenshot);
  }
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

/** Script errors and console errors the page reported. */
export function failuresOf(page: Page): string[] {
  return (page as Page & { failures?: string[] }).failures ?? [];
}

/** Saves what the window shows (or the whole page) as test-artifacts/ui/NAME.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}
