/**
 * Clearing a deleted person's retained device messages on the real broker: a device's retained
 * status is seen by a new subscriber (mqtt.js) before, nothing of it after, and another device's
 * retained status is untouched. The watcher is a bridge whose base topic covers the device
 * protocol's topics, which only an in-memory directory would allow: the hub's refuses it.
 */
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import { MemoryDirectory, suiteGateway } from '../helpers/gateway.ts';

describe('MQTT broker: clearing retained messages of a deleted person’s devices', () => {
  const directory = new MemoryDirectory();
  const clients: mqtt.MqttClient[] = [];
  directory.add('watch-a', 's-a', { type: 'wearable.watch', retireeId: 'a' });
  directory.add('watch-b', 's-b', { type: 'wearable.watch', retireeId: 'b' });
  directory.add('watcher', 's-w', {
    type: 'bridge.zigbee2mqtt',
    retireeId: null,
    options: { baseTopic: 'eldercare/v1' },
  });
  const gateway = suiteGateway({ bus: new EventBus(), directory });

  afterAll(async () => {
    for (const client of clients) await client.endAsync(true).catch(() => {});
  });

  async function connect(deviceId: string, secret: string): Promise<mqtt.MqttClient> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.tcpPort}`, {
      clientId: deviceId,
      username: deviceId,
      password: secret,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  }

  /** What a new subscriber to every device topic receives as retained, once the SUBACK is in. */
  async function retainedTopics(): Promise<Map<string, string>> {
    const watcher = await connect('watcher', 's-w');
    const seen = new Map<string, string>();
    watcher.on('message', (topic, payload, packet) => {
      if (packet.retain) seen.set(topic, payload.toString());
    });
    await watcher.subscribeAsync('eldercare/v1/#', { qos: 1 });
    // Retained messages are sent right after the SUBACK; a round trip after it has them all in.
    await watcher.publishAsync('eldercare/v1/watcher/ping', '1', { qos: 1 });
    await watcher.endAsync();
    return seen;
  }

  it('a new subscriber sees nothing retained of the cleared device, and the other device’s status still', async () => {
    for (const [id, secret] of [
      ['watch-a', 's-a'],
      ['watch-b', 's-b'],
    ] as const) {
      const device = await connect(id, secret);
      await device.publishAsync(`eldercare/v1/${id}/status`, JSON.stringify({ online: true, battery: 77 }), {
        qos: 1,
        retain: true,
      });
      await device.endAsync();
    }
    const before = await retainedTopics();
    expect(before.has('eldercare/v1/watch-a/status')).toBe(true);
    expect(before.has('eldercare/v1/watch-b/status')).toBe(true);

    expect(await gateway.clearRetained(['eldercare/v1/watch-a/#'])).toStrictEqual([
      'eldercare/v1/watch-a/status',
    ]);

    const after = await retainedTopics();
    expect(after.has('eldercare/v1/watch-a/status')).toBe(false);
    expect(after.get('eldercare/v1/watch-b/status')).toBe(JSON.stringify({ online: true, battery: 77 }));
    expect(await gateway.clearRetained(['eldercare/v1/watch-a/#'])).toStrictEqual([]);
  });
});
