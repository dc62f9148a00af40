/**
 * The fleet: every simulated retiree's devices, each on its own MQTT connection, speaking protocol
 * v1 exactly as a real device would (README, "Device protocol, version 1"). `start()` connects and
 * starts the timers; `stop()` says goodbye (retained offline status) and clears them.
 *
 * Past 500 lines on purpose: one class drives every simulated device type, its connection, its
 * timers and the scenarios testers script, which all act on the same devices.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { type DeviceCommand, type DeviceStatusPayload, deviceTopic } from '../devices/contract.ts';
import { getDefinition } from '../devices/index.ts';
import type { Credentials, SimulatedDevice } from './credentials.ts';
import { type HazardKind, hazardSensor, SensorModel, type SensorType, sensorTypes } from './household.ts';
import { actions, describeScenario, type Scenario, ScenarioError } from './scenarios.ts';
import { type Clock, createProfile, deriveRandom, VitalsModel } from './vitals.ts';

export const FIRMWARE_VERSION = '1.0.0';

export interface FleetOptions {
  /** `mqtt://127.0.0.1:1883`, `ws://127.0.0.1:8080/mqtt`, … */
  brokerUrl: string;
  credentials: Credentials;
  /** Between two readings of a watch. Pendants and sensors report every sixth tick, or on change. */
  intervalMs: number;
  seed: number;
  clock?: Clock;
  telemetryQos?: 0 | 1;
  /** Lines for the operator: scenarios played, devices refused, commands received. */
  log?: (line: string) => void;
  onCommand?: (received: ReceivedCommand) => void;
  /** How long `start()` waits for the first connection of each device. */
  connectTimeoutMs?: number;
}

export interface ReceivedCommand {
  retiree: string;
  retireeIndex: number;
  deviceId: string;
  deviceType: string;
  command: DeviceCommand | Record<string, unknown>;
}

export interface FleetStats {
  retirees: number;
  devices: number;
  connected: number;
  /** Messages published (status, telemetry and events). */
  sent: number;
  events: number;
  commands: number;
  acks: number;
  refused: number;
}

export interface StartResult {
  connected: number;
  failed: Array<{ deviceId: string; reason: string; refused: boolean }>;
}

type LinkState = 'idle' | 'connecting' | 'online' | 'dropped' | 'refused' | 'stopped';

/** Reason codes of a refused CONNACK: 4/5 in MQTT 3.1.1, 134/135 in MQTT 5. */
const refusedCodes = new Set([4, 5, 134, 135]);

interface Counters {
  sent: number;
  events: number;
  commands: number;
  acks: number;
}

/** One device's MQTT connection. */
class DeviceLink {
  state: LinkState = 'idle';
  lastError: string | undefined;
  private client: MqttClient | undefined;
  private eventCount = 0;

  constructor(
    readonly device: SimulatedDevice,
    private readonly brokerUrl: string,
    private readonly runToken: string,
    private readonly counters: Counters,
    private readonly battery: () => number | undefined,
    private readonly onCommand: (command: Record<string, unknown>) => void,
    private readonly onRefused: (reason: string) => void,
  ) {}

  get online(): boolean {
    return this.state === 'online';
  }

