/**
 * A watch indoors placed by its towers, in a real browser: the administrator imports an OpenCelliD
 * export on the settings page (基站与 Wi-Fi 定位) and reads how many towers were read and which line was
 * skipped; then a watch without a fix reports two of those towers, and the retiree's page shows a
 * place from the towers with its accuracy. Once the watch reported a satellite fix beside its home
 * router, a report hearing only the router is a Wi-Fi place, and the settings page counts the
 * router as learned.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENCELLID_HEADER } from '../../server/location/cells.ts';
import { udFrame } from '../helpers/threeg.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('towers', { fullPage: false });

const WATCH = '4700186577';
const updated = Math.floor(Date.UTC(2026, 5, 1) / 1000);
const EXPORT = [
  `${OPENCELLID_HEADER},averageSignal`,
  `LTE,460,0,9520,3671,0,104.066000,30.657000,500,12,1,1500000000,${updated},0`,
  `LTE,460,0,9520,3672,0,104.070000,30.657000,500,8,1,1500000000,${updated},0`,
  `GSM,460,1,33,77,0,104.100000,30.700000,800,5,1,1500000000,${updated},0`,
  'LTE,460,0,broken',
].join('\n');

const TOWERS_HEARD = '2,1,460,0,9520,3671,60,9520,3672,50,0';
const ROUTER_HEARD = '0,1,ChinaNet-home,00:1A:2B:3C:4D:5E,-50';

describe.skipIf(browser === null)(
  'cell towers: import and a place without a fix',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, { env: { HUB_WATCH_3G_PORT: '0' }, signInAsAdmin: true });

    it('imports an export and shows a watch placed by its towers', async () => {
      await page.getByTestId('nav-settings').click();
      await page.locator('#tab-towers').click();
      await page.locator('[data-testid="cell-towers"][data-loaded="true"]').waitFor();
      await page.getByTestId('cell-towers-none').waitFor();
      await page.getByTestId('wifi-none').waitFor();

      const folder = await mkdtemp(join(tmpdir(), 'towers-'));
      const file = join(folder, '460.csv');
      await writeFile(file, EXPORT);
      await page.getByTestId('cell-towers-file').setInputFiles(file);
      const outcome = page.getByTestId('cell-towers-outcome');
      await expect.poll(() => outcome.textContent()).toContain('读取 3 个基站，更新 3 个，跳过 1 行');
      expect(await outcome.textContent()).toContain('第 5 行');
      await expect.poll(() => page.getByTestId('cell-towers-count').textContent()).toBe('3');
      expect(await page.getByTestId('cell-towers').textContent()).toContain('中国移动');
      await snap(page, 'imported');

      const retiree = await t.addRetiree();
      await t.addDevice('watch.3g', retiree.id, WATCH);
      const socket = net.connect(t.hub.watchPorts['3g'], '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const at = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
      socket.write(udFrame(WATCH, new Date(at), null, TOWERS_HEARD));

      await page.goto(`${t.url}/retirees/${retiree.id}`);
      await expect
        .poll(async () => (await page.getByTestId('location-source').textContent())?.trim(), {
          timeout: 30_000,
        })
        .toBe('基站');
      await expect.poll(() => page.getByTestId('location-accuracy').textContent()).toMatch(/约 \d+ 米内/);
      await snap(page, 'placed');

      // A fix at the door beside the home router, then a report hearing only the router.
      socket.write(udFrame(WATCH, new Date(at + 60_000), { lat: 30.657, lon: 104.066 }, ROUTER_HEARD));
      socket.write(udFrame(WATCH, new Date(at + 120_000), null, ROUTER_HEARD));
      await page.reload();
      await expect
        .poll(async () => (await page.getByTestId('location-source').textContent())?.trim(), {
          timeout: 30_000,
        })
        .toBe('Wi-Fi');
      await expect
        .poll(() => page.getByTestId('location-accuracy').textContent())
        .toMatch(/约 \d+ 米内（按手表听到的 Wi-Fi 热点估算）/);
      await snap(page, 'wifi');
      socket.destroy();

      await page.getByTestId('nav-settings').click();
      await page.locator('#tab-towers').click();
      await expect.poll(() => page.getByTestId('wifi-count').textContent()).toBe('1');
    });
  },
);
