import mqtt from 'mqtt';
import promClient from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../devices/bus.ts';
import type { DeviceCommand } from '../../devices/contract.ts';
import { BoundedMemoryStore } from '../../gateway/broker/persistence/index.ts';
import { MemoryDirectory, suiteGateway } from '../helpers/gateway.ts';
import { eventually } from '../helpers/hub.ts';

describe('MQTT broker: revoking a device', () => {
  const registry = new promClient.Registry();
  const bus = new EventBus();
  const directory = new MemoryDirectory(bus);
  const clients: mqtt.MqttClient[] = [];
  // The broker's own session store, handed in so a case can see what it holds for a session.
  const persistence = new BoundedMemoryStore();
  const gateway = suiteGateway({ bus, directory, registry, persistence });
  afterAll(async () => {
    for (const client of clients) await client.endAsync(true).catch(() => {});
  });

  function connect(
    deviceId: string,
    secret: string,
    clean: boolean,
  ): Promise<{ client: mqtt.MqttClient; code: number; sessionPresent: boolean }> {
    return new Promise((resolve) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${gateway.tcpPort}`, {
        clientId: deviceId,
        username: deviceId,
        password: secret,
        clean,
        reconnectPeriod: 0,
        protocolVersion: 4,
      });
      clients.push(client);
      client.once('connect', (packet) => resolve({ client, code: 0, sessionPresent: packet.sessionPresent }));
      client.once('error', (error) =>
        resolve({ client, code: (error as { code?: number }).code ?? -1, sessionPresent: false }),
      );
    });
  }

  /** Resolves once the session store holds `count` commands queued for the offline `deviceId`. */
  async function queued(deviceId: string, count: number): Promise<void> {
    await eventually(async () => {
      let held = 0;
      // aedes-persistence types its streams as `any`.
      const stream = (
        persistence as unknown as { outgoingStream(client: { id: string }): AsyncIterable<unknown> }
      ).outgoingStream({ id: deviceId });
      for await (const _packet of stream) held += 1;
      return held === count;
    });
  }

  const command = (alertId: string): DeviceCommand => ({
    type: 'ack',
    alertId,
    text: '值班人员已收到，正在处理',
  });

  it('closes the session of a connected device at once and refuses it afterwards', async () => {
    directory.add('watch-revoked-1', 'secret-1');
    const { client, code } = await connect('watch-revoked-1', 'secret-1', true);
    expect(code).toBe(0);
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));
    const revokedAt = Date.now();
    directory.revoke('watch-revoked-1');
    expect((await closed) - revokedAt).toBeLessThan(500);
    expect((await connect('watch-revoked-1', 'secret-1', true)).code).toBe(4);
    const text = await registry.metrics();
    expect(text).toMatch(/hub_mqtt_sessions_revoked_total 1/);
  });

  it('drops the commands queued for an offline persistent session', async () => {
    directory.add('watch-revoked-2', 'secret-2');
    const first = await connect('watch-revoked-2', 'secret-2', false);
    await first.client.subscribeAsync('eldercare/v1/watch-revoked-2/cmd', { qos: 1 });
    await first.client.endAsync();
    // Offline: QoS 1 commands wait in the broker for the session.
    for (const id of ['queued-1', 'queued-2', 'queued-3']) {
      bus.emit('device.command', { deviceId: 'watch-revoked-2', command: command(id) });
    }
    await queued('watch-revoked-2', 3);
    directory.revoke('watch-revoked-2');
    await eventually(async () => /hub_mqtt_sessions_revoked_total 2/.test(await registry.metrics()));
    // The same id registered again, with a new secret: nothing of the old session reaches it.
    directory.add('watch-revoked-2', 'secret-2b');
    const received: string[] = [];
    const again = await connect('watch-revoked-2', 'secret-2b', false);
    expect(again.code).toBe(0);
    expect(again.sessionPresent).toBe(false);
    again.client.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString()).alertId));
    await again.client.subscribeAsync('eldercare/v1/watch-revoked-2/cmd', { qos: 1 });
    // A command sent now does arrive, and alone: a queue kept for the session would have been
    // delivered first, in order [MQTT-4.6.0-2], so only the old queue was dropped.
    bus.emit('device.command', { deviceId: 'watch-revoked-2', command: command('fresh') });
    await eventually(() => received.includes('fresh'));
    expect(received).toEqual(['fresh']);
  });

  it('keeps the queue of a persistent session that was not revoked (the check above can fail)', async () => {
    directory.add('watch-kept-3', 'secret-3');
    const first = await connect('watch-kept-3', 'secret-3', false);
    await first.client.subscribeAsync('eldercare/v1/watch-kept-3/cmd', { qos: 1 });
    await first.client.endAsync();
    bus.emit('device.command', { deviceId: 'watch-kept-3', command: command('kept-1') });
    await queued('watch-kept-3', 1);
    const received: string[] = [];
    const again = await connect('watch-kept-3', 'secret-3', false);
    again.client.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString()).alertId));
    expect(again.sessionPresent).toBe(true);
    await eventually(() => received.includes('kept-1'));
  });
});
