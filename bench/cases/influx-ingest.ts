/**
 * Case 2, influx-ingest: readings durably written into InfluxDB 1.x, counted back with
 * `SELECT count(hr)`. One influxd is started for the case, a database each for the hub (its batching
 * writer, `HUB_INFLUX_URL`) and the peer: Mosquitto + Node-RED running the flow a typical user builds
 * (mqtt in → json → validate and shape → influxdb out, a write per point).
 *
 * Two measures, the same for both: (1) closed loop, watches publishing at QoS 1 with a window of
 * unacknowledged messages per device for `--duration`: points/s from the first publish to the last
 * point countable, and the lag from the last publish to all countable; (2) the highest open-loop rate
 * at which every point of a `--duration` step is countable within 2 s of the last publish.
 * Goals: hub ≥ 30,000 points/s (1), and ≥ 10× the Node-RED flow (2).
 */

import { startInfluxd } from '../../test/helpers/influxd.ts';
import type { BenchCase, BenchOptions, BenchRow } from '../harness.ts';
import { startBenchHub } from '../support/hub.ts';
import { LoadGenerator } from '../support/load.ts';
import { CONSUMER, ensureMosquitto, startMosquitto } from '../support/mosquitto.ts';
import { ensureNodeRed, NODE_RED_VERSION, type NodeRed, startNodeRed } from '../support/node-red.ts';
import { highestHeldRate, type StepResult, sleep } from '../support/ramp.ts';
import type { DeviceCredentials } from '../support/raw-device.ts';
import { WATCH_TYPE } from '../support/telemetry.ts';

const CASE = 'influx-ingest';
export const POINTS_GOAL = 30_000;
/** A step of the ramp holds when every point is countable this long after the last publish. */
const GRACE_MS = 2000;

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
          : `${Math.round(drain.lagMs)} ms`
      }`,
  );
  return drain;
}

/**
 * Short bursts until every point of them is countable: the database exists, the subscriber is
 * subscribed (Node-RED subscribes a moment after it answers HTTP) and the path is warm.
 */
async function warmUp(load: LoadGenerator, count: () => Promise<number>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const before = await count().catch(() => 0);
    const { sent } = await load.closed(100, 1);
    const burstEnd = Date.now() + 5000;
    while (Date.now() < burstEnd) {
      if ((await count().catch(() => 0)) - before >= sent) return;
      await sleep(200);
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: the warm-up points did not all reach InfluxDB within 60 s`);
  }
}

