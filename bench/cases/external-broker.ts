/**
 * Case 7, external-broker: what the hop through an external broker costs, and what a second
 * instance adds. The same hub, first with its devices on its embedded broker, then on a Mosquitto
 * it consumes from (HUB_BROKER_URL, a shared subscription, each event acknowledged once
 * committed); then, on one PostgreSQL and Redis, one hub instance and two instances in processes
 * of their own behind the same Mosquitto (the dashboards on the first, the alerts of the second
 * reaching them through Redis). Each measured the same way:
 * - telemetry taken: watches publish QoS 1 closed-loop (a window of unacknowledged messages each)
 *   for the duration; the rate is what the hub counted (`hub_mqtt_messages_total{channel=
 *   "telemetry"}`) from the first message to the last one sent, waiting for it to catch up;
 * - SOS latency: pendants press one by one, and the time runs from the press written to the socket
 *   to the `alert` opening received by every one of the dashboards.
 * On two cores both brokers share the machine with the hub; the point is the extra hop's cost, not
 * a speed-up. No goal: the figures feed SCALING.md.
 */
import { deviceTopic } from '../../devices/contract.ts';
import { DYNSEC_ADMIN, type DynsecMosquitto, startDynsecMosquitto } from '../../test/helpers/mosquitto.ts';
import { type PostgresServer, startPostgres } from '../../test/helpers/postgres.ts';
import { type RedisServer, startRedis } from '../../test/helpers/redis.ts';
import { type BenchCase, type BenchOptions, type BenchRow, quantile } from '../harness.ts';
import { Dashboards } from '../support/dashboards.ts';
import { HubApi, startBenchHub } from '../support/hub.ts';
import { HubChild } from '../support/hub-child.ts';
import { LoadGenerator } from '../support/load.ts';
import { sleep } from '../support/ramp.ts';
import { RawDevice } from '../support/raw-device.ts';
import { PENDANT_TYPE, WATCH_TYPE } from '../support/telemetry.ts';

const CASE = 'external-broker';
const HUB_ACCOUNT = { username: 'junxiu-hub', password: 'bench-hub-consumer-password-0123' };

