/**
 * Builds a Zigbee2MQTT model definition from its features: one pure converter over
 * (previous state, message) → (next state, readings, events).
 */
import type { DeviceEvent, DeviceKind, EventType, ReadingKey, Readings } from '../types.ts';
import type {
  ConvertContext,
  LastAction,
  ZigbeeConversion,
  ZigbeeDefinition,
  ZigbeeFeature,
  ZigbeeOptions,
  ZigbeeState,
} from './types.ts';

/** A model's names as the hub's device types have them; its type is `zigbee.<model>`. */
export interface ZigbeeSpec extends Omit<DeviceKind, 'type'> {
  model: string;
  vendor: string;
  options?: (keyof ZigbeeOptions)[];
  features: ZigbeeFeature[];
}

export const ZIGBEE_TYPE_PREFIX = 'zigbee.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Zigbee2MQTT's `last_seen` (option `advanced.last_seen`): `epoch` gives milliseconds, the
 * `ISO_8601` settings a date string. Anything else, or an implausible time, is ignored.
 */
export function lastSeenOf(message: unknown): number | undefined {
  if (!isRecord(message)) return undefined;
  const raw = message.last_seen;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  return Number.isInteger(ms) && ms > 1e12 && ms < 1e13 ? ms : undefined;
}

/**
 * Deterministic per press or alarm: the same message re-published by the bridge names the same
 * event, so the workflow's de-duplication by event id opens no second alert. Event ids are at
 * most 64 characters (devices/converters/schemas.ts), so a long name is cut.
 */
export function zigbeeEventId(context: ConvertContext, key: string): string {
  const stamp = String(context.lastSeen ?? context.receivedAt);
  const prefix = `${context.ieeeAddress}:${key}`;
  return `${prefix.slice(0, 63 - stamp.length)}:${stamp}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

export function defineZigbee(spec: ZigbeeSpec): ZigbeeDefinition {
  const readings: ReadingKey[] = unique(spec.features.flatMap((feature) => feature.readings));
  const events: EventType[] = unique(spec.features.flatMap((feature) => feature.events));
  return {
    ...spec,
    type: `${ZIGBEE_TYPE_PREFIX}${spec.model}`,
    readings,
    events,
    options: spec.options ?? [],

    convert(previous: ZigbeeState, message: unknown, context: ConvertContext): ZigbeeConversion {
      const record = isRecord(message) ? message : {};
      const flags = { ...previous.flags };
      const levels = { ...previous.levels };
      let lastAction: LastAction | undefined = previous.lastAction;
      const out: Readings = {};
      const raised: DeviceEvent[] = [];
      const ts = context.lastSeen ?? context.receivedAt;
      for (const feature of spec.features) {
        // Every feature sees the state as it was before this message, so their order never matters.
        const result = feature.convert(record, previous, context);
        Object.assign(out, result.readings);
        Object.assign(flags, result.flags);
        Object.assign(levels, result.levels);
        if (result.lastAction === null) lastAction = undefined;
        else if (result.lastAction) lastAction = result.lastAction;
        for (const event of result.events ?? []) {
          const normalized: DeviceEvent = { id: zigbeeEventId(context, event.key), type: event.type, ts };
          if (event.certainty) normalized.certainty = event.certainty;
          if (event.detail) normalized.detail = event.detail;
          raised.push(normalized);
        }
      }
      const state: ZigbeeState = lastAction ? { flags, levels, lastAction } : { flags, levels };
      return { state, ts, readings: out, events: raised };
    },
  };
}
