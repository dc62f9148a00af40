/**
 * Unfinished incoming QoS 2 exchanges (PUBLISH stored, PUBREL awaited) are bounded per session,
 * not per connection: a device that keeps reconnecting with its persistent session cannot add a
 * window's worth each time. A real hub with its broker store on disk, a raw MQTT client.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { generate, type Packet, parser } from 'mqtt-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_INCOMING_PER_CLIENT } from '../../gateway/broker/persistence/index.ts';
import type { CreatedDevice } from '../../server/schemas/index.ts';
import { eventually, metricValue } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { RawClient } from './mqtt-frames.ts';

const WINDOW = DEFAULT_MAX_INCOMING_PER_CLIENT;

/** A raw connection that parses what the broker answers. */
class Session {
  readonly raw: RawClient;
  readonly answers: Packet[] = [];

  constructor(port: number) {
    this.raw = new RawClient(port);
    const reader = parser({ protocolVersion: 4 });
    reader.on('packet', (packet: Packet) => this.answers.push(packet));
    this.raw.socket.on('data', (chunk: Buffer) => reader.parse(chunk));
  }

  static async open(port: number, device: CreatedDevice): Promise<Session> {
    const session = new Session(port);
    await session.raw.connected;
    await session.send([
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: false,
        keepalive: 60,
        clientId: device.device.id,
        username: device.device.id,
        password: Buffer.from(device.secret),
      },
    ]);
    await eventually(() => session.answers.some((packet) => packet.cmd === 'connack'));
    return session;
  }

  send(packets: Packet[]): Promise<void> {
    return this.raw.write(Buffer.concat(packets.map((packet) => generate(packet))));
  }

  ids(cmd: 'pubrec' | 'pubcomp'): number[] {
    return this.answers
      .filter((packet) => packet.cmd === cmd)
      .map((packet) => (packet as { messageId: number }).messageId);
  }
}

function publishes(deviceId: string, ids: number[], dup = false): Packet[] {
  return ids.map((messageId) => ({
    cmd: 'publish',
    topic: `eldercare/v1/${deviceId}/telemetry`,
    payload: Buffer.from(JSON.stringify({ steps: messageId })),
    qos: 2,
    dup,
    retain: false,
    messageId,
  }));
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('MQTT broker: incoming QoS 2 bounded per session', () => {
  const t = suiteHub();
  let device: CreatedDevice;
  let port: number;

  beforeAll(async () => {
    device = await t.addDevice('wearable.watch', (await t.addRetiree()).id);
    port = Number(new URL(t.mqttUrl).port);
  });

  /** The exchanges the broker's store holds for the device (the file aedes' state is kept in). */
  function held(): number {
    const db = new Database(path.join(t.dataDir.path, 'broker.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare('select count(*) as count from incoming where client_id = ?')
        .get(device.device.id);
      return (row as { count: number }).count;
    } finally {
      db.close();
    }
  }

  const closedForWindow = () => metricValue(t, 'hub_mqtt_connections_closed_total{reason="qos2_window"}');

  it('closes a burst over the window, counted, and a new connection of the session adds nothing more', async () => {
    const first = await Session.open(port, device);
    await first.send(publishes(device.device.id, range(1, WINDOW + 5)));
    expect(await first.raw.closedWithin(15_000)).toBe(true);
    await eventually(async () => (await closedForWindow()) === 1, 10_000);
    expect(held()).toBeLessThanOrEqual(WINDOW);

    // The same session again, with new packet ids and no PUBREL: refused at once, nothing stored.
    const before = held();
    const second = await Session.open(port, device);
    await second.send(publishes(device.device.id, range(30_001, 5)));
    expect(await second.raw.closedWithin(15_000)).toBe(true);
    await eventually(async () => (await closedForWindow()) === 2, 10_000);
    expect(held()).toBe(before);
  });

  it('finishes the held exchanges when the device sends them again, and then takes new ones', async () => {
    const stored = held();
    expect(stored).toBeGreaterThan(0);
    const third = await Session.open(port, device);
    // [MQTT-4.4.0-1] the client sends its unacknowledged PUBLISH packets again, with DUP set.
    const again = range(1, stored);
    await third.send(publishes(device.device.id, again, true));
    await eventually(() => third.ids('pubrec').length === again.length, 15_000);
    await third.send(again.map((messageId) => ({ cmd: 'pubrel', messageId }) as Packet));
    await eventually(() => third.ids('pubcomp').length === again.length, 15_000);
    expect(held()).toBe(0);
    // The window is free: a new exchange is taken.
    await third.send(publishes(device.device.id, [40_000]));
    await eventually(() => third.ids('pubrec').includes(40_000));
    expect(third.raw.isClosed).toBe(false);
    third.raw.destroy();
  });
});
