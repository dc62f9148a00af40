/**
 * Case 2, influx-ingest: readings durably written into InfluxDB 1.x per second, counted back with
 * `SELECT count(hr)`, and the lag from the last publish to every point countable. The hub (its
 * batching writer, `HUB_INFLUX_URL`) against Mosquitto + Node-RED running the flow a typical user
 * builds (mqtt in → json → validate and shape → influxdb out, a write per point). Both get the same
 * load: watches publishing at QoS 1 closed-loop (a window of unacknowledged messages per device) for
 * `--duration`, into their own database of one influxd started for the case.
 * Goals: hub ≥ 30,000 points/s, and ≥ 10× the Node-RED flow.
 */

import { startInfluxd } from '../../test/helpers/influxd.ts';
import type { BenchCase, BenchOptions, BenchRow } from '../harness.ts';
import { startBenchHub } from '../support/hub.ts';
import { LoadGenerator } from '../support/load.ts';
import { CONSUMER, ensureMosquitto, startMosquitto } from '../support/mosquitto.ts';
import { ensureNodeRed, NODE_RED_VERSION, startNodeRed } from '../support/node-red.ts';
import { sleep } from '../support/ramp.ts';
import type { DeviceCredentials } from '../support/raw-device.ts';
import { WATCH_TYPE } from '../support/telemetry.ts';

const CASE = 'influx-ingest';
export const POINTS_GOAL = 30_000;

/** The latest hub result in this invocation, for the alert-latency case's background load. */
export const influxIngestResult: { hubPointsPerSecond?: number } = {};

async function influxQuery(url: string, database: string, query: string): Promise<unknown> {
  const response = await fetch(
    `${url}/query?db=${encodeURIComponent(database)}&q=${encodeURIComponent(query)}`,
    {
      method: 'POST',
    },
  );
  const body = (await response.json()) as { results?: { error?: string }[]; error?: string };
  const error = body.error ?? body.results?.[0]?.error;
  if (!response.ok || error) throw new Error(`influx ${query}: ${error ?? response.status}`);
  return body;
}

async function countPoints(url: string, database: string): Promise<number> {
  const body = (await influxQuery(url, database, 'SELECT count(hr) FROM readings')) as {
    results: { series?: { values: [string, number][] }[] }[];
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

interface Drain {
  pointsPerSecond: number;
  lagMs: number;
  counted: number;
  sent: number;
}

/**
 * Publishes closed-loop for `durationMs`, then polls the count until it reaches what was sent (or
 * stops growing for `quietMs`). Rate: points counted over first publish → last point countable.
 */
async function publishAndCount(
  options: BenchOptions,
  load: LoadGenerator,
  count: () => Promise<number>,
  label: string,
): Promise<Drain> {
  const window = Number(options.settings.window ?? 20);
  const quietMs = Number(options.settings['quiet-seconds'] ?? 15) * 1000;
  const base = await count();
  const result = await load.closed(options.durationMs, window);
  let counted = (await count()) - base;
  let countedAt = Date.now();
  let lastGrowth = countedAt;
  while (counted < result.sent && Date.now() - lastGrowth < quietMs) {
    await sleep(250);
    const now = (await count()) - base;
    const at = Date.now();
    if (now > counted) {
      counted = now;
      countedAt = at;
      lastGrowth = at;
    }
  }
  const drain = {
    pointsPerSecond: (counted / (countedAt - result.firstAt)) * 1000,
    lagMs: counted >= result.sent ? countedAt - result.lastAt : Number.NaN,
    counted,
    sent: result.sent,
  };
  options.log(
    `  ${label}: ${result.sent} published (${Math.round((result.sent / (result.lastAt - result.firstAt)) * 1000)}/s acknowledged), ` +
      `${counted} counted in InfluxDB, ${Math.round(drain.pointsPerSecond)} points/s, lag ${
        Number.isNaN(drain.lagMs)
          ? `— (${result.sent - counted} missing after ${quietMs / 1000} s quiet)`
          : `${drain.lagMs} ms`
      }`,
  );
  return drain;
}

async function waitForFirstPoint(count: () => Promise<number>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await count().catch(() => 0)) === 0) {
    if (Date.now() > deadline) throw new Error(`${what}: no point reached InfluxDB within 60 s`);
    await sleep(200);
  }
}