  /** Resolves on the first CONNACK, a refusal, or `timeoutMs`; reconnects on its own afterwards. */
  connect(timeoutMs: number): Promise<void> {
    this.state = 'connecting';
    const id = this.device.id;
    const statusTopic = deviceTopic(id, 'status');
    const options: IClientOptions = {
      clientId: id,
      username: id,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 2000,
      connectTimeout: Math.min(timeoutMs, 10_000),
      // The broker publishes this when the connection ends without DISCONNECT. [MQTT-3.1.2-8]
      will: {
        topic: statusTopic,
        payload: Buffer.from(JSON.stringify({ online: false })),
        qos: 1,
        retain: true,
      },
    };
    if (this.device.secret !== undefined) options.password = this.device.secret;
    const client = connect(this.brokerUrl, options);
    this.client = client;

    client.on('connect', () => {
      if (this.client !== client) return;
      this.state = 'online';
      this.lastError = undefined;
      client.subscribe(deviceTopic(id, 'cmd'), { qos: 1 });
      const status: DeviceStatusPayload = { online: true, fw: FIRMWARE_VERSION };
      const battery = this.battery();
      if (battery !== undefined) status.battery = battery;
      this.publish(statusTopic, status, 1, true);
    });
    client.on('message', (topic, payload) => {
      if (topic !== deviceTopic(id, 'cmd')) return;
      let command: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(payload.toString('utf8'));
        command =
          typeof parsed === 'object' && parsed !== null
            ? (parsed as Record<string, unknown>)
            : { raw: parsed };
      } catch {
        command = { raw: payload.toString('utf8') };
      }
      this.counters.commands += 1;
      if (command.type === 'ack') this.counters.acks += 1;
      this.onCommand(command);
    });
    client.on('close', () => {
      if (this.client === client && this.state === 'online') this.state = 'connecting';
    });
    client.on('error', (error) => {
      if (this.client !== client) return;
      const code = (error as Error & { code?: number | string }).code;
      this.lastError = error.message;
      if (typeof code === 'number' && refusedCodes.has(code)) {
        // Wrong id or secret: retrying would only be refused again.
        this.state = 'refused';
        client.end(true);
        this.onRefused(error.message);
      }
    });

    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('connect', done);
        client.off('error', check);
        resolve();
      };
      const check = () => {
        if (this.state === 'refused') done();
      };
      const timer = setTimeout(done, timeoutMs);
      client.on('connect', done);
      client.on('error', check);
    });
  }

  publish(topic: string, payload: object, qos: 0 | 1, retain = false): boolean {
    const client = this.client;
    if (!client || this.state !== 'online') return false;
    client.publish(topic, JSON.stringify(payload), { qos, retain }, (error) => {
      if (!error) this.counters.sent += 1;
    });
    return true;
  }

  telemetry(readings: object, ts: number, qos: 0 | 1): boolean {
    return this.publish(deviceTopic(this.device.id, 'telemetry'), { ...readings, ts }, qos);
  }

  /** Publishes one event (QoS 1) and returns its id, unique for this device across runs. */
  event(type: string, ts: number, fields: Record<string, unknown> = {}): string | undefined {
    this.eventCount += 1;
    const id = `${this.runToken}-${this.eventCount}`;
    if (!this.publish(deviceTopic(this.device.id, 'event'), { id, type, ts, ...fields }, 1)) return undefined;
    this.counters.events += 1;
    return id;
  }

  /** Drops the connection without DISCONNECT, as a flat battery or lost signal would: the will fires. */
  drop(): void {
    if (!this.client) return;
    this.state = 'dropped';
    this.client.end(true);
  }

  /** Clean goodbye: retained offline status, then DISCONNECT (the broker discards the will). */
  async close(): Promise<void> {
    const client = this.client;
    const wasOnline = this.state === 'online';
    this.state = 'stopped';
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, () => resolve()), 3000);
      const finish = () =>
        client.end(false, () => {
          clearTimeout(timer);
          resolve();
        });
      if (!wasOnline) {
        clearTimeout(timer);
        client.end(true, () => resolve());
        return;
      }
      const status: DeviceStatusPayload = { online: false };
      const battery = this.battery();
      if (battery !== undefined) status.battery = battery;
      client.publish(
        deviceTopic(this.device.id, 'status'),
        JSON.stringify(status),
        { qos: 1, retain: true },
        (error) => {
          if (!error) this.counters.sent += 1;
          finish();
        },
      );
    });
  }
}

/** One retiree: the watch's vitals, the pendant, the flat's sensors, and the links that carry them. */
interface RetireeSlot {
  index: number;
  name: string;
  vitals: VitalsModel;
  pendantBattery: number;
  watch: DeviceLink | undefined;
  pendant: DeviceLink | undefined;
  sensors: Array<{ link: DeviceLink; model: SensorModel }>;
  links: DeviceLink[];
  ticks: number;
  lastSosId: string | undefined;
}

/** Pendants and unchanged sensors report every this many ticks, so the hub still sees them alive. */
const HEARTBEAT_TICKS = 6;

