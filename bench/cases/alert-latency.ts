/**
 * Case 3, alert-latency: an SOS press published by a pendant (event channel, QoS 1) until the
 * `alert` opening reaches the dashboards: 200 socket.io clients signed in as staff, in their own
 * process, while watches publish background telemetry into InfluxDB at 80 % of the influx-ingest
 * case's hub rate (from this invocation; else `--telemetry-rate`, else 80 % of its 30,000/s goal).
 * 200 presses, each from another retiree's pendant, so each opens a new alert. Every dashboard
 * watches the telemetry's watches (`watch`), so each receives all their readings. Goal: p99 ≤ 50 ms
 * until every dashboard has it.
 */
import { deviceTopic } from '../../devices/contract.ts';
import { startInfluxd } from '../../test/helpers/influxd.ts';
import { type BenchCase, type BenchOptions, type BenchRow, quantile } from '../harness.ts';
import { Dashboards } from '../support/dashboards.ts';
import { startBenchHub } from '../support/hub.ts';
import { LoadGenerator } from '../support/load.ts';
import { sleep } from '../support/ramp.ts';
import { RawDevice } from '../support/raw-device.ts';
import { PENDANT_TYPE, WATCH_TYPE } from '../support/telemetry.ts';
import { influxIngestResult, POINTS_GOAL } from './influx-ingest.ts';

const CASE = 'alert-latency';
const P99_GOAL_MS = 50;

