import net from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceCommand } from '../../devices/contract.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { connectFrame, publishFrame, RawClient, remainingLength, subscribeFrame } from './mqtt-frames.ts';

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function metrics(t: TestHub): Promise<string> {
  return (await t.api<string>('GET', '/metrics', undefined, null)).body;
}

/** CONNACK return code of an mqtt.js client, optionally from another loopback address. */
function connackCode(
  port: number,
  options: mqtt.IClientOptions,
  localAddress?: string,
): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const client = new mqtt.MqttClient(
      () => net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) }),
      { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...options },
    );
    client.on('connect', (packet) => {
      client.end(true);
      resolve({ code: packet.returnCode ?? 0, ms: Date.now() - started });
    });
    client.on('error', (error) => {
      client.end(true);
      resolve({ code: (error as { code?: number }).code ?? -1, ms: Date.now() - started });
    });
  });
}

const closedReason = (reason: string) => `hub_mqtt_connections_closed_total{reason="${reason}"}`;

describe('MQTT broker limits: packet size, identity, wills, topics and timeouts', () => {
  const t = suiteHub({ HUB_MQTT_CONNECT_TIMEOUT_MS: '500', HUB_MQTT_DRAIN_TIMEOUT_MS: '1000' });

  async function connectedRaw(): Promise<{ raw: RawClient; deviceId: string }> {
    const device = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    const raw = new RawClient(t.hub.mqttPort);
    await raw.write(
      connectFrame({ clientId: device.device.id, username: device.device.id, password: device.secret }),
    );
    expect(await raw.connack()).toBe(0);
    return { raw, deviceId: device.device.id };
  }

  it('closes a connection whose PUBLISH announces more than 64 KiB, before buffering it, and no other', async () => {
    const bystander = await t.connectDevice(await t.addDevice('wearable.watch', null));
    const { raw } = await connectedRaw();
    const before = await metrics(t);
    global.gc?.();
    const memoryBefore = process.memoryUsage();
    // A PUBLISH that claims 200 MiB, then as much of it as the socket will take for a while.
    await raw.write(Buffer.concat([Buffer.from([0x30]), remainingLength(200 * 1024 * 1024)]));
    const block = Buffer.alloc(1024 * 1024, 0x61);
    for (let sent = 0; sent < 32 && !raw.isClosed; sent += 1) {
      raw.socket.write(block);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await raw.closedWithin(3000)).toBe(true);
    const memoryAfter = process.memoryUsage();
    // The hub runs in this process: what the attempt left behind is far below what it sent.
    expect(memoryAfter.arrayBuffers - memoryBefore.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
    const after = await metrics(t);
    expect(metric(after, closedReason('oversize')) - metric(before, closedReason('oversize'))).toBe(1);
    expect(bystander.connected).toBe(true);
  });

  it('takes a packet of exactly the limit and refuses one byte more', async () => {
    const { raw: atLimit, deviceId } = await connectedRaw();
    const topic = `eldercare/v1/${deviceId}/telemetry`;
    const overhead = publishFrame(topic, '').length;
    // 64 KiB in all: the broker takes it, the decoder refuses the payload as too large, the link stays.
    const payloadBytes = 64 * 1024 - overhead - 2; // two more bytes of remaining length
    const whole = publishFrame(topic, Buffer.alloc(payloadBytes, 0x20));
    expect(whole.length).toBe(64 * 1024);
    const before = await metrics(t);
    await atLimit.write(whole);
    await eventually(async () => {
      const now = await metrics(t);
      const name = 'hub_mqtt_messages_rejected_total{reason="too_large"}';
      return metric(now, name) > metric(before, name);
    });
    expect(atLimit.isClosed).toBe(false);
    const { raw: over, deviceId: overId } = await connectedRaw();
    const overTopic = `eldercare/v1/${overId}/telemetry`;
    const overOverhead = publishFrame(overTopic, '').length + 2;
    const oneMore = publishFrame(overTopic, Buffer.alloc(64 * 1024 + 1 - overOverhead, 0x20));
    expect(oneMore.length).toBe(64 * 1024 + 1);
    await over.write(oneMore);
    expect(await over.closedWithin(3000)).toBe(true);
    atLimit.destroy();
  });

  it('applies the same limit to MQTT over WebSocket', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const client = await mqtt.connectAsync(`${t.url.replace('http', 'ws')}/mqtt`, {
      clientId: device.device.id,
      username: device.device.id,
      password: device.secret,
      reconnectPeriod: 0,
    });
    const before = await metrics(t);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // Only the header of a 1 MiB PUBLISH, in one small WebSocket message.
    (client as unknown as { stream: { write(bytes: Buffer): void } }).stream.write(
      Buffer.concat([Buffer.from([0x30]), remainingLength(1024 * 1024), Buffer.alloc(64)]),
    );
    await closed;
    const after = await metrics(t);
    expect(metric(after, closedReason('oversize')) - metric(before, closedReason('oversize'))).toBe(1);
  });

  it('processes the SOS written just before an oversize packet on the same connection', async () => {
    const { raw, deviceId } = await connectedRaw();
    const sos = publishFrame(
      `eldercare/v1/${deviceId}/event`,
      JSON.stringify({ id: 'before-big', type: 'sos' }),
    );
    await raw.write(Buffer.concat([sos, Buffer.from([0x30]), remainingLength(10 * 1024 * 1024)]));
    expect(await raw.closedWithin(3000)).toBe(true);
    const alert = await eventually(async () => {
      const list = await t.api<{ deviceId: string; kind: string }[]>('GET', '/api/alerts?status=open');
      return list.body.find((entry) => entry.deviceId === deviceId);
    });
    expect(alert.kind).toBe('sos');
  });

  it('closes an unauthenticated connection whose CONNECT announces 100 MiB, or a malformed length', async () => {
    const before = await metrics(t);
    const big = new RawClient(t.hub.mqttPort);
    await big.write(
      Buffer.concat([Buffer.from([0x10]), remainingLength(100 * 1024 * 1024), Buffer.alloc(4096)]),
    );
    expect(await big.closedWithin(3000)).toBe(true);
    const malformed = new RawClient(t.hub.mqttPort);
    await malformed.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(await malformed.closedWithin(3000)).toBe(true);
    const after = await metrics(t);
    expect(metric(after, closedReason('oversize')) - metric(before, closedReason('oversize'))).toBe(1);
    expect(
      metric(after, closedReason('malformed_length')) - metric(before, closedReason('malformed_length')),
    ).toBe(1);
  });

  it('drops a connection that sends no CONNECT, or only part of one, after the connect timeout', async () => {
    const before = await metrics(t);
    const silent = new RawClient(t.hub.mqttPort);
    const truncated = new RawClient(t.hub.mqttPort);
    const connect = connectFrame({ clientId: 'truncated-1', username: 'truncated-1', password: 'x' });
    await truncated.write(connect.subarray(0, 10));
    expect(await silent.closedWithin(3000)).toBe(true);
    expect(await truncated.closedWithin(3000)).toBe(true);
    const after = await metrics(t);
    expect(
      metric(after, closedReason('connect_timeout')) - metric(before, closedReason('connect_timeout')),
    ).toBe(2);
  });

  it('answers an empty client id asking for a persistent session with CONNACK 2 [MQTT-3.1.3-8]', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const before = await metrics(t);
    const raw = new RawClient(t.hub.mqttPort);
    await raw.write(
      connectFrame({ clientId: '', clean: false, username: device.device.id, password: device.secret }),
    );
    expect(await raw.connack()).toBe(2);
    expect(await raw.closedWithin(3000)).toBe(true);
    // With a clean session the empty id is still not the device id.
    const clean = new RawClient(t.hub.mqttPort);
    await clean.write(connectFrame({ clientId: '', username: device.device.id, password: device.secret }));
    expect(await clean.connack()).toBe(5);
    const after = await metrics(t);
    const name = 'hub_mqtt_auth_failures_total{reason="empty_client_id"}';
    expect(metric(after, name) - metric(before, name)).toBe(1);
  });

  it('refuses a will on a topic the device may not publish to, at CONNECT', async () => {
    const victim = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    const attacker = await t.addDevice('wearable.watch', null);
    const before = await metrics(t);
    const code = await connackCode(t.hub.mqttPort, {
      clientId: attacker.device.id,
      username: attacker.device.id,
      password: attacker.secret,
      will: {
        topic: `eldercare/v1/${victim.device.id}/status`,
        payload: Buffer.from('{"online":false}'),
        qos: 1,
        retain: true,
      },
    });
    expect(code.code).toBe(5);
    const after = await metrics(t);
    const name = 'hub_mqtt_acl_denied_total{action="will"}';
    expect(metric(after, name) - metric(before, name)).toBe(1);
  });

  it('refuses $SYS publishes and wildcard, $SYS and cross-device subscriptions, counting each', async () => {
    const device = await t.addDevice('wearable.watch', null);
    const client = await t.connectDevice(device);
    const before = await metrics(t);
    const granted = (topic: string) =>
      new Promise<number | undefined>((resolve) =>
        client.subscribe(topic, { qos: 1 }, (error, result) => resolve(error ? 128 : result?.[0]?.qos)),
      );
    for (const topic of ['#', '+/+/+/cmd', '$SYS/#', 'eldercare/v1/+/cmd', 'eldercare/v1/other-device/cmd']) {
      expect(await granted(topic), topic).toBe(128);
    }
    const middle = await metrics(t);
    expect(
      metric(middle, 'hub_mqtt_acl_denied_total{action="subscribe"}') -
        metric(before, 'hub_mqtt_acl_denied_total{action="subscribe"}'),
    ).toBe(5);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('$SYS/junxiu-hub/new/clients', device.device.id, { qos: 1 });
    await closed;
    const after = await metrics(t);
    expect(
      metric(after, 'hub_mqtt_acl_denied_total{action="sys"}') -
        metric(before, 'hub_mqtt_acl_denied_total{action="sys"}'),
    ).toBe(1);
  });

  it('lets a Zigbee2MQTT bridge send a large device list but not topics deeper than the limit', async () => {
    const created = await t.api<{ device: { id: string }; secret: string }>('POST', '/api/devices', {
      id: 'bridge-limits',
      type: 'bridge.zigbee2mqtt',
      retireeId: null,
    });
    expect(created.status).toBe(201);
    const bridge = await t.connectDevice(created.body as never);
    // 200 KiB: over the device limit, within the bridge's.
    await publish(bridge, 'zigbee2mqtt/bridge/devices', JSON.stringify([{ filler: 'x'.repeat(200 * 1024) }]));
    expect(bridge.connected).toBe(true);
    await publish(bridge, `zigbee2mqtt/${Array.from({ length: 11 }, (_, i) => `l${i}`).join('/')}`, '{}');
    expect(bridge.connected).toBe(true);
    const before = await metrics(t);
    const closed = new Promise<void>((resolve) => bridge.once('close', () => resolve()));
    bridge.publish(`zigbee2mqtt/${Array.from({ length: 12 }, (_, i) => `l${i}`).join('/')}`, '{}', {
      qos: 1,
    });
    await closed;
    const after = await metrics(t);
    expect(metric(after, closedReason('topic_levels')) - metric(before, closedReason('topic_levels'))).toBe(
      1,
    );
  });

  it('drops a client that stops reading after the drain timeout, while another device keeps its commands', async () => {
    const slow = await t.addDevice('wearable.watch', null);
    const raw = new RawClient(t.hub.mqttPort);
    await raw.write(
      connectFrame({ clientId: slow.device.id, username: slow.device.id, password: slow.secret }),
    );
    expect(await raw.connack()).toBe(0);
    await raw.write(subscribeFrame(1, `eldercare/v1/${slow.device.id}/cmd`, 0));
    await raw.suback();
    raw.socket.pause();
    const before = await metrics(t);
    const command = { type: 'ack', alertId: 'a', text: '值'.repeat(8 * 1024) } as DeviceCommand;
    for (let index = 0; index < 1500; index += 1) {
      t.hub.bus.emit('device.command', { deviceId: slow.device.id, command });
    }
    const healthy = await t.addDevice('pendant.sos', null);
    const client = await t.connectDevice(healthy);
    await client.subscribeAsync(`eldercare/v1/${healthy.device.id}/cmd`, { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(payload.toString())),
    );
    t.hub.bus.emit('device.command', {
      deviceId: healthy.device.id,
      command: { type: 'ack', alertId: 'b', text: '值班人员已收到，正在处理' },
    });
    expect(JSON.parse(await received).alertId).toBe('b');
    await eventually(async () => {
      const now = await metrics(t);
      return metric(now, closedReason('drain_timeout')) > metric(before, closedReason('drain_timeout'));
    }, 10_000);
    raw.destroy();
  });
});

