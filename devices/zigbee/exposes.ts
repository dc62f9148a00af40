/**
 * What a device says it can do, as Zigbee2MQTT describes it in `bridge/devices`
 * (`definition.exposes`), turned into the hub's features. Zigbee2MQTT supports thousands of
 * models, renames them between releases and reports rebadged ones under their own names, but the
 * exposes of a smoke alarm always name a binary `smoke`, and an SOS key an `action` enum holding
 * `emergency` or `sos`. So any model is read by its exposes; a named definition (definitions/)
 * only refines what it knows better (a bed pad's inverted contact, which press of a button is
 * SOS, a radar's fall levels) and wins for the keys it reads.
 *
 * Expose shapes (Zigbee2MQTT's "Exposes" documentation): a generic expose (`binary`, `numeric`,
 * `enum`, `text`, `list`) has `name`, `property` and `access`; a specific one (`switch`, `light`,
 * `lock`, `climate`, `cover`, `fan`) and a `composite` one group others in `features`. A
 * composite's features sit inside an object under the composite's `property` in the state
 * message; a specific expose's features sit at the top level. `access` bit 1 means "published in
 * the state message": a property without it (set-only) never arrives, so it is not read.
 */
import type { EventType } from '../types.ts';
import { defineZigbee, ZIGBEE_TYPE_PREFIX } from './define.ts';
import {
  actionEvents,
  alarmFlag,
  type FallLevels,
  type FlagOptions,
  fallStatus,
  flagReading,
  numberReading,
} from './features.ts';
import type {
  ConvertContext,
  ZigbeeConversion,
  ZigbeeDefinition,
  ZigbeeFeature,
  ZigbeeState,
} from './types.ts';

/** One property a device publishes in its state message. */
export interface ExposedProperty {
  /** Where the value is: `[property]`, or `[composite property, property]` inside a composite. */
  path: string[];
  /** The expose's `name` (its `property` without endpoint suffix when it has none). */
  name: string;
  /** `binary`, `numeric`, `enum`, `text`, `list`. */
  type: string;
  /** `enum` values. */
  values?: string[];
  /** `binary` values. */
  valueOn?: unknown;
  valueOff?: unknown;
}

/** A device's exposes: the names it shows (top level), and every published property in them. */
export interface DeviceExposes {
  names: string[];
  properties: ExposedProperty[];
}

/** Bounds on what one device's exposes may hold: a bridge's list is data from the network. */
const MAX_DEPTH = 4;
const MAX_PROPERTIES = 256;
const MAX_NAME = 64;
const MAX_VALUES = 64;
/** Zigbee2MQTT's `access` bit for "published in the state message". */
const ACCESS_STATE = 1;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME ? value : undefined;
}

function scalar(value: unknown): unknown {
  return typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string'
    ? value
    : undefined;
}

/**
 * `definition.exposes` → what the device publishes. Lenient: an entry of an unknown or odd shape
 * is skipped, never a reason to refuse the whole device list.
 */
export function readExposes(raw: unknown): DeviceExposes {
  const names: string[] = [];
  const properties: ExposedProperty[] = [];
  if (!Array.isArray(raw)) return { names, properties };

  const visit = (expose: unknown, parent: string[], depth: number): void => {
    if (!isRecord(expose) || depth > MAX_DEPTH || properties.length >= MAX_PROPERTIES) return;
    const type = shortString(expose.type);
    if (!type) return;
    if (Array.isArray(expose.features)) {
      const property = shortString(expose.property);
      const path = type === 'composite' && property ? [...parent, property] : parent;
      for (const feature of expose.features) visit(feature, path, depth + 1);
      return;
    }
    const property = shortString(expose.property);
    if (!property) return;
    if (typeof expose.access === 'number' && (expose.access & ACCESS_STATE) === 0) return;
    const entry: ExposedProperty = {
      path: [...parent, property],
      name: shortString(expose.name) ?? property,
      type,
    };
    if (type === 'enum' && Array.isArray(expose.values)) {
      entry.values = expose.values
        .filter((value): value is string => typeof value === 'string' && value.length <= MAX_NAME)
        .slice(0, MAX_VALUES);
    }
    if (type === 'binary') {
      entry.valueOn = scalar(expose.value_on) ?? true;
      entry.valueOff = scalar(expose.value_off) ?? false;
    }
    properties.push(entry);
  };

  for (const expose of raw) {
    if (!isRecord(expose)) continue;
    // What a person would call it: `smoke`, `battery`, or a specific expose's type (`switch`).
    const name =
      shortString(expose.name) ??
      shortString(expose.property) ??
      (Array.isArray(expose.features) ? shortString(expose.type) : undefined);
    if (name && !names.includes(name) && names.length < MAX_PROPERTIES) names.push(name);
    visit(expose, [], 0);
  }
  return { names, properties };
}

