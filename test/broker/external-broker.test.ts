/**
 * The hub with its devices on a real Mosquitto (HUB_BROKER_URL) instead of its own broker: it makes
 * its own account there, consumes the device topics through a shared subscription, acknowledges an
 * event only once its alert is committed, and sends commands through Mosquitto. A hub killed with
 * SIGKILL while presses are queued finds them in its session when it starts again: none lost, none
 * twice. A second instance takes over the session of one that is gone, so what Mosquitto kept
 * routing to it is handled at once.
 */
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../server/auth/secrets.ts';
import { MosquittoAccounts } from '../../server/broker/mosquitto.ts';
import type { Alert, CreatedDevice } from '../../server/schemas/index.ts';
import { DeviceStore } from '../../server/store/devices.ts';
import { eventually, metricValue, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { holdTable } from '../helpers/locks.ts';
import {
  DYNSEC_ADMIN,
  type DynsecMosquitto,
  deviceOnBroker,
  startDynsecMosquitto,
} from '../helpers/mosquitto.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

const mosquitto: DynsecMosquitto | null = await startDynsecMosquitto();
afterAll(async () => mosquitto?.stop());

const HUB_ACCOUNT = { username: 'junxiu-hub', password: 'hub-consumer-password-0123456789' };

/** The settings of a hub whose devices are on the test's Mosquitto. */
function onMosquitto(instance: string, group: string, admin: boolean): Record<string, string> {
  const url = (mosquitto as DynsecMosquitto).url;
  return {
    HUB_BROKER_URL: url,
    HUB_BROKER_USER: HUB_ACCOUNT.username,
    HUB_BROKER_PASSWORD: HUB_ACCOUNT.password,
    HUB_BROKER_GROUP: group,
    HUB_INSTANCE_NAME: instance,
    ...(admin
      ? {
          HUB_MOSQUITTO_URL: url,
          HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
          HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
        }
      : {}),
  };
}

/** A device connected to the test's Mosquitto with its id and secret. */
const deviceOn = (created: CreatedDevice) => deviceOnBroker((mosquitto as DynsecMosquitto).url, created);

/** The hub's way of keeping device accounts in Mosquitto, as another instance would use it. */
function openAccounts(): Promise<MosquittoAccounts> {
  return new Promise((resolve) => {
    const accounts = MosquittoAccounts.open(
      { url: (mosquitto as DynsecMosquitto).url, ...DYNSEC_ADMIN },
      () => resolve(accounts),
    );
  });
}

/** A `bridge/devices` message of a Zigbee2MQTT 2.x bridge: `301/sos` is a TS0215A_sos. */
const bridgeDevices: unknown[] = JSON.parse(
  readFileSync(new URL('../zigbee/fixtures/bridge-devices.json', import.meta.url), 'utf8'),
);

const sos = (eventId: string) => JSON.stringify({ id: eventId, type: 'sos', ts: Date.now() });

describe.skipIf(mosquitto === null)('devices on an external Mosquitto', () => {
  let t: TestHub;
  let pendant: CreatedDevice;
  let retireeId: string;
  let device: MqttClient;

  beforeAll(async () => {
    t = await startTestHub({
      ...onMosquitto('first', 'hubs', true),
      HUB_MQTT_EVENT_COMMIT_TIMEOUT_MS: '1000',
    });
    retireeId = (await t.addRetiree()).id;
    pendant = await t.addDevice('pendant.sos', retireeId);
    device = await deviceOn(pendant);
    await eventually(async () => (await metricValue(t, 'hub_broker_consumer_connected')) === 1);
  });
  afterAll(async () => {
    await device?.endAsync();
    await t?.stop();
  });

  const alertsOf = async (retiree: string) =>
    (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree}`)).body;

  it('opens no MQTT port of its own', () => {
    expect(t.hub.mqttPort).toBe(0);
  });

  it('keeps each of its connections: none is closed by another under its client id', async () => {
    const broker = mosquitto as DynsecMosquitto;
    // The sweep for gone instances' wills has read them on a connection of its own, on both lanes.
    await eventually(async () => {
      const log = await broker.log();
      return /as \S+-telemetry-wills /.test(log) && /as junxiu-hub-\S+(?<!-telemetry)-wills /.test(log);
    }, 20_000);
    expect(await broker.log()).not.toMatch(/Client junxiu-hub\S* already connected/);
  });

  it('takes an SOS through Mosquitto, and sends the acknowledgement back to the device', async () => {
    const id = pendant.device.id;
    const commands: unknown[] = [];
    device.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    await device.subscribeAsync(`eldercare/v1/${id}/cmd`, { qos: 1 });
    await device.publishAsync(`eldercare/v1/${id}/event`, sos('ext-1'), { qos: 1 });
    const [alert] = await eventually(async () => {
      const alerts = await alertsOf(retireeId);
      return alerts.length > 0 ? alerts : undefined;
    });
    expect(alert).toMatchObject({ kind: 'sos', count: 1, status: 'open' });

    expect((await t.api('POST', `/api/alerts/${(alert as Alert).id}/ack`, {})).status).toBe(200);
    const command = await eventually(() => commands[0]);
    expect(command).toMatchObject({ type: 'ack', alertId: (alert as Alert).id });
  });

  it('takes the SOS of a device registered on another instance since it started', async () => {
    // Another instance registered it: in the records and in Mosquitto, not in this hub's memory.
    const retiree = await t.addRetiree();
    const secret = newToken();
    await new DeviceStore(t.hub.db).create({
      id: 'ext-elsewhere-1',
      type: 'pendant.sos',
      retireeId: retiree.id,
      secretHash: hashToken(secret),
    });
    const accounts = await openAccounts();
    try {
      await accounts.provision({ id: 'ext-elsewhere-1', type: 'pendant.sos' }, secret);
    } finally {
      await accounts.close();
    }
    const elsewhere = await deviceOn({ device: { id: 'ext-elsewhere-1' }, secret } as CreatedDevice);
    try {
      await elsewhere.publishAsync('eldercare/v1/ext-elsewhere-1/event', sos('elsewhere-1'), { qos: 1 });
      const [alert] = await eventually(async () => {
        const alerts = await alertsOf(retiree.id);
        return alerts.length > 0 ? alerts : undefined;
      });
      expect(alert).toMatchObject({ kind: 'sos', retireeId: retiree.id });
    } finally {
      await elsewhere.endAsync();
    }
  });

  /** The retiree's alerts once there is one. */
  const firstAlertsOf = (retiree: string) =>
    eventually(async () => {
      const alerts = await alertsOf(retiree);
      return alerts.length > 0 ? alerts : undefined;
    });

  /**
   * A bridge on `baseTopic` and its `301/sos` button for a new retiree, registered; the bridge then
   * connects and speaks at once, as Zigbee2MQTT does: the alert its press opened.
   */
  async function bridgeSpeaksAtOnce(bridgeId: string, baseTopic: string, sensorId: string): Promise<Alert> {
    const retiree = await t.addRetiree();
    const bridge = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: bridgeId,
      type: 'bridge.zigbee2mqtt',
      options: { baseTopic },
    });
    expect(bridge.status).toBe(201);
    const sensor = await t.api<CreatedDevice>('POST', '/api/devices', {
      id: sensorId,
      type: 'zigbee.TS0215A_sos',
      bridgeId,
      ieeeAddress: '0xa4c1380000000105',
      retireeId: retiree.id,
    });
    expect(sensor.status).toBe(201);
    const client = await deviceOn(bridge.body);
    try {
      await publish(client, `${baseTopic}/bridge/devices`, bridgeDevices, 1, true);
      await publish(client, `${baseTopic}/301/sos`, { action: 'emergency', battery: 90, linkquality: 120 });
      const [alert] = await firstAlertsOf(retiree.id);
      expect(alert).toMatchObject({ kind: 'sos', deviceId: sensorId, retireeId: retiree.id });
      return alert as Alert;
    } finally {
      await client.endAsync();
    }
  }

  it('follows a Zigbee bridge registered through it at once, and opens its sensor’s SOS', async () => {
    // What the bridge says must not be lost before the hub follows it.
    await bridgeSpeaksAtOnce('ext-bridge', 'ward9', 'ext-sos-1');
  });

  it('registers a bridge while its connection to Mosquitto is made again only once it follows it', async () => {
    // An event not committed in time drops the hub's connection; it is made again 2 s later.
    const pressing = await t.addRetiree();
    const presser = await t.addDevice('pendant.sos', pressing.id);
    const client = await deviceOn(presser);
    const timeouts = await metricValue(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}');
    const lock = await holdTable(t, 'device_events');
    try {
      await client.publishAsync(`eldercare/v1/${presser.device.id}/event`, sos('ext-drop'), { qos: 1 });
      await eventually(
        async () =>
          (await metricValue(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}')) > timeouts,
      );
    } finally {
      await lock.release();
      await client.endAsync();
    }
    // Registered in that gap: answered once the new connection follows the bridge's topics.
    await bridgeSpeaksAtOnce('ext-bridge-2', 'ward8', 'ext-sos-2');
    // The press left unacknowledged came again on the new connection: one alert, counted once.
    const [pressed] = await firstAlertsOf(pressing.id);
    expect(pressed).toMatchObject({ kind: 'sos', count: 1 });
  });

  it('refuses a bridge whose topics Mosquitto will not let the hub follow, and registers nothing', async () => {
    const broker = mosquitto as DynsecMosquitto;
    await broker.ctrl('addRoleACL', 'junxiu-hub', 'subscribePattern', '$share/hubs/denied/#', 'deny', '10');
    try {
      const refused = await t.api<{ error: string; message: string }>('POST', '/api/devices', {
        id: 'ext-denied',
        type: 'bridge.zigbee2mqtt',
        options: { baseTopic: 'denied' },
      });
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({ error: 'broker_unavailable' });
      expect(refused.body.message).toContain('denied/#');
      expect((await t.api('GET', '/api/devices/ext-denied')).status).toBe(404);
      // Its account in Mosquitto went with it.
      await eventually(async () => /deleteClient \| username=ext-denied/.test(await broker.log()));
    } finally {
      await broker.ctrl('removeRoleACL', 'junxiu-hub', 'subscribePattern', '$share/hubs/denied/#');
    }
    // Once Mosquitto lets it, the same bridge is registered.
    const again = await t.api('POST', '/api/devices', {
      id: 'ext-denied',
      type: 'bridge.zigbee2mqtt',
      options: { baseTopic: 'denied' },
    });
    expect(again.status).toBe(201);
  });

  it('counts a device message that cannot be read, and takes the next one', async () => {
    const id = pendant.device.id;
    const before = await metricValue(t, 'hub_mqtt_messages_rejected_total{reason="invalid_json"}');
    await device.publishAsync(`eldercare/v1/${id}/event`, '{not json', { qos: 1 });
    await device.publishAsync(`eldercare/v1/${id}/event`, sos('ext-2'), { qos: 1 });
    await eventually(async () => (await alertsOf(retireeId))[0]?.count === 2);
    expect(await metricValue(t, 'hub_mqtt_messages_rejected_total{reason="invalid_json"}')).toBeGreaterThan(
      before,
    );
  });

  it('sends an event again when its alert could not be committed in time, and opens it once', async () => {
    const id = pendant.device.id;
    const redelivered = await metricValue(t, 'hub_broker_redeliveries_total');
    const events = await metricValue(t, 'hub_mqtt_messages_total{channel="event"}');
    const timeouts = await metricValue(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}');
    // The event's transaction waits behind a lock on its table for longer than the commit timeout.
    const lock = await holdTable(t, 'device_events');
    try {
      await device.publishAsync(`eldercare/v1/${id}/event`, sos('ext-3'), { qos: 1 });
      await eventually(
        async () =>
          (await metricValue(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}')) > timeouts,
      );
    } finally {
      await lock.release();
    }
    // Mosquitto sends it again once the hub's connection is back; the first attempt may have
    // committed meanwhile, and the retry, known by its event id, counts nothing more.
    await eventually(
      async () => (await metricValue(t, 'hub_broker_redeliveries_total')) > redelivered,
      30_000,
    );
    await eventually(
      async () => (await metricValue(t, 'hub_mqtt_messages_total{channel="event"}')) >= events + 2,
    );
    await eventually(async () => (await alertsOf(retireeId))[0]?.count === 3);
    expect((await alertsOf(retireeId))[0]?.count).toBe(3);
  });
});

describe.skipIf(mosquitto === null)('a hub instance killed while presses wait in Mosquitto', () => {
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const hub of hubs) await hub.kill();
  });

  async function start(dataDir: string, httpPort: number, env: Record<string, string>) {
    const hub = await spawnHub({ dataDir, httpPort, mqttPort: await freePort(), env });
    hubs.push(hub);
    return hub;
  }

  const countOf = async (hub: HubProcess, retiree: string) =>
    (await hub.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree}&kind=sos`)).body[0]?.count ?? 0;

  it('finds them in its session when it starts again: none lost, none counted twice', async () => {
    const dir = await makeTempDir('junxiu-ext-');
    const httpPort = await freePort();
    const env = onMosquitto('alone', 'alone', true);
    const first = await start(dir.path, httpPort, env);
    const retiree = await first.addRetiree();
    const created = await first.addDevice('ext-alone-1', 'pendant.sos', retiree.id);
    const device = await deviceOn(created);
    const onlineOn = async (hub: HubProcess) =>
      (await hub.api<{ id: string; online: boolean }[]>('GET', '/api/devices')).body.find(
        (each) => each.id === 'ext-alone-1',
      )?.online === true;
    try {
      // Its status, retained by Mosquitto: the device stays connected there while the hub restarts.
      await device.publishAsync('eldercare/v1/ext-alone-1/status', JSON.stringify({ online: true }), {
        qos: 1,
        retain: true,
      });
      await eventually(() => onlineOn(first));
      const presses = 200;
      for (let n = 0; n < presses; n++) {
        await device.publishAsync('eldercare/v1/ext-alone-1/event', sos(`alone-${n}`), { qos: 1 });
      }
      // Killed part-way: the rest waits in its session, one perhaps handled but not acknowledged.
      await eventually(async () => (await countOf(first, retiree.id)) >= 20, 60_000);
      await first.kill();
      // While the hub is down the device says it is going offline, and Mosquitto keeps its word.
      await device.publishAsync('eldercare/v1/ext-alone-1/status', JSON.stringify({ online: false }), {
        qos: 1,
        retain: true,
      });
      const again = await start(dir.path, httpPort, env);
      await eventually(async () => (await countOf(again, retiree.id)) >= presses, 60_000);
      expect(await countOf(again, retiree.id)).toBe(presses);
      // Read again from what Mosquitto retains when the hub connects to it.
      await eventually(async () => !(await onlineOn(again)));
      await again.kill();
    } finally {
      await device.endAsync();
      await dir.remove();
    }
  });

  /**
   * Two hubs of one group: `staying` in this process and `leaving` in a process of its own, each on
   * records of its own (one database of two instances is still refused, see README): what matters
   * here is the broker. One pendant, registered on both, connected to Mosquitto; `pressed()` is
   * how many of its presses `staying` counted.
   */
  async function twoInstances(
    group: string,
    test: (pair: {
      leaving: HubProcess;
      staying: TestHub;
      press: (eventId: string) => Promise<unknown>;
      pressed: () => Promise<number>;
    }) => Promise<void>,
  ): Promise<void> {
    const staying = await startTestHub(onMosquitto(`${group}-staying`, group, true));
    const dir = await makeTempDir('junxiu-ext-');
    try {
      const retiree = await staying.addRetiree();
      const created = await staying.addDevice('pendant.sos', retiree.id);
      const id = created.device.id;
      const leaving = await start(dir.path, await freePort(), onMosquitto(`${group}-leaving`, group, false));
      await leaving.addDevice(id, 'pendant.sos', (await leaving.addRetiree()).id);
      await eventually(async () => {
        const metrics = await leaving.api<string>('GET', '/metrics');
        return /^hub_broker_consumer_connected 1$/m.test(String(metrics.body));
      });
      const device = await deviceOn(created);
      try {
        await test({
          leaving,
          staying,
          press: (eventId) => device.publishAsync(`eldercare/v1/${id}/event`, sos(eventId), { qos: 1 }),
          pressed: async () =>
            (await staying.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0]?.count ?? 0,
        });
      } finally {
        await device.endAsync();
      }
    } finally {
      await staying.stop();
      await dir.remove();
    }
  }

  it('has another instance take over the session of one that is gone', async () => {
    await twoInstances('pair', async ({ leaving, staying, press, pressed }) => {
      // Both consume; one stands still (its connection open), so Mosquitto hands it half of the
      // presses, which it never acknowledges; then it is killed.
      leaving.child.kill('SIGSTOP');
      const presses = 20;
      for (let n = 0; n < presses; n++) await press(`pair-${n}`);
      await eventually(async () => (await pressed()) > 0);
      expect(await pressed()).toBeLessThan(presses);
      await leaving.kill();
      await eventually(async () => (await pressed()) === presses, 30_000);
      // Ended once what was queued for it is handled.
      await eventually(
        async () =>
          (await metricValue(staying, 'hub_broker_session_takeovers_total{outcome="drained"}')) >= 1,
      );
    });
  });

  it('hands the session of an instance that stops in good order to one still running', async () => {
    await twoInstances('handover', async ({ leaving, staying, press, pressed }) => {
      // SIGTERM: it stops taking messages and says so; the other takes its session and ends it,
      // so Mosquitto no longer keeps a share of the presses for it.
      leaving.child.kill('SIGTERM');
      expect((await leaving.exited).code).toBe(0);
      const takeovers = async () =>
        (await metricValue(staying, 'hub_broker_session_takeovers_total{outcome="drained"}')) +
        (await metricValue(staying, 'hub_broker_session_takeovers_total{outcome="empty"}'));
      await eventually(async () => (await takeovers()) >= 1);
      const presses = 10;
      for (let n = 0; n < presses; n++) await press(`handover-${n}`);
      await eventually(async () => (await pressed()) === presses, 30_000);
    });
  });
});
