/**
 * Case 4, connections: 10,000 devices connected at once, each sending one telemetry message every
 * 10 s; the hub runs in its own process (bench/support/hub-process.ts) and reports its resident
 * memory and event-loop delay. The devices are raw MQTT 3.1.1 clients spread over load processes.
 * The hold lasts `--duration`, and at least 30 s so that every device sends a few times.
 * Goals: RSS ≤ 1 GiB, event-loop delay p99 ≤ 20 ms.
 */
import type { BenchCase, BenchOptions, BenchRow } from '../harness.ts';
import { HubApi } from '../support/hub.ts';
import { gauge, HubChild, type HubStats } from '../support/hub-child.ts';
import { LoadGenerator } from '../support/load.ts';
import { sleep } from '../support/ramp.ts';
import { WATCH_TYPE } from '../support/telemetry.ts';

const CASE = 'connections';
const RSS_GOAL_BYTES = 2 ** 30;
const DELAY_P99_GOAL_MS = 20;
/** The hub process's rows against the connections goals: its RSS and event-loop delay over a hold. */
export function processRows(caseName: string, maxRss: number, stats: HubStats, note: string): BenchRow[] {
  return [
    {
      case: caseName,
      metric: 'hub RSS, max over the hold',
      value: maxRss / 2 ** 20,
      unit: 'MiB',
      goal: { op: '<=', target: RSS_GOAL_BYTES / 2 ** 20 },
      note,
    },
    {
      case: caseName,
      metric: 'event-loop delay p99',
      value: stats.delay.p99,
      unit: 'ms',
      goal: { op: '<=', target: DELAY_P99_GOAL_MS },
      note: `p50 ${stats.delay.p50.toFixed(1)} ms, max ${stats.delay.max.toFixed(1)} ms`,
    },
  ];
}

export function telemetryAccepted(metrics: string): number {
  return Number(/^hub_mqtt_messages_total\{channel="telemetry"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

export const connectionsCase: BenchCase = {
  name: CASE,
  title: 'Connections: 10,000 devices, one message each every 10 s (RSS ≤ 1 GiB, event-loop p99 ≤ 20 ms)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const count = Number(options.settings.connections ?? 10_000);
    const intervalMs = Number(options.settings.interval ?? 10) * 1000;
    const connectRate = Number(options.settings['connect-rate'] ?? 500);
    const workers = Number(options.settings.workers ?? 2);
    const holdMs = Math.max(options.durationMs, 30_000);
    const hub = await HubChild.start({ HUB_MQTT_MAX_CONNECTIONS: String(count + 1000) });
    const { ready } = hub;
    const loads: LoadGenerator[] = [];
    try {
      const idle = await hub.stats();
      const api = new HubApi(ready.url);
      await api.login();
      const registering = performance.now();
      const devices = await api.createDevices(count, WATCH_TYPE, 'bench-watch');
      options.log(
        `  ${count} devices registered through the API in ${((performance.now() - registering) / 1000).toFixed(1)} s; hub RSS before them ${(idle.rssBytes / 2 ** 20).toFixed(0)} MiB (heap ${(idle.heapUsedBytes / 2 ** 20).toFixed(0)} MiB, array buffers ${(idle.arrayBuffersBytes / 2 ** 20).toFixed(0)} MiB)`,
      );
      const connecting = performance.now();
      const share = Math.ceil(count / workers);
      await Promise.all(
        Array.from({ length: workers }, async (_, index) => {
          const load = LoadGenerator.start();
          loads.push(load);
          await load.connect(
            ready.mqttPort,
            devices.slice(index * share, (index + 1) * share),
            connectRate / workers,
          );
        }),
      );
      const connectSeconds = (performance.now() - connecting) / 1000;
      options.log(`  ${count} connected in ${connectSeconds.toFixed(1)} s`);
      for (const load of loads) load.periodic(intervalMs);
      // Settle through one full interval, so that every device has sent before the window opens.
      await sleep(intervalMs);
      const acceptedBefore = telemetryAccepted(await api.metrics());
      await hub.reset();
      const started = performance.now();
      let maxRss = 0;
      while (performance.now() - started < holdMs) {
        await sleep(1000);
        const stats = await hub.stats();
        maxRss = Math.max(maxRss, stats.rssBytes);
      }
      const stats = await hub.stats();
      maxRss = Math.max(maxRss, stats.rssBytes);
      const metrics = await api.metrics();
      const accepted = telemetryAccepted(metrics) - acceptedBefore;
      const heldSeconds = (performance.now() - started) / 1000;
      const clients = gauge(metrics, 'hub_mqtt_clients');
      let sent = 0;
      for (const load of loads) sent += (await load.stopPeriodic()).sent;
      options.log(
        `  over ${heldSeconds.toFixed(0)} s: RSS max ${(maxRss / 2 ** 20).toFixed(0)} MiB (heap ${(stats.heapUsedBytes / 2 ** 20).toFixed(0)} MiB, array buffers ${(stats.arrayBuffersBytes / 2 ** 20).toFixed(0)} MiB), ` +
          `event-loop delay p50 ${stats.delay.p50.toFixed(1)} ms, p99 ${stats.delay.p99.toFixed(1)} ms, max ${stats.delay.max.toFixed(1)} ms; ` +
          `${clients} clients connected, ${Math.round(accepted / heldSeconds)} msg/s accepted, ${sent} sent since the start`,
      );
      const note = `${clients} connected devices, ${Math.round(accepted / heldSeconds)} msg/s, ${heldSeconds.toFixed(0)} s`;
      return [
        ...processRows(CASE, maxRss, stats, note),
        { case: CASE, metric: 'connected devices', value: clients, unit: '' },
        {
          case: CASE,
          metric: 'time to connect all',
          value: connectSeconds,
          unit: 's',
          note: `at ${connectRate}/s`,
        },
      ];
    } finally {
      await Promise.all(loads.map((load) => load.end()));
      await hub.stop();
    }
  },
};
