/**
 * The Zigbee2MQTT bridge's own topics, as data: where a message belongs (state, availability,
 * the bridge's device list), and the pure parsing of each payload. The bridge is a device of type
 * `bridge.zigbee2mqtt` with its own id and secret; it publishes under its base topic.
 */
import { Type } from '@sinclair/typebox';
import { firstError, truncate } from '../validate.ts';
import { type DeviceExposes, readExposes } from './exposes.ts';

export const BRIDGE_TYPE = 'bridge.zigbee2mqtt';
/** Zigbee2MQTT's default `mqtt.base_topic`. */
export const DEFAULT_BASE_TOPIC = 'zigbee2mqtt';
/**
 * A base topic: topic levels of letters, digits, `_` and `-`; no wildcards, and never our own
 * protocol's prefix, so a bridge can never speak for a native device.
 */
export const BASE_TOPIC_PATTERN = /^(?!eldercare(\/|$))[A-Za-z0-9_-]{1,64}(\/[A-Za-z0-9_-]{1,64}){0,3}$/;

/** A state message is small; `bridge/devices` lists every device with its exposes and is not. */
export const MAX_STATE_BYTES = 16 * 1024;
export const MAX_BRIDGE_DEVICES_BYTES = 4 * 1024 * 1024;

export type BridgeTopic =
  | { kind: 'devices' }
  | { kind: 'bridge_state' }
  /** Other `bridge/…` topics (info, logging, responses): not ours to read. */
  | { kind: 'bridge_other' }
  | { kind: 'availability'; friendlyName: string }
  | { kind: 'state'; friendlyName: string }
  /**
   * `<friendly>/action`: the plain-text copy of each `action` some Zigbee2MQTT set-ups publish
   * (Home Assistant's event entities). The same action is in the state message, which is read.
   */
  | { kind: 'action'; friendlyName: string }
  /** `…/set`, `…/get`: commands to the bridge, never state. */
  | { kind: 'command' };

/** Where a topic published under `baseTopic` belongs; null when it is not under it. */
export function parseBridgeTopic(baseTopic: string, topic: string): BridgeTopic | null {
  if (!topic.startsWith(`${baseTopic}/`)) return null;
  const rest = topic.slice(baseTopic.length + 1);
  if (rest === '') return null;
  if (rest === 'bridge/devices') return { kind: 'devices' };
  if (rest === 'bridge/state') return { kind: 'bridge_state' };
  if (rest === 'bridge' || rest.startsWith('bridge/')) return { kind: 'bridge_other' };
  const levels = rest.split('/');
  const last = levels.at(-1);
  if (last === 'set' || last === 'get' || levels.includes('set')) return { kind: 'command' };
  // Friendly names may contain `/` (Zigbee2MQTT allows it), so only the suffix is structure.
  if (last === 'availability' && levels.length > 1) {
    return { kind: 'availability', friendlyName: levels.slice(0, -1).join('/') };
  }
  if (last === 'action' && levels.length > 1) {
    return { kind: 'action', friendlyName: levels.slice(0, -1).join('/') };
  }
  return { kind: 'state', friendlyName: rest };
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** JSON of at most `maxBytes`, with the same reason codes as native devices (devices/decode.ts). */
export function parseBridgeJson(payload: Uint8Array | string, maxBytes: number): Parsed {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  if (bytes.byteLength > maxBytes) {
    return { ok: false, reason: `too_large: ${bytes.byteLength} bytes > ${maxBytes}` };
  }
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch {
    return { ok: false, reason: 'invalid_encoding: payload is not UTF-8' };
  }
  if (text.trim() === '') return { ok: false, reason: 'invalid_json: empty payload' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      reason: `invalid_json: ${truncate(error instanceof Error ? error.message : String(error))}`,
    };
  }
}

