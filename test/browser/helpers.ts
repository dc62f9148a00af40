/**
 * The real browser for dashboard tests: Debian's Chromium driven by playwright-core, and the
 * dashboard built by Vite when its build is missing or older than its sources.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { TestHub } from '../helpers/hub.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_DIR = join(repositoryRoot, 'dashboard');
export const DASHBOARD_DIST = join(DASHBOARD_DIR, 'dist');

/**
 * Chromium, headless, with a fresh profile: `chromium.launch` gives every browser its own
 * temporary user-data folder and deletes it on `close()`, so no state leaks between tests.
 * Returns null when Chromium is not installed, so a suite can skip, except under CI=true,
 * where a missing browser is an error (the browser suite must run there).
 */
export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI === 'true') {
      throw new Error(`${CHROMIUM_PATH} is missing; CI=true requires the browser tests to run`);
    }
    return null;
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Files whose change changes the built dashboard (devices/alerts.ts is bundled for alert names). */
function sourceFiles(): string[] {
  const files = [
    join(DASHBOARD_DIR, 'index.html'),
    join(DASHBOARD_DIR, 'vite.config.ts'),
    join(repositoryRoot, 'devices', 'alerts.ts'),
  ];
  const walk = (folder: string): void => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(DASHBOARD_DIR, 'src'));
  walk(join(DASHBOARD_DIR, 'public'));
  return files.filter((file) => existsSync(file));
}

function buildIsCurrent(): boolean {
  const built = join(DASHBOARD_DIST, 'index.html');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  return sourceFiles().every((file) => statSync(file).mtimeMs <= builtAt);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Test files run in parallel worker processes; a folder created with mkdir (atomic) makes sure
 * only one of them runs Vite while the others wait and then find the build current.
 */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(
    tmpdir(),
    `junxiu-dashboard-build-${Buffer.from(repositoryRoot).toString('hex').slice(-24)}.lock`,
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a build that died; take it over.
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`timed out waiting for the dashboard build lock ${lock}`);
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let building: Promise<void> | null = null;

/** Builds dashboard/dist once per test run, and only when it is missing or stale. */
export function ensureDashboardBuilt(): Promise<void> {
  building ??= (async () => {
    if (buildIsCurrent()) return;
    await withBuildLock(async () => {
      if (buildIsCurrent()) return;
      const { build } = await import('vite');
      await build({ configFile: join(DASHBOARD_DIR, 'vite.config.ts'), logLevel: 'warn' });
    });
  })();
  building.catch(() => {
    building = null;
  });
  return building;
}

/**
 * Opens the dashboard at `baseUrl`, signs in through the login form and waits until the live
 * channel is connected, which is when the alert queue has been loaded and events flow.
 */
export async function signInToDashboard(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  timeoutMs = 15_000,
): Promise<void> {
  await signIn(page, baseUrl, username, password);
  await page
    .locator('[data-testid="connection-state"][data-state="connected"]')
    .waitFor({ timeout: timeoutMs });
  await page.getByTestId('alert-queue').waitFor({ timeout: timeoutMs });
}

/**
 * A screenshot taker for a suite's walk: with HUB_TEST_SCREENSHOTS set to a folder it waits for the
 * page to settle and keeps `<prefix>-<name>.png` there; without it, it does nothing.
 */
export function screenshotter(prefix: string, settleMs = 500): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    const folder = process.env.HUB_TEST_SCREENSHOTS;
    if (!folder) return;
    await page.waitForTimeout(settleMs);
    await page.screenshot({ path: join(folder, `${prefix}-${name}.png`), fullPage: true });
  };
}

/** The centre's date (YYYY-MM-DD), `days` after today. */
export const centreDate = (days = 0): string => addDays(centreDay(new Date()), days);

/** A staff account made through the API, as the admin does it; throws unless the hub created it. */
export async function addUser(
  t: TestHub,
  user: { username: string; displayName: string; role: string },
  password: string,
): Promise<void> {
  const created = await t.api('POST', '/api/users', { ...user, password });
  if (created.status !== 201) throw new Error(`creating ${user.username}: ${created.status}`);
}

/** A page in a fresh browser context at desktop size, in Chinese. */
export async function desktopPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    ...options,
  });
  return context.newPage();
}

/** Signs in through the login form; the caller waits for the page the sign-in lands on. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl.replace(/\/$/, '')}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Types a name in a retiree picker and takes the first match. */
export async function pickRetiree(page: Page, testid: string, name: string): Promise<void> {
  await page.getByTestId(testid).click();
  await page.keyboard.type(name);
  await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
}

/**
 * Clicks `target` until `appears` is visible, at most `tries` times. On a 2-core machine running
 * hubs and Chromium side by side, a click on a tab or button now and then lands before the page
 * has wired it and is lost; a person would click again, and so does the test. A page that never
 * answers still fails.
 */
export async function clickUntil(target: Locator, appears: Locator, tries = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await target.click();
    try {
      await appears.waitFor({ timeout: attempt < tries ? 8_000 : 30_000 });
      return;
    } catch (error) {
      if (attempt >= tries) throw error;
    }
  }
}