export const influxIngestCase: BenchCase = {
  name: CASE,
  title: 'InfluxDB ingest: points durably written per second (≥ 30,000/s, ≥ 10× Mosquitto + Node-RED)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const deviceCount = Number(options.settings.devices ?? 100);
    const influxd = await startInfluxd();
    if (!influxd) throw new Error('InfluxDB 1.x is not installed: apt-get install -y influxdb (influxd 1.6)');
    try {
      // The hub.
      let hubDrain: Drain;
      {
        const bench = await startBenchHub({ HUB_INFLUX_URL: `${influxd.url}/junxiu` });
        const load = LoadGenerator.start();
        try {
          const devices = await bench.api.createDevices(deviceCount, WATCH_TYPE, 'bench-watch');
          await load.connect(bench.hub.mqttPort, devices);
          const count = () => countPoints(influxd.url, 'junxiu');
          // One short burst first: the database exists and the path is warm before measuring.
          await load.closed(200, 1);
          await waitForFirstPoint(count, 'hub');
          hubDrain = await publishAndCount(options, load, count, 'hub');
        } finally {
          await load.end();
          await bench.stop();
        }
      }
      influxIngestResult.hubPointsPerSecond = hubDrain.pointsPerSecond;

      // The peer: Mosquitto + Node-RED.
      let peerDrain: Drain;
      {
        await ensureMosquitto(options.log);
        const red = await ensureNodeRed(options.log);
        const devices: DeviceCredentials[] = Array.from({ length: deviceCount }, (_, index) => ({
          id: `bench-watch-${String(index).padStart(5, '0')}`,
          secret: `secret-${index}-${Math.random().toString(36).slice(2)}`,
        }));
        const broker = await startMosquitto(devices);
        await influxQuery(influxd.url, 'nodered', 'CREATE DATABASE nodered');
        const nodeRed = await startNodeRed(red, {
          mqttPort: broker.port,
          username: CONSUMER.username,
          password: CONSUMER.password,
          influxPort: Number(new URL(influxd.url).port),
          database: 'nodered',
        }).catch(async (error: unknown) => {
          await broker.stop();
          throw error;
        });
        const load = LoadGenerator.start();
        try {
          await load.connect(broker.port, devices);
          const count = () => countPoints(influxd.url, 'nodered');
          // Node-RED subscribes a moment after it answers HTTP: publish until its first point lands.
          const deadline = Date.now() + 60_000;
          while ((await count()) === 0) {
            if (Date.now() > deadline) throw new Error('Node-RED wrote nothing to InfluxDB within 60 s');
            await load.closed(50, 1);
            await sleep(500);
          }
          peerDrain = await publishAndCount(options, load, count, `Node-RED ${NODE_RED_VERSION}`);
        } finally {
          await load.end();
          await nodeRed.stop();
          await broker.stop();
        }
      }

      const note = `${deviceCount} devices at QoS 1, ${options.durationMs / 1000} s of publishing`;
      return [
        {
          case: CASE,
          metric: 'hub points durably written',
          value: hubDrain.pointsPerSecond,
          unit: 'points/s',
          goal: { op: '>=', target: POINTS_GOAL },
          note: `${hubDrain.counted}/${hubDrain.sent} counted; ${note}`,
        },
        { case: CASE, metric: 'hub lag, last publish → all countable', value: hubDrain.lagMs, unit: 'ms' },
        {
          case: CASE,
          metric: `Mosquitto + Node-RED ${NODE_RED_VERSION} points written`,
          value: peerDrain.pointsPerSecond,
          unit: 'points/s',
          note: `${peerDrain.counted}/${peerDrain.sent} counted; ${note}`,
        },
        {
          case: CASE,
          metric: 'Node-RED lag, last publish → all countable',
          value: peerDrain.lagMs,
          unit: 'ms',
        },
        {
          case: CASE,
          metric: 'hub/Node-RED points/s',
          value: hubDrain.pointsPerSecond / peerDrain.pointsPerSecond,
          unit: '×',
          goal: { op: '>=', target: 10 },
        },
      ];
    } finally {
      await influxd.stop();
    }
  },
};
