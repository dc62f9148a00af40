/**
 * The simulated Zigbee2MQTT bridge against a real hub: provisioned through the API, connected
 * over TCP with its own secret, its scenarios open the alerts a real bridge's sensors would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBridgeDevices, zigbeeNetworkDevice } from '../../devices/index.ts';
import { HubApi } from '../../simulators/provision.ts';
import { createRandom } from '../../simulators/vitals.ts';
import { SimulatedBridge } from '../../simulators/zigbee/bridge.ts';
import { bridgeDevicesPayload } from '../../simulators/zigbee/network.ts';
import { provisionZigbee, type ZigbeeCredentials } from '../../simulators/zigbee/provision.ts';
import { parseZigbeeScenario } from '../../simulators/zigbee/run.ts';
import { ADMIN_PASSWORD, eventually } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

interface AlertView {
  deviceId: string;
  retireeId: string | null;
  kind: string;
  severity: string;
}

describe('simulated Zigbee2MQTT bridge', () => {
  const t = suiteHub();
  let bridge: SimulatedBridge;
  let credentials: ZigbeeCredentials;

  beforeAll(async () => {
    const api = new HubApi(t.url);
    await api.login('admin', ADMIN_PASSWORD);
    credentials = await provisionZigbee(api, {
      bridgeId: 'z2m-test',
      baseTopic: 'zigbee2mqtt',
      random: createRandom(7),
    });
    bridge = new SimulatedBridge({
      brokerUrl: t.mqttUrl,
      bridgeId: credentials.bridgeId,
      secret: credentials.secret,
    });
    await bridge.start();
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it("publishes each sensor's exposes, and the hub reads every one of them", () => {
    const parsed = parseBridgeDevices(bridgeDevicesPayload());
    if (!parsed.ok) throw new Error(parsed.reason);
    for (const device of parsed.value) {
      expect(device.exposes?.names.length, device.friendlyName).toBeGreaterThan(0);
      expect(zigbeeNetworkDevice(device).understood.length, device.friendlyName).toBeGreaterThan(0);
    }
  });

  it('parses scenario specs and refuses unknown ones', () => {
    expect(parseZigbeeScenario('emergency@10s')).toStrictEqual({ name: 'emergency', atMs: 10_000 });
    expect(() => parseZigbeeScenario('dance@1s')).toThrow(/unknown zigbee scenario/);
  });

  it('marks its sensors online and opens a critical sos and a confirmed fall for the retiree', async () => {
    const sos = credentials.sensors.find((sensor) => sensor.model === 'TS0215A_sos');
    await eventually(async () => {
      const list = await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices');
      return list.body.find((device) => device.id === sos?.id)?.online === true;
    });
    await bridge.play('emergency');
    await bridge.play('fall');
    const alerts = await eventually(async () => {
      const list = await t.api<AlertView[]>('GET', '/api/alerts?status=open');
      const mine = list.body.filter((alert) => alert.retireeId === credentials.retireeId);
      const fall = mine.find((alert) => alert.kind === 'fall' && alert.severity === 'critical');
      return fall && mine.some((alert) => alert.kind === 'sos') ? mine : undefined;
    }, 10_000);
    expect(alerts.find((alert) => alert.kind === 'sos')).toMatchObject({
      severity: 'critical',
      deviceId: sos?.id,
    });
  });
});
