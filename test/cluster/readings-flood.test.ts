/**
 * A flood of readings from an external broker while detection cannot keep up (the device runs it
 * shares in Redis do not answer: Redis is paused): the telemetry lane takes no more than a bounded
 * number of readings ahead of their judging and leaves the rest in Mosquitto, an SOS pressed
 * meanwhile opens its alert all the same, and every reading is taken once Redis answers again.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';
import {
  DYNSEC_ADMIN,
  type DynsecMosquitto,
  deviceOnBroker,
  startDynsecMosquitto,
} from '../helpers/mosquitto.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';

const [redis, mosquitto]: [RedisServer | null, DynsecMosquitto | null] = await Promise.all([
  startRedis(),
  startDynsecMosquitto(),
]);
afterAll(async () => {
  await Promise.all([redis?.stop(), mosquitto?.stop()]);
});

describe.skipIf(!redis || !mosquitto)('a flood of readings the hub cannot judge as fast as they come', () => {
  let t: TestHub;
  let admin: Redis;

  beforeAll(async () => {
    const url = (mosquitto as DynsecMosquitto).url;
    t = await startTestHub({
      HUB_REDIS_URL: (redis as RedisServer).url,
      HUB_BROKER_URL: url,
      HUB_BROKER_USER: 'junxiu-hub',
      HUB_BROKER_PASSWORD: 'flood-consumer-password-0123456789',
      HUB_MOSQUITTO_URL: url,
      HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
      HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
      HUB_INSTANCE_NAME: 'flood',
    });
    await eventually(async () => (await metricValue(t, 'hub_broker_consumer_connected')) === 1);
    admin = new Redis((redis as RedisServer).url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await t?.stop();
  });

  it('holds the flood in the broker, opens an SOS meanwhile, and takes every reading after', async () => {
    const retiree = await t.addRetiree();
    const watchDevice = await t.addDevice('wearable.watch', retiree.id);
    const pendantDevice = await t.addDevice('pendant.sos', retiree.id);
    const watch = await deviceOnBroker((mosquitto as DynsecMosquitto).url, watchDevice);
    const pendant = await deviceOnBroker((mosquitto as DynsecMosquitto).url, pendantDevice);
    const taken = () => metricValue(t, 'hub_mqtt_messages_total{channel="telemetry"}');
    const before = await taken();

    // Redis answers nobody for a while: each reading's judgement waits for it (500 ms at most).
    await admin.call('CLIENT', 'PAUSE', '8000', 'ALL');
    const readings = 3_000;
    const start = Date.now() - readings * 1000;
    // Every one in Mosquitto (each acknowledged to the watch) before the SOS is pressed.
    await Promise.all(
      Array.from({ length: readings }, (_, n) =>
        watch.publishAsync(
          `eldercare/v1/${watchDevice.device.id}/telemetry`,
          JSON.stringify({ ts: start + n * 1000, hr: 70, battery: 80 }),
          { qos: 1 },
        ),
      ),
    );
    await eventually(async () => (await taken()) - before >= 200, 20_000);
    await pendant.publishAsync(
      `eldercare/v1/${pendantDevice.device.id}/event`,
      JSON.stringify({ id: 'flood-sos-1', type: 'sos', ts: Date.now() }),
      { qos: 1 },
    );
    await eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body.some((alert) => alert.kind === 'sos');
    }, 20_000);
    // The SOS is open while most of the readings still wait in Mosquitto.
    expect((await taken()) - before).toBeLessThan(readings);

    await admin.call('CLIENT', 'UNPAUSE');
    await eventually(async () => (await taken()) - before === readings, 60_000);
    await Promise.all([watch.endAsync(), pendant.endAsync()]);
  }, 120_000);
});
