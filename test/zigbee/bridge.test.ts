import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';

const SOS_IEEE = '0xa4c1380000000105';

interface AlertView {
  id: string;
  deviceId: string;
  retireeId: string | null;
  kind: string;
  severity: string;
  status: string;
  count: number;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A `bridge/devices` message as a Zigbee2MQTT 2.x bridge publishes it: `301/sos` is a TS0215A_sos. */
const bridgeDevices: unknown[] = JSON.parse(
  readFileSync(new URL('./fixtures/bridge-devices.json', import.meta.url), 'utf8'),
);

describe('Zigbee2MQTT bridge: a real bridge session against the hub', () => {
  let t: TestHub;
  let bridge: CreatedDevice;
  let sensor: CreatedDevice;
  let retireeId: string;
  let client: MqttClient;

  beforeAll(async () => {
    t = await startTestHub();
    retireeId = (await t.addRetiree()).id;
    const created = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'bridge-1',
      type: 'bridge.zigbee2mqtt',
    });
    expect(created.status).toBe(201);
    bridge = created.body;
    const bound = await t.api<CreatedDevice>('POST', '/api/devices', {
      type: 'zigbee.TS0215A_sos',
      bridgeId: 'bridge-1',
      ieeeAddress: SOS_IEEE,
      retireeId,
      room: '301',
    });
    expect(bound.status).toBe(201);
    sensor = bound.body;
    client = await t.connectDevice(bridge);
    await publish(client, 'zigbee2mqtt/bridge/devices', bridgeDevices, 1, true);
  });
  afterAll(() => t?.stop());

  it('registers a sensor bound to its bridge, with its id from the IEEE address', () => {
    expect(sensor.device).toMatchObject({
      id: `z-${SOS_IEEE}`,
      type: 'zigbee.TS0215A_sos',
      bridgeId: 'bridge-1',
      ieeeAddress: SOS_IEEE,
      friendlyName: null,
      retireeId,
      room: '301',
      options: {},
    });
  });

  it('refuses a sensor without a bridge, a second bridge on the same base topic, and options a model lacks', async () => {
    const noBridge = await t.api('POST', '/api/devices', {
      type: 'zigbee.SEB01ZB',
      ieeeAddress: '0x0000000000000001',
    });
    expect(noBridge.status).toBe(400);
    const twin = await t.api('POST', '/api/devices', { id: 'bridge-2', type: 'bridge.zigbee2mqtt' });
    expect(twin.status).toBe(409);
    const wrongOption = await t.api('POST', '/api/devices', {
      type: 'zigbee.SEB01ZB',
      bridgeId: 'bridge-1',
      ieeeAddress: '0x0000000000000002',
      options: { sosAction: 'hold' },
    });
    expect(wrongOption.status).toBe(400);
    const hs1eb = await t.api<CreatedDevice>('POST', '/api/devices', {
      type: 'zigbee.HS1EB/HS1EB-E',
      bridgeId: 'bridge-1',
      ieeeAddress: '0x0000000000000003',
      options: { sosAction: 'hold' },
    });
    expect(hs1eb.status).toBe(201);
    expect(hs1eb.body.device.options).toStrictEqual({ sosAction: 'hold' });
  });

