/**
 * Three hub instances as one: the same PostgreSQL, Redis, Mosquitto and InfluxDB, each with its own
 * data folder and ports. One runs in a process of its own (so it can be killed with SIGKILL) and
 * starts first, so it holds the jobs' lease; the other two run in the test's process. What a centre
 * running several needs of them: an SOS reaches the dashboards on every one and its acknowledgement
 * on any reaches the device; readings shared out among them all reach InfluxDB; an account disabled
 * on one is signed out on another; guesses spread over them are throttled as one; a revoked device
 * is refused by the broker; the escalation ladder goes on from another instance when the one running
 * it is killed, no step sent twice; and the presses queued for a killed instance are taken by the
 * others, none lost, none counted twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertStep, CreatedDevice } from '../../server/schemas/index.ts';
import { threeGFrame } from '../../simulators/watches/frames.ts';
import { DeviceLink } from '../helpers/device-link.ts';
import { startHaproxy } from '../helpers/haproxy.ts';
import { call, eventually, metricValue, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { type Influxd, startInfluxd } from '../helpers/influxd.ts';
import { connectLive, type Live } from '../helpers/live.ts';
import {
  DYNSEC_ADMIN,
  type DynsecMosquitto,
  deviceOnBroker,
  startDynsecMosquitto,
} from '../helpers/mosquitto.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';
import { type RedisServer, startRedis } from '../helpers/redis.ts';
import { freePort, makeTempDir, type TempDir } from '../helpers/tmp.ts';

const [postgres, redis, mosquitto, influxd]: [
  PostgresServer | null,
  RedisServer | null,
  DynsecMosquitto | null,
  Influxd | null,
] = await Promise.all([startPostgres(), startRedis(), startDynsecMosquitto(), startInfluxd()]);
afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop(), mosquitto?.stop(), influxd?.stop()]);
});

/** A sign-in from an address of its own (127.0.0.0/8 all reach this machine): its status. */
function loginFrom(url: string, username: string, password: string): Promise<number> {
  const target = new URL('/api/auth/login', url);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: GUESSER,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
const GUESSER = '127.0.0.77';

/** The staff channels are webhooks to a local server that records what it is sent. */
interface Received {
  path: string;
  level: number | null;
  alertId: string;
  /** X-Junxiu-Delivery: one delivery, however many times it is sent. */
  delivery: string;
}

describe.skipIf(!postgres || !redis || !mosquitto || !influxd)(
  'three hub instances on one database, broker, Redis and InfluxDB',
  () => {
    let shared: Record<string, string>;
    let first: HubProcess;
    let firstDir: TempDir;
    let firstPorts: { http: number; mqtt: number; '3g': number; iw: number; jt808: number };
    let second: TestHub;
    let third: TestHub;
    let webhooks: http.Server;
    let origin = '';
    const received: Received[] = [];

    /** The settings of instance `name`. */
    const settings = (name: string) => ({ ...shared, HUB_INSTANCE_NAME: name });
    const startFirst = () =>
      spawnHub({
        dataDir: firstDir.path,
        httpPort: firstPorts.http,
        mqttPort: firstPorts.mqtt,
        env: {
          ...settings('one'),
          HUB_WATCH_3G_PORT: String(firstPorts['3g']),
          HUB_WATCH_IW_PORT: String(firstPorts.iw),
          HUB_WATCH_JT808_PORT: String(firstPorts.jt808),
        },
      });
    const consuming = async (url: string) =>
      /^hub_broker_consumer_connected 1$/m.test(String((await call<string>(url, 'GET', '/metrics')).body));
    const leaseHeld = async (url: string) =>
      /^hub_jobs_lease_held 1$/m.test(String((await call<string>(url, 'GET', '/metrics')).body));

    beforeAll(async () => {
      const database = await (postgres as PostgresServer).createDatabase();
      const url = (mosquitto as DynsecMosquitto).url;
      shared = {
        HUB_DATABASE_URL: database,
        HUB_REDIS_URL: (redis as RedisServer).url,
        HUB_INFLUX_URL: `${(influxd as Influxd).url}/junxiu_cluster`,
        HUB_TELEMETRY_FLUSH_MS: '200',
        HUB_BROKER_URL: url,
        HUB_BROKER_USER: 'junxiu-hub',
        HUB_BROKER_PASSWORD: 'cluster-consumer-password-0123456789',
        HUB_MOSQUITTO_URL: url,
        HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
        HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
        HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
        HUB_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
        HUB_WEBHOOK_RETRY_DELAYS: '0',
        HUB_INSTANCE_STALE_SECONDS: '3',
        HUB_LOGIN_FAILURES_PER_IP: '4',
        HUB_LOGIN_COOLDOWN_SECONDS: '60',
      };
      webhooks = http.createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => {
          body += chunk;
        });
        request.on('end', () => {
          const parsed = JSON.parse(body) as { level: number | null; alert: { id: string } };
          received.push({
            path: request.url ?? '',
            level: parsed.level,
            alertId: parsed.alert.id,
            delivery: String(request.headers['x-junxiu-delivery']),
          });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => webhooks.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(webhooks.address() as AddressInfo).port}`;

      firstDir = await makeTempDir('junxiu-cluster-');
      firstPorts = {
        http: await freePort(),
        mqtt: await freePort(),
        '3g': await freePort(),
        iw: await freePort(),
        jt808: await freePort(),
      };
      first = await startFirst();
      await eventually(() => leaseHeld(first.url));
      second = await startTestHub({
        ...settings('two'),
        HUB_WATCH_3G_PORT: '0',
        HUB_WATCH_IW_PORT: '0',
        HUB_WATCH_JT808_PORT: '0',
      });
      third = await startTestHub({
        ...settings('three'),
        HUB_WATCH_3G_PORT: '0',
        HUB_WATCH_IW_PORT: '0',
        HUB_WATCH_JT808_PORT: '0',
      });
      await eventually(() => consuming(first.url));
      for (const instance of [second, third]) {
        await eventually(async () => (await metricValue(instance, 'hub_broker_consumer_connected')) === 1);
      }
    });

    afterAll(async () => {
      await third?.stop();
      await second?.stop();
      await first?.kill();
      await firstDir?.remove();
      await new Promise((resolve) => webhooks?.close(resolve));
    });

    /** A pendant of a new retiree, registered on the second instance and connected to Mosquitto. */
    async function pendant(): Promise<{ created: CreatedDevice; device: MqttClient; retireeId: string }> {
      const retireeId = (await second.addRetiree()).id;
      const created = await second.addDevice('pendant.sos', retireeId);
      const device = await deviceOnBroker((mosquitto as DynsecMosquitto).url, created);
      return { created, device, retireeId };
    }
    const press = (device: MqttClient, id: string, eventId: string) =>
      device.publishAsync(
        `eldercare/v1/${id}/event`,
        JSON.stringify({ id: eventId, type: 'sos', ts: Date.now() }),
        {
          qos: 1,
        },
      );
    const alertOf = async (retireeId: string) =>
      (await second.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body[0];

    it('shows an SOS on the dashboards of every instance, and an acknowledgement on any reaches the device', async () => {
      const staff = await second.addStaff('cluster-desk', 'supervisor');
      const sockets: Live[] = [
        await connectLive(first.url, staff.token),
        await connectLive(second.hub.url, staff.token),
        await connectLive(third.hub.url, staff.token),
      ];
      const seen: string[][] = [[], [], []];
      sockets.forEach((socket, n) => {
        socket.on('alert', (message) => seen[n]?.push(message.alert.id));
      });
      const { created, device, retireeId } = await pendant();
      const id = created.device.id;
      const commands: unknown[] = [];
      await device.subscribeAsync(`eldercare/v1/${id}/cmd`, { qos: 1 });
      device.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
      await press(device, id, 'cluster-sos-1');
      const alert = await eventually(() => alertOf(retireeId));
      await eventually(() => seen.every((ids) => ids.includes(alert.id)));
      // Acknowledged on the first instance, whichever took the press.
      const acked = await call(first.url, 'POST', `/api/alerts/${alert.id}/ack`, {}, staff.token);
      expect(acked.status).toBe(200);
      await eventually(() => commands.length > 0);
      expect(commands[0]).toMatchObject({ type: 'ack', alertId: alert.id });
      for (const socket of sockets) socket.close();
      await device.endAsync();
    });

    it('writes the readings the broker shares out among the instances to InfluxDB, each instance its own', async () => {
      const retireeId = (await second.addRetiree()).id;
      const created = await second.addDevice('wearable.watch', retireeId);
      const id = created.device.id;
      const watch = await deviceOnBroker((mosquitto as DynsecMosquitto).url, created);
      const readings = 60;
      const start = Date.now() - readings * 1000;
      for (let n = 0; n < readings; n += 1) {
        await watch.publishAsync(
          `eldercare/v1/${id}/telemetry`,
          JSON.stringify({ ts: start + n * 1000, hr: 60 + (n % 20) }),
          { qos: 1 },
        );
      }
      const stored = async () => {
        const q = encodeURIComponent(`SELECT count(hr) FROM readings WHERE device_id = '${id}'`);
        const response = await fetch(`${(influxd as Influxd).url}/query?db=junxiu_cluster&q=${q}`);
        const body = (await response.json()) as { results: { series?: { values: [string, number][] }[] }[] };
        return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
      };
      await eventually(async () => (await stored()) === readings, 30_000);
      // Shared out: every instance took some and wrote them itself.
      const written = async (url: string) =>
        metricValue({ api: (method, path) => call(url, method, path) }, 'hub_telemetry_points_written_total');
      for (const url of [first.url, second.hub.url, third.hub.url])
        expect(await written(url)).toBeGreaterThan(0);
      await watch.endAsync();
    });

    it('signs a disabled account out on another instance, and throttles guesses spread over two as one', async () => {
      const staff = await second.addStaff('cluster-leaver', 'operator');
      const socket = await connectLive(first.url, staff.token);
      const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      expect((await second.api('POST', `/api/users/${staff.id}/disable`)).status).toBe(200);
      await closed;
      expect((await call(first.url, 'GET', '/api/auth/me', undefined, staff.token)).status).toBe(401);

      // Guesses from one address, spread over both: the fifth attempt is refused on either.
      await second.addStaff('cluster-target', 'operator');
      const urls = [first.url, second.hub.url];
      for (let n = 0; n < 4; n += 1) {
        expect(await loginFrom(urls[n % 2] as string, 'cluster-target', `guess-${n}-wrong`)).toBe(401);
      }
      for (const url of urls) expect(await loginFrom(url, 'cluster-target', 'staff-password-1')).toBe(429);
    });

    it('has Mosquitto refuse a device revoked on either instance at once', async () => {
      const { created, device } = await pendant();
      const id = created.device.id;
      const gone = new Promise<void>((resolve) => device.once('close', () => resolve()));
      expect((await first.api('POST', `/api/devices/${id}/revoke`, { reason: '遗失' })).status).toBe(200);
      await gone;
      const again = mqtt.connect((mosquitto as DynsecMosquitto).url, {
        clientId: id,
        username: id,
        password: created.secret,
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      const refused = await new Promise<Error>((resolve) => again.once('error', resolve));
      again.end(true);
      expect(refused.message).toMatch(/Not authorized|Bad User Name or Password/i);
    });

    it('goes on with the escalation ladder from the other instance when the one running it is killed', async () => {
      const supervisor = await second.addStaff('cluster-supervisor', 'supervisor');
      const manager = await second.addStaff('cluster-director', 'admin');
      for (const [user, path] of [
        [supervisor, '/supervisor'],
        [manager, '/manager'],
      ] as const) {
        const added = await second.api(
          'POST',
          '/api/me/channels',
          { kind: 'webhook', target: `${origin}${path}` },
          user.token,
        );
        expect(added.status).toBe(201);
      }
      const ladder = await second.api('PUT', '/api/settings/escalation', {
        steps: [
          { afterSeconds: 1, notify: [], users: [supervisor.id], channels: ['webhook'] },
          { afterSeconds: 8, notify: [], users: [manager.id], channels: ['webhook'] },
        ],
      });
      expect(ladder.status).toBe(200);
      const { created, device, retireeId } = await pendant();
      await press(device, created.device.id, 'cluster-ladder-1');
      const alert = await eventually(() => alertOf(retireeId));
      // As a receiver keeping the ids it has taken sees them: an instance killed between a send and
      // its log entry leaves that delivery to be sent again, under the same id.
      const sent = (path: string) => {
        const seen = new Set<string>();
        return received.filter((entry) => {
          if (entry.alertId !== alert.id || entry.path !== path || seen.has(entry.delivery)) return false;
          seen.add(entry.delivery);
          return true;
        });
      };
      await eventually(() => sent('/supervisor').length === 1);
      // The first step went out from the instance holding the jobs; it dies before the second.
      expect(await leaseHeld(first.url)).toBe(true);
      await first.kill();
      // Another instance, either, takes the jobs over.
      await eventually(
        async () =>
          (await metricValue(second, 'hub_jobs_lease_held')) +
            (await metricValue(third, 'hub_jobs_lease_held')) ===
          1,
        15_000,
      );
      await eventually(() => sent('/manager').length === 1, 30_000);
      const steps = (await second.api<AlertStep[]>('GET', `/api/alerts/${alert.id}/steps`)).body;
      expect(steps.filter((step) => step.action === 'escalated').map((step) => step.detail.level)).toEqual([
        1, 2,
      ]);
      expect(sent('/supervisor').map((entry) => entry.level)).toEqual([1]);
      expect(sent('/manager').map((entry) => entry.level)).toEqual([2]);
      expect((await second.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
      await second.api('PUT', '/api/settings/escalation', { steps: [] });
      await device.endAsync();
    });

    it('takes the presses queued for an instance killed among them: none lost, none counted twice', async () => {
      first = await startFirst();
      await eventually(() => consuming(first.url));
      const { created, device, retireeId } = await pendant();
      const id = created.device.id;
      const presses = 1000;
      const counted = async () => (await alertOf(retireeId))?.count ?? 0;
      const sending = (async () => {
        for (let n = 0; n < presses; n += 1) await press(device, id, `cluster-press-${n}`);
      })();
      // Killed while presses are still coming and some are queued for it.
      await eventually(async () => (await counted()) >= presses / 4, 60_000);
      await first.kill();
      await sending;
      await eventually(async () => (await counted()) === presses, 90_000);
      // Nothing more comes: the count stays.
      const takeovers = async (instance: TestHub) =>
        (await metricValue(instance, 'hub_broker_session_takeovers_total{outcome="drained"}')) +
        (await metricValue(instance, 'hub_broker_session_takeovers_total{outcome="empty"}'));
      await eventually(async () => (await takeovers(second)) + (await takeovers(third)) >= 1);
      expect(await counted()).toBe(presses);
      await device.endAsync();
    }, 240_000);

    it('puts back online the watches of an instance that stood still while their connections stayed open', async () => {
      if (first.child.exitCode !== null || first.child.signalCode !== null) first = await startFirst();
      // `first` holds no lease since it was started again: another instance sweeps its links.
      expect(await leaseHeld(first.url)).toBe(false);
      const retireeId = (await second.addRetiree()).id;
      const watchId = '4700186888';
      await second.addDevice('watch.3g', retireeId, watchId);
      const watch = await DeviceLink.open(firstPorts['3g']);
      watch.send(threeGFrame(watchId, 'LK,0,10,100'));
      await watch.answered(`[3G*${watchId}*0002*LK]`);
      const online = async () =>
        (await second.api<{ id: string; online: boolean }[]>('GET', '/api/devices')).body.find(
          (entry) => entry.id === watchId,
        )?.online;
      await eventually(async () => (await online()) === true);
      // The process stands still past HUB_INSTANCE_STALE_SECONDS: the others take it for dead.
      first.child.kill('SIGSTOP');
      try {
        await eventually(async () => (await online()) === false);
      } finally {
        first.child.kill('SIGCONT');
      }
      // It goes on; the watch's connection never closed.
      await eventually(async () => (await online()) === true);
      await eventually(() => /thought gone/.test(first.output()));
      watch.end();
    });

    it('serves the API, the live channel and the watches behind HAProxy, and goes on when an instance dies', async () => {
      // Back after the kills above.
      if (first.child.exitCode !== null || first.child.signalCode !== null) first = await startFirst();
      await eventually(() => consuming(first.url));
      const ports = second.hub.watchPorts;
      const proxy = await startHaproxy(firstPorts, {
        http: second.hub.httpPort,
        '3g': ports['3g'] as number,
        iw: ports.iw as number,
        jt808: ports.jt808 as number,
      });
      if (!proxy) return;
      try {
        const staff = await second.addStaff('proxied-desk', 'supervisor');
        expect((await call(proxy.url, 'GET', '/api/auth/me', undefined, staff.token)).status).toBe(200);
        // The live channel starts by long polling: the cookie HAProxy sets keeps a browser on one
        // instance for its polls.
        const cookie = (await fetch(`${proxy.url}/healthz`)).headers.get('set-cookie')?.split(';')[0] ?? '';
        expect(cookie).toMatch(/^JUNXIU_INSTANCE=(one|two)$/);
        const socket: Live = io(proxy.url, {
          auth: { token: staff.token },
          transports: ['polling'],
          extraHeaders: { cookie },
          reconnection: false,
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const seen: string[] = [];
        socket.on('alert', (message) => seen.push(message.alert.id));
        const { created, device, retireeId } = await pendant();
        await press(device, created.device.id, 'proxied-sos-1');
        const alert = await eventually(() => alertOf(retireeId));
        await eventually(() => seen.includes(alert.id));
        socket.close();
        await device.endAsync();

        // A watch reaches an instance through the proxy, and is linked to it.
        const watchId = '4700186999';
        await second.addDevice('watch.3g', retireeId, watchId);
        const watch = await DeviceLink.open(proxy.ports['3g']);
        watch.send(threeGFrame(watchId, 'LK,0,10,100'));
        await watch.answered(`[3G*${watchId}*0002*LK]`);
        await eventually(
          async () =>
            (await second.api<{ id: string; online: boolean }[]>('GET', '/api/devices')).body.find(
              (entry) => entry.id === watchId,
            )?.online === true,
        );
        watch.end();

        // One instance dies: the proxy sends every request to the other.
        await first.kill();
        await eventually(async () => {
          for (let n = 0; n < 5; n += 1) {
            if ((await call(proxy.url, 'GET', '/api/auth/me', undefined, staff.token)).status !== 200)
              return false;
          }
          return true;
        }, 15_000);
      } finally {
        await proxy.stop();
      }
    });
  },
);
