/**
 * The desk on a busy night: the queue is narrowed by severity and status, every alert shown is
 * selected at once, acknowledged together, and resolved together with one outcome and one note;
 * an alert the filter hides is never touched.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { publish } from '../helpers/hub.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('desk-bulk', { fullPage: false });

describe.skipIf(browser === null)(
  'filters and bulk actions on the alert queue',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      signInAsAdmin: true,
      context: { viewport: { width: 1440, height: 900 } },
    });

    it('filters by severity and status, acknowledges all shown, then resolves them with one note', async () => {
      const calls: { name: string; type: string; event: Record<string, unknown> }[] = [
        { name: '王建国', type: 'pendant.sos', event: { id: 'bulk-sos-1', type: 'sos' } },
        { name: '李秀英', type: 'pendant.sos', event: { id: 'bulk-sos-2', type: 'sos' } },
        // A suspected fall: high, not critical; the severity filter hides it.
        {
          name: '张德明',
          type: 'wearable.watch',
          event: { id: 'bulk-fall-1', type: 'fall', certainty: 'suspected' },
        },
      ];
      for (const call of calls) {
        const retiree = await t.addRetiree({ name: call.name });
        const device = await t.addDevice(call.type, retiree.id);
        const client = await t.connectDevice(device);
        await publish(client, `eldercare/v1/${device.device.id}/event`, call.event);
      }
      const items = page.getByTestId('alert-item');
      await expect.poll(() => items.count()).toBe(3);
      const fall = page.locator('[data-testid="alert-item"]', { hasText: '张德明' });
      const fallId = await fall.getAttribute('data-alert-id');

      await page.getByTestId('queue-filter-severity').selectOption('critical');
      await expect.poll(() => items.count()).toBe(2);
      expect(await fall.count()).toBe(0);
      await page.getByTestId('queue-select-all').check();
      expect(await page.getByTestId('queue-selected').textContent()).toContain('2');
      await snap(page, 'selected');
      await page.getByTestId('queue-bulk-ack').click();
      await expect
        .poll(() => page.locator('[data-testid="alert-item"][data-status="acknowledged"]').count())
        .toBe(2);

      await page.getByTestId('queue-filter-status').selectOption('acknowledged');
      await page.getByTestId('queue-select-all').check();
      await page.getByTestId('queue-bulk-resolve').click();
      const dialog = page.getByTestId('bulk-resolve-dialog');
      await dialog.getByTestId('resolve-outcome').selectOption('genuine');
      await dialog.getByTestId('resolve-note').fill('夜班逐一电话回访，均已平安');
      await snap(page, 'bulk-resolve');
      await dialog.getByTestId('resolve-submit').click();
      await expect.poll(() => items.count()).toBe(0);

      // With the filters cleared, only the fall is left, still open: nothing hidden was acted on.
      await page.getByTestId('queue-filter-severity').selectOption('');
      await page.getByTestId('queue-filter-status').selectOption('');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute('data-alert-id')).toBe(fallId);
      expect(await items.first().getAttribute('data-status')).toBe('open');

      const all = (await t.api<Alert[]>('GET', '/api/alerts?kind=sos')).body;
      expect(all).toHaveLength(2);
      for (const alert of all) {
        expect(alert).toMatchObject({
          status: 'resolved',
          outcome: 'genuine',
          note: '夜班逐一电话回访，均已平安',
        });
      }
    });
  },
);