/** One entry of `bridge/devices`; only what we use is checked, the rest is left alone. */
const BridgeDeviceEntry = Type.Object({
  ieee_address: Type.String({ minLength: 1, maxLength: 64 }),
  friendly_name: Type.String({ minLength: 1, maxLength: 256 }),
  type: Type.Optional(Type.String()),
  definition: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Object({ model: Type.String({ maxLength: 128 }), vendor: Type.String({ maxLength: 128 }) }),
    ]),
  ),
});

export interface BridgeDevice {
  ieeeAddress: string;
  friendlyName: string;
  /** Null for the coordinator and for devices Zigbee2MQTT does not support. */
  model: string | null;
  vendor: string | null;
  /**
   * What `definition.exposes` says the device publishes; undefined while Zigbee2MQTT has no
   * definition for it (unsupported, or still being interviewed).
   */
  exposes?: DeviceExposes;
  /** What the device says powers it (`power_source`); undefined while it has not said. */
  power?: PowerSource;
}

export type PowerSource = 'battery' | 'mains';

/**
 * `power_source` as Zigbee2MQTT names the Basic cluster's PowerSource attribute (ZCL 3.2.2.2.8):
 * `Battery`; `Mains (single phase)`, `Mains (3 phase)`, `DC Source` and the two `Emergency mains…`
 * are a supply that does not run down. `Unknown`, null (an interview not done) and anything else
 * say nothing.
 */
export function powerSourceOf(value: unknown): PowerSource | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === 'Battery') return 'battery';
  if (/^(Mains \((single|3) phase\)|DC Source|Emergency mains\b.*)$/.test(value)) return 'mains';
  return undefined;
}

/** `bridge/devices` → the devices the bridge knows; the coordinator is left out. */
export function parseBridgeDevices(
  value: unknown,
): { ok: true; value: BridgeDevice[] } | { ok: false; reason: string } {
  if (!Array.isArray(value)) return { ok: false, reason: 'schema: / must be an array of devices' };
  const devices: BridgeDevice[] = [];
  for (const [index, entry] of value.entries()) {
    const error = firstError(BridgeDeviceEntry, entry);
    if (error)
      return { ok: false, reason: `schema: /${index}${error.startsWith('/ ') ? error.slice(1) : error}` };
    const device = entry as {
      ieee_address: string;
      friendly_name: string;
      type?: string;
      definition?: { model: string; vendor: string; exposes?: unknown } | null;
      power_source?: unknown;
    };
    if (device.type === 'Coordinator') continue;
    const known: BridgeDevice = {
      ieeeAddress: device.ieee_address,
      friendlyName: device.friendly_name,
      model: device.definition?.model ?? null,
      vendor: device.definition?.vendor ?? null,
    };
    if (device.definition) known.exposes = readExposes(device.definition.exposes);
    // Read as said, never refused: the list is the bridge's whole network, and an odd power
    // source on one device is no reason to lose it.
    const power = powerSourceOf(device.power_source);
    if (power) known.power = power;
    devices.push(known);
  }
  return { ok: true, value: devices };
}

/**
 * `<friendly>/availability` and `bridge/state`: `{"state": "online" | "offline"}`, or the plain
 * `online` / `offline` of Zigbee2MQTT before 1.30 (legacy availability payload).
 */
export function parseAvailability(
  payload: Uint8Array | string,
): { ok: true; online: boolean } | { ok: false; reason: string } {
  const text = typeof payload === 'string' ? payload : lenient.decode(payload);
  const plain = text.trim();
  if (plain === 'online' || plain === 'offline') return { ok: true, online: plain === 'online' };
  const parsed = parseBridgeJson(payload, MAX_STATE_BYTES);
  if (!parsed.ok) return parsed;
  const state = (parsed.value as { state?: unknown } | null)?.state;
  if (state === 'online' || state === 'offline') return { ok: true, online: state === 'online' };
  return { ok: false, reason: 'schema: /state must be one of "online", "offline"' };
}

/** A state message is one JSON object. */
export function parseState(
  payload: Uint8Array | string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const parsed = parseBridgeJson(payload, MAX_STATE_BYTES);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'schema: / must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
