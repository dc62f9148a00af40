/**
 * The real browser for dashboard tests: Debian's Chromium driven by playwright-core, and the
 * dashboard built by Vite when its build is missing or older than its sources.
 *
 * A walk must pass on a busy 2-core machine (CI shares its cores; hubs, PGlite and Chromium run side
 * by side), where anything may take ten times as long as on an idle one:
 * - Wait for what a person would see before acting: the element itself, its `data-state` /
 *   `data-status` / `data-loaded` attribute, the row with the text, the dialog. A page sets such an
 *   attribute when its data is in; add one to the page rather than guessing in the test.
 * - Never sleep (`waitForTimeout`, `setTimeout`): a pause is too short on a loaded machine and
 *   wasted on an idle one. Time the hub itself keeps (a ladder step, a code's 30-second step) is
 *   waited for as a condition on the clock, not as a pause.
 * - Click once. A click that does nothing is a defect of the page (its layout moved under the
 *   pointer, a button answered before its data was there), to be fixed in the page, never
 *   papered over by clicking again.
 * - Waits are generous on the condition (`UI_TIMEOUT_MS` for every locator and page of a context
 *   from `desktopContext`, 30 s for `expect.poll`, `WALK_TIMEOUT_MS` for a walk): they cost nothing
 *   when the page is quick. A short bound belongs only to a promise the product makes (an SOS on
 *   the wall within 2 s), and says so.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { addDays, centreDay } from '../../server/calendar.ts';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from '../helpers/hub.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** How long a locator, an action or a navigation of a walk waits for the page. */
export const UI_TIMEOUT_MS = 60_000;
/** How long one browser walk may take: 20–60 s on a busy 2-core machine. */
export const WALK_TIMEOUT_MS = 180_000;

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
): Promise<void> {
  await signIn(page, baseUrl, username, password);
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
  await page.getByTestId('alert-queue').waitFor();
}

/**
 * A screenshot taker for a suite's walk: with HUB_TEST_SCREENSHOTS set to a folder it keeps
 * `<prefix>-<name>.png` there; without it, it does nothing. Dialogs and drawers fade and slide for
 * 300 ms: the browser finishes every CSS transition and animation first (`animations: 'disabled'`),
 * so the picture shows where they end without waiting for them.
 */
export function screenshotter(
  prefix: string,
  options: { fullPage?: boolean } = {},
): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    const folder = process.env.HUB_TEST_SCREENSHOTS;
    if (!folder) return;
    await page.screenshot({
      path: join(folder, prefix ? `${prefix}-${name}.png` : `${name}.png`),
      fullPage: options.fullPage ?? true,
      animations: 'disabled',
    });
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

/**
 * A fresh browser context at desktop size, in Chinese (`options` may change both), whose locators,
 * actions and navigations wait up to `UI_TIMEOUT_MS`.
 */
export async function desktopContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    ...options,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  return context;
}

/** A page in a fresh `desktopContext`. */
export async function desktopPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  return (await desktopContext(browser, options)).newPage();
}

/** What a suite of walks starts with: its own hub, the staff it needs, and one page. */
export interface WalkOptions {
  /** Settings of the hub (`HUB_*`). */
  env?: Record<string, string>;
  /** Staff accounts made through the API before the walk, all with `password`. */
  users?: readonly { username: string; displayName: string; role: string }[];
  password?: string;
  /** The page signs in as the admin and waits for the wall before the first walk. */
  signInAsAdmin?: boolean;
  /** Options of the page's browser context. */
  context?: BrowserContextOptions;
}

/**
 * A suite's hub and page: the dashboard built if it is missing, a hub of its own, the accounts made,
 * a fresh page, and, if asked, the admin signed in. Called from the suite's `beforeAll`;
 * `closeWalk` in its `afterAll`.
 */
export async function openWalk(
  browser: Browser,
  options: WalkOptions = {},
): Promise<{ t: TestHub; page: Page }> {
  await ensureDashboardBuilt();
  const t = await startTestHub(options.env);
  for (const user of options.users ?? []) await addUser(t, user, options.password ?? '');
  const page = await desktopPage(browser, options.context);
  if (options.signInAsAdmin) await signInToDashboard(page, t.url, 'admin', ADMIN_PASSWORD);
  return { t, page };
}

/** Ends a suite of walks: its browser, then its hub (either may not have started). */
export async function closeWalk(browser: Browser | null, t: TestHub | undefined): Promise<void> {
  await browser?.close();
  await t?.stop();
}

/** Signs in through the login form; the caller waits for the page the sign-in lands on. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl.replace(/\/$/, '')}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * Types a name in a retiree picker and takes the first match, once the picker has the archive's answer
 * to that name: while a search runs the list is hidden, and a click then would land on nothing. Ends
 * when the picker shows the name.
 */
export async function pickRetiree(page: Page, testid: string, name: string): Promise<void> {
  const picker = page.getByTestId(testid);
  await picker.click();
  const answered = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/archive/retirees' && url.searchParams.get('q') === name;
  });
  await page.keyboard.type(name);
  await (await answered).finished();
  await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
  await picker.locator('.el-select__selected-item', { hasText: name }).first().waitFor();
}
