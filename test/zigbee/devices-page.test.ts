/**
 * The devices page in a real browser: a model whose exposes the hub cannot read is shown with what
 * it exposes ("unsupported: exposes …", 不支持：能力为 …), both in the bridge's network list and on
 * its registered row, rather than silently dropped.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { closeWalk, launchBrowser, openWalk, WALK_TIMEOUT_MS } from '../browser/helpers.ts';
import { eventually, publish, type TestHub } from '../helpers/hub.ts';

const browser: Browser | null = await launchBrowser();

const bridgeDevices: unknown[] = JSON.parse(
  readFileSync(new URL('./fixtures/bridge-devices.json', import.meta.url), 'utf8'),
);

describe.skipIf(browser === null)('Zigbee network on the devices page', { timeout: WALK_TIMEOUT_MS }, () => {
  let t: TestHub;
  let page: Page;
  let kettleId: string;

  beforeAll(async () => {
    ({ t, page } = await openWalk(browser as Browser, { signInAsAdmin: true }));
    const bridge = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'bridge-page',
      type: 'bridge.zigbee2mqtt',
    });
    const kettle = await t.api<CreatedDevice>('POST', '/api/devices', {
      type: 'zigbee.generic',
      bridgeId: 'bridge-page',
      ieeeAddress: '0x00158d0000000abc',
    });
    kettleId = kettle.body.device.id;
    const client = await t.connectDevice(bridge.body);
    await publish(client, 'zigbee2mqtt/bridge/devices', bridgeDevices, 1, true);
    await eventually(async () => {
      const list = await t.api<unknown[]>('GET', '/api/devices/zigbee-network');
      return list.body.length > 0;
    });
  }, 180_000);
  afterAll(() => closeWalk(browser, t));

  it('shows an unsupported model with its exposes on its row and in the network tab', async () => {
    await page.goto(`${t.url}/devices`);
    const row = page.getByTestId(`device-unsupported-${kettleId}`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/不支持：能力为 switch, linkquality/);

    await page.getByTestId('devices-tabs').getByText('Zigbee 网络').click();
    const table = page.getByTestId('zigbee-network-table');
    const kettle = table.getByTestId('zigbee-exposes-hall/kettle');
    await kettle.waitFor();
    await expect(kettle.textContent()).resolves.toMatch(/不支持：能力为 switch, linkquality/);
    await expect(table.getByTestId('zigbee-exposes-302/smoke').textContent()).resolves.toMatch(
      /^smoke, battery_low, test, battery, linkquality$/,
    );
  });
});
