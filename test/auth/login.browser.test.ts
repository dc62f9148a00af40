/**
 * Sign-in with TOTP in a real browser, on a hub with the admin requirement at its default: the
 * admin enrols from the login page (secret and otpauth link shown as text), reaches the duty wall,
 * then signs in again with a code; staff turn it on from "my account" on the staff page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOTP_STEP_SECONDS, totpCode, totpStep } from '../../server/auth/totp.ts';
import type { Hub } from '../../server/hub.ts';
import {
  desktopPage,
  ensureDashboardBuilt,
  launchBrowser,
  screenshotter,
  WALK_TIMEOUT_MS,
} from '../browser/helpers.ts';
import { startTotpHub } from './totp-hub.ts';

const browser: Browser | null = await launchBrowser();
const snap = screenshotter('', { fullPage: false });
const ADMIN_PASSWORD = 'admin-browser-password';

/**
 * A fresh code: for a later step than the last one used (the hub takes each step once) and not an
 * earlier one than the clock's, so it stays good for 30 s at least however slowly the page sends it
 * (the hub allows one step of drift either side). When the last code used was already for the next
 * step, this waits for the clock to reach that step: a condition on time, which only the clock meets.
 */
async function nextCode(secret: string, used: { last: number }): Promise<string> {
  const stepMs = TOTP_STEP_SECONDS * 1000;
  for (;;) {
    const current = totpStep(Date.now());
    const step = Math.max(used.last + 1, current);
    if (step <= current + 1) {
      used.last = step;
      return totpCode(secret, step * stepMs);
    }
    await new Promise((resolve) => setTimeout(resolve, (step - 1) * stepMs - Date.now()));
  }
}

describe.skipIf(browser === null)(
  'sign-in with a second factor in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    let hub: Hub;
    let stopHub: (() => Promise<void>) | undefined;
    let page: Page;

    beforeAll(async () => {
      await ensureDashboardBuilt();
      ({ hub, stop: stopHub } = await startTotpHub(ADMIN_PASSWORD));
      page = await desktopPage(browser as Browser, { viewport: { width: 1280, height: 860 } });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await stopHub?.();
    });

    it('walks an admin through enrolment to the duty wall, then asks for the code next time', async () => {
      await page.goto(`${hub.url}/login`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-enrol').waitFor();
      const secret = ((await page.getByTestId('login-enrol-secret').textContent()) ?? '').replace(/\s/g, '');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await page.getByTestId('login-enrol-uri').textContent()).toContain(`secret=${secret}`);
      await snap(page, 'login-enrol');
      const used = { last: 0 };
      await page.getByTestId('login-totp').fill('123');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('6 位数字');
      await page.getByTestId('login-totp').fill(await nextCode(secret, used));
      await page.getByTestId('login-submit').click();
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();

      // Sign out from the header (the hub ends the session and clears its cookie) and in again:
      // the code is asked for.
      await page.getByTestId('header-user').click();
      await page.getByTestId('logout').click();
      await page.getByTestId('login-username').waitFor();
      await page.goto(`${hub.url}/login`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-totp').waitFor();
      await snap(page, 'login-totp');
      await page.getByTestId('login-totp').fill(await nextCode(secret, used));
      await page.getByTestId('login-submit').click();
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    });

    it('shows the staff page with account states, and "my account" turns two-step on', async () => {
      await page.goto(`${hub.url}/settings`);
      await page.locator('#tab-staff').click();
      await page.getByTestId('staff-status-admin').waitFor();
      expect(await page.getByTestId('staff-status-admin').textContent()).toContain('两步验证');
      await page.getByTestId('account-open').click();
      await page.getByTestId('account-dialog').waitFor();
      expect(await page.getByTestId('account-totp-state').textContent()).toContain('已开启');
      await snap(page, 'account-dialog');
    });
  },
);
