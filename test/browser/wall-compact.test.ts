/**
 * The compact wall of a big screen (1920×1080) in a real browser, with 200 retirees: small tiles,
 * more than one screen of them shown in turn with an indicator; an SOS is pinned at the head of
 * every screen; names come in pinyin order (艾 < 白 < 陈 < 张, not the code point order 张 < 白 <
 * 艾 < 陈); a tile whose only alert is a device gone offline looks unplugged, not like an emergency.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Alert, Retiree } from '../../server/schemas/index.ts';
import { ADMIN_PASSWORD, eventually, publish } from '../helpers/hub.ts';
import { signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('wall-compact', { fullPage: false });

/** Twenty surnames in pinyin order (ai, bai, chen, chu, feng … zhu), ten given names each. */
const SURNAMES = [...'艾白陈褚冯韩蒋李刘沈孙王卫吴杨张赵郑周朱'];
const GIVEN = ['建国', '秀英', '德明', '桂兰', '志强', '玉珍', '国华', '淑芬', '永福', '春梅'];

/** The cycle the URL asks for: short, so the walk sees the screens change. */
const CYCLE_SECONDS = 2;

/**
 * The screen on show and its compact tiles in order (retiree id, name, look, pinned), read at one
 * moment: the screens change every few seconds.
 */
function shownScreen(page: Page) {
  return page.getByTestId('wall-screens').evaluate((indicator) => ({
    screen: Number(indicator.getAttribute('data-screen')),
    tiles: [
      ...indicator.ownerDocument.querySelectorAll(
        '[data-testid="wall-compact"] [data-testid="retiree-tile"]',
      ),
    ].map((tile) => ({
      id: tile.getAttribute('data-retiree-id') ?? '',
      name: tile.querySelector('.name')?.textContent?.trim() ?? '',
      look: tile.getAttribute('data-look') ?? '',
      pinned: tile.hasAttribute('data-pinned'),
    })),
  }));
}

const shownTiles = async (page: Page) => (await shownScreen(page)).tiles;
const currentScreen = async (page: Page) => (await shownScreen(page)).screen;

