/**
 * Case 6, watches: 10,000 watches and pendants on the maker-protocol listeners over TCP (80 % 3G,
 * 10 % IW, 10 % JT/T 808), each logged in and linking every 60 s (`LK`, `AP03`, 0x0002), beside
 * the connections case's MQTT devices (one message each every 10 s) and 50 dashboards, each showing
 * a wall page of its own (`watch`: 120 MQTT devices and 120 watches). The hub runs
 * in its own process; the watches (simulators/watches/) in another, the MQTT devices in two more,
 * the dashboards in five (dashboards.ts: they count the readings batches without parsing them,
 * unless `--parse-readings`). Measured: the hub's RSS and event-loop delay over the hold, within the
 * connections case's goals (RSS ≤ 1 GiB, p99 ≤ 20 ms); then SOS alarms from 3G watches, from the
 * `AL` written until the `alert` opening reaches every dashboard (alert-latency's goal, p99 ≤ 50 ms),
 * split at the moment the hub wrote the alert to the sockets (its process stamps it).
 *
 * The hub holds one descriptor per connection: its open-files limit (`ulimit -n`) must exceed the
 * watches and the MQTT devices together. When it does not, the MQTT devices are cut to fit, and the
 * row says so. `--profile=<file>` writes a CPU profile of the hub over the hold and logs what its
 * longest busy stretches spent their time in; `--profile-alarms=<file>` does the same over the
 * measured alarms.
 */
import { randomInt } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WatchProtocolName } from '../../devices/watches/types.ts';
import type { CreatedDevice } from '../../server/schemas/devices.ts';
import type { WatchRequest } from '../../server/schemas/live.ts';
import { WATCH_TYPE_OF, watchId } from '../../simulators/watches/provision.ts';
import { type BenchCase, type BenchOptions, type BenchRow, quantile } from '../harness.ts';
import { Dashboards } from '../support/dashboards.ts';
import { HubApi, inBatches } from '../support/hub.ts';
import { gauge, HubChild, openFilesLimit } from '../support/hub-child.ts';
import { LoadGenerator } from '../support/load.ts';
import { type CpuProfile, describePauses, longestPauses } from '../support/pauses.ts';
import { sleep } from '../support/ramp.ts';
import { WATCH_TYPE } from '../support/telemetry.ts';
import { WatchLoad } from '../support/watch-load.ts';
import { processRows } from './connections.ts';

const CASE = 'watches';
const ALARM_P99_GOAL_MS = 50;
/** Descriptors the hub needs besides its connections: data files, HTTP, dashboards, the loop. */
const HUB_OWN_FILES = 1000;

/** A wall page: 120 retirees, here a device of each kind apiece. */
const PAGE_RETIREES = 120;

/**
 * What the dashboards show: each its own wall page (the worst case, no two screens sharing a
 * message), PAGE_RETIREES MQTT devices and as many watches, taken in turn from the fleet.
 */
function wallPages(count: number, mqtt: string[], watches: string[]): WatchRequest[] {
  const slice = (ids: string[], page: number) => {
    if (ids.length === 0) return [];
    const start = (page * PAGE_RETIREES) % ids.length;
    return [...ids, ...ids].slice(start, start + Math.min(PAGE_RETIREES, ids.length));
  };
  return Array.from({ length: count }, (_, page) => ({
    retirees: [],
    devices: [...slice(mqtt, page), ...slice(watches, page)],
  }));
}

/** Stops the hub's CPU profile into `file` and logs what its longest busy stretches spent time in. */
async function stopProfile(hub: HubChild, file: string, of: string, options: BenchOptions): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await hub.profileStop(file);
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  options.log(`  profile of ${of}: ${file}; its longest busy stretches:`);
  for (const line of describePauses(longestPauses(profile, root))) options.log(line);
}

/** Device `index`'s protocol: one in ten IW, one in ten JT/T 808, the rest 3G. */
function protocolOf(index: number): WatchProtocolName {
  return index % 10 === 1 ? 'iw' : index % 10 === 6 ? 'jt808' : '3g';
}