describe('MQTT broker limits: failed CONNECTs per address and per username', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      HUB_MQTT_FAILED_CONNECTS_PER_IP: '3',
      HUB_MQTT_FAILED_CONNECTS_PER_USERNAME: '3',
      HUB_MQTT_COOLDOWN_SECONDS: '60',
      HUB_MQTT_COOLDOWN_DELAY_MS: '1000',
    });
  });
  afterAll(() => t?.stop());

  const credentials = (device: { device: { id: string }; secret: string }, secret = device.secret) => ({
    clientId: device.device.id,
    username: device.device.id,
    password: secret,
  });

  it('refuses an address that kept failing, even with a good secret, while other addresses get in', async () => {
    const device = await t.addDevice('wearable.watch', null);
    for (let index = 0; index < 3; index += 1) {
      const guess = await connackCode(
        t.hub.mqttPort,
        { clientId: `nobody-${index}`, username: `nobody-${index}`, password: 'guess' },
        '127.0.0.5',
      );
      expect(guess.code).toBe(4);
    }
    expect((await connackCode(t.hub.mqttPort, credentials(device), '127.0.0.5')).code).toBe(5);
    const elsewhere = await connackCode(t.hub.mqttPort, credentials(device), '127.0.0.6');
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.ms).toBeLessThan(1000);
    expect(metric(await metrics(t), 'hub_mqtt_auth_failures_total{reason="ip_cooldown"}')).toBe(1);
  });

  it('slows guesses at one device id from many addresses; the device itself still connects', async () => {
    const device = await t.addDevice('pendant.sos', null);
    for (const address of ['127.0.0.7', '127.0.0.8', '127.0.0.9']) {
      expect((await connackCode(t.hub.mqttPort, credentials(device, 'wrong'), address)).code).toBe(4);
    }
    // An address that guessed is refused outright; a fresh one is answered after the delay.
    expect((await connackCode(t.hub.mqttPort, credentials(device), '127.0.0.7')).code).toBe(5);
    const guess = await connackCode(t.hub.mqttPort, credentials(device, 'wrong'), '127.0.0.11');
    expect(guess.code).toBe(4);
    expect(guess.ms).toBeGreaterThanOrEqual(990);
    const real = await connackCode(t.hub.mqttPort, credentials(device), '127.0.0.10');
    expect(real.code).toBe(0);
    expect(real.ms).toBeGreaterThanOrEqual(990);
    expect(metric(await metrics(t), 'hub_mqtt_auth_failures_total{reason="username_cooldown"}')).toBe(1);
  });
});

describe('MQTT broker limits: connection cap', () => {
  const t = suiteHub({ HUB_MQTT_MAX_CONNECTIONS: '3' });

  it('closes connections over the cap at once and takes new ones when a place frees', async () => {
    const idle = [
      new RawClient(t.hub.mqttPort),
      new RawClient(t.hub.mqttPort),
      new RawClient(t.hub.mqttPort),
    ];
    await Promise.all(idle.map((raw) => raw.connected));
    // The cap counts connections as the broker accepts them: wait until it holds all three.
    await eventually(async () => metric(await metrics(t), 'hub_mqtt_connections') === 3);
    const extra = new RawClient(t.hub.mqttPort);
    expect(await extra.closedWithin(10_000)).toBe(true);
    expect(metric(await metrics(t), closedReason('connection_cap'))).toBe(1);
    for (const raw of idle) raw.destroy();
    await eventually(async () => metric(await metrics(t), 'hub_mqtt_connections') === 0);
    const device = await t.addDevice('wearable.watch', null);
    const client = await t.connectDevice(device);
    expect(client.connected).toBe(true);
  });
});
