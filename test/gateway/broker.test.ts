import { describe, expect, it } from 'vitest';
import { connackCode, eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('MQTT broker: authentication and topic ACL', () => {
  const t = suiteHub();

  it('accepts a device with its own id and secret', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const code = await connackCode(t.mqttUrl, {
      clientId: device.device.id,
      username: device.device.id,
      password: device.secret,
    });
    expect(code).toBe(0);
  });

  it('refuses wrong, missing or borrowed credentials with CONNACK "not authorized"', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const other = await t.addDevice('pendant.sos', null);
    const id = device.device.id;
    // 4 = bad user name or password, 5 = not authorized [MQTT-3.2.2-5]
    expect(await connackCode(t.mqttUrl, { clientId: id, username: id, password: 'wrong-secret' })).toBe(4);
    expect(await connackCode(t.mqttUrl, { clientId: id })).toBe(5);
    expect(await connackCode(t.mqttUrl, { clientId: id, username: id })).toBe(5);
    expect(
      await connackCode(t.mqttUrl, { clientId: 'unknown-device', username: 'unknown-device', password: 'x' }),
    ).toBe(4);
    // Another device's secret does not open this device's id.
    expect(await connackCode(t.mqttUrl, { clientId: id, username: id, password: other.secret })).toBe(4);
    // The client id must be the device id.
    expect(
      await connackCode(t.mqttUrl, { clientId: 'someone-else', username: id, password: device.secret }),
    ).toBe(5);
    const metrics = await t.api<string>('GET', '/metrics', undefined, null);
    expect(metrics.body).toMatch(/hub_mqtt_auth_failures_total\{reason="bad_secret"\} [1-9]/);
  });

  it('lets a device subscribe only to its own cmd topic', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const client = await t.connectDevice(device);
    const own = await client.subscribeAsync(`eldercare/v1/${device.device.id}/cmd`, { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    // SUBACK 0x80 for the topic; mqtt.js turns a refused subscription into an error.
    const refused = (topic: string) =>
      new Promise<number | undefined>((resolve) =>
        client.subscribe(topic, { qos: 1 }, (error, granted) => resolve(error ? 128 : granted?.[0]?.qos)),
      );
    expect(await refused('eldercare/v1/some-other-device/cmd')).toBe(128);
    expect(await refused('eldercare/v1/#')).toBe(128);
    expect(await refused(`eldercare/v1/${device.device.id}/telemetry`)).toBe(128);
    expect(client.connected).toBe(true);
  });

  it("does not let a device publish under another device's id", async () => {
    const victim = await t.addDevice('pendant.sos', null);
    const attacker = await t.addDevice('pendant.sos', null);
    const client = await t.connectDevice(attacker);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(
      `eldercare/v1/${victim.device.id}/event`,
      JSON.stringify({ id: 'forged-1', type: 'sos' }),
      { qos: 1 },
    );
    await closed;
    const alerts = await t.api<{ deviceId: string }[]>('GET', '/api/alerts');
    expect(alerts.body.some((alert) => alert.deviceId === victim.device.id)).toBe(false);
    const metrics = await t.api<string>('GET', '/metrics', undefined, null);
    expect(metric(metrics.body, 'hub_mqtt_acl_denied_total{action="publish"}')).toBeGreaterThanOrEqual(1);
  });

  it('rejects an invalid payload with a counted reason and processes the valid message after it', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(device);
    const before = await t.api<string>('GET', '/metrics', undefined, null);
    const topic = `eldercare/v1/${device.device.id}/event`;
    await publish(client, topic, '{broken json');
    await publish(client, topic, { id: 'e-1', type: 'sos', extra: 'unexpected' });
    await publish(client, topic, { id: 'e-2', type: 'sos' });
    const alert = await eventually(async () => {
      const list = await t.api<{ deviceId: string; kind: string }[]>('GET', '/api/alerts?status=open');
      return list.body.find((entry) => entry.deviceId === device.device.id);
    });
    expect(alert.kind).toBe('sos');
    expect(client.connected).toBe(true);
    const after = await t.api<string>('GET', '/metrics', undefined, null);
    const name = (reason: string) => `hub_mqtt_messages_rejected_total{reason="${reason}"}`;
    expect(metric(after.body, name('invalid_json')) - metric(before.body, name('invalid_json'))).toBe(1);
    expect(metric(after.body, name('schema')) - metric(before.body, name('schema'))).toBe(1);
  });

  it('marks a device online from its status and offline from its will message', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const statusTopic = `eldercare/v1/${device.device.id}/status`;
    const client = await t.connectDevice(device, {
      will: {
        topic: statusTopic,
        payload: Buffer.from(JSON.stringify({ online: false })),
        qos: 1,
        retain: true,
      },
    });
    await publish(client, statusTopic, { online: true, battery: 77, fw: '1.2.0' }, 1, true);
    const online = await eventually(async () => {
      const list = await t.api<{ id: string; online: boolean; battery: number | null }[]>(
        'GET',
        '/api/devices',
      );
      const entry = list.body.find((item) => item.id === device.device.id);
      return entry?.online && entry.battery === 77 ? entry : undefined;
    });
    expect(online.online).toBe(true);
    // Drop the connection without DISCONNECT: the broker publishes the will.
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    await eventually(async () => {
      const list = await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices');
      return list.body.find((item) => item.id === device.device.id)?.online === false;
    });
  });

  it('serves MQTT over WebSocket on /mqtt', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const wsUrl = `${t.url.replace('http', 'ws')}/mqtt`;
    expect(
      await connackCode(wsUrl, {
        clientId: device.device.id,
        username: device.device.id,
        password: device.secret,
      }),
    ).toBe(0);
    expect(
      await connackCode(wsUrl, { clientId: device.device.id, username: device.device.id, password: 'nope' }),
    ).toBe(4);
  });

  it('survives a burst of malformed messages and still takes the SOS that follows', async () => {
    const retiree = await t.addRetiree();
    const device = await t.addDevice('wearable.watch', retiree.id);
    const client = await t.connectDevice(device);
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const garbage = [
      '',
      'null',
      '[]',
      '"sos"',
      '{"hr": "fast"}',
      '{"hr": 1e400}',
      '{"__proto__": {"polluted": true}, "hr": 70}',
      `{"hr": ${'['.repeat(2000)}}`,
      JSON.stringify({ id: 'x'.repeat(200), type: 'sos' }),
      JSON.stringify({ id: 'ok', type: 'launch_missiles' }),
      'x'.repeat(20_000),
    ];
    for (let index = 0; index < 60; index += 1) {
      const channel = ['telemetry', 'event', 'status'][index % 3];
      const payload =
        index < garbage.length
          ? garbage[index]
          : Buffer.from(
              Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
            );
      client.publish(`eldercare/v1/${device.device.id}/${channel}`, payload as string, { qos: 0 });
    }
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: 'after-burst', type: 'sos' });
    const alert = await eventually(async () => {
      const list = await t.api<{ deviceId: string; kind: string }[]>(`GET`, '/api/alerts?status=open');
      return list.body.find((entry) => entry.deviceId === device.device.id && entry.kind === 'sos');
    });
    expect(alert).toBeDefined();
    expect(client.connected).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.api('GET', '/healthz', undefined, null)).status).toBe(200);
  });
});
