/**
 * Zigbee2MQTT bridges connected to the broker. A bridge is a device of type
 * `bridge.zigbee2mqtt`; what it publishes under its base topic is read here:
 * - `bridge/devices` (retained): which IEEE address has which friendly name, model and exposes
 *   (told on the bus as `zigbee.network`, for the device list);
 * - `<friendly>` state messages: converted by what the device exposes, refined by its model's
 *   named definition where there is one (devices/zigbee/), into readings (to the telemetry writer
 *   and `device.telemetry`) and events (`device.event`, which the detector turns into alerts
 *   exactly as for native devices);
 * - `<friendly>/availability` and `bridge/state`: `device.status`.
 * Zigbee2MQTT's side topics (`<friendly>/action` in plain text, `/set`, `/get`, an availability
 * topic emptied after a rename) carry nothing the state message does not: they are passed over,
 * not refused.
 * A sensor is known to the hub as its own device record bound to the bridge (by IEEE address or
 * friendly name), so alerts, the device list and the retiree's wall treat it like any other device.
 */
import type { Counter, Registry } from 'prom-client';
import type { EventBus } from '../../devices/bus.ts';
import type { StatusSource } from '../../devices/contract.ts';
import {
  type BridgeDevice,
  DEFAULT_BASE_TOPIC,
  emptyZigbeeState,
  genericZigbee,
  lastSeenOf,
  MAX_BRIDGE_DEVICES_BYTES,
  parseAvailability,
  parseBridgeDevices,
  parseBridgeJson,
  parseBridgeTopic,
  parseState,
  type ZigbeeDefinition,
  type ZigbeeOptions,
  type ZigbeeState,
  zigbeeConverter,
  zigbeeDefinitionByModel,
  zigbeeDefinitionByType,
  zigbeeNetworkDevice,
} from '../../devices/index.ts';
import type { DeviceEvent } from '../../devices/types.ts';
import type { TelemetryWriter } from '../ingest/writer.ts';
import { countersIn, type Logger } from '../observe.ts';
import { handOffReadings } from '../readings.ts';

/** A sensor record bound to a bridge, as the directory knows it. */
export interface BridgedDevice {
  deviceId: string;
  type: string;
  retireeId: string | null;
  ieeeAddress: string | null;
  friendlyName: string | null;
  options: ZigbeeOptions;
}

export type ZigbeeLogger = Pick<Logger, 'info' | 'warn'>;

export interface ZigbeeBridgesOptions {
  bus: EventBus;
  writer: TelemetryWriter;
  log: ZigbeeLogger;
  registry: Registry;
  /** The sensors bound to a bridge, read per message so that a sensor bound later is found at once. */
  bridged(bridgeId: string): BridgedDevice[];
  /** Counts and logs a refused message with the gateway's reasons (`invalid_json`, `schema`…). */
  reject(deviceId: string, topic: string, reason: string): void;
  clock: () => number;
}

/** What one bridge has told us about its network. */
interface Network {
  byIeee: Map<string, BridgeDevice>;
  byFriendlyName: Map<string, BridgeDevice>;
  /** How each device is read, by friendly name and registered type; made on first use. */
  converters: Map<string, ZigbeeDefinition | null>;
  /** Friendly names of the devices that expose nothing the hub reads. */
  unsupported: Set<string>;
}

export function baseTopicOf(options: ZigbeeOptions | undefined): string {
  return options?.baseTopic ?? DEFAULT_BASE_TOPIC;
}

export class ZigbeeBridges {
  /**
   * What each bridge last said in `bridge/devices`. Kept when the bridge disconnects: after a
   * reconnect it is most likely still right, and the next `bridge/devices` replaces it.
   */
  private readonly networks = new Map<string, Network>();
  /** Edge-detection state per sensor device id; it outlives a bridge's reconnect. */
  private readonly states = new Map<string, ZigbeeState>();
  /**
   * Per sensor, the events last handed on and not yet known to be stored, with their handling.
   * The converter's state already counts them, so a retry of the same message would be taken for a
   * repeat of the press; it waits for them instead, and hands them on again when they failed.
   */
  private readonly unsettled = new Map<string, { events: DeviceEvent[]; handled: Promise<void> }>();
  /** Names already logged as unknown or unbound, so a chatty sensor does not flood the log. */
  private readonly warned = new Set<string>();
  private readonly metrics: {
    messages: Counter<'kind'>;
    unknownModel: Counter;
    unbound: Counter;
  };

  constructor(private readonly options: ZigbeeBridgesOptions) {
    const counter = countersIn(options.registry);
    this.metrics = {
      messages: counter(
        'hub_zigbee_messages_total',
        'Zigbee2MQTT bridge messages read, by kind (state, availability, devices, bridge_state; ignored: side topics such as <name>/action and emptied availability)',
        'kind',
      ),
      unknownModel: counter(
        'hub_zigbee_unknown_model_total',
        'Zigbee2MQTT messages from a sensor that exposes nothing the hub reads and has no definition in devices/zigbee/',
      ),
      unbound: counter(
        'hub_zigbee_unbound_total',
        'Zigbee2MQTT messages from a sensor bound to no device record',
      ),
    };
  }