describe.skipIf(browser === null)('the compact wall of a big screen', { timeout: WALK_TIMEOUT_MS }, () => {
  const retirees: Retiree[] = [];
  let offlineRetiree: Retiree;
  const { t, page } = walkSuite(browser, {
    // A device that drops its connection is device_offline at the detector's next pass.
    env: { HUB_OFFLINE_GRACE_SECONDS: '0' },
    context: { viewport: { width: 1920, height: 1080 } },
    async prepare(walk) {
      for (const given of GIVEN)
        for (const surname of SURNAMES)
          retirees.push(await walk.t.addRetiree({ name: `${surname}${given}` }));
      offlineRetiree = retirees.find((retiree) => retiree.name === '陈德明') as Retiree;
      await signInToDashboard(walk.page, walk.t.url, 'admin', ADMIN_PASSWORD);
    },
  });

  it('cycles screens of small tiles in pinyin order, with an SOS pinned on every screen', async () => {
    await page.goto(`${t.url}/?mode=compact&cycle=${CYCLE_SECONDS}`);
    await expect.poll(async () => (await shownTiles(page)).length).toBeGreaterThan(40);
    const screens = Number(await page.getByTestId('wall-screens').getAttribute('data-screens'));
    expect(screens).toBeGreaterThan(1);
    // Many more than the 120 large tiles of a page would fit on one screen: a big screen's worth.
    expect((await shownTiles(page)).length).toBeLessThan(200);

    // An SOS from the retiree whose name sorts last.
    const last = retirees.find((retiree) => retiree.name === '朱春梅') as Retiree;
    const pendant = await t.addDevice('pendant.sos', last.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'compact-sos-1', type: 'sos' });
    await expect
      .poll(async () => (await shownTiles(page))[0])
      .toMatchObject({ id: last.id, look: 'emergency', pinned: true });

    // Go round every screen once, as the wall does on its own: the SOS leads each one.
    // From the next change on, once the banner above has pushed the tiles down and they were measured again.
    const seen: string[][] = [];
    let previous = await currentScreen(page);
    for (let step = 0; step < screens * 3 && seen.filter(Boolean).length < screens; step++) {
      await expect.poll(() => currentScreen(page), { timeout: CYCLE_SECONDS * 5000 }).not.toBe(previous);
      const { screen, tiles } = await shownScreen(page);
      expect(tiles[0]).toMatchObject({ id: last.id, look: 'emergency', pinned: true });
      seen[screen - 1] ??= tiles.filter((tile) => !tile.pinned).map((tile) => tile.name);
      previous = screen;
    }
    const screensSeen = new Set(seen.keys());
    expect(screensSeen.size).toBe(screens);

    // Every other retiree once, across the screens, their surnames in pinyin order.
    const names = seen.flat();
    await snap(page, 'sos-pinned');
    expect(names).toHaveLength(retirees.length - 1);
    expect(new Set(names).size).toBe(names.length);
    const surnameOrder = names.map((name) => SURNAMES.indexOf(name.slice(0, 1)));
    expect(surnameOrder).toEqual([...surnameOrder].sort((a, b) => a - b));
    expect(names.slice(0, 3).map((name) => name.slice(0, 1))).toEqual(['艾', '艾', '艾']);
  });

  it('shows a tile whose only alert is about a device unplugged: grey, dashed, not red', async () => {
    const watch = await t.addDevice('wearable.watch', offlineRetiree.id);
    const client = await t.connectDevice(watch);
    const topic = `eldercare/v1/${watch.device.id}/telemetry`;
    await publish(client, topic, { hr: 72, battery: 60 });
    await publish(client, topic, { hr: 72, battery: 12 });
    await eventually(async () =>
      (await t.api<Alert[]>('GET', `/api/alerts?status=active&retireeId=${offlineRetiree.id}`)).body.some(
        (alert) => alert.kind === 'battery_low',
      ),
    );
    // And one whose only device has never spoken: no alert, offline all the same.
    const silent = retirees.find((retiree) => retiree.name === '白国华') as Retiree;
    await t.addDevice('pendant.sos', silent.id);
    // A long cycle: the first screen stays while its tiles are looked at.
    await page.goto(`${t.url}/?mode=compact&cycle=600`);

    for (const [retiree, state] of [
      [offlineRetiree, 'alert'],
      [silent, 'normal'],
    ] as const) {
      const tile = page.locator(`[data-testid="wall-compact"] [data-retiree-id="${retiree.id}"]`);
      // Both on the first screen: a device alert comes right after the emergencies, 白 after 艾.
      await expect.poll(() => tile.getAttribute('data-state'), { timeout: 30_000 }).toBe(state);
      expect(await tile.getAttribute('data-look')).toBe('offline');
      expect(await tile.getAttribute('data-pinned')).toBeNull();
      await tile.getByTestId('tile-unplugged').waitFor();
      const style = await tile.evaluate((element) => {
        const computed = element.ownerDocument.defaultView?.getComputedStyle(element);
        return { border: computed?.borderTopStyle, animation: computed?.animationName };
      });
      expect(style).toEqual({ border: 'dashed', animation: 'none' });
    }
    // The SOS keeps the emergency's look: red, pulsing.
    const sos = page.locator('[data-testid="wall-compact"] [data-look="emergency"]').first();
    expect(
      await sos.evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).animationName,
      ),
    ).not.toBe('none');
    await snap(page, 'offline-tiles');
  });

  it('remembers the compact switch without the URL, and orders the large tiles by pinyin too', async () => {
    await page.goto(`${t.url}/?mode=normal`);
    const large = page.locator('.tiles [data-testid="retiree-tile"]');
    await expect.poll(() => large.count()).toBeGreaterThan(100);
    const names = await page
      .locator('.tiles [data-testid="retiree-tile"][data-look="normal"] .name')
      .allTextContents();
    const surnameOrder = names.map((name) => SURNAMES.indexOf(name.trim().slice(0, 1)));
    expect(surnameOrder).toEqual([...surnameOrder].sort((a, b) => a - b));
    await snap(page, 'large-tiles');

    await page.getByTestId('wall-compact-switch').click();
    await page.getByTestId('wall-compact').waitFor();
    await page.goto(t.url);
    await page.getByTestId('wall-compact').waitFor();
    expect(await large.count()).toBe(0);
  });
});
