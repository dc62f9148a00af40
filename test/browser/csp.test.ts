/**
 * The dashboard and the OpenAPI page under the hub's Content-Security-Policy, in Chromium: the duty
 * wall with an SOS, the alert panel with its rescue card (and the card as a PDF in a tab of its
 * own), the archive and a record, a retiree's heart-rate chart (ECharts, with its tooltip) and
 * Swagger UI all work and report no violation; a script slipped into the page as markup does not
 * run. Screenshots with HUB_TEST_SCREENSHOTS.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, publish } from '../helpers/hub.ts';
import { desktopContext, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkHub } from './walk.ts';

const { browser, snap } = await walkBrowser('csp');

interface Violation {
  page: string;
  directive: string;
  blocked: string;
  sample: string;
}

/** Records every `securitypolicyviolation` of every page of the context, before its scripts run. */
const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push({
      page: location.pathname,
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
    });
  });
`;

describe.skipIf(browser === null)(
  'the Content-Security-Policy in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const t = walkHub(browser);
    let context: BrowserContext;
    let page: Page;
    /** CSP messages on the console of any page (the report the browser gives a developer). */
    const consoleReports: string[] = [];
    const violations = async (): Promise<Violation[]> =>
      page.evaluate('window.__violations ?? []') as Promise<Violation[]>;

    beforeAll(async () => {
      context = await desktopContext(browser as Browser);
      await context.addInitScript(RECORD_VIOLATIONS);
      context.on('console', (message) => {
        if (/Content.Security.Policy/i.test(message.text())) consoleReports.push(message.text());
      });
      page = await context.newPage();
      await signInToDashboard(page, t.url, 'admin', ADMIN_PASSWORD);
    }, 180_000);

    it('runs the wall, an alert, the archive and a chart without a violation', async () => {
      const retiree = await t.addRetiree({ name: '周国强' });
      const watch = await t.addDevice('wearable.watch', retiree.id);
      const pendant = await t.addDevice('pendant.sos', retiree.id);
      const watchClient = await t.connectDevice(watch);
      for (const hr of [72, 75, 78, 74]) {
        await publish(watchClient, `eldercare/v1/${watch.device.id}/telemetry`, { hr, spo2: 97 });
      }
      const pendantClient = await t.connectDevice(pendant);
      await publish(pendantClient, `eldercare/v1/${pendant.device.id}/event`, {
        id: 'csp-sos-1',
        type: 'sos',
      });

      // The wall, with the SOS at the top of the queue.
      const item = page.locator('[data-testid="alert-item"][data-status="open"]', { hasText: '周国强' });
      await item.waitFor();
      await snap(page, 'wall');

      // The alert's panel, with the rescue card.
      await item.getByTestId('alert-open-detail').click();
      const detail = page.getByTestId('alert-detail');
      await detail.getByTestId('rescue-card').waitFor();
      await expect.poll(() => detail.getByTestId('rescue-card-name').textContent()).toContain('周国强');
      await snap(page, 'alert');
      // The printable card opens in a tab of its own as a PDF (a blob: URL, under the page's policy).
      const opened = context.waitForEvent('page');
      await detail.getByTestId('rescue-card-print').click();
      const card = await opened;
      await expect.poll(() => card.evaluate('document.contentType')).toBe('application/pdf');
      await snap(card, 'rescue-card-pdf');
      expect(await card.evaluate('window.__violations ?? []')).toStrictEqual([]);
      await card.close();
      await detail.getByTestId('alert-detail-close').click();

      // The archive: the list and one record.
      const archiveId = await t.addArchiveRetiree('吴建设', '一站');
      await page.goto(`${t.url}/archive`);
      await page.getByText('吴建设').first().waitFor();
      await snap(page, 'archive');
      await page.goto(`${t.url}/archive/${archiveId}`);
      await page.getByTestId('archive-reason-input').fill('核对档案');
      await page.getByTestId('archive-reason-confirm').click();
      await expect.poll(() => page.getByTestId('archive-record-name').textContent()).toContain('吴建设');
      await snap(page, 'archive-record');

      // The retiree page: the heart-rate chart (a canvas) and its tooltip (markup with style attributes).
      await page.goto(`${t.url}/retirees/${retiree.id}`);
      await page.getByTestId('retiree-name').waitFor();
      const chart = page.locator('.chart-panel canvas').first();
      await chart.waitFor();
      const box = await chart.boundingBox();
      if (box) await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
      await snap(page, 'chart');

      // Back to the wall: the live channel reconnects under the same policy.
      await page.goto(`${t.url}/`);
      await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
      await watchClient.endAsync(true);
      await pendantClient.endAsync(true);

      expect(await violations()).toStrictEqual([]);
      expect(consoleReports).toStrictEqual([]);
    });

    it('runs Swagger UI at /docs without a violation', async () => {
      await page.goto(`${t.url}/docs`);
      await page.locator('.swagger-ui .info .title').waitFor();
      await page.locator('.opblock').first().waitFor();
      await snap(page, 'docs');
      expect(await violations()).toStrictEqual([]);
      expect(consoleReports).toStrictEqual([]);
    });

    it('runs no script slipped in as markup, and reports it', async () => {
      await page.goto(`${t.url}/`);
      await page.getByTestId('alert-queue').waitFor();
      // What a stored name that escaped its escaping would put in the page.
      await page.evaluate(`
      const probe = document.createElement('div');
      probe.innerHTML =
        '<img src="data:," onerror="window.__ran = true"><a href="javascript:window.__ran = true">x</a>';
      document.body.append(probe);
      probe.querySelector('a').click();
      const script = document.createElement('script');
      script.textContent = 'window.__ran = true';
      document.body.append(script);
    `);
      await expect.poll(async () => (await violations()).length).toBeGreaterThanOrEqual(2);
      expect(await page.evaluate('window.__ran ?? false')).toBe(false);
      const directives = (await violations()).map((violation) => violation.directive);
      expect(directives).toContain('script-src-elem');
    });
  },
);