/** One counter of the hub's /metrics. */
async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((each) => each.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

type Mode = 'embedded' | 'mosquitto' | 'one instance' | 'two instances';

/** Where the devices connect and the hubs answer: the first hub's API takes the registrations. */
interface Placement {
  api: HubApi;
  urls: string[];
  mqttPort: number;
  stop(): Promise<void>;
}

async function place(mode: Mode): Promise<Placement> {
  if (mode === 'embedded') {
    const bench = await startBenchHub();
    return { api: bench.api, urls: [bench.hub.url], mqttPort: bench.hub.mqttPort, stop: () => bench.stop() };
  }
  const clustered = mode === 'one instance' || mode === 'two instances';
  const [mosquitto, postgres, redis]: [DynsecMosquitto | null, PostgresServer | null, RedisServer | null] =
    await Promise.all([
      startDynsecMosquitto(),
      clustered ? startPostgres() : null,
      clustered ? startRedis() : null,
    ]);
  const stopPeers = () => Promise.all([mosquitto?.stop(), postgres?.stop(), redis?.stop()]);
  if (!mosquitto || (clustered && (!postgres || !redis))) {
    await stopPeers();
    throw new Error(
      'Mosquitto with its dynamic-security plugin, PostgreSQL and redis-server are needed: apt-get install -y mosquitto postgresql redis-server',
    );
  }
  const env: Record<string, string> = {
    HUB_BROKER_URL: mosquitto.url,
    HUB_BROKER_USER: HUB_ACCOUNT.username,
    HUB_BROKER_PASSWORD: HUB_ACCOUNT.password,
    HUB_MOSQUITTO_URL: mosquitto.url,
    HUB_MOSQUITTO_USER: DYNSEC_ADMIN.username,
    HUB_MOSQUITTO_PASSWORD: DYNSEC_ADMIN.password,
  };
  try {
    if (!clustered) {
      const bench = await startBenchHub(env);
      return {
        api: bench.api,
        urls: [bench.hub.url],
        mqttPort: mosquitto.port,
        stop: async () => {
          await bench.stop();
          await stopPeers();
        },
      };
    }
    const shared = {
      ...env,
      HUB_DATABASE_URL: await (postgres as PostgresServer).createDatabase(),
      HUB_REDIS_URL: (redis as RedisServer).url,
      HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const hubs: HubChild[] = [];
    try {
      for (const name of mode === 'two instances' ? ['one', 'two'] : ['one']) {
        hubs.push(await HubChild.start({ ...shared, HUB_INSTANCE_NAME: name }));
      }
    } catch (error) {
      await Promise.all(hubs.map((hub) => hub.stop()));
      throw error;
    }
    const api = new HubApi(hubs[0]?.ready.url ?? '');
    await api.login();
    return {
      api,
      urls: hubs.map((hub) => hub.ready.url),
      mqttPort: mosquitto.port,
      stop: async () => {
        await Promise.all(hubs.map((hub) => hub.stop()));
        await stopPeers();
      },
    };
  } catch (error) {
    await stopPeers();
    throw error;
  }
}

/** A counter summed over the hubs. */
async function total(urls: string[], line: string): Promise<number> {
  const each = await Promise.all(urls.map((url) => metric(url, line)));
  return each.reduce((sum, value) => sum + value, 0);
}

interface ModeResult {
  telemetryPerSecond: number;
  sent: number;
  /** Sent but never taken by the hub: dropped by the broker's queue limit. */
  notTaken: number;
  every: number[];
  incomplete: number;
}

async function runMode(
  mode: Mode,
  options: BenchOptions,
  sizes: { watches: number; pendants: number; clients: number; window: number },
): Promise<ModeResult> {
  const placement = await place(mode);
  const { api, urls } = placement;
  const port = placement.mqttPort;
  const load = LoadGenerator.start();
  const dashboards = Dashboards.start(1);
  const pendants: RawDevice[] = [];
  try {
    if (mode !== 'embedded') {
      const deadline = Date.now() + 30_000;
      while ((await total(urls, 'hub_broker_consumer_connected')) !== urls.length) {
        if (Date.now() > deadline) throw new Error('the hubs did not subscribe to Mosquitto');
        await sleep(100);
      }
    }
    const retirees = await api.createRetirees(sizes.pendants, '压测老人');
    const pendantCredentials = await api.createDevices(sizes.pendants, PENDANT_TYPE, 'ext-pendant', retirees);
    const watchCredentials = await api.createDevices(sizes.watches, WATCH_TYPE, 'ext-watch');
    await load.connect(port, watchCredentials);
    for (const credentials of pendantCredentials) pendants.push(await RawDevice.connect(port, credentials));
    // The dashboards show the watches that send the telemetry.
    await dashboards.connect(urls[0] as string, api.bearer, sizes.clients, {
      screens: [{ retirees: [], devices: watchCredentials.map((device) => device.id) }],
    });

    // Telemetry, closed loop: the hub's count from the first message to the last one it took. The
    // loop closes on the broker's PUBACK: an external broker acknowledges at once and queues for the
    // hub, so the hub may take fewer than were sent (beyond Mosquitto's max_queued_messages it
    // drops them); its rate is then what it took until its count stood still for a second.
    const telemetry = 'hub_mqtt_messages_total{channel="telemetry"}';
    const before = await total(urls, telemetry);
    const run = await load.closed(options.durationMs, sizes.window);
    const deadline = Date.now() + 60_000;
    let taken = (await total(urls, telemetry)) - before;
    let lastTakenAt = Date.now();
    while (taken < run.sent && Date.now() < deadline && Date.now() - lastTakenAt < 1_000) {
      await sleep(50);
      const now = (await total(urls, telemetry)) - before;
      if (now > taken) lastTakenAt = Date.now();
      taken = now;
    }
    const telemetryPerSecond = (taken / (lastTakenAt - run.firstAt)) * 1000;
    const notTaken = run.sent - taken;
    options.log(
      `  ${mode}: ${run.sent} sent, ${taken} taken by the hub${notTaken > 0 ? ` (${notTaken} dropped by the broker's queue)` : ''}, ${Math.round(telemetryPerSecond)}/s (the last taken ${Math.round(lastTakenAt - run.lastAt)} ms after the last sent)`,
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
    const report = await dashboards.report();
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
    return { telemetryPerSecond, sent: run.sent, notTaken, every, incomplete };
  } finally {
    for (const pendant of pendants) pendant.end();
    dashboards.end();
    await load.end();
    await placement.stop();
  }
}

export const externalBrokerCase: BenchCase = {
  name: CASE,
  title:
    "External broker: the hub on its embedded broker vs consuming from Mosquitto (the hop's cost), and one vs two instances on PostgreSQL and Redis",
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const sizes = {
      watches: Number(options.settings.devices ?? 200),
      pendants: Number(options.settings.sos ?? 100),
      clients: Number(options.settings.clients ?? 20),
      window: Number(options.settings.window ?? 10),
    };
    const rows: BenchRow[] = [];
    const labels: Record<Mode, string> = {
      embedded: 'embedded broker',
      mosquitto: 'Mosquitto, shared subscription',
      'one instance': 'Mosquitto, 1 instance on PostgreSQL + Redis',
      'two instances': 'Mosquitto, 2 instances on PostgreSQL + Redis',
    };
    const modes = String(options.settings.modes ?? 'embedded,mosquitto,one instance,two instances')
      .split(',')
      .filter((mode): mode is Mode => mode in labels);
    for (const mode of modes) {
      const result = await runMode(mode, options, sizes);
      const label = labels[mode];
      const note = `${sizes.watches} watches QoS 1 window ${sizes.window}; ${sizes.pendants} presses, ${sizes.clients} dashboards${result.notTaken > 0 ? `; ${result.notTaken} readings dropped by the broker's queue` : ''}`;
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
