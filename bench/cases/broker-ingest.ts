/**
 * Case 1, broker-ingest: simulated watches publish protocol v1 telemetry at QoS 0 and QoS 1; the
 * result is the highest offered rate held with nothing lost, for the hub (device secrets, topic ACL,
 * schema validation by devices/) and for Mosquitto 2.0 (passwords, ACL) with an mqtt.js subscriber
 * that validates each message with the same devices/ decoders. Goal: hub/Mosquitto ≥ 1.0.
 *
 * A step offers `rate` messages a second open-loop for `--duration`; it holds when every message was
 * accepted (hub: decoded and handed on; peer: received and decoded by the subscriber) within a second
 * of the last one sent, QoS 1 messages were all acknowledged, and the generator kept up its rate.
 */
import mqtt from 'mqtt';
import { parseDeviceTopic } from '../../devices/contract.ts';
import { decodeDeviceMessage } from '../../devices/decode.ts';
import { getDefinition } from '../../devices/index.ts';
import type { BenchCase, BenchOptions, BenchRow } from '../harness.ts';
import { startBenchHub } from '../support/hub.ts';
import { LoadGenerator } from '../support/load.ts';
import { CONSUMER, ensureMosquitto, startMosquitto } from '../support/mosquitto.ts';
import { highestHeldRate, type StepResult, settle, sleep } from '../support/ramp.ts';
import { WATCH_TYPE } from '../support/telemetry.ts';

const CASE = 'broker-ingest';
const OWNER = 'bench-broker-ingest';
/** Every message must have arrived this long after the last one was sent. */
const GRACE_MS = 1000;

interface Counter {
  received: number;
  rejected: number;
}

async function ramp(
  options: BenchOptions,
  load: LoadGenerator,
  counter: Counter,
  qos: 0 | 1,
  label: string,
): Promise<number> {
  const start = Number(options.settings['start-rate'] ?? 5000);
  const maxSteps = Number(options.settings['max-steps'] ?? 12);
  const step = async (rate: number): Promise<StepResult> => {
    const before = counter.received;
    const rejectedBefore = counter.rejected;
    const result = await load.open(rate, options.durationMs, qos);
    const arrived = () => counter.received - before;
    const graceEnd = result.lastAt + GRACE_MS;
    while (arrived() < result.sent && Date.now() < graceEnd) await sleep(5);
    const inTime = arrived();
    const generatorRate = (result.sent / (result.lastAt - result.firstAt)) * 1000;
    const kept = result.sent >= 0.97 * rate * (options.durationMs / 1000);
    const held =
      inTime === result.sent &&
      counter.rejected === rejectedBefore &&
      (qos === 0 || result.acked === result.sent) &&
      kept &&
      result.closedDevices === 0;
    // A step that fell behind drains before the next one starts.
    const late = held ? inTime : await settle(arrived, result.sent, { quietMs: 3000, timeoutMs: 60_000 });
    return {
      held,
      detail: `${inTime}/${result.sent} in time${late !== inTime ? `, ${late} in the end` : ''}${
        qos === 1 ? `, ${result.acked} acked` : ''
      }, generator ${Math.round(generatorRate)}/s${kept ? '' : ' (fell behind)'}${
        counter.rejected > rejectedBefore ? `, ${counter.rejected - rejectedBefore} rejected` : ''
      }${result.closedDevices ? `, ${result.closedDevices} connections closed` : ''}`,
    };
  };
  return highestHeldRate(step, { start, maxSteps, log: options.log, label: `${label} QoS ${qos}` });
}

async function measureHub(options: BenchOptions, deviceCount: number): Promise<[number, number]> {
  const bench = await startBenchHub();
  const load = LoadGenerator.start();
  try {
    const devices = await bench.api.createDevices(deviceCount, WATCH_TYPE, 'bench-watch');
    const counter: Counter = { received: 0, rejected: 0 };
    bench.hub.bus.on('device.telemetry', OWNER, () => {
      counter.received += 1;
    });
    bench.hub.bus.on('message.rejected', OWNER, () => {
      counter.rejected += 1;
    });
    await load.connect(bench.hub.mqttPort, devices);
    const qos0 = await ramp(options, load, counter, 0, 'hub');
    const qos1 = await ramp(options, load, counter, 1, 'hub');
    return [qos0, qos1];
  } finally {
    await load.end();
    await bench.stop();
  }
}

async function measureMosquitto(
  options: BenchOptions,
  deviceCount: number,
): Promise<[number, number, string]> {
  await ensureMosquitto(options.log);
  const devices = Array.from({ length: deviceCount }, (_, index) => ({
    id: `bench-watch-${String(index).padStart(5, '0')}`,
    secret: `secret-${index}-${Math.random().toString(36).slice(2)}`,
  }));
  const types = new Map(devices.map((device) => [device.id, WATCH_TYPE]));
  const broker = await startMosquitto(devices);
  const load = LoadGenerator.start();
  const counter: Counter = { received: 0, rejected: 0 };
  let subscriber: mqtt.MqttClient | undefined;
  const subscribe = async (qos: 0 | 1) => {
    await subscriber?.endAsync(true);
    subscriber = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: `bench-consumer-${qos}`,
      username: CONSUMER.username,
      password: CONSUMER.password,
      reconnectPeriod: 0,
    });
    // The subscriber does the hub's work after the broker: whose device, which type, decode, validate.
    subscriber.on('message', (topic, payload) => {
      const parsed = parseDeviceTopic(topic);
      const type = parsed ? types.get(parsed.deviceId) : undefined;
      const definition = type ? getDefinition(type) : undefined;
      if (!parsed || !definition || parsed.channel !== 'telemetry') {
        counter.rejected += 1;
        return;
      }
      const decoded = decodeDeviceMessage(definition, parsed.channel, payload, Date.now());
      if (decoded.ok) counter.received += 1;
      else counter.rejected += 1;
    });
    await subscriber.subscribeAsync('eldercare/v1/+/telemetry', { qos });
  };
  try {
    await load.connect(broker.port, devices);
    await subscribe(0);
    const qos0 = await ramp(options, load, counter, 0, 'mosquitto');
    await subscribe(1);
    const qos1 = await ramp(options, load, counter, 1, 'mosquitto');
    return [qos0, qos1, broker.version];
  } finally {
    await subscriber?.endAsync(true);
    await load.end();
    await broker.stop();
  }
}

export const brokerIngestCase: BenchCase = {
  name: CASE,
  title:
    'Broker ingest: highest telemetry rate without loss, hub vs Mosquitto + validating subscriber (ratio ≥ 1.0)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const deviceCount = Number(options.settings.devices ?? 100);
    const [hub0, hub1] = await measureHub(options, deviceCount);
    const [peer0, peer1, version] = await measureMosquitto(options, deviceCount);
    const rows: BenchRow[] = [];
    for (const [qos, hub, peer] of [
      [0, hub0, peer0],
      [1, hub1, peer1],
    ] as const) {
      rows.push(
        { case: CASE, metric: `hub QoS ${qos}, highest rate without loss`, value: hub, unit: 'msg/s' },
        {
          case: CASE,
          metric: `Mosquitto ${version} + subscriber QoS ${qos}`,
          value: peer,
          unit: 'msg/s',
        },
        {
          case: CASE,
          metric: `hub/Mosquitto QoS ${qos}`,
          value: peer > 0 ? hub / peer : Number.NaN,
          unit: '×',
          goal: { op: '>=', target: 1 },
          note: `${deviceCount} devices, ${options.durationMs / 1000} s steps`,
        },
      );
    }
    return rows;
  },
};
