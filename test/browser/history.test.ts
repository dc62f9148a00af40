/**
 * The alert history page in a real browser: an SOS pressed, then resolved, is found again by the
 * retiree's name and its status (the alert the same retiree pressed afterwards, still open, stays
 * out of that list), and its row opens the detail panel with the resolved step.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('history', { fullPage: false });

describe.skipIf(browser === null)('alert history page in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    signInAsAdmin: true,
    context: { viewport: { width: 1280, height: 800 } },
  });

  it('finds a resolved alert by name and status and opens it with its steps', async () => {
    const retiree = await t.addRetiree({ name: '钱卫国' });
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    const topic = `eldercare/v1/${pendant.device.id}/event`;
    const activeOf = async () =>
      (await t.api<Alert[]>('GET', `/api/alerts?status=active&retireeId=${retiree.id}`)).body[0];

    await publish(client, topic, { id: 'history-sos-1', type: 'sos' });
    const first = await eventually(activeOf);
    const resolved = await t.api('POST', `/api/alerts/${first.id}/resolve`, {
      outcome: 'false_alarm',
      note: '老人误触按钮，电话确认平安',
    });
    expect(resolved.status).toBe(200);
    // Pressed again later: a new alert, still open.
    await publish(client, topic, { id: 'history-sos-2', type: 'sos' });
    const second = await eventually(async () => {
      const active = await activeOf();
      return active && active.id !== first.id ? active : undefined;
    });
    await client.endAsync();

    await page.getByTestId('nav-history').click();
    await page.waitForURL(/\/history$/);
    const table = page.getByTestId('history-table');
    await page
      .locator('input[data-testid="history-search"], [data-testid="history-search"] input')
      .first()
      .fill('钱卫国');
    // Both of the retiree's alerts, and no one else's.
    await table.getByTestId(`history-row-${second.id}`).waitFor();
    await table.getByTestId(`history-row-${first.id}`).waitFor();
    await expect.poll(() => page.getByTestId('history-total').textContent()).toBe('共 2 条');

    await page.getByTestId('history-status').click();
    // Exactly 已处理: the 已结束 choice (resolved or cancelled) names it too.
    await page.locator('.el-select-dropdown__item:visible').getByText('已处理', { exact: true }).click();
    await table.getByTestId(`history-row-${second.id}`).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('history-total').textContent()).toBe('共 1 条');
    const row = table.locator('.el-table__row', { has: page.getByTestId(`history-row-${first.id}`) });
    expect(await row.getByTestId('history-row-status').textContent()).toContain('已处理');
    expect(await row.textContent()).toContain('老人误触按钮，电话确认平安');
    expect(await row.textContent()).toContain('误报');
    await snap(page, 'list');

    await row.click();
    const detail = page.getByTestId('alert-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('alert-detail-status').textContent()).toContain('已处理');
    await detail.locator('[data-testid="alert-step"][data-action="resolved"]').waitFor();
    await detail.locator('[data-testid="alert-step"][data-action="opened"]').waitFor();
    await snap(page, 'detail');
  });
});