export const alertLatencyCase: BenchCase = {
  name: CASE,
  title: 'Alert latency: SOS press → alert on 200 dashboards, under background telemetry (p99 ≤ 50 ms)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const presses = Number(options.settings.sos ?? 200);
    // Presses before the measured ones, under the same load: the first alerts after a start run
    // code the JIT has not compiled yet, which a centre's hub, running for months, has long done.
    const warmup = Number(options.settings.warmup ?? 20);
    const clients = Number(options.settings.clients ?? 200);
    const watches = Number(options.settings.devices ?? 100);
    const measured = influxIngestResult.hubPointsPerSecond;
    const telemetryRate = Math.round(
      Number(options.settings['telemetry-rate'] ?? 0.8 * (measured ?? POINTS_GOAL)),
    );
    const rateSource = options.settings['telemetry-rate']
      ? '--telemetry-rate'
      : measured
        ? "80 % of this run's influx-ingest"
        : '80 % of the influx-ingest goal';
    options.log(
      `  background telemetry ${telemetryRate}/s (${rateSource}), ${clients} dashboards, ${warmup} + ${presses} presses`,
    );

    const influxd = await startInfluxd();
    if (!influxd) throw new Error('InfluxDB 1.x is not installed: apt-get install -y influxdb (influxd 1.6)');
    const bench = await startBenchHub({ HUB_INFLUX_URL: `${influxd.url}/junxiu` });
    const load = LoadGenerator.start();
    const dashboards = Dashboards.start(Number(options.settings['dashboard-processes'] ?? 1));
    const pendants: RawDevice[] = [];
    try {
      const retirees = await bench.api.createRetirees(warmup + presses, '压测老人');
      const pendantCredentials = await bench.api.createDevices(
        warmup + presses,
        PENDANT_TYPE,
        'bench-pendant',
        retirees,
      );
      const watchCredentials = await bench.api.createDevices(watches, WATCH_TYPE, 'bench-watch');
      await load.connect(bench.hub.mqttPort, watchCredentials);
      for (const credentials of pendantCredentials) {
        pendants.push(await RawDevice.connect(bench.hub.mqttPort, credentials));
      }
      // Every dashboard shows the watches that send the telemetry, so every one receives it all.
      const connected = await dashboards.connect(bench.hub.url, bench.api.bearer, clients, {
        screens: [{ retirees: [], devices: watchCredentials.map((device) => device.id) }],
      });
      options.log(`  ${connected} dashboards connected in ${dashboards.processes} process(es)`);

      // Telemetry runs through the presses and a second either side of them.
      const spacingMs = Math.max(20, options.durationMs / presses);
      const telemetryMs = (warmup + presses) * spacingMs + 2000;
      const background = load.open(telemetryRate, telemetryMs, 0);
      await sleep(1000);
      const pressedAt = new Map<string, number>();
      for (const [index, pendant] of pendants.entries()) {
        const at = performance.timeOrigin + performance.now();
        pendant.publish(
          deviceTopic(pendant.id, 'event'),
          JSON.stringify({ id: `bench-sos-${index}`, type: 'sos', ts: Math.floor(at) }),
          1,
        );
        pressedAt.set(pendant.id, at);
        await sleep(spacingMs);
      }
      const telemetry = await background;
      await sleep(2000);
      const report = await dashboards.report();

      const toEvery: number[] = [];
      const toFirst: number[] = [];
      let incomplete = 0;
      const warmupEvery: number[] = [];
      for (const [index, [deviceId, at]] of [...pressedAt].entries()) {
        const arrivals = report.arrivals[deviceId] ?? [];
        if (index < warmup) {
          if (arrivals.length >= clients) warmupEvery.push(Math.max(...arrivals) - at);
          continue;
        }
        if (arrivals.length > 0) toFirst.push(Math.min(...arrivals) - at);
        if (arrivals.length >= clients) toEvery.push(Math.max(...arrivals) - at);
        else incomplete += 1;
      }
      const slowest = [...pressedAt.keys()]
        .slice(warmup)
        .map((deviceId, index) => ({
          index,
          ms: Math.max(...(report.arrivals[deviceId] ?? [Number.NaN])) - (pressedAt.get(deviceId) as number),
        }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3);
      options.log(
        `  slowest presses: ${slowest.map((press) => `#${press.index} ${press.ms.toFixed(0)} ms`).join(', ')}`,
      );
      toEvery.sort((a, b) => a - b);
      toFirst.sort((a, b) => a - b);
      const sentRate = (telemetry.sent / (telemetry.lastAt - telemetry.firstAt)) * 1000;
      options.log(
        `  every dashboard: p50 ${quantile(toEvery, 0.5).toFixed(1)} ms, p99 ${quantile(toEvery, 0.99).toFixed(1)} ms, ` +
          `max ${(toEvery.at(-1) ?? Number.NaN).toFixed(1)} ms; first dashboard p50 ${quantile(toFirst, 0.5).toFixed(1)} ms; ` +
          `${incomplete} presses missing on some dashboard; telemetry sent ${Math.round(sentRate)}/s; ` +
          `${report.readings} device readings received in batches, ${report.disconnects} disconnects`,
      );
      const note = `${presses} presses after ${warmup} warm-up ones, ${clients} dashboards, telemetry ${Math.round(sentRate)}/s (${rateSource})`;
      const value = (sorted: number[], q: number) => (incomplete > 0 ? Number.NaN : quantile(sorted, q));
      return [
        { case: CASE, metric: 'SOS → every dashboard p50', value: value(toEvery, 0.5), unit: 'ms', note },
        {
          case: CASE,
          metric: 'SOS → every dashboard p99',
          value: value(toEvery, 0.99),
          unit: 'ms',
          goal: { op: '<=', target: P99_GOAL_MS },
          note: incomplete ? `${incomplete} of ${presses} presses did not reach every dashboard` : note,
        },
        { case: CASE, metric: 'SOS → every dashboard max', value: value(toEvery, 1), unit: 'ms' },
        { case: CASE, metric: 'SOS → first dashboard p99', value: quantile(toFirst, 0.99), unit: 'ms' },
        { case: CASE, metric: 'background telemetry sent', value: sentRate, unit: 'msg/s' },
        {
          case: CASE,
          metric: 'warm-up presses, every dashboard max',
          value: warmupEvery.length ? Math.max(...warmupEvery) : Number.NaN,
          unit: 'ms',
          note: `the first ${warmup} presses after the hub's start, before the measured ones`,
        },
      ];
    } finally {
      for (const pendant of pendants) pendant.end();
      dashboards.end();
      await load.end();
      await bench.stop();
      await influxd.stop();
    }
  },
};