/**
 * The level of a fall-status value: 0 for "nothing" (`none`, `normal`, `no_fall`…), 1 for a fall
 * the device is not sure of (`maybe_fall`, `fall_warning`, `suspected_fall`), 2 for a fall
 * (`fall`, `fall_alarm`, `falling`, `fall_detected`). Anything else raises nothing.
 */
export function fallLevelOf(value: string): FallLevels[string] {
  const word = value.toLowerCase();
  if (/^(no|none|normal|clear|idle|unknown|off)(_|$)|no_?fall/.test(word)) return { level: 0 };
  if (/maybe|suspect|warning|possible|likely/.test(word)) return { level: 1, certainty: 'suspected' };
  if (/fall/.test(word)) return { level: 2, certainty: 'confirmed' };
  return { level: 0 };
}

/** `fall_down_status`, `fall_status`, `fall_state`, `fall`…: an enum about falls. */
function isFallName(name: string): boolean {
  return /(^|_)fall(_|$)/.test(name) || name.startsWith('fall');
}

/** The `action` values that mean "help now". */
const SOS_ACTIONS: Record<string, EventType> = { emergency: 'sos', sos: 'sos' };

function binaryValues(property: ExposedProperty): FlagOptions {
  return { onValue: property.valueOn ?? true, offValue: property.valueOff ?? false };
}

/** The feature for one exposed property, or undefined when the hub has no use for it. */
function featureOf(property: ExposedProperty): ZigbeeFeature | undefined {
  const key = property.path.join('.');
  const name = property.name;
  if (property.type === 'binary') {
    const values = binaryValues(property);
    switch (name) {
      case 'smoke':
      case 'gas':
      case 'water_leak':
        return alarmFlag(`${name}Alarm`, key, name, name, { ...values, duringTest: 'ignore' });
      case 'sos':
        return alarmFlag('sosFlag', key, 'sos', undefined, values);
      case 'test':
        return alarmFlag('testPress', key, 'button_test', undefined, values);
      case 'fall':
      case 'fall_detected':
      case 'fall_alarm':
        return alarmFlag('fallFlag', key, 'fall', undefined, values);
      case 'contact':
        return flagReading('contact', key, 'door_open', values, true);
      case 'occupancy':
        return flagReading('motion', key, 'motion', values);
      case 'presence':
        return flagReading('presence', key, 'presence', values);
      case 'battery_low':
        return flagReading('batteryLow', key, 'battery_low', values);
      case 'tamper':
        return flagReading('tamper', key, 'tamper', values);
      default:
        return undefined;
    }
  }
  if (property.type === 'numeric') {
    if (name === 'battery') return numberReading('battery', key, 'battery', 0, 100);
    if (name === 'linkquality') return numberReading('linkquality', key, 'linkquality', 0, 255);
    return undefined;
  }
  if (property.type === 'enum' && property.values) {
    // Zigbee2MQTT publishes `action` at the top level only.
    if (name === 'action' && property.path.length === 1) {
      const mapping: Record<string, EventType> = {};
      for (const value of property.values) {
        const type = Object.hasOwn(SOS_ACTIONS, value) ? SOS_ACTIONS[value] : undefined;
        if (type) mapping[value] = type;
      }
      return Object.keys(mapping).length > 0 ? actionEvents(mapping) : undefined;
    }
    if (isFallName(name)) {
      const levels: FallLevels = {};
      for (const value of property.values) levels[value] = fallLevelOf(value);
      return Object.values(levels).some((entry) => entry.certainty) ? fallStatus(key, levels) : undefined;
    }
  }
  return undefined;
}

