/**
 * The family page on a phone (390×844), walked as a daughter would: a low battery on the watch is
 * a calm device notice, an SOS an emergency that rings and vibrates once sound alerts are on, and
 * the SOS's one status sentence goes 已通知值班人员 → 值班人员已收到 → 工作人员正在赶去 →
 * 已处理完毕 alike in the headline, its card and the 30-day list, live and after a reload.
 *
 * The page's `navigator.vibrate` is replaced by an init script that records each call: that
 * observes what the page asks of the browser (a headless browser has nothing to vibrate).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { pressSos, publish } from '../helpers/hub.ts';
import { desktopContext, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkHub } from './walk.ts';

const { browser, snap } = await walkBrowser('family-page');

const FAMILY_PASSWORD = 'family-page-password';

/** Runs in the page before its own scripts: every vibration the page asks for is recorded. */
const RECORD_VIBRATIONS = `{
  window.__vibrations = [];
  Object.defineProperty(Navigator.prototype, 'vibrate', {
    configurable: true,
    value(pattern) {
      window.__vibrations.push(pattern);
      return true;
    },
  });
}`;

const vibrations = (page: Page) => page.evaluate<unknown[]>('window.__vibrations');

describe.skipIf(browser === null)('the family page on a phone', { timeout: WALK_TIMEOUT_MS }, () => {
  const t = walkHub(browser);

  it('tells a battery notice from an SOS, rings for the SOS only, and says one status live and after a reload', async () => {
    const retiree = await t.addRetiree({
      name: '赵振华',
      contacts: [{ name: '赵小梅', relation: '女儿', phone: '13800000002' }],
    });
    const account = await t.api('POST', `/api/retirees/${retiree.id}/family-accounts`, {
      username: 'zhao.xiaomei',
      password: FAMILY_PASSWORD,
      displayName: '赵小梅',
      contactId: retiree.contacts[0]?.id,
    });
    expect(account.status).toBe(201);

    const phone = await desktopContext(browser!, { viewport: { width: 390, height: 844 } });
    await phone.addInitScript(RECORD_VIBRATIONS);
    const page = await phone.newPage();
    await page.goto(`${t.url}/login`);
    await page.getByTestId('login-username').fill('zhao.xiaomei');
    await page.getByTestId('login-password').fill(FAMILY_PASSWORD);
    await page.getByTestId('login-submit').click();
    const headline = page.locator('[data-test="family-state"]');
    await page.locator('[data-test="family-state"][data-tone="well"]').waitFor();

    // Sound alerts, switched on by the daughter's own tap.
    const sound = page.locator('[data-test="family-sound"]');
    await sound.click();
    await page.locator('[data-test="family-sound"].is-checked').waitFor();

    // The watch's battery runs low: a calm notice, with what to do, and no alarm.
    const watch = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(watch);
    await publish(client, `eldercare/v1/${watch.device.id}/telemetry`, { battery: 12 });
    await page.locator('[data-test="family-state"].notice[data-tone="notice"]').waitFor();
    const notice = page.locator('[data-test="family-active"][data-tone="notice"]');
    await notice.waitFor();
    expect(await headline.textContent()).toContain('设备提醒');
    expect(await headline.textContent()).toContain('充电');
    expect(await headline.textContent()).not.toContain('紧急情况');
    expect(await headline.getAttribute('class')).not.toMatch(/alert_open|being_handled|emergency/);
    expect(await notice.getAttribute('class')).not.toContain('emergency');
    expect(await notice.textContent()).toContain('请提醒老人给手表充电');
    expect(await notice.textContent()).not.toContain('紧急情况');
    // The notice took no "I'm on my way" button: nobody has to rush over a battery.
    expect(await notice.locator('[data-test="family-coming"]').count()).toBe(0);
    await page.locator('[data-test="family-recent"][data-tone="notice"]').waitFor();
    expect(await vibrations(page)).toStrictEqual([]);
    await snap(page, 'notice');

    // An SOS: the emergency heads the page in red, and the phone vibrates once.
    const sos: Alert = await pressSos(t, retiree, 'family-page-sos-1');
    const card = page.locator(`[data-test="family-active"][data-alert-id="${sos.id}"]`);
    const listed = page.locator(`[data-test="family-recent"][data-alert-id="${sos.id}"]`);
    await page.locator('[data-test="family-state"].alert_open[data-tone="emergency"]').waitFor();
    await card.waitFor();
    expect(await card.getAttribute('class')).toContain('emergency');
    expect(await headline.textContent()).toContain('紧急情况');
    expect(await headline.textContent()).toContain('紧急求救');
    await expect.poll(() => vibrations(page)).toHaveLength(1);
    // The notice is still there, still calm.
    expect(await notice.getAttribute('class')).not.toContain('emergency');
    await snap(page, 'sos-open');

    /** The SOS's status sentence once the page shows `stage`: one sentence in all three places. */
    async function says(stage: string, sentence: string): Promise<void> {
      await page.locator(`[data-test="family-state"][data-stage="${stage}"]`).waitFor();
      await card.and(page.locator(`[data-stage="${stage}"]`)).waitFor();
      expect(await page.locator('[data-test="family-headline-status"]').textContent()).toBe(sentence);
      expect(await card.locator('[data-test="family-alert-status"]').textContent()).toBe(sentence);
      expect(await listed.locator('[data-test="family-recent-status"]').textContent()).toBe(sentence);
    }
    await says('notified', '已通知值班人员');
    expect((await t.api('POST', `/api/alerts/${sos.id}/ack`, {})).status).toBe(200);
    await says('received', '值班人员已收到');
    expect((await t.api('POST', `/api/alerts/${sos.id}/help-coming`, {})).status).toBe(200);
    await says('help_coming', '工作人员正在赶去');
    await snap(page, 'help-coming');
    // Neither receiving it nor help on the way is an emergency getting worse: no more vibration.
    expect(await vibrations(page)).toHaveLength(1);

    // A reload says the same, remembers the switch, and does not ring for what it already showed.
    await page.reload();
    await says('help_coming', '工作人员正在赶去');
    await page.locator('[data-test="family-sound"].is-checked').waitFor();
    expect(await vibrations(page)).toStrictEqual([]);

    const resolved = await t.api('POST', `/api/alerts/${sos.id}/resolve`, {
      outcome: 'genuine',
      note: '已送医，家属陪同',
    });
    expect(resolved.status).toBe(200);
    await listed.and(page.locator('[data-stage="resolved"]')).waitFor();
    expect(await listed.locator('[data-test="family-recent-status"]').textContent()).toBe('已处理完毕');
    await card.waitFor({ state: 'detached' });
    // Only the battery notice is left: the page is calm again.
    await page.locator('[data-test="family-state"].notice[data-tone="notice"]').waitFor();
    await snap(page, 'resolved');
    await page.reload();
    await listed.and(page.locator('[data-stage="resolved"]')).waitFor();
    expect(await listed.locator('[data-test="family-recent-status"]').textContent()).toBe('已处理完毕');
    expect(await vibrations(page)).toStrictEqual([]);
  });
});
