/**
 * Malformed and truncated MQTT frames written on raw sockets to the real broker: random bytes, cut
 * fixed headers, bad remaining-length encodings, packets before CONNECT, CONNECTs with a bad
 * protocol name, level or flags, oversize strings, and bad packets from an authenticated device.
 * The broker closes that connection; the devices connected beside it keep working; the hub stays up.
 * (broker-limits.test.ts covers oversize packets, one malformed length, the connect timeout and
 * the empty client id; this file covers the shapes of bad frames around them.)
 */
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VitalsResponse } from '../../server/schemas/index.ts';
import {
  badConnect,
  badRemainingLength,
  oversizeStringConnect,
  packetBeforeConnect,
  randomFrameBytes,
  SUITE_SEED,
  truncatedConnect,
} from '../fuzz/generators.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { connectFrame, publishFrame, RawClient, remainingLength } from './mqtt-frames.ts';

const CONNECT_TIMEOUT_MS = 800;

function metric(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A frame as hex, for a failure message. */
const hex = (bytes: Buffer) => bytes.subarray(0, 48).toString('hex') + (bytes.length > 48 ? '…' : '');

describe('MQTT broker: malformed and truncated frames on raw sockets', () => {
  const t = suiteHub({
    HUB_MQTT_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    // Bad CONNECTs from one address are the point here, not the guessing limit.
    HUB_MQTT_FAILED_CONNECTS_PER_IP: '100000',
  });
  let bystander: MqttClient;
  let bystanderId: string;
  let retireeId: string;
  let sent = 0;
  beforeAll(async () => {
    retireeId = (await t.addRetiree()).id;
    const device = await t.addDevice('wearable.watch', retireeId);
    bystanderId = device.device.id;
    bystander = await t.connectDevice(device);
  });

  /** Writes each frame on its own connection, all at once; each must be closed by the broker. */
  async function expectAllClosed(frames: Buffer[]): Promise<void> {
    const clients = frames.map(() => new RawClient(t.hub.mqttPort));
    await Promise.all(clients.map((client) => client.connected));
    await Promise.all(clients.map((client, index) => client.write(frames[index]!)));
    const closed = await Promise.all(clients.map((client) => client.closedWithin(CONNECT_TIMEOUT_MS + 4000)));
    for (const [index, isClosed] of closed.entries()) {
      expect(isClosed, `still open after ${hex(frames[index]!)}`).toBe(true);
    }
  }

  /** The device beside them still publishes, and its reading is stored. */
  async function bystanderStillWorks(): Promise<void> {
    expect(bystander.connected).toBe(true);
    sent += 1;
    const ts = Date.now() - 60_000 + sent;
    await publish(bystander, `eldercare/v1/${bystanderId}/telemetry`, { hr: 70 + (sent % 20), ts });
    const from = new Date(ts - 1).toISOString();
    const to = new Date(ts + 1).toISOString();
    await eventually(async () => {
      const response = await t.api<VitalsResponse>(
        'GET',
        `/api/retirees/${retireeId}/vitals?field=hr&from=${from}&to=${to}&every=0`,
      );
      return response.body.points?.length === 1;
    }, 10_000);
  }

  const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number) =>
    fc.sample(arbitrary, { seed: SUITE_SEED, numRuns });

  it('closes connections that send random bytes', async () => {
    await expectAllClosed(sample(randomFrameBytes, 40));
    await bystanderStillWorks();
  });

  it('closes connections whose CONNECT is cut anywhere in its headers', async () => {
    const whole = connectFrame({ clientId: 'cut-client', username: 'cut-client', password: 'secret' });
    const cuts = Array.from({ length: 14 }, (_, index) => whole.subarray(0, index + 1));
    await expectAllClosed([...cuts, ...sample(truncatedConnect(whole), 10)]);
    await bystanderStillWorks();
  });

  it('closes connections with a remaining length of five bytes, whatever the packet type', async () => {
    await expectAllClosed(sample(badRemainingLength, 30));
    await bystanderStillWorks();
  });

  it('closes connections that send any other packet before CONNECT [MQTT-3.1.0-1]', async () => {
    await expectAllClosed(sample(packetBeforeConnect, 40));
    await bystanderStillWorks();
  });

  it('closes connections whose CONNECT has a bad protocol name, level, flags or string length', async () => {
    const named = [
      // [MQTT-3.1.2-1] an unknown protocol name; [MQTT-3.1.2-2] an unknown level; [MQTT-3.1.2-3] reserved flag.
      Buffer.concat([Buffer.from([0x10, 12, 0, 4]), Buffer.from('MQTX'), Buffer.from([4, 2, 0, 60, 0, 0])]),
      Buffer.concat([Buffer.from([0x10, 12, 0, 4]), Buffer.from('MQTT'), Buffer.from([9, 2, 0, 60, 0, 0])]),
      Buffer.concat([Buffer.from([0x10, 12, 0, 4]), Buffer.from('MQTT'), Buffer.from([4, 3, 0, 60, 0, 0])]),
      // [MQTT-2.2.2-2] CONNECT with flags in its fixed header.
      Buffer.concat([Buffer.from([0x1f, 12, 0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, 0])]),
    ];
    await expectAllClosed([...named, ...sample(badConnect, 50)]);
    await bystanderStillWorks();
  });

  it('closes connections whose CONNECT carries a client id far beyond a device id', async () => {
    await expectAllClosed(sample(oversizeStringConnect, 10));
    await bystanderStillWorks();
  });

  it('closes an authenticated device that sends a malformed packet, and no other', async () => {
    const device = await t.addDevice('pendant.sos', null);
    const topic = `eldercare/v1/${device.device.id}/telemetry`;
    const body = (first: number, rest: Buffer) =>
      Buffer.concat([Buffer.from([first]), remainingLength(rest.length), rest]);
    const topicField = (text: Buffer) => Buffer.concat([Buffer.from([0, text.length]), text]);
    const badPackets = [
      // PUBLISH with QoS 3 [MQTT-3.3.1-4]
      body(0x36, Buffer.concat([topicField(Buffer.from(topic)), Buffer.from([0, 1]), Buffer.from('{}')])),
      // PUBLISH whose topic length runs past the packet
      body(0x30, Buffer.from([0xff, 0xff, 0x61, 0x62])),
      // PUBLISH to a topic with a wildcard [MQTT-3.3.2-2]
      publishFrame(`eldercare/v1/${device.device.id}/#`, '{}'),
      // PUBLISH whose topic is not UTF-8 [MQTT-1.5.3-1]
      body(0x30, Buffer.concat([topicField(Buffer.from([0xc3, 0x28, 0xff])), Buffer.from('{}')])),
      // SUBSCRIBE with reserved flags 0000 instead of 0010 [MQTT-3.8.1-1]
      body(0x80, Buffer.concat([Buffer.from([0, 1]), topicField(Buffer.from('a')), Buffer.from([0])])),
      // SUBSCRIBE with no topic at all [MQTT-3.8.3-3]
      body(0x82, Buffer.from([0, 1])),
      // a second CONNECT [MQTT-3.1.0-2]
      connectFrame({ clientId: device.device.id, username: device.device.id, password: device.secret }),
      // a reserved packet type
      Buffer.from([0xf0, 0x00]),
    ];
    for (const bad of badPackets) {
      const raw = new RawClient(t.hub.mqttPort);
      await raw.write(
        connectFrame({ clientId: device.device.id, username: device.device.id, password: device.secret }),
      );
      expect(await raw.connack()).toBe(0);
      await raw.write(bad);
      expect(await raw.closedWithin(4000), `still open after ${hex(bad)}`).toBe(true);
    }
    await bystanderStillWorks();
  });

  it('counts every connection it closed for a malformed packet in /metrics, and stays up', async () => {
    const before = (await t.api<string>('GET', '/metrics', undefined, null)).body;
    const frames = [
      Buffer.from([0x20, 0x02, 0x00, 0x00]), // CONNACK from a client
      Buffer.concat([Buffer.from([0x10, 12, 0, 4]), Buffer.from('MQTX'), Buffer.from([4, 2, 0, 60, 0, 0])]),
      Buffer.from([0xf0, 0x00]),
    ];
    await expectAllClosed(frames);
    const name = 'hub_mqtt_connections_closed_total{reason="malformed_packet"}';
    await eventually(async () => {
      const after = (await t.api<string>('GET', '/metrics', undefined, null)).body;
      return metric(after, name) - metric(before, name) === frames.length;
    });
    expect((await t.api('GET', '/healthz', undefined, null)).status).toBe(200);
    // And the SOS of the device beside all this still opens an alert.
    await publish(bystander, `eldercare/v1/${bystanderId}/event`, { id: 'sos-after-frames', type: 'sos' });
    const alert = await eventually(async () => {
      const list = await t.api<{ retireeId: string; kind: string }[]>('GET', '/api/alerts?status=open');
      return list.body.find((entry) => entry.retireeId === retireeId);
    });
    expect(alert.kind).toBe('sos');
  });
});