/** The features of what a device exposes: one per property the hub understands. */
export function exposedFeatures(properties: readonly ExposedProperty[]): ZigbeeFeature[] {
  const features: ZigbeeFeature[] = [];
  const seen = new Set<string>();
  for (const property of properties) {
    const feature = featureOf(property);
    // A property exposed twice (on two composites' paths it cannot be; by a sloppy list it can).
    if (!feature || feature.keys.some((key) => seen.has(key))) continue;
    for (const key of feature.keys) seen.add(key);
    features.push(feature);
  }
  return features;
}

/** What the hub takes from a device: its features' names, link quality aside (every device has it). */
export function understood(features: readonly ZigbeeFeature[]): string[] {
  return [...new Set(features.map((feature) => feature.name).filter((name) => name !== 'linkquality'))];
}

/**
 * The properties every Zigbee2MQTT alarm, button and sensor uses under these names, for a sensor
 * registered as `zigbee.generic` whose bridge has not (yet) published its exposes: such a sensor
 * is read by these names rather than dropped.
 */
const COMMON_PROPERTIES: ExposedProperty[] = [
  ...[
    'smoke',
    'gas',
    'water_leak',
    'sos',
    'test',
    'contact',
    'occupancy',
    'presence',
    'battery_low',
    'tamper',
  ].map((name) => ({ path: [name], name, type: 'binary', valueOn: true, valueOff: false })),
  { path: ['battery'], name: 'battery', type: 'numeric' },
  { path: ['linkquality'], name: 'linkquality', type: 'numeric' },
  { path: ['action'], name: 'action', type: 'enum', values: ['emergency', 'sos'] },
];

export const GENERIC_MODEL = 'generic';

/** A sensor registered by what it exposes rather than by model: `zigbee.generic`. */
export const genericZigbee: ZigbeeDefinition = defineZigbee({
  model: GENERIC_MODEL,
  vendor: 'Zigbee2MQTT',
  category: 'sensor',
  description: 'Any Zigbee2MQTT sensor, read by what its bridge says it exposes',
  nameZh: 'Zigbee 传感器（按能力识别）',
  nameEn: 'Zigbee sensor (by its exposes)',
  power: 'battery',
  features: exposedFeatures(COMMON_PROPERTIES),
});

/** The state message with each nested (composite) property also under its dotted path. */
function lifted(message: unknown, nested: readonly string[][]): unknown {
  if (nested.length === 0 || !isRecord(message)) return message;
  const view: Record<string, unknown> = { ...message };
  for (const path of nested) {
    let value: unknown = message;
    for (const level of path)
      value = isRecord(value) && Object.hasOwn(value, level) ? value[level] : undefined;
    if (value !== undefined) view[path.join('.')] = value;
  }
  return view;
}

/**
 * How to read one device: its named definition (by the model its bridge reports, else by the type
 * it was registered as) refined by nothing, completed with a feature for each exposed property
 * that definition does not read. Undefined when neither leaves anything the hub understands.
 * `exposes` undefined means the bridge has not said: the named definition alone.
 */
export function zigbeeConverter(
  named: ZigbeeDefinition | undefined,
  exposes: DeviceExposes | undefined,
  model?: string | null,
  vendor?: string | null,
): ZigbeeDefinition | undefined {
  if (!exposes) return named;
  const covered = new Set((named?.features ?? []).flatMap((feature) => feature.keys));
  const extra = exposedFeatures(exposes.properties).filter(
    (feature) => !feature.keys.some((key) => covered.has(key)),
  );
  if (!named && understood(extra).length === 0) return undefined;
  if (named && extra.length === 0) return named;
  const base = named ?? genericZigbee;
  const combined = defineZigbee({
    model: named?.model ?? model ?? GENERIC_MODEL,
    vendor: named?.vendor ?? vendor ?? genericZigbee.vendor,
    category: base.category,
    description: base.description,
    nameZh: base.nameZh,
    nameEn: base.nameEn,
    power: base.power,
    options: base.options,
    features: [...(named?.features ?? []), ...extra],
  });
  const nested = exposes.properties.filter((property) => property.path.length > 1).map((p) => p.path);
  return {
    ...combined,
    // A named definition keeps its type; one read by exposes alone is `zigbee.generic`.
    type: named?.type ?? `${ZIGBEE_TYPE_PREFIX}${GENERIC_MODEL}`,
    convert(previous: ZigbeeState, message: unknown, context: ConvertContext): ZigbeeConversion {
      return combined.convert(previous, lifted(message, nested), context);
    },
  };
}
