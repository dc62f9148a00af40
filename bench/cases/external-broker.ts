/**
 * Case 7, external-broker: what the hop through an external broker costs. The same hub, first with
 * its devices on its embedded broker, then on a Mosquitto it consumes from (HUB_BROKER_URL, a
 * shared subscription, each event acknowledged once committed), measured the same way:
 * - telemetry taken: watches publish QoS 1 closed-loop (a window of unacknowledged messages each)
 *   for the duration; the rate is what the hub counted (`hub_mqtt_messages_total{channel=
 *   "telemetry"}`) from the first message to the last one sent, waiting for it to catch up;
 * - SOS latency: pendants press one by one, and the time runs from the press written to the socket
 *   to the `alert` opening received by every one of the dashboards.
 * On two cores both brokers share the machine with the hub; the point is the extra hop's cost, not
 * a speed-up. No goal: the figures feed SCALING.md.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deviceTopic } from '../../devices/contract.ts';
import { DYNSEC_ADMIN, startDynsecMosquitto } from '../../test/helpers/mosquitto.ts';
import { type BenchCase, type BenchOptions, type BenchRow, quantile } from '../harness.ts';
import type { AlertArrivals } from '../support/dashboard-worker.ts';
import { startBenchHub } from '../support/hub.ts';
import { LoadGenerator } from '../support/load.ts';
import { sleep } from '../support/ramp.ts';
import { RawDevice } from '../support/raw-device.ts';
import { PENDANT_TYPE, WATCH_TYPE } from '../support/telemetry.ts';
import { askDashboards } from './alert-latency.ts';

const CASE = 'external-broker';
const workerPath = fileURLToPath(new URL('../support/dashboard-worker.ts', import.meta.url));
const HUB_ACCOUNT = { username: 'junxiu-hub', password: 'bench-hub-consumer-password-0123' };

/** One counter of the hub's /metrics. */
async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((each) => each.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

interface ModeResult {
  telemetryPerSecond: number;
  sent: number;
  every: number[];
  incomplete: number;
}

async function runMode(
  mode: 'embedded' | 'mosquitto',
  options: BenchOptions,
  sizes: { watches: number; pendants: number; clients: number; window: number },
): Promise<ModeResult> {
  const mosquitto = mode === 'mosquitto' ? await startDynsecMosquitto() : null;
  if (mode === 'mosquitto' && !mosquitto) {
    throw new Error(
      'Mosquitto with its dynamic-security plugin is not installed: apt-get install -y mosquitto',
    );
  }
  const env: Record<string, string> = mosquitto
    ? {
        HUB_BROKER_URL: mosquitto.url,
        HUB_BROKER_USER: HUB_ACCOUNT.username,
        HUB_BROKER_PASSWORD: HUB_ACCOUNT.password,
        HUB_MOSQUITTO_URL: mosquitto.url,
        HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
        HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
      }
    : {};
  const bench = await startBenchHub(env);
  const port = mosquitto ? mosquitto.port : bench.hub.mqttPort;
  const load = LoadGenerator.start();
  const dashboards = fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const pendants: RawDevice[] = [];
  try {
    if (mosquitto) {
      const deadline = Date.now() + 30_000;
      while ((await metric(bench.hub.url, 'hub_broker_consumer_connected')) !== 1) {
        if (Date.now() > deadline) throw new Error('the hub did not subscribe to Mosquitto');
        await sleep(100);
      }
    }
    const retirees = await bench.api.createRetirees(sizes.pendants, '压测老人');
    const pendantCredentials = await bench.api.createDevices(
      sizes.pendants,
      PENDANT_TYPE,
      'ext-pendant',
      retirees,
    );
    const watchCredentials = await bench.api.createDevices(sizes.watches, WATCH_TYPE, 'ext-watch');
    await load.connect(port, watchCredentials);
    for (const credentials of pendantCredentials) pendants.push(await RawDevice.connect(port, credentials));
    await askDashboards(dashboards, {
      cmd: 'connect',
      url: bench.hub.url,
      token: bench.api.bearer,
      clients: sizes.clients,
    });

    // Telemetry, closed loop: the hub's count from the first message to the last one sent.
    const telemetry = 'hub_mqtt_messages_total{channel="telemetry"}';
    const before = await metric(bench.hub.url, telemetry);
    const run = await load.closed(options.durationMs, sizes.window);
    const deadline = Date.now() + 60_000;
    let taken = (await metric(bench.hub.url, telemetry)) - before;
    while (taken < run.sent && Date.now() < deadline) {
      await sleep(50);
      taken = (await metric(bench.hub.url, telemetry)) - before;
    }
    const caughtUpAt = Date.now();
    const telemetryPerSecond = (taken / (caughtUpAt - run.firstAt)) * 1000;
    options.log(
      `  ${mode}: ${run.sent} sent, ${taken} taken by the hub, ${Math.round(telemetryPerSecond)}/s (caught up ${Math.round(caughtUpAt - run.lastAt)} ms after the last)`,
    );

    // SOS presses, one at a time.
    const pressedAt = new Map<string, number>();
    for (const [index, pendant] of pendants.entries()) {
      const at = performance.timeOrigin + performance.now();
      pendant.publish(
        deviceTopic(pendant.id, 'event'),
        JSON.stringify({ id: `ext-sos-${index}`, type: 'sos', ts: Math.floor(at) }),
        1,
      );
      pressedAt.set(pendant.id, at);
      await sleep(50);
    }
    await sleep(2000);
    const report = await askDashboards<AlertArrivals>(dashboards, { cmd: 'report' });
    const every: number[] = [];
    let incomplete = 0;
    for (const [deviceId, at] of pressedAt) {
      const arrivals = report.arrivals[deviceId] ?? [];
      if (arrivals.length >= sizes.clients) every.push(Math.max(...arrivals) - at);
      else incomplete += 1;
    }
    every.sort((a, b) => a - b);
    options.log(
      `  ${mode}: SOS → every dashboard p50 ${quantile(every, 0.5).toFixed(1)} ms, p99 ${quantile(every, 0.99).toFixed(1)} ms, ${incomplete} incomplete`,
    );
    return { telemetryPerSecond, sent: run.sent, every, incomplete };
  } finally {
    for (const pendant of pendants) pendant.end();
    dashboards.kill();
    await load.end();
    await bench.stop();
    await mosquitto?.stop();
  }
}

export const externalBrokerCase: BenchCase = {
  name: CASE,
  title: "External broker: the hub on its embedded broker vs consuming from Mosquitto (the hop's cost)",
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const sizes = {
      watches: Number(options.settings.devices ?? 200),
      pendants: Number(options.settings.sos ?? 100),
      clients: Number(options.settings.clients ?? 20),
      window: Number(options.settings.window ?? 10),
    };
    const rows: BenchRow[] = [];
    for (const mode of ['embedded', 'mosquitto'] as const) {
      const result = await runMode(mode, options, sizes);
      const label = mode === 'embedded' ? 'embedded broker' : 'Mosquitto, shared subscription';
      const note = `${sizes.watches} watches QoS 1 window ${sizes.window}; ${sizes.pendants} presses, ${sizes.clients} dashboards`;
      const value = (q: number) => (result.incomplete > 0 ? Number.NaN : quantile(result.every, q));
      rows.push(
        {
          case: CASE,
          metric: `${label}: telemetry taken`,
          value: result.telemetryPerSecond,
          unit: 'msg/s',
          note,
        },
        { case: CASE, metric: `${label}: SOS → every dashboard p50`, value: value(0.5), unit: 'ms' },
        {
          case: CASE,
          metric: `${label}: SOS → every dashboard p99`,
          value: value(0.99),
          unit: 'ms',
          ...(result.incomplete > 0
            ? { note: `${result.incomplete} presses did not reach every dashboard` }
            : {}),
        },
      );
    }
    return rows;
  },
};