  it('opens one critical sos alert for the bound retiree; a repeat and an empty action open nothing', async () => {
    await publish(client, 'zigbee2mqtt/301/sos', { action: 'emergency', battery: 88, linkquality: 140 });
    const alert = await eventually(async () => {
      const list = await t.api<AlertView[]>('GET', '/api/alerts?status=open');
      return list.body.find((entry) => entry.deviceId === sensor.device.id);
    });
    expect(alert).toMatchObject({ kind: 'sos', severity: 'critical', retireeId, status: 'open' });

    await publish(client, 'zigbee2mqtt/301/sos', { action: 'emergency', battery: 88, linkquality: 140 });
    await publish(client, 'zigbee2mqtt/301/sos', { action: '' });
    // A native device's event after them is processed, so everything before it has been too.
    const marker = await t.addDevice('pendant.sos', null);
    const markerClient = await t.connectDevice(marker);
    await publish(markerClient, `eldercare/v1/${marker.device.id}/event`, { id: 'marker-1', type: 'sos' });
    await eventually(async () => {
      const list = await t.api<AlertView[]>('GET', '/api/alerts');
      return list.body.some((entry) => entry.deviceId === marker.device.id);
    });
    const all = await t.api<AlertView[]>('GET', '/api/alerts');
    const mine = all.body.filter((entry) => entry.deviceId === sensor.device.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: alert.id, status: 'open', count: 1 });
  });

  it('stores the readings of the state message against the sensor', async () => {
    await eventually(async () => {
      const list = await t.api<{ id: string; battery: number | null }[]>('GET', '/api/devices');
      return list.body.find((entry) => entry.id === sensor.device.id)?.battery === 88;
    });
  });

  it('marks the sensor offline from its availability topic, and online again (legacy payload too)', async () => {
    const onlineOf = async () => {
      const list = await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices');
      return list.body.find((entry) => entry.id === sensor.device.id)?.online;
    };
    await publish(client, 'zigbee2mqtt/301/sos/availability', { state: 'online' }, 1, true);
    await eventually(async () => (await onlineOf()) === true);
    await publish(client, 'zigbee2mqtt/301/sos/availability', { state: 'offline' }, 1, true);
    await eventually(async () => (await onlineOf()) === false);
    await publish(client, 'zigbee2mqtt/301/sos/availability', 'online', 1, true);
    await eventually(async () => (await onlineOf()) === true);
  });

  it("takes the bridge's sensors offline when the bridge says it is offline", async () => {
    const onlineOf = async () => {
      const list = await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices');
      return list.body.find((entry) => entry.id === sensor.device.id)?.online;
    };
    await publish(client, 'zigbee2mqtt/301/sos/availability', { state: 'online' }, 1, true);
    await eventually(async () => (await onlineOf()) === true);
    await publish(client, 'zigbee2mqtt/bridge/state', { state: 'offline' }, 1, true);
    await eventually(async () => (await onlineOf()) === false);
    await publish(client, 'zigbee2mqtt/bridge/state', { state: 'online' }, 1, true);
    await publish(client, 'zigbee2mqtt/301/sos/availability', { state: 'online' }, 1, true);
    await eventually(async () => (await onlineOf()) === true);
  });

  it('counts invalid JSON, unknown models and unbound sensors, and keeps the bridge connected', async () => {
    const before = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    await publish(client, 'zigbee2mqtt/301/sos', '{not json');
    await publish(client, 'zigbee2mqtt/hall/kettle', { state: 'ON' });
    await publish(client, 'zigbee2mqtt/nobody/knows', { occupancy: true });
    await eventually(async () => {
      const after = (await t.api<string>('GET', '/metrics', undefined, null)).body;
      const delta = (key: string) => metric(after, key) - metric(before, key);
      return (
        delta('hub_mqtt_messages_rejected_total{reason="invalid_json"}') === 1 &&
        delta('hub_zigbee_unknown_model_total') === 1 &&
        delta('hub_zigbee_unbound_total') === 1
      );
    });
    expect(client.connected).toBe(true);
  });

  it('keeps the bridge to its base topic', async () => {
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`eldercare/v1/${sensor.device.id}/event`, JSON.stringify({ id: 'forged', type: 'sos' }), {
      qos: 1,
    });
    await closed;
    const metrics = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    expect(metric(metrics, 'hub_mqtt_acl_denied_total{action="publish"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('Zigbee2MQTT bridge: a press the hub could not store', () => {
  let t: TestHub;
  afterAll(() => t?.stop());

  it('opens the SOS the bridge sends again: the retry is not taken for a repeat of a press on record', async () => {
    t = await startTestHub();
    const retireeId = (await t.addRetiree()).id;
    const bridge = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'bridge-retry',
      type: 'bridge.zigbee2mqtt',
    });
    expect(bridge.status).toBe(201);
    const bound = await t.api<CreatedDevice>('POST', '/api/devices', {
      type: 'zigbee.generic',
      bridgeId: 'bridge-retry',
      ieeeAddress: '0xa4c1380000000304',
      retireeId,
    });
    expect(bound.status).toBe(201);
    // The bridge sends a press again when it was not acknowledged, as Zigbee2MQTT's client does
    // once it has connected again.
    const client = await t.connectDevice(bridge.body, { reconnectPeriod: 100 });
    await publish(client, 'zigbee2mqtt/bridge/devices', bridgeDevices, 1, true);

    // The database refuses this retiree's alerts until the trigger goes.
    await t.hub.db.query(`create function refuse_alerts() returns trigger language plpgsql as $$
      begin if new.retiree_id = '${retireeId}' then raise exception 'alerts refused'; end if; return new; end $$`);
    await t.hub.db.query(
      'create trigger refuse_alerts before insert on alerts for each row execute function refuse_alerts()',
    );
    const failed = 'hub_mqtt_events_unacknowledged_total{reason="failed"}';
    const metrics = async () => (await t.api<string>('GET', '/metrics', undefined, null)).body;
    const before = metric(await metrics(), failed);
    // Without last_seen: a press is told from a repeat by the time between them alone.
    const pressed = client.publishAsync('zigbee2mqtt/304/sos', JSON.stringify({ action: 'emergency' }), {
      qos: 1,
    });
    await eventually(async () => metric(await metrics(), failed) > before);
    await t.hub.db.query('drop trigger refuse_alerts on alerts');

    await pressed;
    const alerts = await eventually(async () => {
      const list = (await t.api<AlertView[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body;
      return list.length > 0 ? list : undefined;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'sos', deviceId: bound.body.device.id, count: 1 });
  });
});
