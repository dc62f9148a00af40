/**
 * The paged live wall in a real browser: with more retirees than one page, an SOS from a retiree on
 * a later page puts their tile at the top of page 1 at once; on another page the wall says where
 * the alerting retirees are; the name filter asks the server and still shows every alerting retiree.
 */
import { describe, expect, it } from 'vitest';
import type { Retiree } from '../../server/schemas/index.ts';
import { ADMIN_PASSWORD, publish } from '../helpers/hub.ts';
import { signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('wall');

const RETIREES = 130;
const PAGE_SIZE = 120;

describe.skipIf(browser === null)('the paged live wall in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const retirees: Retiree[] = [];
  const { t, page } = walkSuite(browser, {
    async prepare(walk) {
      // Numbered names: the last ones sort onto page 2 under any collation.
      for (let i = 0; i < RETIREES; i++) {
        retirees.push(await walk.t.addRetiree({ name: `测试老人${String(i).padStart(3, '0')}` }));
      }
      await signInToDashboard(walk.page, walk.t.url, 'admin', ADMIN_PASSWORD);
    },
  });

  const tiles = () => page.locator('[data-testid="retiree-tile"]');

  it('puts an SOS from a retiree on a later page at the top of page 1 at once', async () => {
    const last = retirees.at(-1) as Retiree;
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
    await expect(page.getByTestId('wall-summary').textContent()).resolves.toContain(`共 ${RETIREES} 位老人`);
    expect(await page.locator(`[data-retiree-id="${last.id}"]`).count()).toBe(0);
    await snap(page, 'page-1');

    const pendant = await t.addDevice('pendant.sos', last.id);
    const client = await t.connectDevice(pendant);
    const pressedAt = Date.now();
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'wall-sos-1', type: 'sos' });
    const first = tiles().first();
    // "At once" is a promise of the product, so this wait alone keeps a bound of its own.
    await expect
      .poll(
        async () =>
          `${await first.getAttribute('data-retiree-id')}/${await first.getAttribute('data-state')}`,
        {
          timeout: 5000,
          interval: 50,
        },
      )
      .toBe(`${last.id}/alert`);
    expect(Date.now() - pressedAt).toBeLessThan(5000);
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
    await expect.poll(() => page.getByTestId('wall-summary').textContent()).toContain('1 位有告警');
    await snap(page, 'sos-on-top');
  });

  it('on page 2 says the alerting retirees are on page 1, one click away', async () => {
    await page.getByTestId('wall-pager').locator('.number', { hasText: '2' }).click();
    await expect.poll(() => tiles().count()).toBe(RETIREES - PAGE_SIZE);
    const banner = page.getByTestId('wall-attention-elsewhere');
    await banner.waitFor();
    await snap(page, 'page-2');
    await banner.getByRole('button').click();
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
    expect(await tiles().first().getAttribute('data-retiree-id')).toBe(retirees.at(-1)?.id);
  });

  it('filters names on the server and keeps the alerting retiree in view', async () => {
    await page.getByTestId('wall-filter').fill('老人005');
    await expect.poll(() => tiles().count()).toBe(2);
    expect(await tiles().first().getAttribute('data-retiree-id')).toBe(retirees.at(-1)?.id);
    expect(await tiles().nth(1).getAttribute('data-retiree-id')).toBe(retirees[5]?.id);
    await snap(page, 'filtered');
    await page.getByTestId('wall-filter').fill('');
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
  });
});