export class Fleet {
  private readonly slots: RetireeSlot[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly counters: Counters = { sent: 0, events: 0, commands: 0, acks: 0 };
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private startedAt = 0;
  private running = false;

  constructor(private readonly options: FleetOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  get retireeCount(): number {
    return this.options.credentials.retirees.length;
  }

  retireeName(index: number): string | undefined {
    return this.options.credentials.retirees[index]?.name;
  }

  async start(): Promise<StartResult> {
    this.running = true;
    this.startedAt = this.clock();
    const runToken = Math.round(this.startedAt).toString(36);
    const { credentials, seed } = this.options;
    for (const [index, retiree] of credentials.retirees.entries()) {
      const random = deriveRandom(seed, index);
      const slot: RetireeSlot = {
        index,
        name: retiree.name,
        vitals: new VitalsModel(createProfile(random), random),
        pendantBattery: Math.round(60 + random() * 40),
        watch: undefined,
        pendant: undefined,
        sensors: [],
        links: [],
        ticks: 0,
        lastSosId: undefined,
      };
      for (const device of retiree.devices) {
        const sensorType = (sensorTypes as readonly string[]).includes(device.type)
          ? (device.type as SensorType)
          : undefined;
        const model = sensorType
          ? new SensorModel(
              sensorType,
              deriveRandom(seed + 1, index * 16 + slot.sensors.length),
              hasBattery(device.type),
            )
          : undefined;
        const battery = () => {
          if (device.type === 'wearable.watch') return slot.vitals.batteryLevel();
          if (device.type === 'pendant.sos') return slot.pendantBattery;
          return model?.battery;
        };
        const link = new DeviceLink(
          device,
          this.options.brokerUrl,
          runToken,
          this.counters,
          battery,
          (command) =>
            this.options.onCommand?.({
              retiree: slot.name,
              retireeIndex: index,
              deviceId: device.id,
              deviceType: device.type,
              command,
            }),
          (reason) => this.log(`✗ ${device.id} (${slot.name}) refused by the broker: ${reason}`),
        );
        slot.links.push(link);
        if (device.type === 'wearable.watch' && !slot.watch) slot.watch = link;
        else if (device.type === 'pendant.sos' && !slot.pendant) slot.pendant = link;
        else if (model) slot.sensors.push({ link, model });
      }
      this.slots.push(slot);
    }

    const links = this.slots.flatMap((slot) => slot.links);
    await Promise.all(links.map((link) => link.connect(this.options.connectTimeoutMs ?? 10_000)));
    if (!this.running) return { connected: 0, failed: [] };

    for (const slot of this.slots) {
      // Spread the retirees over the interval so the broker sees a steady stream, not bursts.
      const offset = Math.floor(deriveRandom(this.options.seed + 2, slot.index)() * this.options.intervalMs);
      this.later(offset, () => {
        this.tick(slot);
        const timer = setInterval(() => this.tick(slot), this.options.intervalMs);
        this.timers.add(timer);
      });
    }
    return {
      connected: links.filter((link) => link.online).length,
      failed: links
        .filter((link) => !link.online)
        .map((link) => ({
          deviceId: link.device.id,
          reason: link.lastError ?? 'no answer from the broker',
          refused: link.state === 'refused',
        })),
    };
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.slots.flatMap((slot) => slot.links.map((link) => link.close())));
  }

  stats(): FleetStats {
    const links = this.slots.flatMap((slot) => slot.links);
    return {
      retirees: this.slots.length,
      devices: links.length,
      connected: links.filter((link) => link.online).length,
      sent: this.counters.sent,
      events: this.counters.events,
      commands: this.counters.commands,
      acks: this.counters.acks,
      refused: links.filter((link) => link.state === 'refused').length,
    };
  }

  /** Milliseconds since `start()`. */
  elapsed(): number {
    return this.clock() - this.startedAt;
  }

  /** Plays each scenario at its time after start (a time already past plays now). */
  play(scenarios: readonly Scenario[]): void {
    for (const scenario of scenarios) {
      this.later(Math.max(0, scenario.atMs - this.elapsed()), () => {
        try {
          this.apply(scenario);
        } catch (error) {
          this.log(`✗ ${describeScenario(scenario)}: ${(error as Error).message}`);
        }
      });
    }
  }

  /** Does what the scenario says now; throws ScenarioError when the retiree cannot do it. */
  apply(scenario: Scenario): string {
    const slot = this.slots[scenario.retiree];
    if (!slot)
      throw new ScenarioError(`retiree ${scenario.retiree} does not exist (0–${this.slots.length - 1})`);
    const now = Math.round(this.clock());
    const duration = scenario.durationMs ?? actions[scenario.action].durationMs ?? 0;
    const who = `${slot.name} (#${slot.index})`;
    let line: string;
    switch (scenario.action) {
      case 'sos': {
        const link = this.pick(slot, scenario.device === 'watch' ? 'watch' : 'pendant', 'press SOS');
        slot.lastSosId = this.send(link, 'sos', now);
        line = `SOS 一键呼叫: ${who} pressed SOS on ${link.device.id}`;
        break;
      }
      case 'fall': {
        const link = this.pick(slot, 'watch', 'fall');
        const certainty = scenario.certainty ?? 'confirmed';
        this.send(link, 'fall', now, { certainty });
        line = `跌倒 fall (${certainty}): ${who}, reported by ${link.device.id}`;
        break;
      }
      case 'hr-high':
      case 'hr-low': {
        const link = this.pick(slot, 'watch', 'change heart rate');
        slot.vitals.startExcursion(scenario.action, now, duration);
        this.sendVitals(slot, link, now);
        line = `心率${scenario.action === 'hr-high' ? '过高' : '过低'} ${scenario.action}: ${who} for ${Math.round(duration / 1000)} s`;
        break;
      }
      case 'offline': {
        const links = this.targets(slot, scenario.device ?? 'watch').filter((link) => link.online);
        if (links.length === 0) throw new ScenarioError(`${who} has no connected device to drop`);
        for (const link of links) link.drop();
        line = `离线 offline: ${links.map((link) => link.device.id).join(', ')} dropped without DISCONNECT (${who})`;
        if (scenario.durationMs !== undefined) {
          this.later(scenario.durationMs, () =>
            this.apply({ ...scenario, action: 'online', durationMs: undefined }),
          );
        }
        break;
      }
      case 'online': {
        const links = this.targets(slot, scenario.device ?? 'all').filter((link) => link.state === 'dropped');
        if (links.length === 0) throw new ScenarioError(`${who} has no dropped device`);
        for (const link of links) void link.connect(this.options.connectTimeoutMs ?? 10_000);
        line = `上线 online: ${links.map((link) => link.device.id).join(', ')} reconnecting (${who})`;
        break;
      }
      case 'cancel': {
        const link = this.pick(slot, scenario.device === 'watch' ? 'watch' : 'pendant', 'cancel');
        this.send(link, 'cancel', now, slot.lastSosId ? { cancels: slot.lastSosId } : {});
        line = `取消 cancel: ${who} cancelled${slot.lastSosId ? ` event ${slot.lastSosId}` : ''} on ${link.device.id}`;
        break;
      }
      case 'removed': {
        const link = this.pick(slot, 'watch', 'take the watch off');
        slot.vitals.setWorn(false);
        this.send(link, 'wearable_removed', now);
        this.sendVitals(slot, link, now);
        this.later(duration, () => slot.vitals.setWorn(true));
        line = `摘下手表 removed: ${who} took off ${link.device.id} for ${Math.round(duration / 1000)} s`;
        break;
      }
      case 'service': {
        const link = this.pick(slot, 'pendant', 'request service');
        this.send(link, 'service_request', now);
        line = `求助 service request: ${who} on ${link.device.id}`;
        break;
      }
      case 'test': {
        const link = this.pick(slot, scenario.device === 'watch' ? 'watch' : 'pendant', 'test');
        this.send(link, 'button_test', now);
        line = `测试 button test: ${who} on ${link.device.id}`;
        break;
      }
      case 'smoke':
      case 'water-leak':
      case 'gas': {
        const hazard = scenario.action.replace('-', '_') as HazardKind;
        const sensor = slot.sensors.find((entry) => entry.model.type === hazardSensor[hazard]);
        if (!sensor) throw new ScenarioError(`${who} has no ${hazardSensor[hazard]} at home`);
        if (!sensor.link.online) throw new ScenarioError(`${sensor.link.device.id} is not connected`);
        sensor.model.raiseHazard(now, duration);
        const { payload } = sensor.model.sample(now);
        sensor.link.telemetry(payload, now, this.options.telemetryQos ?? 0);
        this.send(sensor.link, hazard, now);
        line = `${hazard} alarm: ${sensor.link.device.id} at ${who}'s home for ${Math.round(duration / 1000)} s`;
        break;
      }
    }
    this.log(`▶ ${line}`);
    return line;
  }

  private send(link: DeviceLink, type: string, now: number, fields?: Record<string, unknown>): string {
    const id = link.event(type, now, fields);
    if (id === undefined) throw new ScenarioError(`${link.device.id} is not connected; ${type} not sent`);
    return id;
  }

  private pick(slot: RetireeSlot, role: 'watch' | 'pendant', what: string): DeviceLink {
    const link = slot[role] ?? (role === 'pendant' ? slot.watch : undefined);
    if (!link) throw new ScenarioError(`${slot.name} (#${slot.index}) has no ${role} to ${what}`);
    return link;
  }

  private targets(slot: RetireeSlot, role: 'watch' | 'pendant' | 'all'): DeviceLink[] {
    if (role === 'all') return slot.links;
    const link = slot[role];
    return link ? [link] : [];
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) action();
    }, delayMs);
    this.timers.add(timer);
  }

  private sendVitals(slot: RetireeSlot, link: DeviceLink, now: number): void {
    link.telemetry(slot.vitals.sample(now), now, this.options.telemetryQos ?? 0);
  }

  private tick(slot: RetireeSlot): void {
    const now = Math.round(this.clock());
    const qos = this.options.telemetryQos ?? 0;
    slot.ticks += 1;
    const heartbeat = slot.ticks % HEARTBEAT_TICKS === 1;
    // The model advances whether or not the watch is connected, like a person's heart does.
    const readings = slot.vitals.sample(now);
    if (slot.watch?.online) slot.watch.telemetry(readings, now, qos);
    if (slot.pendant?.online && heartbeat) slot.pendant.telemetry({ battery: slot.pendantBattery }, now, qos);
    for (const { link, model } of slot.sensors) {
      const { payload, changed } = model.sample(now);
      if (link.online && (changed || heartbeat)) link.telemetry(payload, now, qos);
    }
  }
}

function hasBattery(type: string): boolean {
  const definition = getDefinition(type);
  return definition ? definition.readings.includes('battery') : true;
}
