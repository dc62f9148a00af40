/**
 * The fleet against a real aedes broker over TCP, with per-device id/secret authentication, seen
 * by an MQTT client that plays the hub.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDeviceMessage, getDefinition, parseDeviceTopic } from '../../devices/index.ts';
import type { Credentials } from '../../simulators/credentials.ts';
import { Fleet, type ReceivedCommand } from '../../simulators/fleet.ts';
import { type BareBroker, startBareBroker } from './broker.ts';

interface Seen {
  topic: string;
  deviceId: string;
  channel: string;
  payload: Record<string, unknown>;
  raw: Buffer;
}

const credentials: Credentials = {
  version: 1,
  createdAt: new Date().toISOString(),
  retirees: [
    {
      name: '王建国',
      devices: [
        { id: 't-00-watch', type: 'wearable.watch', secret: 's-00-watch' },
        { id: 't-00-pendant', type: 'pendant.sos', secret: 's-00-pendant' },
        { id: 't-00-door', type: 'sensor.door', secret: 's-00-door' },
        { id: 't-00-smoke', type: 'sensor.smoke', secret: 's-00-smoke' },
      ],
    },
    {
      name: '李秀英',
      devices: [
        { id: 't-01-watch', type: 'wearable.watch', secret: 's-01-watch' },
        { id: 't-01-pendant', type: 'pendant.sos', secret: 's-01-pendant' },
        { id: 't-01-gas', type: 'sensor.gas', secret: 's-01-gas' },
      ],
    },
  ],
};
const secrets = new Map(credentials.retirees.flatMap((r) => r.devices.map((d) => [d.id, d.secret])));
const typeOf = new Map(credentials.retirees.flatMap((r) => r.devices.map((d) => [d.id, d.type])));

let broker: BareBroker;
let brokerUrl: string;
let hub: MqttClient;
const seen: Seen[] = [];

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  broker = await startBareBroker({
    authenticate: (client, username, password, done) => {
      const ok =
        username === client.id && secrets.has(client.id) && password?.toString() === secrets.get(client.id);
      if (username === 'hub' && password?.toString() === 'hub-secret') return done(null, true);
      if (ok) return done(null, true);
      const error = Object.assign(new Error('not authorized'), { returnCode: 5 as const });
      done(error, false);
    },
  });
  brokerUrl = broker.url;
  hub = await connectAsync(brokerUrl, {
    clientId: 'hub',
    username: 'hub',
    password: 'hub-secret',
    reconnectPeriod: 0,
  });
  await hub.subscribeAsync('eldercare/v1/#', { qos: 1 });
  hub.on('message', (topic, raw) => {
    const parsed = parseDeviceTopic(topic);
    if (!parsed) return;
    seen.push({ topic, ...parsed, payload: JSON.parse(raw.toString('utf8')), raw });
  });
});

afterAll(async () => {
  await hub?.endAsync();
  await broker?.close();
});

describe('the fleet on a real broker', () => {
  it('plays devices by the protocol, injects scenarios, hears commands and leaves cleanly', async () => {
    const commands: ReceivedCommand[] = [];
    const log: string[] = [];
    const fleet = new Fleet({
      brokerUrl,
      credentials,
      intervalMs: 150,
      seed: 7,
      telemetryQos: 1,
      log: (line) => log.push(line),
      onCommand: (received) => commands.push(received),
    });
    const started = await fleet.start();
    expect(started).toStrictEqual({ connected: 7, failed: [] });

    // Every device announces itself online with firmware and, where it has one, battery.
    for (const id of typeOf.keys()) {
      const status = await until(`online status of ${id}`, () =>
        seen.find((m) => m.deviceId === id && m.channel === 'status' && m.payload.online === true),
      );
      expect(status.payload.fw).toBe('1.0.0');
      const definition = getDefinition(typeOf.get(id)!)!;
      expect(decodeDeviceMessage(definition, 'status', status.raw, Date.now()).ok).toBe(true);
      expect('battery' in status.payload).toBe(definition.readings.includes('battery'));
    }

    // Watches report vitals that their definition accepts.
    await until('six readings of each watch', () =>
      ['t-00-watch', 't-01-watch'].every(
        (id) => seen.filter((m) => m.deviceId === id && m.channel === 'telemetry').length >= 6,
      ),
    );

    fleet.apply({ action: 'sos', retiree: 0, atMs: 0 });
    fleet.apply({ action: 'sos', retiree: 0, atMs: 0 });
    fleet.apply({ action: 'fall', retiree: 1, atMs: 0, certainty: 'suspected' });
    fleet.apply({ action: 'smoke', retiree: 0, atMs: 0, durationMs: 400 });
    fleet.apply({ action: 'cancel', retiree: 0, atMs: 0 });
    fleet.apply({ action: 'hr-high', retiree: 1, atMs: 0, durationMs: 2000 });
    expect(() => fleet.apply({ action: 'smoke', retiree: 1, atMs: 0 })).toThrow(/no sensor.smoke/);

    const events = await until('five events', () => {
      const found = seen.filter((m) => m.channel === 'event');
      return found.length >= 5 ? found : undefined;
    });
    // Each device has its own connection: order holds per device, not across devices.
    expect(events.map((m) => `${m.deviceId} ${m.payload.type}`).sort()).toStrictEqual([
      't-00-pendant cancel',
      't-00-pendant sos',
      't-00-pendant sos',
      't-00-smoke smoke',
      't-01-watch fall',
    ]);
    const pendant = events.filter((m) => m.deviceId === 't-00-pendant').map((m) => m.payload);
    expect(pendant.map((payload) => payload.type)).toStrictEqual(['sos', 'sos', 'cancel']);
    expect(pendant[2]!.cancels).toBe(pendant[1]!.id);
    expect(events.find((m) => m.payload.type === 'fall')!.payload.certainty).toBe('suspected');
    const ids = events.map((m) => `${m.deviceId}/${String(m.payload.id)}`);
    expect(new Set(ids).size).toBe(ids.length);

    // The heart rate goes out of range within a reading or two.
    await until('a high heart rate', () =>
      seen.find(
        (m) => m.deviceId === 't-01-watch' && m.channel === 'telemetry' && Number(m.payload.hr) > 120,
      ),
    );
    await until('smoke then clear', () =>
      seen.find((m) => m.deviceId === 't-00-smoke' && m.channel === 'telemetry' && m.payload.smoke === false),
    );

    // The hub acknowledges: the device prints (here: reports) the command and counts it.
    hub.publish(
      'eldercare/v1/t-00-pendant/cmd',
      JSON.stringify({ type: 'ack', alertId: 'a-1', text: '值班人员已收到，正在处理' }),
      { qos: 1 },
    );
    await until('the ack at the pendant', () => commands.length === 1);
    expect(commands[0]).toMatchObject({
      retiree: '王建国',
      retireeIndex: 0,
      deviceId: 't-00-pendant',
      command: { type: 'ack', alertId: 'a-1', text: '值班人员已收到，正在处理' },
    });
    expect(fleet.stats().acks).toBe(1);

    // An abrupt drop: the broker publishes the will, the fleet does not send an offline status itself.
    const before = seen.length;
    fleet.apply({ action: 'offline', retiree: 1, atMs: 0 });
    const will = await until('the will of t-01-watch', () =>
      seen.slice(before).find((m) => m.deviceId === 't-01-watch' && m.channel === 'status'),
    );
    expect(will.payload).toStrictEqual({ online: false });
    expect(fleet.stats().connected).toBe(6);
    fleet.apply({ action: 'online', retiree: 1, atMs: 0 });
    await until('t-01-watch back online', () =>
      seen
        .slice(before)
        .find((m) => m.deviceId === 't-01-watch' && m.channel === 'status' && m.payload.online),
    );

    // Every payload the fleet sent passes its device type's definition.
    for (const message of seen) {
      const definition = getDefinition(typeOf.get(message.deviceId)!)!;
      if (message.channel === 'cmd') continue;
      const decoded = decodeDeviceMessage(
        definition,
        message.channel as 'telemetry',
        message.raw,
        Date.now(),
      );
      expect(decoded, `${message.topic} ${message.raw.toString()}`).toMatchObject({ ok: true });
    }

    await fleet.stop();
    expect(fleet.stats().connected).toBe(0);

    // What stays retained on the broker is each device's clean offline status.
    const late = await connectAsync(brokerUrl, {
      clientId: 'hub-late',
      username: 'hub',
      password: 'hub-secret',
    });
    const retained = new Map<string, Record<string, unknown>>();
    late.on('message', (topic, raw) => retained.set(topic, JSON.parse(raw.toString('utf8'))));
    await late.subscribeAsync('eldercare/v1/+/status', { qos: 1 });
    await until('retained statuses', () => retained.size === 7);
    for (const status of retained.values()) expect(status.online).toBe(false);
    await late.endAsync();
    expect(log.some((line) => line.includes('SOS'))).toBe(true);
  });

  it('reports a device the broker refuses instead of retrying forever', async () => {
    const log: string[] = [];
    const fleet = new Fleet({
      brokerUrl,
      credentials: {
        ...credentials,
        retirees: [
          { name: '张德明', devices: [{ id: 't-00-watch', type: 'wearable.watch', secret: 'wrong' }] },
        ],
      },
      intervalMs: 1000,
      seed: 1,
      log: (line) => log.push(line),
    });
    const started = await fleet.start();
    expect(started.connected).toBe(0);
    expect(started.failed).toHaveLength(1);
    expect(started.failed[0]!.reason).toMatch(/not authorized/i);
    expect(fleet.stats().refused).toBe(1);
    expect(log[0]).toMatch(/t-00-watch .*refused/);
    await fleet.stop();
  });
});
