/**
 * Faults injected for real around the telemetry store: the hub process killed with SIGKILL while
 * its spool holds readings InfluxDB could not take; InfluxDB stopped, or hung (it takes the
 * connection and never answers), while a retiree presses SOS; and a SIGTERM with readings still
 * in the writer's buffer.
 */
import net from 'node:net';
import type { MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDevice, ServerToClientEvents } from '../../server/schemas/index.ts';
import {
  connected,
  deviceClient,
  eventually,
  metricValue,
  startTestHub,
  type TestHub,
} from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { type Influxd, influxdBinary, startInfluxd } from '../helpers/influxd.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Points of one device in an InfluxDB 1.x database, counted with InfluxQL. */
async function countInInflux(url: string, database: string, deviceId: string): Promise<number> {
  const query = `select count(hr) from readings where device_id = '${deviceId}'`;
  const response = await fetch(`${url}/query?db=${database}&q=${encodeURIComponent(query)}`).catch(
    () => undefined,
  );
  if (!response?.ok) return -1;
  const body = (await response.json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

const metric = metricValue;

/** A retiree with a watch, through the API of a hub process; the watch connected. */
async function watchOn(hub: HubProcess, id: string): Promise<{ created: CreatedDevice; client: MqttClient }> {
  const retiree = await hub.addRetiree();
  const device = await hub.addDevice(id, 'wearable.watch', retiree.id);
  const client = await connect(hub.mqttUrl, device);
  return { created: device, client };
}

async function connect(mqttUrl: string, created: CreatedDevice): Promise<MqttClient> {
  const client = deviceClient(mqttUrl, created);
  cleanups.push(() => client.endAsync(true).catch(() => {}));
  await connected(client);
  return client;
}

/** Heart-rate readings one second apart, each acknowledged (QoS 1) before the next. */
async function sendReadings(client: MqttClient, deviceId: string, count: number, from: number) {
  for (let i = 0; i < count; i += 1) {
    await client.publishAsync(
      `eldercare/v1/${deviceId}/telemetry`,
      JSON.stringify({ ts: from + i * 1000, hr: 60 + (i % 30) }),
      { qos: 1 },
    );
  }
}

/** A TCP server on loopback that takes connections and never answers: a hung InfluxDB. */
async function hungServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/junxiu`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(!influxdBinary())('telemetry and alerts through store faults', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    const started = await startInfluxd();
    if (!started) throw new Error('influxd did not start');
    influxd = started;
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('writes what was spooled before a kill -9 once the hub is back and InfluxDB answers', async () => {
    const dir = await makeTempDir('faults-spool-');
    cleanups.push(() => dir.remove());
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const env = {
      HUB_INFLUX_URL: `${influxd.url}/junxiu_spool`,
      HUB_TELEMETRY_BATCH_SIZE: '10',
      HUB_TELEMETRY_FLUSH_MS: '100',
    };
    await influxd.pause();
    cleanups.push(() => influxd.resume());
    const first = await spawnHub({ dataDir: dir.path, httpPort, mqttPort, env });
    cleanups.push(() => first.kill());
    const { created, client } = await watchOn(first, 'watch-spool-1');
    const from = Date.now() - 3_600_000;
    await sendReadings(client, created.device.id, 60, from);
    // Every reading is in the on-disk spool: InfluxDB is down.
    await eventually(async () => (await metric(first, 'hub_telemetry_points_spooled_total')) === 60, 10_000);
    await first.kill();
    expect((await first.exited).signal).toBe('SIGKILL');

    await influxd.resume();
    const second = await spawnHub({ dataDir: dir.path, httpPort, mqttPort, env });
    cleanups.push(() => second.kill());
    await eventually(
      async () => (await countInInflux(influxd.url, 'junxiu_spool', created.device.id)) === 60,
      20_000,
    );
    await eventually(async () => (await metric(second, 'hub_telemetry_spool_bytes')) === 0, 10_000);
    expect(await metric(second, 'hub_telemetry_points_dropped_total')).toBe(0);
  });

  for (const fault of ['stopped', 'hung'] as const) {
    it(`brings an SOS to the dashboard within 2 s while InfluxDB is ${fault}`, async () => {
      let influxUrl = `${influxd.url}/junxiu_sos`;
      if (fault === 'hung') {
        const hung = await hungServer();
        cleanups.push(() => hung.close());
        influxUrl = hung.url;
      }
      const t: TestHub = await startTestHub({
        HUB_INFLUX_URL: influxUrl,
        // The stop at the end spools what a hung store did not take after a second.
        HUB_STOP_TIMEOUT_MS: '3000',
        HUB_TELEMETRY_BATCH_SIZE: '5',
        HUB_TELEMETRY_FLUSH_MS: '100',
      });
      cleanups.push(() => t.stop());
      if (fault === 'stopped') {
        await influxd.pause();
        cleanups.push(() => influxd.resume());
      }
      const socket: Socket<ServerToClientEvents> = io(t.url, {
        auth: { token: t.token },
        transports: ['websocket'],
        reconnection: false,
      });
      cleanups.push(() => socket.close());
      const opened = new Map<string, number>();
      socket.on('alert', (message) => {
        if (message.change === 'opened') opened.set(message.alert.deviceId, Date.now());
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const retiree = await t.addRetiree();
      const watch = await t.addDevice('wearable.watch', retiree.id);
      const client = await t.connectDevice(watch);
      // The writer is busy failing (or waiting) on the store while the readings keep coming.
      const readings = setInterval(() => {
        client.publish(
          `eldercare/v1/${watch.device.id}/telemetry`,
          JSON.stringify({ ts: Date.now(), hr: 72 }),
          { qos: 0 },
        );
      }, 20);
      cleanups.push(() => clearInterval(readings));
      // Several batches of readings (5 each) are in: the writer has the store to fail or wait on.
      await eventually(async () => (await metric(t, 'hub_mqtt_messages_total{channel="telemetry"}')) >= 20);
      const pressed = Date.now();
      await client.publishAsync(
        `eldercare/v1/${watch.device.id}/event`,
        JSON.stringify({ id: `sos-${fault}`, type: 'sos', ts: pressed }),
        { qos: 1 },
      );
      const at = await eventually(() => opened.get(watch.device.id), 10_000);
      expect(at - pressed).toBeLessThan(2_000);
    });
  }

  it('drains on SIGTERM: readings still in the buffer reach InfluxDB and the process exits 0', async () => {
    const dir = await makeTempDir('faults-drain-');
    cleanups.push(() => dir.remove());
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const hub = await spawnHub({
      dataDir: dir.path,
      httpPort,
      mqttPort,
      env: {
        HUB_INFLUX_URL: `${influxd.url}/junxiu_drain`,
        // Nothing is written before the stop: the readings wait in memory.
        HUB_TELEMETRY_BATCH_SIZE: '1000',
        HUB_TELEMETRY_FLUSH_MS: '600000',
        HUB_LOG_LEVEL: 'info',
      },
    });
    cleanups.push(() => hub.kill());
    const { created, client } = await watchOn(hub, 'watch-drain-1');
    await sendReadings(client, created.device.id, 50, Date.now() - 3_600_000);
    expect(await countInInflux(influxd.url, 'junxiu_drain', created.device.id)).toBeLessThanOrEqual(0);
    hub.child.kill('SIGTERM');
    const exit = await hub.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(hub.output()).not.toContain('stop took too long');
    expect(await countInInflux(influxd.url, 'junxiu_drain', created.device.id)).toBe(50);
    // Nothing listens any more.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(mqttPort, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('drains on SIGTERM within its bound while InfluxDB hangs: the readings wait in the spool for the next start', async () => {
    const hung = await hungServer();
    cleanups.push(() => hung.close());
    const dir = await makeTempDir('faults-bound-');
    cleanups.push(() => dir.remove());
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const env = {
      HUB_TELEMETRY_BATCH_SIZE: '1000',
      HUB_TELEMETRY_FLUSH_MS: '600000',
      HUB_STOP_TIMEOUT_MS: '3000',
    };
    const hub = await spawnHub({
      dataDir: dir.path,
      httpPort,
      mqttPort,
      env: { ...env, HUB_INFLUX_URL: hung.url },
    });
    cleanups.push(() => hub.kill());
    const { created, client } = await watchOn(hub, 'watch-bound-1');
    await sendReadings(client, created.device.id, 20, Date.now() - 3_600_000);
    const asked = Date.now();
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    // Within HUB_STOP_TIMEOUT_MS, and a loaded machine's slack.
    expect(Date.now() - asked).toBeLessThan(6_000);
    expect(hub.output()).toContain('spooled for the next start');

    // The next start, with InfluxDB answering, writes them.
    const next = await spawnHub({
      dataDir: dir.path,
      httpPort,
      mqttPort,
      env: { ...env, HUB_INFLUX_URL: `${influxd.url}/junxiu_bound` },
    });
    cleanups.push(() => next.kill());
    await eventually(
      async () => (await countInInflux(influxd.url, 'junxiu_bound', created.device.id)) === 20,
      20_000,
    );
  });
});
