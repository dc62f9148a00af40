/**
 * MQTT 5 devices on the hub's broker (aedes speaks 3.1.1; gateway/broker/mqtt5.ts translates): the
 * same authentication, topic ACL, event acknowledgement, wills and commands as a 3.1.1 device, in
 * MQTT 5's words, over TCP, WebSocket and TLS, with mqtt.js and with Debian's mosquitto clients.
 * The translator itself is checked byte for byte against packets mqtt-packet writes.
 *
 * One file on purpose, past the usual 500 lines: every case shares one hub and its devices, and the
 * cases read as one list of what MQTT 5 asks of a broker.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import type mqtt from 'mqtt';
import type { IConnackPacket, IDisconnectPacket, MqttClient } from 'mqtt';
import { generate, type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectLevel,
  type Mqtt5Options,
  Mqtt5Translator,
  PacketFramer,
  TOPIC_ALIAS_MAXIMUM,
} from '../../gateway/broker/mqtt5.ts';
import type { Alert, CreatedDevice, VitalsResponse } from '../../server/schemas/index.ts';
import {
  connackCode,
  connected,
  deviceClient,
  eventually,
  metricValue,
  startTestHub,
  type TestHub,
} from '../helpers/hub.ts';
import { suiteHub, suiteTlsHub } from '../helpers/suite.ts';
import { serverBinary } from '../helpers/tmp.ts';

const V5 = { protocolVersion: 5 };
const RECEIVE_MAXIMUM = 1000;

/** What the hub's CONNACK says to every MQTT 5 device it accepts (a device's packet limit: 64 KiB). */
const ACCEPTED_PROPERTIES = {
  receiveMaximum: RECEIVE_MAXIMUM,
  topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
  maximumPacketSize: 64 * 1024,
  retainAvailable: true,
  wildcardSubscriptionAvailable: true,
  subscriptionIdentifiersAvailable: false,
  sharedSubscriptionAvailable: false,
};

const closedReason = (reason: string) => `hub_mqtt_connections_closed_total{reason="${reason}"}`;

/** The CONNACK's reason code over MQTT 5, or the refusal's. */
const connackReason = (url: string, options: mqtt.IClientOptions): Promise<number> =>
  connackCode(url, { ...options, protocolVersion: 5 });

/** A device's MQTT 5 client (mqtt.js), not yet awaited: listeners may be added first. */
function v5Client(url: string, created: CreatedDevice, options: mqtt.IClientOptions = {}): MqttClient {
  return deviceClient(url, created, { protocolVersion: 5, ...options });
}

/** The messages a client receives on its topics, parsed. */
function collect(client: MqttClient): unknown[] {
  const messages: unknown[] = [];
  client.on('message', (_topic, payload) => messages.push(JSON.parse(payload.toString())));
  return messages;
}

/** Writes bytes on the client's socket as they are: packets mqtt.js itself would refuse to send. */
function writeRaw(client: MqttClient, bytes: Buffer): void {
  (client as unknown as { stream: { write(bytes: Buffer): void } }).stream.write(bytes);
}

/** Resolves with the DISCONNECT the hub sent, once the connection is closed. */
function disconnectedBy(client: MqttClient): Promise<IDisconnectPacket | undefined> {
  return new Promise((resolve) => {
    let packet: IDisconnectPacket | undefined;
    client.on('disconnect', (received) => {
      packet = received;
    });
    client.once('close', () => resolve(packet));
  });
}

/**
 * Writes the CONNECT on a raw connection, the other frames once the hub has answered it, and
 * resolves with the packets the hub sent once it closed the connection (mqtt.js would hide them).
 */
