/**
 * A page on another port of the hub's host (the same site, another origin) against an operator
 * signed in to the dashboard in the same browser, in Chromium: framing the dashboard shows nothing
 * (clickjacking), and its forms, which carry the operator's session cookie, change nothing (CSRF).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { connected, deviceClient, eventually, publish } from '../helpers/hub.ts';
import { addUser, desktopContext, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkHub } from './walk.ts';

const { browser, snap } = await walkBrowser('cross-origin');
const PASSWORD = 'operator-test-password';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The other origin: `/frame?src=` frames a URL behind a decoy button, `/form?action=` posts a form
 * to a URL as soon as it loads (text/plain, the one body a form sends that a JSON API might take).
 */
function attackerPages(): http.Server {
  return http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    const target = escapeHtml(url.searchParams.get('src') ?? url.searchParams.get('action') ?? '');
    const body =
      url.pathname === '/frame'
        ? `<h1>抽奖</h1><button id="decoy">点击领奖</button>
           <iframe id="victim" src="${target}" width="1200" height="700"
             onload="document.body.dataset.framed = 'loaded'"></iframe>`
        : `<form method="POST" action="${target}" enctype="text/plain">
             <input type="hidden" name="x" value="1"></form>
           <script>document.forms[0].submit()</script>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><meta charset="utf-8"><body>${body}</body>`);
  });
}

describe.skipIf(browser === null)(
  'a page of another origin against a signed-in operator',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const t = walkHub(browser);
    let attacker: http.Server;
    let attackerUrl = '';
    let context: BrowserContext;
    let desk: Page;
    let alert: Alert;

    beforeAll(async () => {
      attacker = attackerPages();
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
      await addUser(t, { username: 'desk.operator', displayName: '值班员小陈', role: 'operator' }, PASSWORD);
      context = await desktopContext(browser as Browser);
      desk = await context.newPage();
      await signInToDashboard(desk, t.url, 'desk.operator', PASSWORD);

      const retiree = await t.addRetiree({ name: '孙立平' });
      const pendant = await t.addDevice('pendant.sos', retiree.id);
      const client = await t.connectDevice(pendant);
      await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'framed-sos-1', type: 'sos' });
      alert = await eventually(
        async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
      );
      await desk.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`).waitFor();
    }, 180_000);

    afterAll(async () => {
      await new Promise((resolve) => attacker?.close(resolve));
    });

    it('cannot show the dashboard in a frame, so there is nothing to click', async () => {
      const page = await context.newPage();
      const refusals: string[] = [];
      page.on('console', (message) => {
        if (/frame-ancestors|X-Frame-Options/i.test(message.text())) refusals.push(message.text());
      });
      for (const framed of [`${t.url}/`, `${t.url}/retirees/${alert.retireeId}`, `${t.url}/docs`]) {
        refusals.length = 0;
        await page.goto(`${attackerUrl}/frame?src=${encodeURIComponent(framed)}`);
        await page.locator('body[data-framed="loaded"]').waitFor();
        await expect.poll(() => refusals.length).toBeGreaterThan(0);
        expect(refusals.join('\n')).toMatch(/frame-ancestors 'none'/);
        const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
        // The browser put its own error page in the frame: no document of the hub was rendered.
        expect(frame?.url()).not.toContain(t.url);
        expect(await page.frameLocator('#victim').locator('[data-testid="alert-queue"]').count()).toBe(0);
      }
      await snap(page, 'framed');
      await page.close();
    });

    it('changes nothing with forms posted from there, though they carry the session cookie', async () => {
      const pendant = await t.addDevice('pendant.sos', alert.retireeId);
      const page = await context.newPage();
      const forged = [`/api/alerts/${alert.id}/take`, `/api/devices/${pendant.device.id}/secret`];
      for (const path of forged) {
        const answered = page.waitForResponse((response) => response.url() === `${t.url}${path}`);
        await page.goto(`${attackerUrl}/form?action=${encodeURIComponent(`${t.url}${path}`)}`);
        const answer = await answered;
        // The cookie went along (SameSite=Strict does not stop another port of the same host)…
        expect(await answer.request().headerValue('cookie')).toMatch(/hub_session=/);
        expect(await answer.request().headerValue('sec-fetch-site')).toBe('same-site');
        // …and the hub refused the change all the same.
        expect(answer.status(), path).toBe(403);
        expect(await answer.json()).toMatchObject({ error: 'cross_origin' });
      }
      await snap(page, 'form-refused');
      await page.close();

      const after = await t.api<Alert>('GET', `/api/alerts/${alert.id}`);
      expect(after.body).toMatchObject({ status: 'open', assignedToId: null });
      const client = deviceClient(t.mqttUrl, pendant);
      try {
        expect((await connected(client)).returnCode ?? 0).toBe(0);
      } finally {
        await client.endAsync(true);
      }

      // The dashboard itself, in the same browser, still takes the alert.
      const item = desk.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`);
      await item.getByTestId('alert-ack').click();
      await desk
        .locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"][data-status="acknowledged"]`)
        .waitFor();
    });
  },
);
