/**
 * A hub restart — stopped, or killed with SIGKILL — keeps what the broker owes a device: a command
 * queued while it was away reaches it when it comes back with its persistent session, and retained
 * messages are still served. With HUB_BROKER_STORE=memory that state is lost, as before.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, CreatedDevice } from '../../server/schemas/index.ts';
import { connected, deviceClient, eventually, publish, startTestHub } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Device {
  client: MqttClient;
  commands: { type: string; alertId?: string; text?: string }[];
  sessionPresent: boolean;
}

/** Connects as the device, listening for commands from the first packet on. */
async function connect(
  mqttUrl: string,
  created: CreatedDevice,
  options: IClientOptions = {},
): Promise<Device> {
  const client = deviceClient(mqttUrl, created, options);
  cleanups.push(() => client.endAsync(true).catch(() => {}));
  const device: Device = { client, commands: [], sessionPresent: false };
  client.on('message', (_topic, payload) => device.commands.push(JSON.parse(payload.toString())));
  device.sessionPresent = (await connected(client)).sessionPresent;
  return device;
}

const cmdTopic = (created: CreatedDevice) => `eldercare/v1/${created.device.id}/cmd`;
const statusTopic = (created: CreatedDevice) => `eldercare/v1/${created.device.id}/status`;

/** Reads the retained messages under `filter` as a Zigbee2MQTT bridge does at start. */
async function retained(mqttUrl: string, bridge: CreatedDevice, filter: string): Promise<string[]> {
  const client = mqtt.connect(mqttUrl, {
    clientId: bridge.device.id,
    username: bridge.device.id,
    password: bridge.secret,
    reconnectPeriod: 0,
  });
  const seen: string[] = [];
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) seen.push(`${topic} ${payload.toString()}`);
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  await eventually(() => seen.length > 0);
  await client.endAsync(true);
  return seen;
}

describe('broker restart: persistent sessions and retained messages', () => {
  it('delivers a command queued before a stop once the device is back, and keeps retained messages', async () => {
    const first = await startTestHub();
    cleanups.push(() => first.dataDir.remove());
    let running = first;
    cleanups.push(() => running.stop({ keepData: true }));
    const watch = await first.addDevice('wearable.watch', null);
    const bridge = await first.addDevice('bridge.zigbee2mqtt', null);

    const device = await connect(first.mqttUrl, watch, { clean: false });
    await device.client.subscribeAsync(cmdTopic(watch), { qos: 1 });
    await publish(device.client, statusTopic(watch), { online: true, battery: 80 }, 1, true);
    await device.client.endAsync();
    const hub = await connect(first.mqttUrl, bridge);
    await publish(hub.client, 'zigbee2mqtt/bridge/state', { state: 'online' }, 1, true);
    await hub.client.endAsync();

    first.hub.bus.emit('device.command', {
      deviceId: watch.device.id,
      command: { type: 'ack', alertId: 'a-1', text: '收到' },
    });
    await eventually(async () => {
      const metrics = await first.api<string>('GET', '/metrics', undefined, null);
      return /^hub_broker_store_queued_messages 1$/m.test(metrics.body);
    });
    await first.stop({ keepData: true });
    expect(existsSync(join(first.dataDir.path, 'broker.sqlite'))).toBe(true);

    const second = await startTestHub({}, { dataDir: first.dataDir });
    running = second;
    // Back with its persistent session and without subscribing again: the command arrives.
    const back = await connect(second.mqttUrl, watch, { clean: false });
    expect(back.sessionPresent).toBe(true);
    await eventually(() => back.commands.length > 0);
    expect(back.commands).toEqual([{ type: 'ack', alertId: 'a-1', text: '收到' }]);
    expect(await retained(second.mqttUrl, bridge, 'zigbee2mqtt/bridge/state')).toEqual([
      'zigbee2mqtt/bridge/state {"state":"online"}',
    ]);
    // Delivered and acknowledged: not delivered again after another restart.
    await eventually(async () => {
      const metrics = await second.api<string>('GET', '/metrics', undefined, null);
      return /^hub_broker_store_queued_messages 0$/m.test(metrics.body);
    });
  });

  it('with HUB_BROKER_STORE=memory the broker starts empty after a restart', async () => {
    const env = { HUB_BROKER_STORE: 'memory' };
    const first = await startTestHub(env);
    cleanups.push(() => first.dataDir.remove());
    let running = first;
    cleanups.push(() => running.stop({ keepData: true }));
    const watch = await first.addDevice('wearable.watch', null);
    const device = await connect(first.mqttUrl, watch, { clean: false });
    await device.client.subscribeAsync(cmdTopic(watch), { qos: 1 });
    // The session lives while the hub runs: a command sent while the device is away waits for it.
    await device.client.endAsync();
    first.hub.bus.emit('device.command', {
      deviceId: watch.device.id,
      command: { type: 'ack', alertId: 'a-1', text: '一' },
    });
    const again = await connect(first.mqttUrl, watch, { clean: false });
    expect(again.sessionPresent).toBe(true);
    await eventually(() => again.commands.length > 0);
    expect(again.commands).toEqual([{ type: 'ack', alertId: 'a-1', text: '一' }]);
    await again.client.endAsync();
    first.hub.bus.emit('device.command', {
      deviceId: watch.device.id,
      command: { type: 'ack', alertId: 'a-2', text: '二' },
    });
    await first.stop({ keepData: true });
    expect(existsSync(join(first.dataDir.path, 'broker.sqlite'))).toBe(false);

    const second = await startTestHub(env, { dataDir: first.dataDir });
    running = second;
    const back = await connect(second.mqttUrl, watch, { clean: false });
    expect(back.sessionPresent).toBe(false);
    // A round trip after CONNACK: anything queued for the session would have come before its PUBACK.
    await publish(back.client, statusTopic(watch), { online: true }, 1, true);
    expect(back.commands).toEqual([]);
  });
});

/** The hub as `npm start` runs it, in its own process; killed at the end of the test. */
async function startProcess(dataDir: string, httpPort: number, mqttPort: number): Promise<HubProcess> {
  const hub = await spawnHub({ dataDir, httpPort, mqttPort });
  cleanups.push(() => hub.kill());
  return hub;
}

describe('broker restart: the hub process killed', () => {
  it('delivers the acknowledgement of an SOS queued just before a kill -9 once the device is back', async () => {
    const dir = await makeTempDir('broker-kill-');
    cleanups.push(() => dir.remove());
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const first = await startProcess(dir.path, httpPort, mqttPort);
    const retiree = await first.addRetiree();
    const pendant = await first.addDevice('pendant-kill-1', 'pendant.sos', retiree.id);

    const device = await connect(first.mqttUrl, pendant, { clean: false });
    await device.client.subscribeAsync(cmdTopic(pendant), { qos: 1 });
    await publish(device.client, `eldercare/v1/${pendant.device.id}/event`, { id: 'sos-1', type: 'sos' });
    const alert = await eventually(async () => {
      const list = await first.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
    // The pendant loses its connection; the duty officer acknowledges meanwhile.
    await device.client.endAsync();
    expect((await first.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    await eventually(async () => {
      const metrics = await first.api<string>('GET', '/metrics');
      return /^hub_broker_store_queued_messages 1$/m.test(metrics.body);
    });
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startProcess(dir.path, httpPort, mqttPort);
    const back = await connect(second.mqttUrl, pendant, { clean: false });
    expect(back.sessionPresent).toBe(true);
    await eventually(() => back.commands.length > 0);
    expect(back.commands).toEqual([expect.objectContaining({ type: 'ack', alertId: alert.id })]);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