  /**
   * The bridge is gone (its state says offline, or its connection dropped): its sensors can no
   * longer be heard, so they are offline too until the bridge reports their availability again.
   */
  bridgeLost(bridgeId: string, source: StatusSource): void {
    const ts = this.options.clock();
    for (const sensor of this.options.bridged(bridgeId)) {
      this.options.bus.emit('device.status', { deviceId: sensor.deviceId, online: false, ts, source });
    }
  }

  /**
   * A message the bridge `bridgeId` published on `topic`. Never throws; the promise, when there is
   * one, settles once the events the message carried were handled (rejects when one failed).
   */
  receive(
    bridgeId: string,
    options: ZigbeeOptions | undefined,
    topic: string,
    raw: Uint8Array | string,
  ): Promise<void> | undefined {
    const payload = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    const where = parseBridgeTopic(baseTopicOf(options), topic);
    if (!where) return;
    switch (where.kind) {
      case 'devices':
        this.learnDevices(bridgeId, topic, payload);
        return;
      case 'bridge_state': {
        const availability = parseAvailability(payload);
        if (!availability.ok) {
          this.options.reject(bridgeId, topic, availability.reason);
          return;
        }
        this.metrics.messages.inc({ kind: 'bridge_state' });
        this.options.bus.emit('device.status', {
          deviceId: bridgeId,
          online: availability.online,
          ts: this.options.clock(),
          source: 'device',
        });
        if (!availability.online) this.bridgeLost(bridgeId, 'device');
        return;
      }
      case 'availability':
        this.availability(bridgeId, where.friendlyName, topic, payload);
        return;
      case 'action': {
        // A device may be named `…/action` itself; then this is its state message.
        const name = `${where.friendlyName}/action`;
        if (this.networks.get(bridgeId)?.byFriendlyName.has(name)) {
          return this.state(bridgeId, name, topic, payload);
        }
        this.metrics.messages.inc({ kind: 'ignored' });
        return;
      }
      case 'state':
        return this.state(bridgeId, where.friendlyName, topic, payload);
      default:
        // Bridge info, logs, responses and commands carry nothing about the retirees.
        return;
    }
  }

  private learnDevices(bridgeId: string, topic: string, payload: Uint8Array): void {
    // An empty retained payload clears the topic; it is not a list.
    if (payload.byteLength === 0) return;
    const parsed = parseBridgeJson(payload, MAX_BRIDGE_DEVICES_BYTES);
    if (!parsed.ok) {
      this.options.reject(bridgeId, topic, parsed.reason);
      return;
    }
    const devices = parseBridgeDevices(parsed.value);
    if (!devices.ok) {
      this.options.reject(bridgeId, topic, devices.reason);
      return;
    }
    this.metrics.messages.inc({ kind: 'devices' });
    const described = devices.value.map(zigbeeNetworkDevice);
    const unsupported = described.filter((device) => device.understood.length === 0);
    const network: Network = {
      byIeee: new Map(),
      byFriendlyName: new Map(),
      converters: new Map(),
      unsupported: new Set(unsupported.map((device) => device.friendlyName)),
    };
    for (const device of devices.value) {
      network.byIeee.set(device.ieeeAddress, device);
      network.byFriendlyName.set(device.friendlyName, device);
    }
    this.networks.set(bridgeId, network);
    this.options.log.info(
      {
        deviceId: bridgeId,
        devices: devices.value.length,
        unsupported: unsupported.map(
          (device) =>
            `${device.friendlyName}: ${device.model ?? 'no definition'} exposes ${device.exposes.join(', ') || 'nothing'}`,
        ),
      },
      'zigbee2mqtt bridge devices learned',
    );
    this.options.bus.emit('zigbee.network', { bridgeId, ts: this.options.clock(), devices: described });
  }

  /** The sensor record behind a friendly name: by the IEEE address the bridge gave, else by name. */
  private resolve(bridgeId: string, friendlyName: string) {
    const known = this.networks.get(bridgeId)?.byFriendlyName.get(friendlyName);
    const bound = this.options
      .bridged(bridgeId)
      .find(
        (device) =>
          (known !== undefined && device.ieeeAddress === known.ieeeAddress) ||
          device.friendlyName === friendlyName,
      );
    return { known, bound };
  }

  private warnOnce(key: string, object: object, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log.warn(object, message);
  }

  private availability(bridgeId: string, friendlyName: string, topic: string, payload: Uint8Array): void {
    // Zigbee2MQTT empties the retained availability topic of a device it renamed or removed.
    if (payload.byteLength === 0) {
      this.metrics.messages.inc({ kind: 'ignored' });
      return;
    }
    const availability = parseAvailability(payload);
    if (!availability.ok) {
      this.options.reject(bridgeId, topic, availability.reason);
      return;
    }
    this.metrics.messages.inc({ kind: 'availability' });
    const { bound } = this.resolve(bridgeId, friendlyName);
    if (!bound) {
      this.metrics.unbound.inc();
      this.warnOnce(
        `${bridgeId}\0${friendlyName}`,
        { deviceId: bridgeId, friendlyName },
        'zigbee sensor not bound',
      );
      return;
    }
    this.options.bus.emit('device.status', {
      deviceId: bound.deviceId,
      online: availability.online,
      ts: this.options.clock(),
      source: 'device',
    });
  }

