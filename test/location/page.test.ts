/**
 * The retiree page's location, blood pressure and safe zone in Chromium: a 3G watch over real TCP
 * sends a fix and a blood pressure; the page shows the fix's time, that it is valid, its source and
 * an Amap link in GCJ-02 (and says which system), the blood pressure in mmHg; the safe zone is set
 * from the latest fix through the form.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SafeZoneAnswer } from '../../server/location/schemas.ts';
import { WALK_TIMEOUT_MS } from '../browser/helpers.ts';
import { walkBrowser, walkSuite } from '../browser/walk.ts';

const { browser, snap } = await walkBrowser('location');

const WATCH = '4700186532';

function threeG(content: string): string {
  return `[3G*${WATCH}*${content.length.toString(16).toUpperCase().padStart(4, '0')}*${content}]`;
}

describe.skipIf(browser === null)(
  'the retiree page’s location in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, { signInAsAdmin: true, env: { HUB_WATCH_3G_PORT: '0' } });

    it('shows the latest fix and the blood pressure, and sets the safe zone from the fix', async () => {
      const retiree = await t.addRetiree({ name: '孙志远' });
      await t.addDevice('watch.3g', retiree.id, WATCH);
      const socket = net.connect(t.hub.watchPorts['3g'], '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const at = new Date(Date.now() - 5 * 60_000);
      const pad = (value: number) => String(value).padStart(2, '0');
      const day = `${pad(at.getUTCDate())}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCFullYear() % 100)}`;
      const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
      socket.write(
        threeG(
          `UD,${day},${time},A,30.657000,N,104.066000,E,0.5,000,500,08,80,70,1000,50,00000000,0,0,460,0,9520,3671,139,,00`,
        ),
      );
      socket.write(threeG('BPHRT,131,84,70'));
      await expect
        .poll(
          async () =>
            (await t.api<{ location: unknown }>('GET', `/api/retirees/${retiree.id}/location`)).body.location,
          {
            timeout: 30_000,
          },
        )
        .not.toBeNull();

      await page.goto(`${t.url}/retirees/${retiree.id}`);
      const panel = page.getByTestId('retiree-location');
      await panel.getByTestId('location-source').waitFor();
      expect(await panel.getByTestId('location-source').textContent()).toContain('GPS');
      expect(await panel.getByTestId('location-valid').getAttribute('data-valid')).toBe('true');
      const link = await panel.getByTestId('location-map').getAttribute('href');
      expect(link).toMatch(
        /^https:\/\/uri\.amap\.com\/marker\?position=104\.06\d+,30\.65\d+.*coordinate=gaode/,
      );
      // The watch's own coordinates are not what the link carries: it is converted to GCJ-02.
      expect(link).not.toContain('position=104.066000,30.657000');
      expect(await panel.textContent()).toContain('GCJ-02');
      await page.getByTestId('blood-pressure-value').first().waitFor();
      expect(await page.getByTestId('blood-pressure-value').first().textContent()).toContain('131/84 mmHg');
      await snap(page, 'retiree-location');

      const zone = page.getByTestId('safe-zone');
      await zone.getByTestId('safe-zone-none').waitFor();
      await zone.getByTestId('safe-zone-reason').fill('认知障碍');
      await zone.getByTestId('safe-zone-use-latest').click();
      await zone.getByTestId('safe-zone-save').click();
      await zone.getByTestId('safe-zone-state').waitFor();
      const stored = (await t.api<SafeZoneAnswer>('GET', `/api/retirees/${retiree.id}/safe-zone`)).body.zone;
      expect(stored).toMatchObject({
        lat: 30.657,
        lon: 104.066,
        radiusM: 300,
        reason: '认知障碍',
        state: 'inside',
      });
      socket.destroy();
    });
  },
);
