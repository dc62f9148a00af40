/**
 * Off-the-shelf Zigbee sensors, read from a Zigbee2MQTT bridge's own JSON state messages
 * (`zigbee2mqtt/<friendly name>`). A definition names the model as Zigbee2MQTT reports it in
 * `bridge/devices` (`definition.model`, `definition.vendor`) and lists features, each turning some
 * keys of the state message into normalized readings and events.
 *
 * Events come from the rising edge of a state (false → true, none → fall) or from an `action`
 * arriving, so the converter needs the previous state: it is pure over
 * (previous state, message) → (next state, readings, events); the gateway keeps the state.
 */
import type { DeviceEvent, DeviceKind, EventType, ReadingKey, Readings } from '../types.ts';

/** The per-device options staff store with a sensor (POST /api/devices `options`). */
export type ButtonAction = 'single' | 'double' | 'hold';
export interface ZigbeeOptions {
  /** HS1EB: which press means SOS (default `single`, see devices/README.md). */
  sosAction?: ButtonAction;
  /** HS1EB: which press, if any, is the green 求助 service request. */
  serviceAction?: ButtonAction;
  /** Bridges only: the bridge's `mqtt.base_topic` (default `zigbee2mqtt`). */
  baseTopic?: string;
}

/** The last `action` seen, so that a re-published message is not a second press. */
export interface LastAction {
  value: string;
  /** Epoch ms of receipt. */
  at: number;
  /** The bridge's `last_seen` (epoch ms) when it sends one. */
  lastSeen?: number;
}

/** What the gateway keeps per sensor between two messages. Plain data, never mutated in place. */
export interface ZigbeeState {
  /** Alarm flags by message key (`smoke`, `water_leak`, `sos`…), for the rising edge. */
  flags: Readonly<Record<string, boolean>>;
  /** Ordered levels by message key (`fall_down_status` none=0, maybe_fall=1, fall=2). */
  levels: Readonly<Record<string, number>>;
  lastAction?: LastAction;
}

export const emptyZigbeeState: ZigbeeState = { flags: {}, levels: {} };

/** An event before it gets its id: the feature says what happened, the definition names it. */
export interface RaisedEvent {
  type: EventType;
  /** The message key that raised it; part of the event id. */
  key: string;
  certainty?: DeviceEvent['certainty'];
  detail?: Record<string, unknown>;
}

export interface ConvertContext {
  /** The sensor's IEEE address (or friendly name when the bridge has not told us), for event ids. */
  ieeeAddress: string;
  receivedAt: number;
  /** The bridge's `last_seen` of this message, epoch ms, when present. */
  lastSeen?: number;
  options: ZigbeeOptions;
}

export interface FeatureResult {
  readings?: Readings;
  events?: RaisedEvent[];
  flags?: Record<string, boolean>;
  levels?: Record<string, number>;
  /** `null` clears the last action (an explicit reset), `undefined` leaves it. */
  lastAction?: LastAction | null;
}

/** One capability of a model: a few keys of the state message and what they become. */
export interface ZigbeeFeature {
  name: string;
  /** Keys of the bridge's state message this feature reads. */
  keys: string[];
  readings: ReadingKey[];
  events: EventType[];
  convert(
    message: Readonly<Record<string, unknown>>,
    previous: ZigbeeState,
    context: ConvertContext,
  ): FeatureResult;
}

export interface ZigbeeConversion {
  state: ZigbeeState;
  /** Time of the readings: the bridge's `last_seen` when present, else receipt. */
  ts: number;
  readings: Readings;
  events: DeviceEvent[];
}

export interface ZigbeeDefinition extends DeviceKind {
  /** Exactly as Zigbee2MQTT reports `definition.model`, e.g. `TS0215A_sos`, `HS1EB/HS1EB-E`. */
  model: string;
  /** As Zigbee2MQTT reports `definition.vendor`, e.g. `Tuya`, `Heiman`. */
  vendor: string;
  /** The hub's device type: `zigbee.<model>`. */
  type: string;
  readings: ReadingKey[];
  events: EventType[];
  /** Option names this model understands (`sosAction`…), for validation at registration. */
  options: (keyof ZigbeeOptions)[];
  features: ZigbeeFeature[];
  convert(previous: ZigbeeState, message: unknown, context: ConvertContext): ZigbeeConversion;
}

/** One device of a bridge's network as the hub sees it, for the device list. */
export interface ZigbeeNetworkDevice {
  ieeeAddress: string;
  friendlyName: string;
  /** As Zigbee2MQTT reports it; null when it has no definition for the device. */
  model: string | null;
  vendor: string | null;
  /** The names of its exposes as the bridge lists them (`smoke`, `battery`, `switch`…). */
  exposes: string[];
  /** What the hub reads of it (`smokeAlarm`, `battery`…); empty when nothing: unsupported. */
  understood: string[];
  /** Whether devices/zigbee/definitions/ names this model. */
  named: boolean;
  /** What the device says powers it (`power_source`); absent while it has not said. */
  power?: 'battery' | 'mains';
}

declare module '../contract.ts' {
  interface HubEventMap {
    /** A bridge published its device list (`bridge/devices`): what each device exposes. */
    'zigbee.network': { bridgeId: string; ts: number; devices: ZigbeeNetworkDevice[] };
  }
}
