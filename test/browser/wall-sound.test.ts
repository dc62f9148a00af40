/**
 * The monitoring wall's sound and desktop notifications in a real browser: once audio is unlocked a
 * high alert sounds the high pattern and a critical one the critical siren; a 5-minute mute counts
 * down in the header and silences it, a new critical alert ends it at once, and a mute kept over a
 * reload ends by itself; acknowledging every alert stops the sound. With the page hidden, an alert
 * that opens shows the browser's notification with the retiree's name, and clicking it opens the
 * alert's detail.
 *
 * What plays is read from the control's `data-sound` (the pattern in force: `critical`, `high`,
 * `low` or `none`); the page's `Notification` is wrapped by an init script that records each one it
 * shows, which observes the page and leaves the browser's notification in place.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Retiree } from '../../server/schemas/index.ts';
import { ADMIN_PASSWORD, publish, type TestHub } from '../helpers/hub.ts';
import { addUser, desktopPage, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser } = await walkBrowser('wall-sound');

interface Recorded {
  title: string;
  body: string;
  tag: string;
  requireInteraction: boolean;
}

/** Runs in the page before its own scripts: every notification the page shows is recorded. */
const RECORD_NOTIFICATIONS = `{
  const Native = window.Notification;
  window.__notifications = [];
  window.__shown = [];
  class Recording extends Native {
    constructor(title, options = {}) {
      super(title, options);
      window.__notifications.push({
        title,
        body: options.body ?? '',
        tag: options.tag ?? '',
        requireInteraction: options.requireInteraction === true,
      });
      window.__shown.push(this);
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Native.permission });
  Object.defineProperty(Recording, 'requestPermission', {
    value: (...args) => Native.requestPermission(...args),
  });
  window.Notification = Recording;
}`;

/** The page as hidden (another tab in front, the window minimised), as Page Visibility reports it. */
const HIDE_PAGE = `
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
`;

/** The page in front again; then a click on the first notification shown. */
const SHOW_PAGE_AND_CLICK_NOTIFICATION = `
  delete document.visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
  window.__shown[0]?.dispatchEvent(new Event('click'));
`;

const MUTE_KEY = 'junxiu.sound.mute';
const PASSWORD = 'wall-sound-caseworker-password';

/**
 * With HUB_TEST_SCREENSHOTS set to a folder, a picture of the header in `state` is kept there (of
 * the whole window with `window`).
 */
async function snapHeader(page: Page, state: string, window = false): Promise<void> {
  const folder = process.env.HUB_TEST_SCREENSHOTS;
  if (!folder) return;
  const options = { path: join(folder, `wall-sound-${state}.png`), animations: 'disabled' } as const;
  if (window) await page.screenshot(options);
  else await page.locator('header.header').screenshot(options);
}

