/**
 * The admins' security page in a real browser: after a bad CONNECT on a raw socket, the admin finds
 * the refused device on the page (reached from the menu). On the devices page the admin replaces a
 * device's secret (shown once) and revokes it, each after a confirmation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../server/schemas/index.ts';
import { connectFrame, RawClient } from '../gateway/mqtt-frames.ts';
import { eventually, type TestHub } from '../helpers/hub.ts';
import { closeWalk, launchBrowser, openWalk, screenshotter, WALK_TIMEOUT_MS } from './helpers.ts';

const browser: Browser | null = await launchBrowser();
/** Set HUB_TEST_SCREENSHOTS to a folder to keep screenshots of the pages the test walks through. */
const snap = screenshotter('security');

describe.skipIf(browser === null)('security page in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  let t: TestHub;
  let page: Page;

  beforeAll(async () => {
    // Three refused CONNECTs make a burst here, so a security alert rings too.
    ({ t, page } = await openWalk(browser as Browser, {
      env: { HUB_SECURITY_AUTH_FAILURES: '3' },
      signInAsAdmin: true,
    }));
  }, 180_000);
  afterAll(() => closeWalk(browser, t));

  it('the admin sees a refused device on the security page after a bad CONNECT', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('wearable.watch', retiree.id, 'watch-guessed-01');
    const raw = new RawClient(t.hub.mqttPort);
    await raw.connected;
    await raw.write(
      connectFrame({ clientId: created.device.id, username: created.device.id, password: 'nope' }),
    );
    expect(await raw.connack()).toBe(4);
    raw.destroy();

    await page.getByTestId('nav-records').click();
    await page.getByTestId('nav-security').click();
    await page.getByTestId('security-page').waitFor();
    const refused = page.getByTestId('security-refused');
    await refused.getByText('watch-guessed-01').waitFor();
    await expect(refused.getByText('密钥错误或设备未登记').first().isVisible()).resolves.toBe(true);
    // The audit log the sign-in wrote is intact.
    await expect(page.getByTestId('security-audit-status').textContent()).resolves.toMatch(/完整/);
    await snap(page, 'page');
  });

  it('a burst of bad CONNECTs rings on the alert queue as a security event and shows on the page', async () => {
    for (const guess of ['a', 'b', 'c']) {
      const raw = new RawClient(t.hub.mqttPort);
      await raw.connected;
      await raw.write(
        connectFrame({ clientId: 'watch-guessed-01', username: 'watch-guessed-01', password: guess }),
      );
      expect(await raw.connack()).toBe(4);
      raw.destroy();
    }
    await page.getByTestId('security-refresh').click();
    await page.getByTestId('security-alerts').getByText('设备认证失败激增').waitFor();
    await snap(page, 'page-alert');
    await page.getByTestId('nav-wall').click();
    await page.getByTestId('alert-queue').getByText('安全事件').first().waitFor();
    // About the hub itself, not an unbound retiree, and without a meaningless device line.
    await page.getByTestId('alert-queue').getByText('本平台（安全事件）').first().waitFor();
    expect(await page.getByTestId('alert-queue').getByText('设备 _hub').count()).toBe(0);
    await snap(page, 'wall');
  });

  it('the admin replaces a secret (shown once) and revokes the device from the devices page', async () => {
    const created = await t.addDevice('wearable.watch', null, 'watch-lost-02');
    await page.goto(`${t.url}/devices`);
    await page.getByTestId('devices-table').getByText('watch-lost-02').waitFor();

    await page.getByTestId('device-rotate-watch-lost-02').click();
    await page.locator('.rotate-box .el-button--primary').click();
    const dialog = page.getByTestId('secret-dialog');
    await dialog.waitFor();
    const secret = await page.getByTestId('secret-value').inputValue();
    expect(secret).not.toBe(created.secret);
    expect(secret.length).toBeGreaterThan(20);
    await snap(page, 'new-secret');
    await page.getByTestId('secret-done').click();

    await page.getByTestId('device-revoke-watch-lost-02').click();
    const box = page.locator('.revoke-box');
    // The reason is required: confirming empty keeps the box open.
    await box.locator('.el-button--danger').click();
    await box.getByText('请填写吊销原因').waitFor();
    await box.locator('input').fill('手环遗失');
    await snap(page, 'revoke-confirm');
    await box.locator('.el-button--danger').click();
    await page.getByTestId('device-revoked').first().waitFor();
    await snap(page, 'devices');

    const device = await eventually(async () => {
      const list = await t.api<Device[]>('GET', '/api/devices');
      return list.body.find((item) => item.id === 'watch-lost-02' && item.revokedAt);
    });
    expect(device.revokedReason).toBe('手环遗失');
  });
});