export const influxIngestCase: BenchCase = {
  name: CASE,
  title: 'InfluxDB ingest: points durably written per second (≥ 30,000/s, ≥ 10× Mosquitto + Node-RED)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const deviceCount = Number(options.settings.devices ?? 100);
    const influxd = await startInfluxd();
    if (!influxd) throw new Error('InfluxDB 1.x is not installed: apt-get install -y influxdb (influxd 1.6)');
    const rampStep =
      (load: LoadGenerator, count: () => Promise<number>, alive: () => Promise<string | null>) =>
      async (rate: number): Promise<StepResult> => {
        const before = await count();
        const result = await load.open(rate, options.durationMs, 1);
        const arrived = async () => (await count()) - before;
        let counted = await arrived();
        while (counted < result.sent && Date.now() < result.lastAt + GRACE_MS) {
          await sleep(100);
          counted = await arrived();
        }
        const kept = result.sent >= 0.97 * rate * (options.durationMs / 1000);
        const held = counted >= result.sent && result.acked === result.sent && kept;
        let detail = `${counted}/${result.sent} countable within ${GRACE_MS / 1000} s${kept ? '' : ', generator fell behind'}`;
        if (!held) {
          // Let the backlog drain (or the peer recover) before the next step.
          let last = -1;
          while (counted !== last && counted < result.sent) {
            last = counted;
            await sleep(3000);
            counted = await arrived();
          }
          detail += `, ${counted} in the end`;
          const problem = await alive();
          if (problem) detail += `; ${problem}`;
        }
        return { held, detail };
      };
    try {
      // The hub.
      let hubDrain: Drain;
      let hubHeld: number;
      {
        const bench = await startBenchHub({ HUB_INFLUX_URL: `${influxd.url}/junxiu` });
        const load = LoadGenerator.start();
        try {
          const devices = await bench.api.createDevices(deviceCount, WATCH_TYPE, 'bench-watch');
          await load.connect(bench.hub.mqttPort, devices);
          const count = () => countPoints(influxd.url, 'junxiu');
          await warmUp(load, count, 'hub');
          hubDrain = await publishAndCount(options, load, count, 'hub');
          hubHeld = await highestHeldRate(
            rampStep(load, count, async () => null),
            {
              start: Number(options.settings['hub-start-rate'] ?? 10_000),
              maxSteps: Number(options.settings['max-steps'] ?? 10),
              log: options.log,
              label: 'hub held',
            },
          );
        } finally {
          await load.end();
          await bench.stop();
        }
      }
      influxIngestResult.hubPointsPerSecond = hubDrain.pointsPerSecond;

      // The peer: Mosquitto + Node-RED.
      let peerHeld: number;
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
        const startRed = () =>
          startNodeRed(red, {
            mqttPort: broker.port,
            username: CONSUMER.username,
            password: CONSUMER.password,
            influxPort: Number(new URL(influxd.url).port),
            database: 'nodered',
          });
        let nodeRed: NodeRed | undefined;
        const load = LoadGenerator.start();
        const count = () => countPoints(influxd.url, 'nodered');
        /** Null while Node-RED runs; else why it stopped, and it is started again. */
        const alive = async (): Promise<string | null> => {
          if (nodeRed?.running) return null;
          const said = (await nodeRed?.log()) ?? [];
          const last = said.at(-1)?.replace(/\s+/g, ' ').slice(0, 160) ?? 'no output';
          options.log(`    Node-RED stopped: ${last}`);
          await nodeRed?.stop();
          nodeRed = await startRed();
          await warmUp(load, count, 'Node-RED');
          return `Node-RED stopped (${last}), started again`;
        };
        try {
          nodeRed = await startRed();
          await load.connect(broker.port, devices);
          await warmUp(load, count, 'Node-RED');
          peerHeld = await highestHeldRate(rampStep(load, count, alive), {
            start: Number(options.settings['peer-start-rate'] ?? 1000),
            maxSteps: Number(options.settings['max-steps'] ?? 10),
            log: options.log,
            label: 'Node-RED held',
          });
          // The hub's closed-loop load, once, to see what the flow does with it.
          peerDrain = await publishAndCount(options, load, count, `Node-RED ${NODE_RED_VERSION}`);
          await alive();
        } finally {
          await load.end();
          await nodeRed?.stop();
          await broker.stop();
        }
      }

      const note = `${deviceCount} devices at QoS 1, ${options.durationMs / 1000} s of publishing`;
      return [
        {
          case: CASE,
          metric: 'hub points durably written, closed loop',
          value: hubDrain.pointsPerSecond,
          unit: 'points/s',
          goal: { op: '>=', target: POINTS_GOAL },
          note: `${hubDrain.counted}/${hubDrain.sent} counted; ${note}`,
        },
        { case: CASE, metric: 'hub lag, last publish → all countable', value: hubDrain.lagMs, unit: 'ms' },
        {
          case: CASE,
          metric: `Node-RED ${NODE_RED_VERSION} points written, same closed loop`,
          value: peerDrain.pointsPerSecond,
          unit: 'points/s',
          note: `${peerDrain.counted}/${peerDrain.sent} counted; ${note}`,
        },
        {
          case: CASE,
          metric: `hub, highest rate countable within ${GRACE_MS / 1000} s`,
          value: hubHeld,
          unit: 'points/s',
        },
        {
          case: CASE,
          metric: `Mosquitto + Node-RED, highest rate countable within ${GRACE_MS / 1000} s`,
          value: peerHeld,
          unit: 'points/s',
        },
        {
          case: CASE,
          metric: 'hub/Node-RED, highest rates held',
          value: peerHeld > 0 ? hubHeld / peerHeld : Number.NaN,
          unit: '×',
          goal: { op: '>=', target: 10 },
        },
      ];
    } finally {
      await influxd.stop();
    }
  },
};