  /**
   * How to read a sensor. The bridge knows what the device really is: its model's named
   * definition when there is one, completed by what it exposes. A model without one (renamed by
   * Zigbee2MQTT, rebadged) is read by its exposes, refined by the named definition of the type
   * staff registered it as (they chose it for the device in hand: a bed pad stays a bed pad). Until
   * the bridge has said, the registered type alone.
   */
  private converterFor(
    bridgeId: string,
    friendlyName: string,
    known: BridgeDevice | undefined,
    boundType: string,
  ): ZigbeeDefinition | undefined {
    const network = this.networks.get(bridgeId);
    const cacheKey = `${friendlyName}\0${boundType}`;
    const cached = known ? network?.converters.get(cacheKey) : undefined;
    if (cached !== undefined) return cached ?? undefined;
    const byModel = known?.model ? zigbeeDefinitionByModel(known.model) : undefined;
    const registered = zigbeeDefinitionByType(boundType);
    const refinement = registered === genericZigbee && known?.exposes ? undefined : registered;
    const converter = zigbeeConverter(byModel ?? refinement, known?.exposes, known?.model, known?.vendor);
    if (known) network?.converters.set(cacheKey, converter ?? null);
    return converter;
  }

  private state(
    bridgeId: string,
    friendlyName: string,
    topic: string,
    payload: Uint8Array,
  ): Promise<void> | undefined {
    const parsed = parseState(payload);
    if (!parsed.ok) {
      this.options.reject(bridgeId, topic, parsed.reason);
      return;
    }
    this.metrics.messages.inc({ kind: 'state' });
    const { known, bound } = this.resolve(bridgeId, friendlyName);
    if (!bound) {
      if (known && this.networks.get(bridgeId)?.unsupported.has(known.friendlyName))
        this.metrics.unknownModel.inc();
      else this.metrics.unbound.inc();
      this.warnOnce(
        `${bridgeId}\0${friendlyName}`,
        { deviceId: bridgeId, friendlyName, model: known?.model ?? null },
        'zigbee sensor not bound to a device record',
      );
      return;
    }
    const definition = this.converterFor(bridgeId, friendlyName, known, bound.type);
    if (!definition) {
      this.metrics.unknownModel.inc();
      this.warnOnce(
        `${bridgeId}\0${friendlyName}`,
        {
          deviceId: bound.deviceId,
          friendlyName,
          model: known?.model ?? null,
          exposes: known?.exposes?.names ?? [],
        },
        'zigbee sensor that exposes nothing the hub reads',
      );
      return;
    }
    if (known?.model && definition.model === known.model && definition.type !== bound.type) {
      this.warnOnce(
        `${bound.deviceId}\0type`,
        { deviceId: bound.deviceId, registered: bound.type, reported: definition.type },
        'zigbee sensor registered as another model than its bridge reports; reading it as reported',
      );
    }
    const receivedAt = this.options.clock();
    const lastSeen = lastSeenOf(parsed.value);
    const result = definition.convert(this.states.get(bound.deviceId) ?? emptyZigbeeState, parsed.value, {
      ieeeAddress: known?.ieeeAddress ?? bound.ieeeAddress ?? friendlyName,
      receivedAt,
      options: bound.options,
      ...(lastSeen !== undefined ? { lastSeen } : {}),
    });
    this.states.set(bound.deviceId, result.state);
    if (Object.keys(result.readings).length > 0) {
      const source = { deviceId: bound.deviceId, deviceType: bound.type, retireeId: bound.retireeId };
      handOffReadings(this.options.writer, this.options.bus, source, result.ts, result.readings);
    }
    if (result.events.length > 0) return this.handOn(bound, result.events);
    const earlier = this.unsettled.get(bound.deviceId);
    if (!earlier) return undefined;
    // A message after events not yet stored: most likely the same one sent again, since it was not
    // acknowledged. It is acknowledged once they are stored; when they failed, they are handed on
    // again under their own ids, so the workflow opens each once whichever attempt stores it.
    return earlier.handled.catch(() => {
      const now = this.unsettled.get(bound.deviceId);
      if (now === earlier) return this.handOn(bound, earlier.events);
      // Handed on again meanwhile by another message (gone: stored since).
      return now?.handled;
    });
  }

  /** Hands a sensor's events to the workflow; settles once every one is stored (rejects when one failed). */
  private handOn(bound: BridgedDevice, events: DeviceEvent[]): Promise<void> {
    const handled = Promise.all(
      events.map((event) =>
        this.options.bus.emitAndWait('device.event', {
          deviceId: bound.deviceId,
          deviceType: bound.type,
          event,
        }),
      ),
    ).then(() => undefined);
    const entry = { events, handled };
    this.unsettled.set(bound.deviceId, entry);
    handled.then(
      () => {
        if (this.unsettled.get(bound.deviceId) === entry) this.unsettled.delete(bound.deviceId);
      },
      () => {},
    );
    return handled;
  }
}