describe.skipIf(browser === null)(
  'alarm sound, mute and desktop notifications in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const names = ['钱卫国', '周建军', '吴秀英', '郑长林', '王淑芬'] as const;
    const retirees: Retiree[] = [];
    const { t, page } = walkSuite(browser, {
      async prepare(walk) {
        for (const name of names) retirees.push(await walk.t.addRetiree({ name }));
        await walk.page.addInitScript(RECORD_NOTIFICATIONS);
        await signInToDashboard(walk.page, walk.t.url, 'admin', ADMIN_PASSWORD);
      },
    });

    const control = () => page.getByTestId('sound-control');
    const sound = () => control().getAttribute('data-sound');
    const muted = () => control().getAttribute('data-muted');
    const openItem = (name: string) =>
      page.locator('[data-testid="alert-item"][data-status="open"]', { hasText: name });

    /** A device of `retiree` raises `event`; returns once its alert shows open on the wall. */
    async function raise(hub: TestHub, retiree: Retiree, event: Record<string, unknown>): Promise<void> {
      // A suspected fall comes from a watch; an SOS from a pendant.
      const device = await hub.addDevice(
        event.type === 'fall' ? 'wearable.watch' : 'pendant.sos',
        retiree.id,
      );
      const client = await hub.connectDevice(device);
      await publish(client, `eldercare/v1/${device.device.id}/event`, event);
      await client.endAsync();
    }

    it('plays the pattern of the worst open alert, mutes for a while, and stops once all are acknowledged', async () => {
      // The press on the sign-in button was the page's first: it unlocked audio.
      await page.getByTestId('sound-enabled').waitFor();
      expect(await sound()).toBe('none');

      // A suspected fall is a high alert.
      await raise(t, retirees[0] as Retiree, { id: 'sound-fall-1', type: 'fall', certainty: 'suspected' });
      await openItem(names[0]).waitFor();
      await expect.poll(sound).toBe('high');
      await snapHeader(page, 'high');

      await raise(t, retirees[1] as Retiree, { id: 'sound-sos-1', type: 'sos' });
      await openItem(names[1]).waitFor();
      await expect.poll(sound).toBe('critical');
      await snapHeader(page, 'critical');

      await page.getByTestId('sound-mute').click();
      await page.getByTestId('sound-mute-5').click();
      await expect.poll(muted).toBe('true');
      expect(await sound()).toBe('none');
      const left = page.getByTestId('sound-muted-left');
      const first = await left.textContent();
      expect(first).toMatch(/^已静音 [45]:\d\d$/);
      // The countdown runs: the time shown changes by itself.
      await expect.poll(() => left.textContent()).not.toBe(first);
      await snapHeader(page, 'muted');

      // An SOS that opens during the mute ends it at once.
      await raise(t, retirees[2] as Retiree, { id: 'sound-sos-2', type: 'sos' });
      await openItem(names[2]).waitFor();
      await expect.poll(muted).toBe('false');
      expect(await sound()).toBe('critical');
      await snapHeader(page, 'mute-ended-by-sos');

      // Acknowledging every open alert stops the sound.
      for (const name of names.slice(0, 3)) {
        await openItem(name).getByTestId('alert-ack').click();
        await page
          .locator('[data-testid="alert-item"][data-status="acknowledged"]', { hasText: name })
          .waitFor();
      }
      await expect.poll(sound).toBe('none');
      await snapHeader(page, 'acknowledged');
    });

    it('keeps a mute over a reload with its end time, and ends it by itself', async () => {
      await page.getByTestId('sound-mute').click();
      await page.getByTestId('sound-mute-15').click();
      await expect.poll(muted).toBe('true');
      await page.reload();
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
      await page.getByTestId('sound-muted-left').waitFor();
      expect(await muted()).toBe('true');
      expect(await page.getByTestId('sound-muted-left').textContent()).toMatch(/^已静音 1[45]:\d\d$/);
      // A reload locks audio again until the next press; the mute is kept all the same.
      expect(await control().getAttribute('data-state')).toBe('locked');
      await snapHeader(page, 'muted-after-reload');

      // The tab's mute, brought to end a few seconds from now: it then ends without anyone's click.
      await page.evaluate(`
        const kept = JSON.parse(sessionStorage.getItem('${MUTE_KEY}'));
        sessionStorage.setItem('${MUTE_KEY}', JSON.stringify({ ...kept, until: Date.now() + 4000 }));
      `);
      await page.reload();
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
      await page.getByTestId('sound-muted-left').waitFor();
      await expect.poll(muted).toBe('false');
      expect(await page.evaluate(`sessionStorage.getItem('${MUTE_KEY}')`)).toBeNull();
    });

    it('shows a desktop notification for an alert that opens while the page is hidden', async () => {
      const button = page.getByTestId('notify-enable');
      await button.waitFor();
      expect(await page.evaluate('Notification.permission')).toBe('default');
      await snapHeader(page, 'notify-ask');
      await page.context().grantPermissions(['notifications'], { origin: t.url });
      await button.click();
      await button.waitFor({ state: 'detached' });

      // Visible, nothing is shown: the wall itself tells.
      await raise(t, retirees[4] as Retiree, { id: 'notify-visible', type: 'fall', certainty: 'suspected' });
      await openItem(names[4]).waitFor();
      await page.evaluate(HIDE_PAGE);
      await raise(t, retirees[3] as Retiree, { id: 'notify-sos', type: 'sos' });
      await expect.poll(() => page.evaluate('window.__notifications.length')).toBe(1);
      const shown = (await page.evaluate('window.__notifications[0]')) as Recorded;
      expect(shown.title).toContain(names[3]);
      expect(shown.title).toContain('紧急求救');
      expect(shown.body).toContain('紧急');
      expect(shown.requireInteraction).toBe(true);

      await snapHeader(page, 'notify-granted');
      await page.evaluate(SHOW_PAGE_AND_CLICK_NOTIFICATION);
      const detail = page.getByTestId('alert-detail');
      await detail.waitFor();
      expect(await detail.textContent()).toContain(names[3]);
      await snapHeader(page, 'notified', true);
    });

    it('does not ring a caseworker, who sees the open SOS but may not acknowledge it', async () => {
      // The SOS of the case before is still open: the desk's page rings for it.
      await page.bringToFront();
      await expect.poll(sound).toBe('critical');
      await addUser(
        t,
        { username: 'sound.caseworker', displayName: '社工小李', role: 'caseworker' },
        PASSWORD,
      );
      const caseworkerPage = await desktopPage(browser as Browser);
      try {
        // A caseworker lands on their work list; the wall is a click away.
        await signIn(caseworkerPage, t.url, 'sound.caseworker', PASSWORD);
        await caseworkerPage.getByTestId('nav-wall').click();
        await caseworkerPage.getByTestId('sound-enabled').waitFor();
        await caseworkerPage
          .locator('[data-testid="alert-item"][data-status="open"]', { hasText: names[3] })
          .waitFor();
        expect(await caseworkerPage.getByTestId('sound-control').getAttribute('data-sound')).toBe('none');
      } finally {
        await caseworkerPage.context().close();
      }
    });
  },
);
