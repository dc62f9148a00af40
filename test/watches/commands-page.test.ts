/**
 * Watches on the dashboard in a real browser: the desk opens a watch's commands, asks for its
 * position, and sees in the log that the watch confirmed it; a voice note the watch sent with its
 * alarm is listed in the alert's detail, to download.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { closeWalk, launchBrowser, openWalk, WALK_TIMEOUT_MS } from '../browser/helpers.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import type { TestHub } from '../helpers/hub.ts';

const browser: Browser | null = await launchBrowser();
const WATCH = '4700186801';

describe.skipIf(browser === null)('watch commands on the devices page', { timeout: WALK_TIMEOUT_MS }, () => {
  let t: TestHub;
  let page: Page;
  let watch: DeviceLink;

  beforeAll(async () => {
    ({ t, page } = await openWalk(browser as Browser, {
      signInAsAdmin: true,
      env: { HUB_WATCH_3G_PORT: '0', HUB_WATCH_HOST: '127.0.0.1' },
    }));
    await t.addDevice('watch.3g', (await t.addRetiree()).id, WATCH);
    watch = await DeviceLink.open(t.hub.watchPorts['3g']);
    watch.send(threeGFrame(WATCH, 'LK,0,10,100'));
    await watch.answered(`[3G*${WATCH}*0002*LK]`);
  }, 180_000);
  afterAll(async () => {
    watch?.end();
    await closeWalk(browser, t);
  });

  it('asks a watch for its position and shows its confirmation in the log', async () => {
    await page.goto(`${t.url}/devices`);
    await page.getByTestId(`device-commands-${WATCH}`).click();
    const dialog = page.getByTestId('watch-commands');
    await dialog.getByTestId('watch-locate').click();
    await watch.answered(`[3G*${WATCH}*0002*CR]`);
    const log = dialog.getByTestId('watch-command-log');
    await log.locator('.el-tag', { hasText: '已发送' }).waitFor();
    watch.send(threeGFrame(WATCH, 'CR'));
    // The log is read again while the dialog is open: the watch's echo shows as confirmed.
    await log.locator('.el-tag', { hasText: '已确认' }).waitFor({ timeout: 20_000 });
    await expect(log.textContent()).resolves.toMatch(/定位/);
    await page.screenshot({ path: '/tmp/watch-commands.png' });
  });

  it('lists the voice note a watch sent with its alarm in the alert detail, to download', async () => {
    watch.send(threeGFrame(WATCH, 'AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0'));
    await watch.answered(`[3G*${WATCH}*0002*AL]`);
    const audio = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.from('3c48f5c0e61e0fa3', 'hex')]);
    const length = (3 + audio.length).toString(16).toUpperCase().padStart(4, '0');
    watch.send(Buffer.concat([Buffer.from(`[3G*${WATCH}*${length}*TK,`), audio, Buffer.from(']')]));
    await watch.answered(`[3G*${WATCH}*0004*TK,1]`);

    await page.goto(`${t.url}/`);
    const item = page.locator('[data-testid="alert-item"][data-status="open"]').first();
    await item.getByTestId('alert-open-detail').click();
    const notes = page.getByTestId('alert-detail').getByTestId('voice-notes');
    await notes.waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      notes.locator('[data-testid^="voice-note-"]').first().click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^voice-${WATCH}-\\d{14}\\.amr$`));
    await page.screenshot({ path: '/tmp/voice-notes.png' });
  });
});
