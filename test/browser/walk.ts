/**
 * The hooks of a suite of walks, so that a walk file states only what its walks need: the staff,
 * the records made before the first walk, the page's options.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { standIn } from '../helpers/suite.ts';
import {
  closeWalk,
  ensureDashboardBuilt,
  launchBrowser,
  openWalk,
  screenshotter,
  type WalkOptions,
} from './helpers.ts';

/**
 * The browser of a file of walks, launched when the file loads (null without Chromium: its suites
 * skip), and its screenshot taker, whose pictures are named after `screens` (see `screenshotter`:
 * set HUB_TEST_SCREENSHOTS to a folder to keep screenshots of the pages the walks go through).
 */
export async function walkBrowser(
  screens: string,
  options: { fullPage?: boolean } = {},
): Promise<{ browser: Browser | null; snap: ReturnType<typeof screenshotter> }> {
  return { browser: await launchBrowser(), snap: screenshotter(screens, options) };
}

/** What a suite makes once its hub and page are there, before its first walk. */
export interface SuiteWalkOptions extends WalkOptions {
  prepare?: (walk: { t: TestHub; page: Page }) => Promise<unknown>;
}

/**
 * Opens the walk before the suite's first case (`openWalk`, then `prepare`) and closes it, browser
 * and hub, after its last. The hub and page returned stand for the walk's own once it is open.
 */
export function walkSuite(
  browser: Browser | null,
  options: SuiteWalkOptions = {},
): { t: TestHub; page: Page } {
  let opened: { t: TestHub; page: Page } | undefined;
  beforeAll(async () => {
    opened = await openWalk(browser as Browser, options);
    await options.prepare?.(opened);
  }, 180_000);
  afterAll(() => closeWalk(browser, opened?.t));
  return {
    t: standIn(() => opened?.t, 'the walk’s hub'),
    page: standIn(() => opened?.page, 'the walk’s page'),
  };
}

/**
 * For a suite that opens its own contexts and pages: the dashboard built if it is missing and a hub
 * of its own before the first case, browser and hub closed after the last. The hub returned stands
 * for that hub once it has started; the suite's own hooks, registered after this call, run after it
 * starts and, for `afterAll`, before it stops.
 */
export function walkHub(browser: Browser | null): TestHub {
  let started: TestHub | undefined;
  beforeAll(async () => {
    await ensureDashboardBuilt();
    started = await startTestHub();
  }, 180_000);
  afterAll(() => closeWalk(browser, started));
  return standIn(() => started, 'the walk’s hub');
}
