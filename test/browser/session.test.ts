/**
 * Where the dashboard keeps its session, in Chromium: the token of a sign-in lives in memory only,
 * never in Web Storage or a cookie scripts can read; after a reload the HttpOnly cookie carries
 * the session (the API, the live channel, changes made from the page); signing out clears it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/schemas/audit.ts';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, publish, type TestHub } from '../helpers/hub.ts';
import { closeWalk, launchBrowser, openWalk, screenshotter, signIn, WALK_TIMEOUT_MS } from './helpers.ts';

const browser: Browser | null = await launchBrowser();
const snap = screenshotter('session');
const PASSWORD = 'operator-test-password';

/** Everything a script of the page can read that might hold a session. */
const READABLE_STORAGE = `JSON.stringify({
  local: Object.fromEntries(Object.entries(localStorage)),
  session: Object.fromEntries(Object.entries(sessionStorage)),
  cookie: document.cookie,
})`;

describe.skipIf(browser === null)('the dashboard’s session in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  let t: TestHub;
  let context: BrowserContext;
  let page: Page;
  let token = '';

  const connectedState = () =>
    page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();

  beforeAll(async () => {
    ({ t, page } = await openWalk(browser as Browser, {
      users: [{ username: 'memory.operator', displayName: '值班员小刘', role: 'operator' }],
      password: PASSWORD,
    }));
    context = page.context();
  }, 180_000);

  afterAll(() => closeWalk(browser, t));

  it('keeps the token of a sign-in out of every storage a script can read', async () => {
    const login = page.waitForResponse((response) => response.url() === `${t.url}/api/auth/login`);
    await signIn(page, t.url, 'memory.operator', PASSWORD);
    token = ((await (await login).json()) as { token: string }).token;
    expect(token).toMatch(/.{20,}/);
    await connectedState();
    const readable = (await page.evaluate(READABLE_STORAGE)) as string;
    expect(readable).not.toContain(token);
    const cookie = (await context.cookies(t.url)).find((entry) => entry.name === 'hub_session');
    expect(cookie).toMatchObject({ value: token, httpOnly: true, sameSite: 'Strict' });
  });

  it('stays signed in across a reload through the cookie: API, live channel and changes', async () => {
    await page.reload();
    await connectedState();
    expect(await page.getByTestId('header-user').textContent()).toContain('值班员小刘');
    expect((await page.evaluate(READABLE_STORAGE)) as string).not.toContain(token);

    // An SOS reaches the reloaded page over the live channel, and the page acknowledges it.
    const retiree = await t.addRetiree({ name: '钱卫东' });
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'memory-sos-1', type: 'sos' });
    const item = page.locator('[data-testid="alert-item"][data-status="open"]', { hasText: '钱卫东' });
    await item.waitFor();
    const alertId = (await item.getAttribute('data-alert-id')) as string;
    await item.getByTestId('alert-ack').click();
    await page
      .locator(`[data-testid="alert-item"][data-alert-id="${alertId}"][data-status="acknowledged"]`)
      .waitFor();
    const stored = await t.api<Alert>('GET', `/api/alerts/${alertId}`);
    expect(stored.body.status).toBe('acknowledged');
    await snap(page, 'reloaded');
  });

  it('drops a token an earlier build left in localStorage', async () => {
    await page.evaluate(`localStorage.setItem('junxiu.token', ${JSON.stringify(token)})`);
    await page.reload();
    await connectedState();
    expect(await page.evaluate(`localStorage.getItem('junxiu.token')`)).toBeNull();
  });

  it('signs out from the header: the cookie is gone and a reload stays signed out', async () => {
    await page.getByTestId('header-user').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
    await eventually(async () => {
      const cookies = await context.cookies(t.url);
      return !cookies.some((entry) => entry.name === 'hub_session');
    });
    // The token itself no longer opens anything.
    expect((await t.api('GET', '/api/auth/me', undefined, token)).status).toBe(401);
    await page.goto(`${t.url}/`);
    await page.getByTestId('login-username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('asks the hub who is signed in without a refusal to log when nobody is', async () => {
    const denied = async () =>
      (await t.api<{ items: AuditEntry[] }>('GET', '/api/audit?action=denied&limit=500')).body.items.filter(
        (entry) => entry.targetId.startsWith('/api/auth/'),
      ).length;
    const before = await denied();
    const asked = page.waitForResponse((response) => response.url() === `${t.url}/api/auth/session`);
    await page.goto(`${t.url}/login`);
    expect((await asked).status()).toBe(200);
    expect(await (await asked).json()).toStrictEqual({ user: null });
    await page.getByTestId('login-username').waitFor();
    expect(await denied()).toBe(before);
  });
});