export const watchesCase: BenchCase = {
  name: CASE,
  title:
    'Watches: 10,000 watches over TCP (LK every 60 s) beside 10,000 MQTT devices (RSS ≤ 1 GiB, event-loop p99 ≤ 20 ms, SOS → dashboards p99 ≤ 50 ms)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const watchCount = Number(options.settings.watches ?? 10_000);
    const linkIntervalMs = Number(options.settings['link-interval'] ?? 60) * 1000;
    const mqttIntervalMs = Number(options.settings.interval ?? 10) * 1000;
    const connectRate = Number(options.settings['connect-rate'] ?? 500);
    const clients = Number(options.settings.clients ?? 50);
    const alarms = Number(options.settings.sos ?? 50);
    // `--hub-flags="--max-semi-space-size=16 …"`: V8 flags for the hub's process, after its own.
    const hubFlags = options.settings['hub-flags']?.split(/\s+/).filter(Boolean) ?? [];
    if (hubFlags.length > 0) options.log(`  the hub's process with ${hubFlags.join(' ')}`);
    const dashboardProcesses = Number(options.settings['dashboard-processes'] ?? 5);
    // `--parse-readings`: the dashboards parse every readings batch, as a browser does on its own machine.
    const skimReadings = options.settings['parse-readings'] === undefined;
    const warmup = Number(options.settings.warmup ?? 10);
    const holdMs = Math.max(options.durationMs, linkIntervalMs);
    // `--profile=<file>`: a CPU profile of the hub over the hold, and its longest pauses in the log.
    const profileFile = options.settings.profile ? path.resolve(options.settings.profile) : undefined;
    const limit = await openFilesLimit();
    const wanted = Number(options.settings['mqtt-devices'] ?? 10_000);
    const mqttCount = Math.max(0, Math.min(wanted, limit - HUB_OWN_FILES - watchCount));
    const cut =
      mqttCount < wanted
        ? `MQTT devices cut to ${mqttCount} of ${wanted}: the open-files limit (ulimit -n) is ${limit}`
        : undefined;
    if (cut) options.log(`  ${cut}`);

    const hub = await HubChild.start(
      {
        HUB_MQTT_MAX_CONNECTIONS: String(mqttCount + 1000),
        HUB_WATCH_HOST: '127.0.0.1',
        HUB_WATCH_3G_PORT: '0',
        HUB_WATCH_IW_PORT: '0',
        HUB_WATCH_JT808_PORT: '0',
        HUB_WATCH_MAX_CONNECTIONS: String(watchCount + 1000),
      },
      hubFlags,
    );
    const { ready } = hub;
    const loads: LoadGenerator[] = [];
    const watches = WatchLoad.start();
    const dashboards = Dashboards.start(dashboardProcesses);
    try {
      const api = new HubApi(ready.url);
      await api.login();
      const registering = performance.now();
      // The watches that raise the alarms are bound to retirees, so each alarm opens an alert.
      const retirees = await api.createRetirees(alarms + warmup, '压测老人');
      const batch = randomInt(100_000);
      const alarmingIndexes = Array.from({ length: watchCount }, (_, index) => index)
        .filter((index) => protocolOf(index) === '3g')
        .slice(0, alarms + warmup);
      const retireeOf = new Map(alarmingIndexes.map((index, order) => [index, retirees[order]?.id ?? null]));
      const devices = await inBatches(watchCount, 8, async (index) => {
        const protocol = protocolOf(index);
        const created = await api.call<CreatedDevice>('POST', '/api/devices', {
          id: watchId(protocol, batch, index),
          type: WATCH_TYPE_OF[protocol],
          retireeId: retireeOf.get(index) ?? null,
        });
        return { id: created.device.id, protocol };
      });
      const alarming = alarmingIndexes.map((index) => devices[index] as (typeof devices)[number]);
      const mqttDevices = await api.createDevices(mqttCount, WATCH_TYPE, 'bench-watch');
      options.log(
        `  ${watchCount} watches and ${mqttCount} MQTT devices registered in ${((performance.now() - registering) / 1000).toFixed(1)} s`,
      );

      const connecting = performance.now();
      const share = Math.ceil(mqttCount / 2);
      await Promise.all(
        [0, 1].map(async (index) => {
          const load = LoadGenerator.start();
          loads.push(load);
          await load.connect(
            ready.mqttPort,
            mqttDevices.slice(index * share, (index + 1) * share),
            connectRate / 2,
          );
        }),
      );
      for (const load of loads) load.periodic(mqttIntervalMs);
      await watches.connect('127.0.0.1', ready.watchPorts, devices, connectRate, linkIntervalMs);
      const connectSeconds = (performance.now() - connecting) / 1000;
      const screens = wallPages(
        clients,
        mqttDevices.map((device) => device.id),
        devices.map((device) => device.id),
      );
      const connected = await dashboards.connect(ready.url, api.bearer, clients, { screens, skimReadings });
      options.log(
        `  connected in ${connectSeconds.toFixed(1)} s at ${connectRate}/s; ${connected} dashboards in ${dashboards.processes} processes`,
      );

      // Settle through one link interval, so that every watch has linked before the window opens.
      await sleep(linkIntervalMs);
      const linksBefore = await watches.stats();
      if (profileFile) await hub.profileStart();
      await hub.reset();
      const started = performance.now();
      let maxRss = 0;
      while (performance.now() - started < holdMs) {
        await sleep(1000);
        maxRss = Math.max(maxRss, (await hub.stats()).rssBytes);
      }
      const held = await hub.stats();
      if (profileFile) await stopProfile(hub, profileFile, 'the hold', options);
      maxRss = Math.max(maxRss, held.rssBytes);
      const heldSeconds = (performance.now() - started) / 1000;
      const linksAfter = await watches.stats();
      const metrics = await api.metrics();
      const watchConnections = [
        ...metrics.matchAll(/^hub_watch_connections\{protocol="[^"]+"\} (\d+)/gm),
      ].reduce((sum, match) => sum + Number(match[1]), 0);
      const mqttClients = gauge(metrics, 'hub_mqtt_clients');
      const links = linksAfter.links - linksBefore.links;
      const linksAnswered = linksAfter.linksAnswered - linksBefore.linksAnswered;
      // Since the start: over the window alone, answers to links sent before it would count too.
      const linksAnsweredShare =
        linksAfter.links === 0 ? Number.NaN : linksAfter.linksAnswered / linksAfter.links;
      options.log(
        `  over ${heldSeconds.toFixed(0)} s: RSS max ${(maxRss / 2 ** 20).toFixed(0)} MiB (heap ${(held.heapUsedBytes / 2 ** 20).toFixed(0)} MiB used of ${(held.heapTotalBytes / 2 ** 20).toFixed(0)}, outside it ${(held.externalBytes / 2 ** 20).toFixed(0)} MiB), ` +
          `event-loop delay p50 ${held.delay.p50.toFixed(1)} ms, p99 ${held.delay.p99.toFixed(1)} ms, max ${held.delay.max.toFixed(1)} ms; ` +
          `${held.gc.major} major GCs, the longest GC pause ${held.gc.longestMs.toFixed(1)} ms (${held.gc.longestKind}); ` +
          `${watchConnections} watch and ${mqttClients} MQTT connections; ${links} links sent and ${linksAnswered} answered over the hold`,
      );

      // Alarms under the same load: warm-up ones first, as alert-latency does, then the measured ones.
      const ids = alarming.map((device) => device.id);
      await watches.sos(ids.slice(0, warmup), 200);
      await dashboards.measure();
      // `--profile-alarms=<file>`: a CPU profile of the hub over the measured alarms.
      const alarmProfile = options.settings['profile-alarms']
        ? path.resolve(options.settings['profile-alarms'])
        : undefined;
      if (alarmProfile) await hub.profileStart();
      const sos = await watches.sos(ids.slice(warmup), 200);
      await sleep(2000);
      if (alarmProfile) await stopProfile(hub, alarmProfile, 'the alarms', options);
      const report = await dashboards.report();
      const openedAt = await hub.openedAt();
      const toEvery: number[] = [];
      const toAnswer: number[] = [];
      // The slowest alarms split in two: the watch's frame until the hub opened the alert and wrote it
      // to the sockets, and from there until the last dashboard had read it.
      const split: { total: number; hub: number; delivery: number }[] = [];
      let incomplete = 0;
      for (const [id, sentAt] of Object.entries(sos.sentAt)) {
        const arrivals = report.arrivals[id] ?? [];
        if (arrivals.length >= clients) {
          const last = Math.max(...arrivals);
          toEvery.push(last - sentAt);
          const opened = openedAt[id];
          if (opened !== undefined)
            split.push({ total: last - sentAt, hub: opened - sentAt, delivery: last - opened });
        } else incomplete += 1;
        const answeredAt = sos.answeredAt[id];
        if (answeredAt !== undefined) toAnswer.push(answeredAt - sentAt);
      }
      toEvery.sort((a, b) => a - b);
      toAnswer.sort((a, b) => a - b);
      const inHub = split.map((alarm) => alarm.hub).sort((a, b) => a - b);
      const slowest = split.sort((a, b) => b.total - a.total).slice(0, 5);
      options.log(
        `  in the hub (frame → alert written to the sockets): p50 ${quantile(inHub, 0.5).toFixed(1)} ms, max ${(inHub.at(-1) ?? Number.NaN).toFixed(1)} ms; ` +
          `the slowest alarms, hub + delivery: ${slowest.map((alarm) => `${alarm.total.toFixed(0)} = ${alarm.hub.toFixed(0)} + ${alarm.delivery.toFixed(0)} ms`).join(', ')}`,
      );
      options.log(
        `  SOS → every dashboard: p50 ${quantile(toEvery, 0.5).toFixed(1)} ms, p99 ${quantile(toEvery, 0.99).toFixed(1)} ms, max ${(toEvery.at(-1) ?? Number.NaN).toFixed(1)} ms; ` +
          `→ the watch's answer p99 ${quantile(toAnswer, 0.99).toFixed(1)} ms; ${sos.unanswered} unanswered, ${sos.attempts} sendings for ${alarms} alarms; ${incomplete} missing on some dashboard; ` +
          `${report.readingBatches} readings batches received by the dashboards since they connected, ${skimReadings ? `${(report.readingChars / Math.max(1, report.readingBatches) / 1024).toFixed(0)} KiB each, skimmed` : `parsed, ${report.readings} device readings in all`}; ` +
          `the dashboards' processes meanwhile, the worst of them: event-loop delay p99 ${report.loop.p99.toFixed(1)} ms, max ${report.loop.max.toFixed(1)} ms, the longest GC ${report.gc.longestMs.toFixed(1)} ms (${report.gc.major ? 'major' : 'minor'})`,
      );
      const note = `${watchConnections} watches + ${mqttClients} MQTT devices, ${heldSeconds.toFixed(0)} s${cut ? `; ${cut}` : ''}`;
      return [
        ...processRows(CASE, maxRss, held, note),
        { case: CASE, metric: 'watch connections', value: watchConnections, unit: '' },
        { case: CASE, metric: 'MQTT connections', value: mqttClients, unit: '' },
        {
          case: CASE,
          metric: 'links answered since the start',
          value: linksAnsweredShare * 100,
          unit: '%',
          note: `${linksAfter.linksAnswered} of ${linksAfter.links}; ${links} sent over the hold`,
        },
        {
          case: CASE,
          metric: 'SOS (3G AL) → every dashboard p99',
          value: incomplete > 0 ? Number.NaN : quantile(toEvery, 0.99),
          unit: 'ms',
          goal: { op: '<=', target: ALARM_P99_GOAL_MS },
          note: incomplete
            ? `${incomplete} of ${alarms} alarms did not reach every dashboard`
            : `${alarms} alarms after ${warmup} warm-up ones, ${clients} dashboards; p50 ${quantile(toEvery, 0.5).toFixed(1)} ms, max ${(toEvery.at(-1) ?? Number.NaN).toFixed(1)} ms`,
        },
        {
          case: CASE,
          metric: 'SOS → alert opened and written, in the hub, p99',
          value: quantile(inHub, 0.99),
          unit: 'ms',
          note: `p50 ${quantile(inHub, 0.5).toFixed(1)} ms`,
        },
        {
          case: CASE,
          metric: 'SOS → the watch reads its answer, p99',
          value: quantile(toAnswer, 0.99),
          unit: 'ms',
          note: `${sos.unanswered} unanswered`,
        },
        {
          case: CASE,
          metric: 'time to connect all',
          value: connectSeconds,
          unit: 's',
          note: `at ${connectRate}/s`,
        },
      ];
    } finally {
      dashboards.end();
      await watches.end();
      await Promise.all(loads.map((load) => load.end()));
      await hub.stop();
    }
  },
};
