/**
 * The device registry in a real browser with more devices than a page: the page shows one page at
 * a time with the total, and the search box asks the server, so a device far down the list (by its
 * retiree's name, or by its id) is found from page 1 and the pager shrinks to what was found. The
 * page's devices are kept live: a battery level a device on it reports shows without a reload.
 */
import { describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { publish } from '../helpers/hub.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('devices-paging', { fullPage: false });

const DEVICES = 260;

describe.skipIf(browser === null)(
  'the device registry a page at a time',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    let target = '';
    let created: CreatedDevice;
    const requests: string[] = [];
    const { t, page } = walkSuite(browser, {
      signInAsAdmin: true,
      async prepare(walk) {
        // Registering them one by one through the API would take a while: one statement does it.
        const rows = Array.from({ length: DEVICES }, (_, index) => ({
          id: `watch-${String(index).padStart(4, '0')}`,
        }));
        await walk.t.hub.db.query(
          `insert into devices (id, type, secret_hash)
         select id, 'wearable.watch', 'x' from jsonb_to_recordset($1::jsonb) as r(id text)`,
          [JSON.stringify(rows)],
        );
        // The one sought: bound to 欧阳青松, its id sorting after every other one.
        const retiree = await walk.t.addRetiree({ name: '欧阳青松' });
        created = await walk.t.addDevice('pendant.sos', retiree.id, 'zz-pendant-ouyang');
        target = created.device.id;
        walk.page.on('request', (request) => {
          if (request.url().includes('/api/device-registry')) requests.push(request.url());
        });
      },
    });

    const rows = () => page.locator('[data-testid="devices-table"] .el-table__body-wrapper tbody tr');

    it('shows a page of devices with the total, and finds one from a later page by name and by id', async () => {
      await page.goto(`${t.url}/devices`);
      await expect.poll(() => rows().count()).toBe(50);
      await expect
        .poll(() => page.getByTestId('devices-found').textContent())
        .toContain(`共 ${DEVICES + 1} 台`);
      expect(await page.getByTestId('devices-table').getByText(target).count()).toBe(0);
      await snap(page, 'page-1');

      await page.getByTestId('devices-search').fill('欧阳');
      await expect.poll(() => rows().count()).toBe(1);
      await expect(rows().first().textContent()).resolves.toContain(target);
      await expect.poll(() => page.getByTestId('devices-found').textContent()).toContain('共 1 台');
      // Asked of the server once typing paused, not filtered from what the page already had.
      expect(requests.some((url) => new URL(url).searchParams.get('q') === '欧阳')).toBe(true);
      await snap(page, 'found-by-name');

      await page.getByTestId('devices-search').fill('watch-025');
      await expect.poll(() => rows().count()).toBe(10);
      await expect(rows().first().textContent()).resolves.toContain('watch-0250');
    });

    it('turns pages on the server: page 6 holds the last devices, none of page 1', async () => {
      await page.getByTestId('devices-search').fill('');
      await expect.poll(() => rows().count()).toBe(50);
      const first = await rows().first().textContent();
      await page.getByTestId('devices-pager').locator('.el-pager li', { hasText: /^6$/ }).click();
      await expect.poll(() => rows().count()).toBe(DEVICES + 1 - 250);
      await expect.poll(() => rows().last().textContent()).toContain(target);
      expect(await rows().first().textContent()).not.toBe(first);
      expect(requests.some((url) => new URL(url).searchParams.get('offset') === '250')).toBe(true);
    });

    it("keeps the page's devices live: a reported battery level shows without a reload", async () => {
      // On page 6 still, where the pendant is listed.
      const row = rows().filter({ hasText: target });
      await expect(row.textContent()).resolves.not.toContain('41%');
      const client = await t.connectDevice(created);
      try {
        await publish(client, `eldercare/v1/${target}/telemetry`, { battery: 41 });
        await expect.poll(() => row.textContent()).toContain('41%');
        await snap(page, 'page-6-live');
      } finally {
        await client.endAsync();
      }
    });
  },
);
