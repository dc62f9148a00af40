/**
 * Device accounts kept in a real Mosquitto's dynamic-security plugin: a device registered on the
 * hub connects to Mosquitto with its secret and may use its own topics only; a rotated secret
 * closes the old session and only the new one gets in; a revoked device is disconnected at once and
 * refused after. Devices speak MQTT to Mosquitto over TCP, as they would.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/devices.ts';
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts';
import { DYNSEC_ADMIN, type DynsecMosquitto, startDynsecMosquitto } from '../helpers/mosquitto.ts';

const mosquitto: DynsecMosquitto | null = await startDynsecMosquitto();
afterAll(async () => mosquitto?.stop());

/** Connects as a device: resolves with the client, or rejects with Mosquitto's refusal. */
function connectAs(id: string, secret: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect((mosquitto as DynsecMosquitto).url, {
      clientId: id,
      username: id,
      password: secret,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** The SUBACK reason code Mosquitto gives `client` for `topic` (0–2 granted, 135 not authorised). */
async function subscribeCode(client: MqttClient, topic: string): Promise<number> {
  try {
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    return granted[0]?.qos ?? -1;
  } catch (error) {
    // mqtt.js rejects a SUBACK that grants nothing, carrying the packet.
    const codes = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (codes?.[0] !== undefined) return codes[0];
    throw error;
  }
}

describe.skipIf(mosquitto === null)('device accounts in Mosquitto', () => {
  let t: TestHub;
  let pendant: CreatedDevice;

  beforeAll(async () => {
    t = await startTestHub({
      HUB_MOSQUITTO_URL: (mosquitto as DynsecMosquitto).url,
      HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
      HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
    });
    pendant = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
  });
  afterAll(() => t?.stop());

  it('lets a registered device in with its secret, to its own topics only', async () => {
    const id = pendant.device.id;
    await expect(connectAs(id, 'not-the-secret')).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
    const device = await connectAs(id, pendant.secret);
    try {
      expect(await subscribeCode(device, `eldercare/v1/${id}/cmd`)).toBe(1);
      expect(await subscribeCode(device, 'eldercare/v1/#')).toBe(135);
      expect(await subscribeCode(device, 'eldercare/v1/someone-else/cmd')).toBe(135);
      // A device may not take another's client id.
      await expect(connectAs('someone-else', pendant.secret)).rejects.toThrow();
    } finally {
      await device.endAsync();
    }
  });

  it('closes the old session when the secret is rotated, and lets only the new one in', async () => {
    const id = pendant.device.id;
    const device = await connectAs(id, pendant.secret);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const rotated = await t.api<{ secret: string }>('POST', `/api/devices/${id}/secret`);
    expect(rotated.status).toBe(200);
    await closed;
    device.end(true);
    await expect(connectAs(id, pendant.secret)).rejects.toThrow();
    const again = await connectAs(id, rotated.body.secret);
    await again.endAsync();
    pendant = { ...pendant, secret: rotated.body.secret };
  });

  it('disconnects a revoked device at once and refuses it after', async () => {
    const id = pendant.device.id;
    const device = await connectAs(id, pendant.secret);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    expect((await t.api('POST', `/api/devices/${id}/revoke`, { reason: '遗失' })).status).toBe(200);
    await closed;
    device.end(true);
    await expect(connectAs(id, pendant.secret)).rejects.toThrow();
  });

  it('gives a Zigbee2MQTT bridge its base topic', async () => {
    const created = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: 'mosq-bridge',
      type: 'bridge.zigbee2mqtt',
      options: { baseTopic: 'ward3' },
    });
    expect(created.status).toBe(201);
    const bridge = await connectAs('mosq-bridge', created.body.secret);
    try {
      expect(await subscribeCode(bridge, 'ward3/#')).toBe(1);
      expect(await subscribeCode(bridge, 'zigbee2mqtt/#')).toBe(135);
    } finally {
      await bridge.endAsync();
    }
  });

  it('makes no account for a Zigbee sensor, which speaks through its bridge', async () => {
    const sensor = await t.api<CreatedDevice>('POST', '/api/devices', {
      type: 'zigbee.TS0215A_sos',
      bridgeId: 'mosq-bridge',
      ieeeAddress: '0x00124b0022aabb01',
    });
    expect(sensor.status).toBe(201);
    expect(await (mosquitto as DynsecMosquitto).ctrl('getClient', sensor.body.device.id)).toMatch(
      /not found/i,
    );
  });

  it('gives a device without an account one when its secret is rotated', async () => {
    const device = await t.addDevice('pendant.sos', null);
    const id = device.device.id;
    expect(await (mosquitto as DynsecMosquitto).ctrl('deleteClient', id)).not.toMatch(/error/i);
    await expect(connectAs(id, device.secret)).rejects.toThrow();
    const rotated = await t.api<{ secret: string }>('POST', `/api/devices/${id}/secret`);
    expect(rotated.status).toBe(200);
    const again = await connectAs(id, rotated.body.secret);
    await again.endAsync();
  });

  it('registers nothing when Mosquitto cannot take the account', async () => {
    await (mosquitto as DynsecMosquitto).stop();
    const refused = await t.api<{ error: string; message: string }>('POST', '/api/devices', {
      id: 'mosq-late',
      type: 'pendant.sos',
    });
    expect(refused.status).toBe(502);
    expect(refused.body.message).toContain('Mosquitto');
    await eventually(async () => (await t.api('GET', '/api/devices/mosq-late')).status === 404);
  });
});
