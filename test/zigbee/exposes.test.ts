/**
 * Sensors read by what their bridge says they expose (`bridge/devices` → `definition.exposes`),
 * not only by a model string: Zigbee2MQTT's renamed, rebadged and unnamed models over the real
 * broker, the test press of a smoke alarm, the unsupported models on the device list, and the
 * bridge's side topics.
 */
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeviceExposes,
  emptyZigbeeState,
  parseBridgeDevices,
  readExposes,
  type ZigbeeDefinition,
  type ZigbeeState,
  zigbeeConverter,
  zigbeeDefinitionByModel,
  zigbeeNetworkDevice,
} from '../../devices/index.ts';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

/** A `bridge/devices` message as a Zigbee2MQTT 2.x bridge publishes it (retained). */
const bridgeDevices: unknown[] = JSON.parse(
  readFileSync(new URL('./fixtures/bridge-devices.json', import.meta.url), 'utf8'),
);

const T0 = 1_750_000_000_000;

interface AlertView {
  id: string;
  deviceId: string;
  kind: string;
  status: string;
  count: number;
}

interface NetworkEntry {
  bridgeId: string;
  ieeeAddress: string;
  friendlyName: string;
  model: string | null;
  exposes: string[];
  understood: string[];
  supported: boolean;
  named: boolean;
  deviceId: string | null;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

function entryOf(friendlyName: string) {
  const parsed = parseBridgeDevices(bridgeDevices);
  if (!parsed.ok) throw new Error(parsed.reason);
  const device = parsed.value.find((entry) => entry.friendlyName === friendlyName);
  if (!device) throw new Error(`no ${friendlyName} in the fixture`);
  return device;
}

/** The converter the gateway uses for a fixture device registered as `registeredModel`. */
function converterOf(friendlyName: string, registeredModel?: string): ZigbeeDefinition {
  const device = entryOf(friendlyName);
  const named =
    (device.model ? zigbeeDefinitionByModel(device.model) : undefined) ??
    (registeredModel ? zigbeeDefinitionByModel(registeredModel) : undefined);
  const converter = zigbeeConverter(named, device.exposes, device.model, device.vendor);
  if (!converter) throw new Error(`${friendlyName} is not understood`);
  return converter;
}

function play(definition: ZigbeeDefinition, messages: unknown[]) {
  let state: ZigbeeState = emptyZigbeeState;
  return messages.map((message, index) => {
    const result = definition.convert(state, message, {
      ieeeAddress: '0xa4c1380000000303',
      receivedAt: T0 + index * 1000,
      options: {},
    });
    state = result.state;
    return { readings: result.readings, events: result.events.map((event) => event.type) };
  });
}

describe('exposes → features', () => {
  it('reads exposes, nested features of specific and composite exposes included, and skips set-only ones', () => {
    const exposes: DeviceExposes = readExposes([
      { type: 'binary', name: 'smoke', property: 'smoke', access: 1, value_on: true, value_off: false },
      { type: 'numeric', name: 'sensitivity', property: 'sensitivity', access: 2 },
      {
        type: 'switch',
        features: [
          { type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF' },
        ],
      },
      {
        type: 'composite',
        name: 'alarm_state',
        property: 'alarm_state',
        access: 1,
        features: [
          { type: 'binary', name: 'gas', property: 'gas', access: 1, value_on: 'ALARM', value_off: 'OK' },
        ],
      },
      'odd',
      { type: 'enum' },
    ]);
    expect(exposes.names).toStrictEqual(['smoke', 'sensitivity', 'switch', 'alarm_state']);
    expect(exposes.properties.map((property) => property.path.join('.'))).toStrictEqual([
      'smoke',
      'state',
      'alarm_state.gas',
    ]);
    const converter = zigbeeConverter(undefined, exposes);
    expect(converter?.events).toStrictEqual(['smoke', 'gas']);
    expect(
      play(converter as ZigbeeDefinition, [
        { alarm_state: { gas: 'OK' } },
        { alarm_state: { gas: 'ALARM' } },
      ]),
    ).toStrictEqual([
      { readings: { gas: false }, events: [] },
      { readings: { gas: true }, events: ['gas'] },
    ]);
  });

  it('understands sos, action sos/emergency, smoke, fall enums; an unsupported model understands nothing', () => {
    expect(zigbeeNetworkDevice(entryOf('303/sos')).understood).toStrictEqual(['sosFlag', 'battery']);
    expect(zigbeeNetworkDevice(entryOf('304/sos')).understood).toContain('actionEvents');
    expect(zigbeeNetworkDevice(entryOf('305/pendant')).understood).toContain('actionEvents');
    expect(zigbeeNetworkDevice(entryOf('302/smoke'))).toMatchObject({
      model: 'HS1SA-E',
      named: false,
      understood: ['smokeAlarm', 'batteryLow', 'testPress', 'battery'],
    });
    expect(zigbeeNetworkDevice(entryOf('hall/kettle'))).toMatchObject({
      exposes: ['switch', 'linkquality'],
      understood: [],
    });
    expect(zigbeeNetworkDevice(entryOf('0x00158d0000000def'))).toMatchObject({ model: null, understood: [] });

    const radar = zigbeeConverter(
      undefined,
      readExposes([
        {
          type: 'enum',
          name: 'fall_state',
          property: 'fall_state',
          access: 1,
          values: ['normal', 'suspected_fall', 'fall_detected'],
        },
      ]),
    ) as ZigbeeDefinition;
    const falls = radar.convert(
      emptyZigbeeState,
      { fall_state: 'suspected_fall' },
      {
        ieeeAddress: '0x1',
        receivedAt: T0,
        options: {},
      },
    );
    expect(falls.events.map((event) => event.certainty)).toStrictEqual(['suspected']);
    const confirmed = radar.convert(
      falls.state,
      { fall_state: 'fall_detected' },
      {
        ieeeAddress: '0x1',
        receivedAt: T0 + 1,
        options: {},
      },
    );
    expect(confirmed.events.map((event) => event.certainty)).toStrictEqual(['confirmed']);
  });

  it('lets a named definition win for the keys it reads: the bed pad stays a bed pad', () => {
    expect(play(converterOf('306/bed'), [{ contact: false, battery: 80 }])).toStrictEqual([
      { readings: { bed_occupied: true, battery: 80 }, events: [] },
    ]);
  });

  it('reads a renamed model (HS1SA-E) by its exposes, refined by the type it was registered as', () => {
    const smoke = converterOf('302/smoke', 'HS1SA');
    expect(smoke.type).toBe('zigbee.HS1SA');
    expect(play(smoke, [{ smoke: false }, { smoke: true }, { smoke: true }])).toStrictEqual([
      { readings: { smoke: false }, events: [] },
      { readings: { smoke: true }, events: ['smoke'] },
      { readings: { smoke: true }, events: [] },
    ]);
  });

  it('takes a smoke alarm held in test for a test press, not a fire; a real alarm after it still rises', () => {
    for (const smoke of [converterOf('302/smoke'), converterOf('302/smoke', 'HS1SA')]) {
      expect(
        play(smoke, [
          { smoke: true, test: true },
          { smoke: true, test: true },
          { smoke: false, test: false },
          { smoke: true, test: false },
        ]),
      ).toStrictEqual([
        { readings: {}, events: ['button_test'] },
        { readings: {}, events: [] },
        { readings: { smoke: false }, events: [] },
        { readings: { smoke: true }, events: ['smoke'] },
      ]);
    }
  });
});

describe('Zigbee2MQTT bridge: models read by their exposes, over the broker', () => {
  let t: TestHub;
  let client: MqttClient;
  const ids: Record<string, string> = {};

  // One retiree each: a second alarm of a retiree with one open is folded into it.
  const bind = async (type: string, ieeeAddress: string, name: string) => {
    const retireeId = (await t.addRetiree()).id;
    const created = await t.api<CreatedDevice>('POST', '/api/devices', {
      type,
      bridgeId: 'bridge-x',
      ieeeAddress,
      retireeId,
    });
    expect(created.status).toBe(201);
    ids[name] = created.body.device.id;
  };

  const alertsOf = async (name: string) => {
    const list = await t.api<AlertView[]>('GET', '/api/alerts');
    return list.body.filter((alert) => alert.deviceId === ids[name]);
  };

  beforeAll(async () => {
    t = await startTestHub();
    const bridge = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'bridge-x',
      type: 'bridge.zigbee2mqtt',
    });
    expect(bridge.status).toBe(201);
    // Registered before Zigbee2MQTT 2.9 renamed it to HS1SA-E.
    await bind('zigbee.HS1SA', '0x0015bc001b02a1f1', 'smoke');
    await bind('zigbee.generic', '0xa4c1380000000303', 'ts0601');
    await bind('zigbee.generic', '0xa4c1380000000304', 'bt400b');
    await bind('zigbee.generic', '0xa4c1380000000305', 'zg101z');
    await bind('zigbee.generic', '0x00158d0000000abc', 'kettle');
    client = await t.connectDevice(bridge.body);
    await publish(client, 'zigbee2mqtt/bridge/devices', bridgeDevices, 1, true);
    await eventually(async () => {
      const list = await t.api<NetworkEntry[]>('GET', '/api/devices/zigbee-network');
      return list.body.length === bridgeDevices.length - 1;
    });
  });
  afterAll(() => t?.stop());

  it('offers zigbee.generic as a device type', async () => {
    const types = await t.api<{ type: string }[]>('GET', '/api/device-types');
    expect(types.body.map((entry) => entry.type)).toContain('zigbee.generic');
  });

  it('opens a smoke alert for a smoke alarm Zigbee2MQTT renamed (HS1SA → HS1SA-E)', async () => {
    await publish(client, 'zigbee2mqtt/302/smoke', { smoke: false, battery: 95, test: false });
    await publish(client, 'zigbee2mqtt/302/smoke', { smoke: true, battery: 95, test: false });
    const alert = await eventually(async () =>
      (await alertsOf('smoke')).find((entry) => entry.kind === 'smoke'),
    );
    expect(alert.status).toBe('open');
    await publish(client, 'zigbee2mqtt/302/smoke', { smoke: false, battery: 95, test: false });
  });

  it('records a smoke alarm held in test as a test press, not a fire', async () => {
    const before = (await alertsOf('smoke')).filter((entry) => entry.kind === 'smoke').length;
    await publish(client, 'zigbee2mqtt/302/smoke', { smoke: true, test: true, battery: 95 });
    await eventually(async () => (await alertsOf('smoke')).some((entry) => entry.kind === 'test'));
    await publish(client, 'zigbee2mqtt/302/smoke', { smoke: false, test: false, battery: 95 });
    // Handled in order: an SOS after the test press is seen only once the press was.
    await publish(client, 'zigbee2mqtt/303/sos', { sos: true, battery: 70 });
    await eventually(async () => (await alertsOf('ts0601')).some((entry) => entry.kind === 'sos'));
    expect((await alertsOf('smoke')).filter((entry) => entry.kind === 'smoke')).toHaveLength(before);
  });

  it('opens one sos for TS0601_sos, a rebadged BT400B and a Loginovo ZG-101Z; repeats open nothing', async () => {
    const seen = '2026-12-05T04:00:00.000Z';
    await publish(client, 'zigbee2mqtt/304/sos', { action: 'emergency', last_seen: seen });
    await publish(client, 'zigbee2mqtt/304/sos', { action: 'emergency', last_seen: seen });
    await publish(client, 'zigbee2mqtt/305/pendant', { action: 'single', battery: 60 });
    await publish(client, 'zigbee2mqtt/305/pendant', { action: 'sos', battery: 60 });
    await publish(client, 'zigbee2mqtt/303/sos', { sos: true, battery: 70 });
    await eventually(async () => (await alertsOf('bt400b')).length === 1);
    await eventually(async () => (await alertsOf('zg101z')).length === 1);
    const all = await t.api<AlertView[]>('GET', '/api/alerts');
    for (const name of ['ts0601', 'bt400b', 'zg101z']) {
      const mine = all.body.filter((alert) => alert.deviceId === ids[name]);
      expect(mine.map((alert) => [alert.kind, alert.count])).toStrictEqual([['sos', 1]]);
    }
  });

  it('lists every device of the bridge with its exposes; an unsupported model says what it exposes', async () => {
    const list = await t.api<NetworkEntry[]>('GET', '/api/devices/zigbee-network');
    expect(list.status).toBe(200);
    const byName = new Map(list.body.map((entry) => [entry.friendlyName, entry]));
    expect(byName.has('Coordinator')).toBe(false);
    expect(byName.get('hall/kettle')).toMatchObject({
      bridgeId: 'bridge-x',
      model: 'SOMETHING-NEW',
      exposes: ['switch', 'linkquality'],
      understood: [],
      supported: false,
      deviceId: ids.kettle,
    });
    expect(byName.get('302/smoke')).toMatchObject({ model: 'HS1SA-E', supported: true, deviceId: ids.smoke });
    expect(byName.get('301/sos')).toMatchObject({ named: true, supported: true, deviceId: null });
    expect(byName.get('0x00158d0000000def')).toMatchObject({ model: null, exposes: [], supported: false });
  });

  it('counts a bound sensor of an unsupported model, and keeps the bridge connected', async () => {
    const before = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    await publish(client, 'zigbee2mqtt/hall/kettle', { state: 'ON', linkquality: 80 });
    await eventually(async () => {
      const after = (await t.api<string>('GET', '/metrics', undefined, null)).body;
      return (
        metric(after, 'hub_zigbee_unknown_model_total') - metric(before, 'hub_zigbee_unknown_model_total') ===
        1
      );
    });
    expect(client.connected).toBe(true);
  });

  it("passes over Zigbee2MQTT's side topics without refusing them", async () => {
    const rejected = 'hub_mqtt_messages_rejected_total{reason="invalid_json"}';
    const ignored = 'hub_zigbee_messages_total{kind="ignored"}';
    const before = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    await publish(client, 'zigbee2mqtt/305/pendant/set', { state: 'ON' });
    await publish(client, 'zigbee2mqtt/305/pendant/get', { state: '' });
    await publish(client, 'zigbee2mqtt/305/pendant/action', 'sos');
    // After a rename Zigbee2MQTT empties the old name's retained availability topic.
    await publish(client, 'zigbee2mqtt/old-name/availability', '', 1, true);
    await eventually(async () => {
      const after = (await t.api<string>('GET', '/metrics', undefined, null)).body;
      return metric(after, ignored) - metric(before, ignored) === 2;
    });
    const after = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    expect(metric(after, rejected) - metric(before, rejected)).toBe(0);
    expect((await alertsOf('zg101z')).length).toBe(1);
    expect(client.connected).toBe(true);
  });
});
