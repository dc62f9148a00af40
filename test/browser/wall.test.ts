/**
 * The paged live wall in a real browser: with more retirees than one page, an SOS from a retiree on
 * a later page puts their tile at the top of page 1 at once; on another page the wall says where
 * the alerting retirees are; the name filter asks the server and still shows every alerting retiree.
 * The hub sends the page's readings alone, and the readings follow the page when it turns.
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

  it("receives the page's readings alone, and follows the page when it turns", async () => {
    const onPage1 = retirees[1] as Retiree;
    const onPage2 = retirees[RETIREES - 5] as Retiree;
    const devices = [];
    for (const retiree of [onPage2, onPage1]) {
      const watch = await t.addDevice('wearable.watch', retiree.id);
      devices.push({ id: watch.device.id, client: await t.connectDevice(watch) });
    }
    const [away, here] = devices as [(typeof devices)[0], (typeof devices)[0]];
    // Every frame the page's socket receives, from a fresh load on.
    const frames: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        frames.push(typeof payload === 'string' ? payload : payload.toString());
      }),
    );
    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
    const hrOf = (retiree: Retiree) =>
      page.locator(`[data-retiree-id="${retiree.id}"]`).getByTestId('retiree-hr').textContent();

    // Page 2's first, then page 1's: a batch holding the one on page 1 holds the other if it went out.
    await publish(away.client, `eldercare/v1/${away.id}/telemetry`, { hr: 81 });
    await publish(here.client, `eldercare/v1/${here.id}/telemetry`, { hr: 81 });
    await expect.poll(() => hrOf(onPage1)).toContain('81');
    expect(frames.some((frame) => frame.includes(here.id))).toBe(true);
    expect(frames.filter((frame) => frame.includes(away.id))).toStrictEqual([]);

    // On page 2 the other one's readings come, live.
    await page.getByTestId('wall-pager').locator('.number', { hasText: '2' }).click();
    await expect.poll(() => hrOf(onPage2)).toContain('81');
    await publish(away.client, `eldercare/v1/${away.id}/telemetry`, { hr: 83 });
    await expect.poll(() => hrOf(onPage2)).toContain('83');
    await snap(page, 'page-2-live');
    await page.getByTestId('wall-pager').locator('.number', { hasText: '1' }).click();
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);

    // The retiree page of someone on page 2, opened from a link: their readings come there too.
    await page.goto(`${t.url}/retirees/${onPage2.id}`);
    await expect.poll(() => page.getByTestId('retiree-latest').textContent()).toContain('83');
    await publish(away.client, `eldercare/v1/${away.id}/telemetry`, { hr: 85 });
    await expect.poll(() => page.getByTestId('retiree-latest').textContent()).toContain('85');
    await page.goto(t.url);
    await expect.poll(() => tiles().count()).toBe(PAGE_SIZE);
    await Promise.all(devices.map(({ client }) => client.endAsync()));
  });
});
