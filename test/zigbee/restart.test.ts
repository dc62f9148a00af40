/**
 * A restarted hub knows each bridge's network at once: the retained `bridge/devices` the broker kept
 * is read at start, so the devices page lists the network and sensors are read by their exposes
 * before the bridge publishes its list again (Zigbee2MQTT does only when it starts or its network
 * changes).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

const bridgeDevices: unknown[] = JSON.parse(
  readFileSync(new URL('./fixtures/bridge-devices.json', import.meta.url), 'utf8'),
);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The network as listed, without when the hub read it. */
const networkOf = async (t: TestHub) =>
  (await t.api<{ reportedAt: string }[]>('GET', '/api/devices/zigbee-network')).body.map(
    ({ reportedAt: _read, ...device }) => device,
  );

describe('a bridge’s network across a hub restart', () => {
  it('is listed after the restart from the retained device list, before the bridge speaks again', async () => {
    const first = await startTestHub();
    cleanups.push(() => first.dataDir.remove());
    let running = first;
    cleanups.push(() => running.stop({ keepData: true }));
    const bridge = await first.api<CreatedDevice>('POST', '/api/devices', {
      id: 'bridge-restart',
      type: 'bridge.zigbee2mqtt',
    });
    const client = await first.connectDevice(bridge.body);
    await publish(client, 'zigbee2mqtt/bridge/devices', bridgeDevices, 1, true);
    await eventually(async () => (await networkOf(first)).length > 0);
    const before = await networkOf(first);
    await client.endAsync();
    await first.stop({ keepData: true });

    const second = await startTestHub({}, { dataDir: first.dataDir });
    running = second;
    expect(await networkOf(second)).toEqual(before);
  });
});
