/**
 * A reconnect storm: 1,000 devices connected to a hub that goes away and comes back on the same
 * port; they all reconnect at once. The hub absorbs it (no crash, its API answers meanwhile) and
 * every device is back, authenticated, and heard, well within a minute.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';
import { freePort } from '../helpers/tmp.ts';

const DEVICES = 1_000;

const metric = metricValue;

describe('reconnect storm', () => {
  const clients: MqttClient[] = [];
  let hub: TestHub | undefined;

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => {})));
    await hub?.stop();
  });

  it(`takes ${DEVICES} devices reconnecting at once after a restart`, async () => {
    const mqttPort = await freePort();
    const env = { HUB_MQTT_PORT: String(mqttPort) };
    const first = await startTestHub(env);
    hub = first;
    const created: CreatedDevice[] = [];
    for (let i = 0; i < DEVICES; i += 50) {
      created.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, DEVICES - i) }, (_, j) =>
            first.addDevice('sensor.door', null, `storm-${i + j + 1}`),
          ),
        )),
      );
    }
    let connects = 0;
    for (const device of created) {
      const client = mqtt.connect(first.mqttUrl, {
        clientId: device.device.id,
        username: device.device.id,
        password: device.secret,
        // Every device retries on the same beat: the storm is as sharp as it gets.
        reconnectPeriod: 1_000,
        connectTimeout: 10_000,
        keepalive: 60,
      });
      client.on('error', () => {});
      client.on('connect', () => {
        connects += 1;
      });
      clients.push(client);
    }
    await eventually(() => clients.every((client) => client.connected), 60_000);
    expect(await metric(first, 'hub_mqtt_clients')).toBe(DEVICES);

    // The hub goes away; every device loses its connection and keeps retrying.
    await first.stop({ keepData: true });
    hub = undefined;
    await eventually(() => clients.every((client) => !client.connected), 10_000);
    const before = connects;
    const second = await startTestHub(env, { dataDir: first.dataDir });
    hub = second;
    const back = Date.now();
    // Meanwhile the hub keeps answering its staff.
    let apiAnswers = 0;
    const probe = setInterval(() => {
      void second.api('GET', '/healthz').then((response) => {
        if (response.status === 200) apiAnswers += 1;
      });
    }, 250);
    try {
      await eventually(() => clients.every((client) => client.connected), 60_000);
    } finally {
      clearInterval(probe);
    }
    const tookMs = Date.now() - back;
    expect(tookMs).toBeLessThan(60_000);
    expect(connects - before).toBeGreaterThanOrEqual(DEVICES);
    expect(apiAnswers).toBeGreaterThan(0);
    await eventually(async () => (await metric(second, 'hub_mqtt_clients')) === DEVICES, 10_000);
    // Each of them is heard: one reading apiece, all accepted.
    const accepted = await metric(second, 'hub_mqtt_messages_total{channel="telemetry"}');
    await Promise.all(
      clients.map((client, i) =>
        client.publishAsync(
          `eldercare/v1/${created[i]?.device.id}/telemetry`,
          JSON.stringify({ ts: Date.now(), open: false }),
          { qos: 1 },
        ),
      ),
    );
    await eventually(
      async () =>
        (await metric(second, 'hub_mqtt_messages_total{channel="telemetry"}')) === accepted + DEVICES,
      10_000,
    ).catch(async (error) => {
      const text = (await second.api<string>('GET', '/metrics')).body;
      throw new Error(
        `${error}: ${text
          .split('\n')
          .filter((l) => l.startsWith('hub_mqtt_messages'))
          .join('; ')}`,
      );
    });
    expect(await metric(second, 'hub_mqtt_auth_failures_total')).toBe(0);
  }, 180_000);
});
