/**
 * The SOS chaos run: emergency pendants press SOS while the hub process is killed (SIGKILL) and
 * started again on the same data, and InfluxDB is stopped and started, at random. Each press has
 * an event id of its own; the pendants are plain MQTT clients that keep an unacknowledged QoS 1
 * publish and send it again after reconnecting, as the firmware does. At the end every alert's
 * steps are read back through the API and each press must be in exactly one of them: `lost` and
 * `duplicates` are the goal's two zeros. Used by `npm run chaos` and, small, by the test suite.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import type { Alert, AlertStep, CreatedDevice } from '../../server/schemas/index.ts';
import { createRandom } from '../../simulators/vitals.ts';
import { eventually } from '../helpers/hub.ts';
import { type HubProcess, spawnHub } from '../helpers/hub-process.ts';
import { type Influxd, startInfluxd } from '../helpers/influxd.ts';
import { freePort, makeTempDir } from '../helpers/tmp.ts';

export interface SosChaosOptions {
  /** SOS presses in all. */
  events: number;
  /** Pendants (one retiree each) the presses are spread over. */
  devices: number;
  /** Presses per second offered. */
  rate: number;
  /** Times the hub is killed with SIGKILL and started again during the run. */
  hubKills: number;
  /** Times InfluxDB is stopped and started again during the run. */
  influxOutages: number;
  /** Readings per second sent by each pendant beside its presses (the telemetry writer is busy). */
  telemetryPerDevice?: number;
  /** Seed of the random schedule (kill times, outage lengths). */
  seed?: number;
  log?: (line: string) => void;
}

export interface SosChaosResult {
  sent: number;
  acknowledged: number;
  /** Presses found in the alerts' steps, counting each time a press was recorded. */
  recorded: number;
  duplicates: number;
  lost: number;
  hubKills: number;
  influxOutages: number;
  alerts: number;
  /** Presses the pendants sent again because their MQTT client gave up on them. */
  retried: number;
  durationMs: number;
  /** Longest time from a kill until the hub answered again. */
  longestRestartMs: number;
}

export interface Pendant {
  created: CreatedDevice;
  retireeId: string;
  client: MqttClient;
}

/**
 * Presses as the firmware sends them: QoS 1, kept and sent again by the client after a reconnect;
 * when the client gives up on one (the connection went away under it), the firmware sends the same
 * event again until it is acknowledged.
 */
export function pressing() {
  const failures = new Map<string, number>();
  const counts = { acknowledged: 0, retried: 0 };
  const press = (pendant: Pendant, payload: string) => {
    pendant.client.publish(
      `eldercare/v1/${pendant.created.device.id}/event`,
      payload,
      { qos: 1 },
      (error) => {
        if (!error) {
          counts.acknowledged += 1;
          return;
        }
        failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
        counts.retried += 1;
        setTimeout(() => press(pendant, payload), 250);
      },
    );
  };
  return {
    press,
    get acknowledged() {
      return counts.acknowledged;
    },
    get retried() {
      return counts.retried;
    },
    report(log: (line: string) => void) {
      if (counts.retried === 0) return;
      log(
        `presses sent again by the pendants after their client gave up: ${counts.retried} (${[...failures]
          .map(([message, count]) => `${message}: ${count}`)
          .join('; ')})`,
      );
    },
  };
}

/** Every press, read back from the alerts' steps: each must be in exactly one. */
export async function readBack(
  api: HubProcess['api'],
  pendants: Pendant[],
  sentIds: Set<string>,
): Promise<{ recorded: number; duplicates: number; lost: number; alerts: number }> {
  const seen = new Map<string, number>();
  let alerts = 0;
  for (const pendant of pendants) {
    const list = await api<Alert[]>('GET', `/api/alerts?retireeId=${pendant.retireeId}&limit=500`);
    for (const alert of list.body.filter((entry) => entry.kind === 'sos')) {
      alerts += 1;
      const steps = await api<AlertStep[]>('GET', `/api/alerts/${alert.id}/steps`);
      for (const step of steps.body) {
        const eventId = step.detail.eventId;
        if ((step.action === 'opened' || step.action === 'repeated') && typeof eventId === 'string') {
          seen.set(eventId, (seen.get(eventId) ?? 0) + 1);
        }
      }
    }
  }
  let recorded = 0;
  let duplicates = 0;
  for (const [id, times] of seen) {
    if (!sentIds.has(id)) continue;
    recorded += times;
    duplicates += times - 1;
  }
  const lost = [...sentIds].filter((id) => !seen.has(id)).length;
  return { recorded, duplicates, lost, alerts };
}

/** Pendants registered on the hub, one retiree each, connected as MQTT clients of `brokerUrl`. */
export async function connectPendants(
  hub: Pick<HubProcess, 'addRetiree' | 'addDevice'>,
  brokerUrl: string,
  count: number,
  prefix: string,
): Promise<Pendant[]> {
  const pendants: Pendant[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const retiree = await hub.addRetiree();
      const device = await hub.addDevice(`${prefix}-${i + 1}`, 'pendant.sos', retiree.id);
      const client = mqtt.connect(brokerUrl, {
        clientId: device.device.id,
        username: device.device.id,
        password: device.secret,
        clean: false,
        reconnectPeriod: 250,
        connectTimeout: 5_000,
        queueQoSZero: false,
      });
      client.on('error', () => {});
      pendants.push({ created: device, retireeId: retiree.id, client });
    }
    await eventually(() => pendants.every((pendant) => pendant.client.connected), 30_000);
    return pendants;
  } catch (error) {
    await closePendants(pendants);
    throw error;
  }
}