async function rawSession(port: number, [connect, ...rest]: Buffer[]): Promise<Buffer[]> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  const framer = new PacketFramer();
  const packets: Buffer[] = [];
  let answered: () => void = () => {};
  const connack = new Promise<void>((resolve) => {
    answered = resolve;
  });
  socket.on('data', (chunk: Buffer) => {
    packets.push(...(framer.split(chunk) ?? []));
    if (packets.length > 0) answered();
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(connect as Buffer);
  await Promise.race([connack, closed]);
  for (const frame of rest) socket.write(frame);
  await closed;
  return packets;
}

describe('MQTT 5 devices over TCP and WebSocket', () => {
  let t: TestHub;
  const opened: MqttClient[] = [];

  /** A device of `type` with a retiree, and its connected MQTT 5 client. */
  async function device(
    type: string,
    options: mqtt.IClientOptions = {},
    url?: string,
  ): Promise<{ id: string; retireeId: string; client: MqttClient; connack: IConnackPacket }> {
    const retiree = await t.addRetiree();
    const created = await t.addDevice(type, retiree.id);
    const client = v5Client(url ?? t.mqttUrl, created, options);
    opened.push(client);
    const connack = await connected(client);
    return { id: created.device.id, retireeId: retiree.id, client, connack };
  }

  async function alertsOf(retireeId: string): Promise<Alert[]> {
    return (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body;
  }

  async function storedHeartRate(retireeId: string, ts: number): Promise<number[]> {
    const from = new Date(ts - 1).toISOString();
    const to = new Date(ts + 1).toISOString();
    const response = await t.api<VitalsResponse>(
      'GET',
      `/api/retirees/${retireeId}/vitals?field=hr&from=${from}&to=${to}&every=0`,
    );
    return (response.body.points ?? []).map((point) => point.value as number);
  }

  beforeAll(async () => {
    // A will's offline status opens device_offline at once.
    t = await startTestHub({ HUB_OFFLINE_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    await Promise.all(opened.map((client) => client.endAsync(true).catch(() => {})));
    await t?.stop();
  });

  it('accepts a device with its id and secret, and says in the CONNACK what the hub honours', async () => {
    const { connack } = await device('wearable.watch');
    expect(connack.reasonCode).toBe(0);
    // [MQTT-3.2.2-2] Clean Start 1: no session present.
    expect(connack.sessionPresent).toBe(false);
    expect(connack.properties).toStrictEqual(ACCEPTED_PROPERTIES);
  });

  it('refuses a wrong secret with 0x86 and a borrowed client id with 0x87, as 3.1.1 with 4 and 5', async () => {
    const created = await t.addDevice('wearable.watch', null);
    const id = created.device.id;
    expect(await connackReason(t.mqttUrl, { clientId: id, username: id, password: 'wrong-secret' })).toBe(
      0x86,
    );
    expect(
      await connackReason(t.mqttUrl, { clientId: 'someone-else', username: id, password: created.secret }),
    ).toBe(0x87);
    expect(await connackReason(t.mqttUrl, { clientId: id })).toBe(0x87);
  });

  it('takes telemetry and an SOS, acknowledged once stored, once per event id; the device hears the ack', async () => {
    const { id, retireeId, client } = await device('wearable.watch');
    const commands = collect(client);
    const granted = await client.subscribeAsync(`eldercare/v1/${id}/cmd`, { qos: 1 });
    expect(granted[0]?.qos).toBe(1);

    const ts = Date.now() - 60_000;
    await client.publishAsync(`eldercare/v1/${id}/telemetry`, JSON.stringify({ hr: 71, ts }), { qos: 1 });
    await eventually(async () => (await storedHeartRate(retireeId, ts)).length === 1);
    expect(await storedHeartRate(retireeId, ts)).toStrictEqual([71]);

    const topic = `eldercare/v1/${id}/event`;
    // publishAsync resolves on the PUBACK (reason 0x00: an error otherwise).
    await client.publishAsync(topic, JSON.stringify({ id: 'v5-sos-1', type: 'sos' }), { qos: 1 });
    // Acknowledged means stored: the alert is there the moment the device hears back.
    const alerts = await alertsOf(retireeId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'sos', count: 1, status: 'open' });
    // QoS 1 may deliver twice: the same event id opens and counts nothing more.
    await client.publishAsync(topic, JSON.stringify({ id: 'v5-sos-1', type: 'sos' }), { qos: 1 });
    const again = await alertsOf(retireeId);
    expect(again).toHaveLength(1);
    expect(again[0]?.count).toBe(1);

    const alert = alerts[0] as Alert;
    expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    const command = await eventually(() => commands[0]);
    expect(command).toStrictEqual({ type: 'ack', alertId: alert.id, text: '值班人员已收到，正在处理' });
  });

  it('refuses a subscription to another device with SUBACK 0x87 and keeps the connection', async () => {
    const { id, client } = await device('pendant.sos');
    /** The SUBACK's reason codes for the filters of one SUBSCRIBE. */
    const suback = (topics: string[]) =>
      new Promise<number[] | undefined>((resolve) =>
        client.subscribe(topics, { qos: 1 }, (_error, _granted, packet) =>
          resolve(packet?.granted as number[]),
        ),
      );
    expect(await suback(['eldercare/v1/some-other-device/cmd'])).toStrictEqual([0x87]);
    // Its own, in the same SUBSCRIBE as a foreign one: one reason code each, in order [MQTT-3.9.3-1].
    const both = await suback([`eldercare/v1/${id}/cmd`, 'eldercare/v1/#']);
    expect(both).toStrictEqual([1, 0x87]);
    expect(client.connected).toBe(true);
    const metrics = await t.api<string>('GET', '/metrics', undefined, null);
    expect(metrics.body).toMatch(/hub_mqtt_acl_denied_total\{action="subscribe"\} [1-9]/);
  });

  it('resolves the topic aliases a device sets', async () => {
    const { id, retireeId, client } = await device('wearable.watch');
    const topic = `eldercare/v1/${id}/telemetry`;
    const first = Date.now() - 50_000;
    // The first publish names the topic and sets alias 1; the next sends only the alias.
    await client.publishAsync(topic, JSON.stringify({ hr: 64, ts: first }), {
      qos: 1,
      properties: { topicAlias: 1 },
    });
    await client.publishAsync('', JSON.stringify({ hr: 65, ts: first + 1000 }), {
      qos: 1,
      properties: { topicAlias: 1 },
    });
    await eventually(async () => (await storedHeartRate(retireeId, first + 1000)).length === 1);
    expect(await storedHeartRate(retireeId, first)).toStrictEqual([64]);
    expect(await storedHeartRate(retireeId, first + 1000)).toStrictEqual([65]);
    // mqtt.js choosing its aliases itself, as libraries do.
    const auto = await device('wearable.watch', { autoAssignTopicAlias: true });
    const autoTopic = `eldercare/v1/${auto.id}/telemetry`;
    for (let index = 0; index < 3; index += 1) {
      await auto.client.publishAsync(
        autoTopic,
        JSON.stringify({ hr: 80 + index, ts: first + 1000 * index }),
        {
          qos: 1,
        },
      );
    }
    await eventually(async () => (await storedHeartRate(auto.retireeId, first + 2000)).length === 1);
    expect(await storedHeartRate(auto.retireeId, first + 1000)).toStrictEqual([81]);
  });

  it('publishes the will on DISCONNECT 0x04 and not on DISCONNECT 0x00', async () => {
    const will = (id: string) => ({
      topic: `eldercare/v1/${id}/status`,
      payload: Buffer.from(JSON.stringify({ online: false })),
      qos: 1 as const,
      retain: true,
    });
    const retiree = await t.addRetiree();
    const normal = await t.addDevice('pendant.sos', retiree.id);
    const withWill = await t.addDevice('pendant.sos', (await t.addRetiree()).id);
    const normalClient = v5Client(t.mqttUrl, normal, { will: will(normal.device.id) });
    const willClient = v5Client(t.mqttUrl, withWill, { will: will(withWill.device.id) });
    await Promise.all([connected(normalClient), connected(willClient)]);
    await normalClient.endAsync(false, { reasonCode: 0x00 });
    // Offline on the wall: its connection ended; any will of it would have been published by now.
    await eventually(async () => {
      const devices = (await t.api<{ id: string; online: boolean }[]>('GET', '/api/devices')).body;
      return devices.find((entry) => entry.id === normal.device.id)?.online === false;
    });
    await willClient.endAsync(false, { reasonCode: 0x04 });
    const offlineAlerts = async () =>
      (await t.api<Alert[]>('GET', '/api/alerts')).body
        .filter((alert) => alert.kind === 'device_offline')
        .map((alert) => alert.deviceId);
    // The will says offline; with no grace period device_offline opens at the detector's next pass,
    // which judges every device: the one that left normally has none.
    await eventually(async () => (await offlineAlerts()).includes(withWill.device.id), 15_000);
    expect(await offlineAlerts()).not.toContain(normal.device.id);
  });

  it('closes a connection that uses an unknown or invalid topic alias, says why, counts it, and no other', async () => {
    const bystander = await t.connectDevice(await t.addDevice('wearable.watch', null));
    const { id, client } = await device('wearable.watch');
    const before = await metricValue(t, closedReason('malformed_packet'));
    const closed = disconnectedBy(client);
    // An alias in range that was never set, with an empty topic: a Protocol Error (3.3.2.1).
    client.publish('', JSON.stringify({ hr: 70 }), { qos: 0, properties: { topicAlias: 5 } });
    expect((await closed)?.reasonCode).toBe(0x82);
    await eventually(async () => (await metricValue(t, closedReason('malformed_packet'))) === before + 1);

    // An alias above the CONNACK's maximum [MQTT-3.3.2-9]: mqtt.js would not send it; written by hand.
    const other = await device('wearable.watch');
    const otherClosed = disconnectedBy(other.client);
    writeRaw(
      other.client,
      generate(
        {
          cmd: 'publish',
          topic: `eldercare/v1/${other.id}/telemetry`,
          payload: Buffer.from('{"hr":70}'),
          qos: 0,
          retain: false,
          dup: false,
          properties: { topicAlias: TOPIC_ALIAS_MAXIMUM + 1 },
        },
        V5,
      ),
    );
    expect((await otherClosed)?.reasonCode).toBe(0x94);
    await eventually(async () => (await metricValue(t, closedReason('malformed_packet'))) === before + 2);
    expect(id).not.toBe(other.id);
    // The 3.1.1 device beside them was not touched.
    expect(bystander.connected).toBe(true);
    await bystander.publishAsync(`eldercare/v1/${bystander.options.clientId}/telemetry`, '{"hr":66}', {
      qos: 1,
    });
  });

  it('keeps a 3.1.1 device beside MQTT 5 ones as it was', async () => {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('pendant.sos', retiree.id);
    const classic = await t.connectDevice(created, { protocolVersion: 4 });
    const v5 = await device('pendant.sos');
    const classicCommands = collect(classic);
    await classic.subscribeAsync(`eldercare/v1/${created.device.id}/cmd`, { qos: 1 });
    await Promise.all([
      classic.publishAsync(
        `eldercare/v1/${created.device.id}/event`,
        JSON.stringify({ id: 'c-1', type: 'sos' }),
        {
          qos: 1,
        },
      ),
      v5.client.publishAsync(`eldercare/v1/${v5.id}/event`, JSON.stringify({ id: 'v-1', type: 'sos' }), {
        qos: 1,
      }),
    ]);
    const [classicAlert] = await alertsOf(retiree.id);
    expect(classicAlert).toMatchObject({ kind: 'sos', status: 'open' });
    expect(await alertsOf(v5.retireeId)).toHaveLength(1);
    await t.api('POST', `/api/alerts/${(classicAlert as Alert).id}/ack`, {});
    expect(await eventually(() => classicCommands[0])).toMatchObject({ type: 'ack' });
  });

  it('reads a CONNECT that arrives in pieces', async () => {
    const created = await t.addDevice('pendant.sos', null);
    const id = created.device.id;
    const connect = v5({
      ...CONNECT_5,
      clientId: id,
      username: id,
      password: Buffer.from(created.secret),
    } as Packet);
    const socket = net.connect({ port: t.hub.mqttPort, host: '127.0.0.1' });
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    // Cut before and after the protocol level, and inside the password.
    for (const [from, to] of [
      [0, 3],
      [3, 9],
      [9, connect.length - 2],
      [connect.length - 2, connect.length],
    ]) {
      await new Promise((resolve) => socket.write(connect.subarray(from, to), resolve));
    }
    const connack = await answer;
    expect(connack[0]).toBe(0x20);
    expect(connack[3]).toBe(0);
    socket.destroy();
  });

  it('tells the device why the hub closed it: keep-alive timeout, a packet or a CONNECT too large', async () => {
    const created = await t.addDevice('pendant.sos', null);
    const id = created.device.id;
    const connect = (keepalive: number) =>
      v5({
        ...CONNECT_5,
        clientId: id,
        username: id,
        password: Buffer.from(created.secret),
        keepalive,
      } as Packet);
    // Silent past one and a half keep-alives [MQTT-3.1.2-22]: DISCONNECT 0x8D, then the close.
    const [connack, ...silent] = await rawSession(t.hub.mqttPort, [connect(1)]);
    expect(connack?.[3]).toBe(0);
    expect(silent).toStrictEqual([v5({ cmd: 'disconnect', reasonCode: 0x8d })]);

    const oversize = await metricValue(t, closedReason('oversize'));
    // A PUBLISH announcing 1 MiB, refused from its header: DISCONNECT 0x95 (3.1.2.11.4).
    const header = Buffer.from([0x30, 0x80, 0x80, 0x40]);
    const large = await rawSession(t.hub.mqttPort, [connect(60), header]);
    expect(large.slice(1)).toStrictEqual([v5({ cmd: 'disconnect', reasonCode: 0x95 })]);
    // A CONNECT too large to be read is answered CONNACK 0x95: no DISCONNECT before a CONNACK.
    const hugeConnect = v5({
      ...CONNECT_5,
      clientId: 'x'.repeat(60_000),
      username: 'u'.repeat(10_000),
    } as Packet);
    expect(await rawSession(t.hub.mqttPort, [hugeConnect])).toStrictEqual([
      v5({ cmd: 'connack', reasonCode: 0x95, sessionPresent: false }),
    ]);
    expect(await metricValue(t, closedReason('oversize'))).toBe(oversize + 2);
  });

  it('serves MQTT 5 over WebSocket at /mqtt', async () => {
    const url = `${t.url.replace('http', 'ws')}/mqtt`;
    const { id, retireeId, client, connack } = await device('pendant.sos', {}, url);
    expect(connack.properties).toStrictEqual(ACCEPTED_PROPERTIES);
    const commands = collect(client);
    await client.subscribeAsync(`eldercare/v1/${id}/cmd`, { qos: 1 });
    await client.publishAsync(`eldercare/v1/${id}/event`, JSON.stringify({ id: 'ws-sos-1', type: 'sos' }), {
      qos: 1,
    });
    const [alert] = await alertsOf(retireeId);
    expect(alert).toMatchObject({ kind: 'sos', status: 'open' });
    await t.api('POST', `/api/alerts/${(alert as Alert).id}/ack`, {});
    expect(await eventually(() => commands[0])).toMatchObject({ type: 'ack', alertId: (alert as Alert).id });
    const created = await t.addDevice('pendant.sos', null);
    expect(
      await connackReason(url, {
        clientId: created.device.id,
        username: created.device.id,
        password: 'nope',
      }),
    ).toBe(0x86);
  });
});

// Debian's mosquitto-clients; under CI=true a missing one fails the suite.
const mosquittoPub = serverBinary('/usr/bin/mosquitto_pub', 'mosquitto_pub (Debian mosquitto-clients)');
const mosquittoSub = serverBinary('/usr/bin/mosquitto_sub', 'mosquitto_sub (Debian mosquitto-clients)');

describe.skipIf(!mosquittoPub || !mosquittoSub)(
  'MQTT 5 with mosquitto_pub and mosquitto_sub -V mqttv5',
  () => {
    const t = suiteHub();

    it('takes an SOS from mosquitto_pub and delivers the ack command to mosquitto_sub', async () => {
      const retiree = await t.addRetiree();
      const created = await t.addDevice('pendant.sos', retiree.id);
      const id = created.device.id;
      const common = ['-V', 'mqttv5', '-h', '127.0.0.1', '-p', String(t.hub.mqttPort), '-i', id, '-u', id];
      await promisify(execFile)(
        mosquittoPub as string,
        [
          ...common,
          '-P',
          created.secret,
          '-q',
          '1',
          '-t',
          `eldercare/v1/${id}/event`,
          '-m',
          '{"id":"mp-1","type":"sos"}',
        ],
        { timeout: 10_000 },
      );
      // mosquitto_pub exits once its PUBACK came: the alert is stored by then.
      const [alert] = (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body;
      expect(alert).toMatchObject({ kind: 'sos', status: 'open' });

      // The pendant keeps a session (-c: Clean Start 0, a Session Expiry that never ends), subscribes
      // and leaves (-E); the command acknowledging its alert waits in the session until it is back.
      const session = [...common, '-P', created.secret, '-c', '-q', '1', '-t', `eldercare/v1/${id}/cmd`];
      await promisify(execFile)(mosquittoSub as string, [...session, '-E'], { timeout: 10_000 });
      expect((await t.api('POST', `/api/alerts/${(alert as Alert).id}/ack`, {})).status).toBe(200);
      const { stdout } = await promisify(execFile)(
        mosquittoSub as string,
        [...session, '-C', '1', '-W', '10'],
        {
          timeout: 15_000,
        },
      );
      expect(JSON.parse(stdout)).toStrictEqual({
        type: 'ack',
        alertId: (alert as Alert).id,
        text: '值班人员已收到，正在处理',
      });
    });

    it('reports a wrong secret to mosquitto_pub as bad user name or password', async () => {
      const created = await t.addDevice('pendant.sos', null);
      const id = created.device.id;
      const run = promisify(execFile)(
        mosquittoPub as string,
        [
          '-V',
          'mqttv5',
          '-h',
          '127.0.0.1',
          '-p',
          String(t.hub.mqttPort),
          '-i',
          id,
          '-u',
          id,
          '-P',
          'wrong',
        ].concat(['-t', `eldercare/v1/${id}/event`, '-m', '{"id":"mp-2","type":"sos"}']),
        { timeout: 10_000 },
      );
      await expect(run).rejects.toMatchObject({
        stderr: expect.stringMatching(/bad user name or password/i),
      });
    });
  },
);

describe('MQTT 5 over TLS', () => {
  const t = suiteTlsHub('junxiu-mqtt5-tls-', { env: () => ({ HUB_MQTT_PORT: '0' }) });

  it('takes an SOS from an MQTT 5 device on the TLS port, acknowledged once stored', async () => {
    const retiree = await t.request<{ id: string }>('POST', '/api/retirees', {
      name: '测试老人',
      gender: 'male',
      birthDate: '1938-05-01',
      address: '成都市武侯区芳草街1号',
      contacts: [{ name: '家属', relation: '女儿', phone: '13800000000' }],
    });
    expect(retiree.status).toBe(201);
    const created = await t.request<CreatedDevice>('POST', '/api/devices', {
      id: 'pendant-tls-v5',
      type: 'pendant.sos',
      retireeId: retiree.body.id,
    });
    expect(created.status).toBe(201);
    const client = v5Client(`mqtts://127.0.0.1:${t.tlsPort}`, created.body, { ca: t.ca });
    const connack = await connected(client);
    expect(connack.properties).toStrictEqual(ACCEPTED_PROPERTIES);
    await client.publishAsync(
      'eldercare/v1/pendant-tls-v5/event',
      JSON.stringify({ id: 'tls-1', type: 'sos' }),
      {
        qos: 1,
      },
    );
    const alerts = await t.request<Alert[]>('GET', `/api/alerts?retireeId=${retiree.body.id}`);
    expect(alerts.body).toHaveLength(1);
    expect(alerts.body[0]).toMatchObject({ kind: 'sos', status: 'open' });
    await client.endAsync();
  });
});

// ---------------------------------------------------------------------------------------------
// The translator, byte for byte

const OPTIONS: Mqtt5Options = { maxPacketBytes: () => 65_536, receiveMaximum: 10 };

/** MQTT 5 bytes, as a device or the translator writes them. */
const v5 = (packet: Packet) => generate(packet, V5);
/** MQTT 3.1.1 bytes, as aedes reads and writes them. */
const v4 = (packet: Packet) => generate(packet);

const CONNECT_5: Packet = {
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 5,
  clean: true,
  keepalive: 30,
  clientId: 'pendant-1',
  username: 'pendant-1',
  password: Buffer.from('secret'),
};

/** A translator past a CONNECT (with `properties`) that aedes accepted. */
function connectedTranslator(
  properties: Record<string, unknown> = {},
  options: Mqtt5Options = OPTIONS,
  clean = true,
): Mqtt5Translator {
  const translator = new Mqtt5Translator(options);
  translator.fromClient(v5({ ...CONNECT_5, clean, properties } as Packet));
  translator.fromBroker(v4({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
  return translator;
}

describe('the MQTT 5 translator', () => {
  it('reads the protocol level of a CONNECT as soon as it has come', () => {
    const whole = v5(CONNECT_5);
    expect(connectLevel(whole)).toBe(5);
    expect(connectLevel(v4({ ...CONNECT_5, protocolVersion: 4 } as Packet))).toBe(4);
    expect(connectLevel(whole.subarray(0, 8))).toBe('wait');
    expect(connectLevel(whole.subarray(0, 9))).toBe(5);
    expect(
      connectLevel(v4({ ...CONNECT_5, protocolId: 'MQIsdp', protocolVersion: 3 } as Packet)),
    ).toBeUndefined();
    expect(connectLevel(v4({ cmd: 'pingreq' }))).toBeUndefined();
  });

  it('cuts a stream into packets wherever its chunks end', () => {
    const bytes = Buffer.concat([v5(CONNECT_5), v4({ cmd: 'pingreq' }), v4({ cmd: 'pingreq' })]);
    const framer = new PacketFramer();
    const packets = [...bytes].flatMap((byte) => framer.split(Buffer.from([byte])) ?? []);
    expect(packets).toStrictEqual([v5(CONNECT_5), v4({ cmd: 'pingreq' }), v4({ cmd: 'pingreq' })]);
    // A large packet in many chunks, with the start of the next in its last chunk.
    const large = v4({
      cmd: 'publish',
      topic: 't',
      payload: Buffer.alloc(70_000, 0x61),
      qos: 0,
      retain: false,
      dup: false,
    });
    const stream = Buffer.concat([large, v4({ cmd: 'pingreq' })]);
    const pieces = new PacketFramer();
    const found: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 1000) {
      found.push(...(pieces.split(stream.subarray(offset, offset + 1000)) ?? []));
    }
    expect(found).toStrictEqual([large, v4({ cmd: 'pingreq' })]);
    expect(new PacketFramer().split(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBeNull();
  });

  it('turns CONNECT into 3.1.1, will included (its properties and delay dropped)', () => {
    const translator = new Mqtt5Translator(OPTIONS);
    const will = {
      topic: 'eldercare/v1/pendant-1/status',
      payload: Buffer.from('{"online":false}'),
      qos: 1,
      retain: true,
    };
    const out = translator.fromClient(
      v5({
        ...CONNECT_5,
        will: { ...will, properties: { willDelayInterval: 30, contentType: 'application/json' } },
        properties: { sessionExpiryInterval: 0, receiveMaximum: 20, userProperties: { fw: '1.4.2' } },
      } as Packet),
    );
    expect(out).toStrictEqual({
      toBroker: [v4({ ...CONNECT_5, protocolVersion: 4, will } as Packet)],
      toClient: [],
    });
  });

  it('maps Clean Start and Session Expiry onto a clean session, and says so in the CONNACK', () => {
    const accepted = (sessionPresent: boolean) => v4({ cmd: 'connack', returnCode: 0, sessionPresent });
    const expect5 = (extra: Record<string, unknown>, sessionPresent = false) =>
      v5({
        cmd: 'connack',
        reasonCode: 0,
        sessionPresent,
        properties: {
          receiveMaximum: 10,
          topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
          maximumPacketSize: 65_536,
          retainAvailable: true,
          wildcardSubscriptionAvailable: true,
          subscriptionIdentifiersAvailable: false,
          sharedSubscriptionAvailable: false,
          ...extra,
        },
      });
    const run = (clean: boolean, sessionExpiryInterval: number | undefined, sessionPresent: boolean) => {
      const translator = new Mqtt5Translator(OPTIONS);
      const connect = translator.fromClient(
        v5({
          ...CONNECT_5,
          clean,
          properties: sessionExpiryInterval === undefined ? {} : { sessionExpiryInterval },
        } as Packet),
      );
      return { connect: connect.toBroker, connack: translator.fromBroker(accepted(sessionPresent)).toClient };
    };
    const v4Connect = (clean: boolean) => [v4({ ...CONNECT_5, protocolVersion: 4, clean } as Packet)];
    // No expiry: a clean session, whatever Clean Start says.
    expect(run(true, undefined, false)).toStrictEqual({ connect: v4Connect(true), connack: [expect5({})] });
    expect(run(false, 0, false)).toStrictEqual({ connect: v4Connect(true), connack: [expect5({})] });
    // Clean Start 0 with an expiry: the stored session is resumed and kept (until a clean start).
    expect(run(false, 3600, true)).toStrictEqual({
      connect: v4Connect(false),
      connack: [expect5({ sessionExpiryInterval: 0xffff_ffff }, true)],
    });
    expect(run(false, 0xffff_ffff, true)).toStrictEqual({
      connect: v4Connect(false),
      connack: [expect5({}, true)],
    });
    // Clean Start 1 with an expiry: the stored session is discarded [MQTT-3.1.2-4] and this one ends
    // with the connection, as the CONNACK tells; no session present [MQTT-3.2.2-2].
    expect(run(true, 3600, false)).toStrictEqual({
      connect: v4Connect(true),
      connack: [expect5({ sessionExpiryInterval: 0 })],
    });
  });

  it('turns each 3.1.1 refusal into its MQTT 5 reason code', () => {
    for (const [returnCode, reasonCode] of [
      [1, 0x84],
      [2, 0x85],
      [3, 0x88],
      [4, 0x86],
      [5, 0x87],
    ] as const) {
      const translator = new Mqtt5Translator(OPTIONS);
      translator.fromClient(v5(CONNECT_5));
      expect(translator.fromBroker(v4({ cmd: 'connack', returnCode, sessionPresent: false }))).toStrictEqual({
        toBroker: [],
        toClient: [v5({ cmd: 'connack', reasonCode, sessionPresent: false })],
      });
      // [MQTT-3.1.4-6] nothing the device sends after a refused CONNECT is read.
      expect(translator.fromClient(v5({ cmd: 'pingreq' }))).toStrictEqual({ toBroker: [], toClient: [] });
    }
  });

  it('refuses enhanced authentication with 0x8C before aedes sees the CONNECT', () => {
    const translator = new Mqtt5Translator(OPTIONS);
    const out = translator.fromClient(
      v5({
        ...CONNECT_5,
        properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: Buffer.from('x') },
      } as Packet),
    );
    expect(out).toStrictEqual({
      toBroker: [],
      toClient: [v5({ cmd: 'connack', reasonCode: 0x8c, sessionPresent: false })],
      end: { reason: 'bad_connect', detail: 'enhanced authentication is not supported' },
    });
  });

  it('resolves topic aliases, and refuses alias 0, one above the maximum and one never set', () => {
    const translator = connectedTranslator();
    // The same PUBLISH in both versions; the device's carries its topic alias.
    const packet = (topic: string, payload: string) => ({
      cmd: 'publish' as const,
      topic,
      payload: Buffer.from(payload),
      qos: 1 as const,
      messageId: 7,
      retain: false,
      dup: false,
    });
    const publish = (topic: string, topicAlias: number, payload = '{}') =>
      v5({ ...packet(topic, payload), properties: { topicAlias } });
    const as311 = (topic: string, payload = '{}') => v4(packet(topic, payload));
    expect(translator.fromClient(publish('eldercare/v1/pendant-1/telemetry', 3)).toBroker).toStrictEqual([
      as311('eldercare/v1/pendant-1/telemetry'),
    ]);
    expect(translator.fromClient(publish('', 3, '{"battery":80}')).toBroker).toStrictEqual([
      as311('eldercare/v1/pendant-1/telemetry', '{"battery":80}'),
    ]);
    const disconnect = (reasonCode: number) => [v5({ cmd: 'disconnect', reasonCode })];
    expect(connectedTranslator().fromClient(publish('a', 0)).toClient).toStrictEqual(disconnect(0x94));
    expect(connectedTranslator().fromClient(publish('a', TOPIC_ALIAS_MAXIMUM + 1)).toClient).toStrictEqual(
      disconnect(0x94),
    );
    expect(connectedTranslator().fromClient(publish('', 4))).toStrictEqual({
      toBroker: [],
      toClient: disconnect(0x82),
      end: { reason: 'malformed_packet', detail: 'empty topic, unknown alias 4' },
    });
  });

  it('passes acknowledgements both ways with reason codes dropped towards aedes and 0x00 towards the device', () => {
    const translator = connectedTranslator();
    for (const [cmd, reasonCode] of [
      ['puback', 0x10],
      ['pubrec', 0x10],
      ['pubcomp', 0x92],
    ] as const) {
      expect(translator.fromClient(v5({ cmd, messageId: 9, reasonCode })).toBroker).toStrictEqual([
        v4({ cmd, messageId: 9 }),
      ]);
    }
    expect(translator.fromClient(v5({ cmd: 'pubrel', messageId: 9, reasonCode: 0 })).toBroker).toStrictEqual([
      v4({ cmd: 'pubrel', messageId: 9 }),
    ]);
    for (const cmd of ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const) {
      expect(translator.fromBroker(v4({ cmd, messageId: 12 })).toClient).toStrictEqual([
        v5({ cmd, messageId: 12, reasonCode: 0 }),
      ]);
    }
    expect(translator.fromClient(v5({ cmd: 'pingreq' })).toBroker).toStrictEqual([v4({ cmd: 'pingreq' })]);
    expect(translator.fromBroker(v4({ cmd: 'pingresp' })).toClient).toStrictEqual([v5({ cmd: 'pingresp' })]);
  });

  it('translates SUBSCRIBE and SUBACK (0x80 becomes 0x87), UNSUBSCRIBE and its UNSUBACK per filter', () => {
    const translator = connectedTranslator();
    const out = translator.fromClient(
      v5({
        cmd: 'subscribe',
        messageId: 3,
        subscriptions: [
          { topic: 'eldercare/v1/pendant-1/cmd', qos: 1, nl: true, rap: true, rh: 2 },
          { topic: 'eldercare/v1/#', qos: 0 },
        ],
      }),
    );
    expect(out.toBroker).toStrictEqual([
      v4({
        cmd: 'subscribe',
        messageId: 3,
        subscriptions: [
          { topic: 'eldercare/v1/pendant-1/cmd', qos: 1 },
          { topic: 'eldercare/v1/#', qos: 0 },
        ],
      }),
    ]);
    expect(
      translator.fromBroker(v4({ cmd: 'suback', messageId: 3, granted: [1, 0x80] })).toClient,
    ).toStrictEqual([v5({ cmd: 'suback', messageId: 3, granted: [1, 0x87] })]);
    expect(
      translator.fromClient(v5({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['a', 'b', 'c'] }))
        .toBroker,
    ).toStrictEqual([v4({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['a', 'b', 'c'] })]);
    expect(translator.fromBroker(v4({ cmd: 'unsuback', messageId: 4, granted: [] })).toClient).toStrictEqual([
      v5({ cmd: 'unsuback', messageId: 4, granted: [0, 0, 0] }),
    ]);
  });

  it('refuses subscription identifiers (0xA1) and shared subscriptions (0x9E), as the CONNACK said', () => {
    expect(
      connectedTranslator().fromClient(
        v5({
          cmd: 'subscribe',
          messageId: 1,
          subscriptions: [{ topic: 'a', qos: 1 }],
          properties: { subscriptionIdentifier: 5 },
        }),
      ).toClient,
    ).toStrictEqual([v5({ cmd: 'disconnect', reasonCode: 0xa1 })]);
    expect(
      connectedTranslator().fromClient(
        v5({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/a', qos: 1 }] }),
      ).toClient,
    ).toStrictEqual([v5({ cmd: 'disconnect', reasonCode: 0x9e })]);
  });

  it('passes DISCONNECT 0x00 to aedes, and ends the connection without one for 0x04 so the will goes out', () => {
    const normal = connectedTranslator();
    expect(normal.fromClient(v5({ cmd: 'disconnect', reasonCode: 0 }))).toStrictEqual({
      toBroker: [v4({ cmd: 'disconnect' })],
      toClient: [],
    });
    const withWill = connectedTranslator();
    expect(withWill.fromClient(v5({ cmd: 'disconnect', reasonCode: 0x04 }))).toStrictEqual({
      toBroker: [],
      toClient: [],
      end: { detail: 'device disconnected with reason 0x04: its will is published' },
    });
    // [MQTT-3.14.4-1] nothing is read after it.
    expect(withWill.fromClient(v5({ cmd: 'pingreq' }))).toStrictEqual({ toBroker: [], toClient: [] });
  });

  it('answers AUTH, a second CONNECT and a malformed packet by closing, with the reason where it may', () => {
    expect(
      connectedTranslator().fromClient(
        v5({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'x' } }),
      ),
    ).toStrictEqual({
      toBroker: [],
      toClient: [v5({ cmd: 'disconnect', reasonCode: 0x82 })],
      end: { reason: 'malformed_packet', detail: 'AUTH without an authentication method' },
    });
    expect(connectedTranslator().fromClient(v5(CONNECT_5)).toClient).toStrictEqual([
      v5({ cmd: 'disconnect', reasonCode: 0x82 }),
    ]);
    // A PUBLISH whose topic length runs past its packet.
    const cut = connectedTranslator().fromClient(Buffer.from([0x30, 0x04, 0xff, 0xff, 0x61, 0x62]));
    expect(cut.toClient).toStrictEqual([v5({ cmd: 'disconnect', reasonCode: 0x81 })]);
    expect(cut.end?.reason).toBe('malformed_packet');
    // A malformed CONNECT is answered with CONNACK 0x81: no DISCONNECT before a CONNACK [MQTT-3.14.0-1].
    const connect = new Mqtt5Translator(OPTIONS).fromClient(v5(CONNECT_5).subarray(0, 12));
    expect(connect).toStrictEqual({ toBroker: [], toClient: [] });
    const broken = Buffer.from(v5(CONNECT_5));
    broken[9] = 0x03; // the reserved flag [MQTT-3.1.2-3]
    expect(new Mqtt5Translator(OPTIONS).fromClient(broken).toClient).toStrictEqual([
      v5({ cmd: 'connack', reasonCode: 0x81, sessionPresent: false }),
    ]);
  });

  it("keeps to the device's Receive Maximum and Maximum Packet Size", () => {
    const translator = connectedTranslator({ receiveMaximum: 1, maximumPacketSize: 64 });
    const command = (messageId: number, payload = '{"type":"ack"}') => ({
      cmd: 'publish' as const,
      topic: 'eldercare/v1/pendant-1/cmd',
      payload: Buffer.from(payload),
      qos: 1 as const,
      messageId,
      retain: false,
      dup: false,
    });
    expect(translator.fromBroker(v4(command(1))).toClient).toStrictEqual([v5(command(1))]);
    // [MQTT-3.3.4-9] the second waits for the first's PUBACK; [MQTT-3.3.4-10] a PINGRESP does not.
    expect(
      translator.fromBroker(Buffer.concat([v4(command(2)), v4({ cmd: 'pingresp' })])).toClient,
    ).toStrictEqual([v5({ cmd: 'pingresp' })]);
    expect(translator.fromClient(v5({ cmd: 'puback', messageId: 1, reasonCode: 0 }))).toStrictEqual({
      toBroker: [v4({ cmd: 'puback', messageId: 1 })],
      toClient: [v5(command(2))],
    });
    // [MQTT-3.1.2-24, MQTT-3.1.2-25] too large for the device: not sent, acknowledged to aedes.
    expect(translator.fromBroker(v4(command(3, 'x'.repeat(64))))).toStrictEqual({
      toBroker: [v4({ cmd: 'puback', messageId: 3 })],
      toClient: [],
    });
  });

  it("closes with 0x93 a device that sends more unacknowledged publishes than the hub's Receive Maximum", () => {
    const translator = connectedTranslator({}, { ...OPTIONS, receiveMaximum: 2 });
    const event = (messageId: number) =>
      v5({
        cmd: 'publish',
        topic: 'eldercare/v1/pendant-1/event',
        payload: Buffer.from('{}'),
        qos: 1,
        messageId,
        retain: false,
        dup: false,
      });
    expect(translator.fromClient(Buffer.concat([event(1), event(2)])).toBroker).toHaveLength(2);
    // aedes acknowledged the first: room for one more, and no more than that.
    translator.fromBroker(v4({ cmd: 'puback', messageId: 1 }));
    expect(translator.fromClient(event(3)).end).toBeUndefined();
    expect(translator.fromClient(event(4))).toStrictEqual({
      toBroker: [],
      toClient: [v5({ cmd: 'disconnect', reasonCode: 0x93 })],
      end: { reason: 'receive_maximum', detail: 'more than 2 unacknowledged publishes' },
    });
  });

  it('tells a device why aedes closed it only once its CONNECT was accepted [MQTT-3.14.0-1]', () => {
    const translator = new Mqtt5Translator(OPTIONS);
    translator.fromClient(v5(CONNECT_5));
    expect(translator.farewell(0x8d)).toBeUndefined();
    expect(connectedTranslator().farewell(0x8d)).toStrictEqual(v5({ cmd: 'disconnect', reasonCode: 0x8d }));
  });
});
