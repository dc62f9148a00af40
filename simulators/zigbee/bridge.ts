/**
 * A simulated Zigbee2MQTT bridge: it connects as the hub's `bridge.zigbee2mqtt` device, publishes
 * `bridge/state` and `bridge/devices` (retained, as Zigbee2MQTT does), each sensor's availability
 * and idle state, a periodic report of each sensor, and the scenarios of network.ts on demand.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { DEFAULT_BASE_TOPIC } from '../../devices/index.ts';
import {
  bridgeDevicesPayload,
  type SimulatedSensor,
  simulatedSensors,
  type ZigbeeScenario,
  zigbeeScenarios,
} from './network.ts';

export interface SimulatedBridgeOptions {
  brokerUrl: string;
  bridgeId: string;
  /** The bridge's MQTT secret; none against a broker without authentication. */
  secret?: string;
  baseTopic?: string;
  /** Between two periodic reports of each sensor. */
  reportIntervalMs?: number;
  log?: (line: string) => void;
  sensors?: readonly SimulatedSensor[];
}

export class SimulatedBridge {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly base: string;
  private readonly sensors: readonly SimulatedSensor[];
  private readonly state = new Map<string, Record<string, unknown>>();

  constructor(private readonly options: SimulatedBridgeOptions) {
    this.base = options.baseTopic ?? DEFAULT_BASE_TOPIC;
    this.sensors = options.sensors ?? simulatedSensors;
  }

  async start(): Promise<void> {
    const { bridgeId, secret } = this.options;
    this.client = await mqtt.connectAsync(this.options.brokerUrl, {
      clientId: bridgeId,
      ...(secret ? { username: bridgeId, password: secret } : {}),
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      // Zigbee2MQTT's own will: the bridge goes offline when its connection drops.
      will: {
        topic: `${this.base}/bridge/state`,
        payload: Buffer.from('{"state":"offline"}'),
        qos: 1,
        retain: true,
      },
    });
    await this.send('bridge/state', { state: 'online' }, true);
    await this.send('bridge/devices', bridgeDevicesPayload(this.sensors), true);
    for (const sensor of this.sensors) {
      this.state.set(sensor.friendlyName, { ...sensor.idle });
      await this.send(`${sensor.friendlyName}/availability`, { state: 'online' }, true);
      await this.send(sensor.friendlyName, sensor.idle);
    }
    this.log(`bridge ${bridgeId} publishing ${this.sensors.length} sensors under ${this.base}/`);
    const interval = this.options.reportIntervalMs ?? 60_000;
    this.timer = setInterval(() => void this.report(), interval);
  }

  /** Plays a scenario; resolves when its first message is out, the rest follow on their delays. */
  async play(name: ZigbeeScenario): Promise<void> {
    let at = 0;
    for (const step of zigbeeScenarios[name]) {
      at += step.delayMs;
      if (at === 0) {
        await this.apply(step.friendlyName, step.payload);
        continue;
      }
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        void this.apply(step.friendlyName, step.payload);
      }, at);
      this.pending.add(timer);
    }
    this.log(`zigbee scenario ${name}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    const client = this.client;
    if (!client) return;
    await this.send('bridge/state', { state: 'offline' }, true).catch(() => {});
    await client.endAsync();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async apply(
    friendlyName: string,
    payload: Record<string, unknown> | 'online' | 'offline',
  ): Promise<void> {
    if (payload === 'online' || payload === 'offline') {
      await this.send(`${friendlyName}/availability`, { state: payload }, true);
      return;
    }
    // Zigbee2MQTT publishes the whole cached state with each change, except `action`, which it never caches.
    const { action, ...rest } = payload;
    const current = { ...(this.state.get(friendlyName) ?? {}), ...rest };
    this.state.set(friendlyName, current);
    await this.send(friendlyName, action === undefined ? current : { ...current, action });
  }

  private async report(): Promise<void> {
    for (const sensor of this.sensors) {
      const current = this.state.get(sensor.friendlyName) ?? sensor.idle;
      const linkquality = Math.max(
        20,
        Math.min(255, Number(current.linkquality ?? 100) + Math.round(Math.random() * 10 - 5)),
      );
      await this.apply(sensor.friendlyName, { linkquality }).catch(() => {});
    }
  }

  private async send(suffix: string, payload: unknown, retain = false): Promise<void> {
    await this.client?.publishAsync(`${this.base}/${suffix}`, JSON.stringify(payload), { qos: 1, retain });
  }
}