export async function closePendants(pendants: Pendant[]): Promise<void> {
  await Promise.all(pendants.map((pendant) => pendant.client.endAsync(true).catch(() => {})));
}

/** Faults of each kind at random moments of the sending window, in time order. */
function faultSchedule<Kind extends string>(
  next: () => number,
  windowMs: number,
  counts: Record<Kind, number>,
): { at: number; kind: Kind }[] {
  return (Object.entries(counts) as [Kind, number][])
    .flatMap(([kind, count]) => Array.from({ length: count }, () => ({ at: next() * windowMs, kind })))
    .sort((a, b) => a.at - b.at);
}

/**
 * Presses `events` times at `rate` per second, round the pendants, each with an event id of its
 * own; `faults` of each kind fall at random moments of the sending window (drawn with `next`).
 * Each fault starts when its moment comes and runs beside the presses (the pendants keep pressing
 * while a part is away), one fault after the other. Resolves once the last fault is over.
 */
export async function pacedPresses<Kind extends string>(options: {
  pendants: Pendant[];
  events: number;
  rate: number;
  next: () => number;
  faults: Record<Kind, number>;
  runFault: (kind: Kind, sent: number) => Promise<void>;
}): Promise<{ sent: number; sentIds: Set<string>; presser: ReturnType<typeof pressing>; sendingMs: number }> {
  const faults = faultSchedule(options.next, (options.events / options.rate) * 1000, options.faults);
  const presser = pressing();
  const sentIds = new Set<string>();
  const sendWindow = Date.now();
  let sent = 0;
  let faultsDone = 0;
  let faultRunning: Promise<void> = Promise.resolve();
  while (sent < options.events) {
    const wait = sendWindow + (sent / options.rate) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const fault = faults[faultsDone];
    if (fault && Date.now() - sendWindow >= fault.at) {
      faultsDone += 1;
      const at = sent;
      faultRunning = faultRunning.then(() => options.runFault(fault.kind, at));
    }
    const pendant = options.pendants[sent % options.pendants.length] as Pendant;
    const id = `${pendant.created.device.id}:${sent}`;
    sentIds.add(id);
    sent += 1;
    presser.press(pendant, JSON.stringify({ id, type: 'sos', ts: Date.now() }));
  }
  const sendingMs = Date.now() - sendWindow;
  await faultRunning;
  return { sent, sentIds, presser, sendingMs };
}

export async function runSosChaos(options: SosChaosOptions): Promise<SosChaosResult> {
  const log = options.log ?? (() => {});
  const next = createRandom(options.seed ?? 1);
  const started = Date.now();
  const dataDir = await makeTempDir('junxiu-chaos-');
  const influxd: Influxd | null = await startInfluxd();
  if (!influxd) throw new Error('influxd is needed: apt-get install influxdb');
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const env = {
    HUB_INFLUX_URL: `${influxd.url}/junxiu`,
    HUB_TELEMETRY_FLUSH_MS: '200',
    // The run presses SOS far more often than a person would; nobody is on duty to be paged.
    HUB_LOG_LEVEL: 'error',
  };
  const start = () => spawnHub({ dataDir: dataDir.path, httpPort, mqttPort, env });
  let hub: HubProcess = await start();
  const pendants: Pendant[] = [];
  let longestRestartMs = 0;
  try {
    log(`hub on 127.0.0.1:${httpPort} (mqtt ${mqttPort}), influxd on ${influxd.url}`);
    pendants.push(...(await connectPendants(hub, hub.mqttUrl, options.devices, 'chaos-pendant')));
    log(`${pendants.length} pendants connected`);

    const runFault = async (kind: 'hub' | 'influx', sent: number) => {
      if (kind === 'hub') {
        log(`  kill -9 hub at press ${sent}`);
        const killedAt = Date.now();
        await hub.kill();
        await sleep(200 + next() * 1_500);
        hub = await start();
        longestRestartMs = Math.max(longestRestartMs, Date.now() - killedAt);
      } else {
        log(`  stop influxd at press ${sent}`);
        await influxd.pause();
        await sleep(500 + next() * 2_500);
        await influxd.resume();
      }
    };
    const telemetry = options.telemetryPerDevice ?? 0;
    const telemetryTimer =
      telemetry > 0
        ? setInterval(() => {
            for (const pendant of pendants) {
              if (!pendant.client.connected) continue;
              pendant.client.publish(
                `eldercare/v1/${pendant.created.device.id}/telemetry`,
                JSON.stringify({ ts: Date.now(), battery: 50 + Math.floor(next() * 50) }),
                { qos: 0 },
              );
            }
          }, 1000 / telemetry)
        : undefined;
    const { sent, sentIds, presser, sendingMs } = await pacedPresses({
      pendants,
      events: options.events,
      rate: options.rate,
      next,
      faults: { hub: options.hubKills, influx: options.influxOutages },
      runFault,
    });
    if (telemetryTimer) clearInterval(telemetryTimer);
    log(`sent ${sent} presses in ${sendingMs} ms; waiting for every acknowledgement`);
    await eventually(() => presser.acknowledged >= sent, 180_000);
    presser.report(log);

    const { recorded, duplicates, lost, alerts } = await readBack(hub.api, pendants, sentIds);
    return {
      sent,
      acknowledged: presser.acknowledged,
      recorded,
      duplicates,
      lost,
      hubKills: options.hubKills,
      influxOutages: options.influxOutages,
      alerts,
      retried: presser.retried,
      durationMs: Date.now() - started,
      longestRestartMs,
    };
  } finally {
    await closePendants(pendants);
    await hub.kill();
    await influxd.stop();
    await dataDir.remove();
  }
}
