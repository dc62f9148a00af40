/**
 * The monitoring desk at night, with two SOS a few seconds apart: the queue and the banner keep the
 * one waiting longest first, every open alert shows a running wait, the banner's button names whom
 * it acknowledges and stays clickable beside an open detail drawer, resolving waits for an
 * acknowledgement, and taking an alert does not look like acknowledging it.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { publish } from '../helpers/hub.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('desk-queue', { fullPage: false });

/** Seconds in a wait shown as `m:ss` or `h:mm:ss` ("已等待 3:12"). */
async function waitSeconds(element: Locator): Promise<number> {
  const text = (await element.textContent()) ?? '';
  const match = /(?:(\d+):)?(\d+):(\d{2})/.exec(text);
  if (!match) throw new Error(`no wait in "${text}"`);
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The element a click at the middle of `target` would land on is `target` or inside it. */
async function clickLandsOn(target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  if (!box) return false;
  return target.evaluate(
    (element, [x, y]) => {
      const hit = element.ownerDocument.elementFromPoint(x, y);
      return !!hit && element.contains(hit);
    },
    [box.x + box.width / 2, box.y + box.height / 2],
  );
}

describe.skipIf(browser === null)('the alert queue and banner at night', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    signInAsAdmin: true,
    context: { viewport: { width: 1280, height: 800 } },
  });

  it('keeps the oldest SOS in the banner, names it on the button, and answers it past the open drawer', async () => {
    const first = await t.addRetiree({ name: '王建国' });
    const second = await t.addRetiree({ name: '李秀英', gender: 'female' });
    const firstPendant = await t.addDevice('pendant.sos', first.id);
    const firstClient = await t.connectDevice(firstPendant);
    const secondPendant = await t.addDevice('pendant.sos', second.id);
    const secondClient = await t.connectDevice(secondPendant);

    await publish(firstClient, `eldercare/v1/${firstPendant.device.id}/event`, {
      id: 'night-sos-1',
      type: 'sos',
    });
    const firstItem = page.locator('[data-testid="alert-item"][data-status="open"]', { hasText: '王建国' });
    await firstItem.waitFor();
    const firstId = await firstItem.getAttribute('data-alert-id');
    // The second SOS comes once the first has visibly waited a while.
    await expect.poll(() => waitSeconds(firstItem.getByTestId('alert-waiting'))).toBeGreaterThanOrEqual(2);
    await publish(secondClient, `eldercare/v1/${secondPendant.device.id}/event`, {
      id: 'night-sos-2',
      type: 'sos',
    });
    const secondItem = page.locator('[data-testid="alert-item"][data-status="open"]', { hasText: '李秀英' });
    await secondItem.waitFor();
    const secondId = await secondItem.getAttribute('data-alert-id');
    expect(secondId).not.toBe(firstId);

    // The older SOS stays first in the queue and in the banner; the newer one does not push it out.
    const items = page.getByTestId('alert-item');
    await expect.poll(() => items.first().getAttribute('data-alert-id')).toBe(firstId);
    expect(await items.nth(1).getAttribute('data-alert-id')).toBe(secondId);
    const banner = page.getByTestId('alert-banner');
    expect(await banner.getAttribute('data-alert-id')).toBe(firstId);
    const bannerAck = banner.getByTestId('alert-banner-ack');
    expect(await bannerAck.textContent()).toContain('接警：王建国 紧急求救');

    // Every open alert's wait runs, in the queue and in the banner.
    for (const waiting of [
      firstItem.getByTestId('alert-waiting'),
      secondItem.getByTestId('alert-waiting'),
      banner.getByTestId('alert-banner-waiting'),
    ]) {
      expect(await waiting.textContent()).toMatch(/已等待 \d+:\d{2}/);
      const before = await waitSeconds(waiting);
      await expect.poll(() => waitSeconds(waiting)).toBeGreaterThan(before);
    }
    expect(await waitSeconds(firstItem.getByTestId('alert-waiting'))).toBeGreaterThan(
      await waitSeconds(secondItem.getByTestId('alert-waiting')),
    );

    // An alert nobody has acknowledged offers acknowledging, never resolving.
    await expect(firstItem.getByTestId('alert-resolve').count()).resolves.toBe(0);
    await expect(secondItem.getByTestId('alert-resolve').count()).resolves.toBe(0);

    // Taking is a quiet text button with its own words, not a second acknowledge.
    const ack = secondItem.getByTestId('alert-ack');
    const take = secondItem.getByTestId('alert-take');
    expect(await take.textContent()).not.toMatch(/确认|接警/);
    expect(await ack.getAttribute('class')).toContain('el-button--danger');
    expect(await take.getAttribute('class')).not.toContain('el-button--danger');
    expect(await take.getAttribute('class')).toContain('is-text');
    const background = (locator: Locator) =>
      locator.evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).backgroundColor,
      );
    expect(await background(take)).not.toBe(await background(ack));
    await snap(page, 'queue');

    // The detail drawer of the second SOS leaves the banner, still about the first, in sight.
    await secondItem.getByTestId('alert-open-detail').click();
    const detail = page.locator(`[data-testid="alert-detail"][data-alert-id="${secondId}"]`);
    await detail.waitFor();
    await expect(detail.getByTestId('alert-detail-resolve').count()).resolves.toBe(0);
    const detailAck = detail.getByTestId('alert-detail-ack');
    const detailTake = detail.getByTestId('alert-take');
    expect(await detailTake.getAttribute('class')).toContain('is-text');
    expect(await background(detailTake)).not.toBe(await background(detailAck));
    expect(await banner.getAttribute('data-alert-id')).toBe(firstId);
    // All of the banner is on top, not only its right end: whom it is about and how long they wait too.
    expect(await clickLandsOn(bannerAck)).toBe(true);
    expect(await clickLandsOn(banner.getByTestId('alert-banner-waiting'))).toBe(true);
    expect(await clickLandsOn(banner.locator('.title'))).toBe(true);
    await snap(page, 'drawer-open');

    await bannerAck.click();
    await page
      .locator(`[data-testid="alert-item"][data-alert-id="${firstId}"][data-status="acknowledged"]`)
      .waitFor();
    const stored = await t.api<{ status: string }>('GET', `/api/alerts/${firstId}`);
    expect(stored.body.status).toBe('acknowledged');
    // The drawer still shows the second SOS, which is still open and now heads the banner.
    expect(await detail.getAttribute('data-status')).toBe('open');
    await expect.poll(() => banner.getAttribute('data-alert-id')).toBe(secondId);
    expect(await bannerAck.textContent()).toContain('接警：李秀英 紧急求救');
    // The acknowledged one can be resolved now, and its wait stops at the acknowledgement.
    const firstHandled = page.locator(`[data-testid="alert-item"][data-alert-id="${firstId}"]`);
    await firstHandled.getByTestId('alert-resolve').waitFor();
    expect(await firstHandled.getByTestId('alert-waited').textContent()).toMatch(/等待 \d+:\d{2} 后确认/);
    await snap(page, 'first-acknowledged');

    await detailAck.click();
    await page
      .locator(`[data-testid="alert-detail"][data-alert-id="${secondId}"][data-status="acknowledged"]`)
      .waitFor();
    await detail.getByTestId('alert-detail-resolve').waitFor();
    await banner.waitFor({ state: 'detached' });
    await snap(page, 'both-acknowledged');
  });
});
