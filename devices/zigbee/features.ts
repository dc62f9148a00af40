/**
 * Reusable features of Zigbee2MQTT models, the way zigbee-herdsman-converters composes
 * `extend: [m.battery(), m.iasZoneAlarm(…)]`: each reads a few keys of the bridge's state message.
 * A key that is absent says nothing: it neither raises nor clears anything.
 */
import type { EventType, ReadingKey } from '../types.ts';
import type { ButtonAction, ConvertContext, FeatureResult, ZigbeeFeature, ZigbeeState } from './types.ts';

/**
 * Without `last_seen`, the same `action` again within this window is taken for the bridge
 * re-publishing one press (reconnect, QoS 1 redelivery), not a second press. A second press while
 * the first alert is open adds to that alert anyway, so folding it costs nothing.
 */
export const ACTION_REPEAT_MS = 10_000;

function booleanOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** One key copied to one reading through `read`, which answers undefined for a value it refuses. */
function keyReading(
  name: string,
  key: string,
  reading: ReadingKey,
  read: (value: unknown) => boolean | number | undefined,
): ZigbeeFeature {
  return {
    name,
    keys: [key],
    readings: [reading],
    events: [],
    convert(message) {
      const value = read(message[key]);
      return value === undefined ? {} : { readings: { [reading]: value } };
    },
  };
}

/** A boolean key copied to a reading, optionally inverted (`contact: false` means open). */
function booleanReading(name: string, key: string, reading: ReadingKey, invert = false): ZigbeeFeature {
  return keyReading(name, key, reading, (raw) => {
    const value = booleanOf(raw);
    return value === undefined ? undefined : invert ? !value : value;
  });
}

/** A number key copied to a reading when it lies within [min, max]. */
export function numberReading(
  name: string,
  key: string,
  reading: ReadingKey,
  min: number,
  max: number,
): ZigbeeFeature {
  return keyReading(name, key, reading, (raw) => {
    const value = finiteNumber(raw);
    return value === undefined || value < min || value > max ? undefined : value;
  });
}

/**
 * A two-valued key as a reading, against an expose's `value_on` / `value_off` (booleans by
 * default), optionally inverted (`contact: false` means open).
 */
export function flagReading(
  name: string,
  key: string,
  reading: ReadingKey,
  values: FlagOptions = {},
  invert = false,
): ZigbeeFeature {
  return keyReading(name, key, reading, (raw) => {
    const value = flagOf(raw, values.onValue ?? true, values.offValue ?? false);
    return value === undefined ? undefined : invert ? !value : value;
  });
}

export function battery(): ZigbeeFeature {
  return numberReading('battery', 'battery', 'battery', 0, 100);
}

export function batteryLow(): ZigbeeFeature {
  return booleanReading('batteryLow', 'battery_low', 'battery_low');
}

/** The case was opened: kept as a reading for the device list, not an alarm of its own. */
export function tamper(): ZigbeeFeature {
  return booleanReading('tamper', 'tamper', 'tamper');
}

export function linkquality(): ZigbeeFeature {
  return numberReading('linkquality', 'linkquality', 'linkquality', 0, 255);
}

/** Door or window contact: Zigbee2MQTT's `contact: true` means closed, so `false` is open. */
export function contact(): ZigbeeFeature {
  return booleanReading('contact', 'contact', 'door_open', true);
}

/** PIR motion: `occupancy` is a movement seen recently. */
export function motion(): ZigbeeFeature {
  return booleanReading('motion', 'occupancy', 'motion');
}

/** Radar presence: someone is in the room, moving or not. */
export function presence(key = 'presence'): ZigbeeFeature {
  return booleanReading('presence', key, 'presence');
}

/**
 * A bed pad reporting through an IAS contact zone: the zone alarms (`contact: false`) while
 * there is weight on the pad, so `contact: false` means someone is in bed.
 */
export function bedPad(): ZigbeeFeature {
  return booleanReading('bedPad', 'contact', 'bed_occupied', true);
}

/**
 * An alarm state (`smoke`, `gas`, `water_leak`) as a reading, and an event on its rising edge.
 * While the same message says `test: true` (the IAS zone's test bit, set while someone holds the
 * test button) the alarm is the test's, not a fire: it raises nothing and leaves the state as it
 * was, so a real alarm that outlasts the test still rises once the test bit clears.
 */
export function alarm(key: 'smoke' | 'gas' | 'water_leak', values: FlagOptions = {}): ZigbeeFeature {
  const type: EventType = key;
  return alarmFlag(`${key}Alarm`, key, type, key, { ...values, duringTest: 'ignore' });
}

export interface FlagOptions {
  /** The value meaning "on" (an expose's `value_on`); anything else that is not `offValue` is ignored. */
  onValue?: unknown;
  offValue?: unknown;
  /** `ignore`: a message that also says `test: true` neither raises nor changes the flag. */
  duringTest?: 'ignore';
}

/** `value` read as a flag against an expose's `value_on` / `value_off` (booleans by default). */
function flagOf(value: unknown, onValue: unknown, offValue: unknown): boolean | undefined {
  if (value === onValue) return true;
  if (value === offValue) return false;
  return undefined;
}

/** A flag that raises `type` on its rising edge; `reading` also keeps the state when given. */
export function alarmFlag(
  name: string,
  key: string,
  type: EventType,
  reading?: ReadingKey,
  flag: FlagOptions = {},
): ZigbeeFeature {
  return {
    name,
    keys: [key],
    readings: reading ? [reading] : [],
    events: [type],
    convert(message, previous) {
      const value = flagOf(message[key], flag.onValue ?? true, flag.offValue ?? false);
      if (value === undefined) return {};
      if (flag.duringTest === 'ignore' && message.test === true) return {};
      const result: FeatureResult = { flags: { [key]: value } };
      if (reading) result.readings = { [reading]: value };
      // false → true, or true first seen: one alarm, however often the state repeats.
      if (value && previous.flags[key] !== true) result.events = [{ type, key }];
      return result;
    },
  };
}

/** Feibit SEB01ZB: `sos: true` while the button is pressed. */
export function sosFlag(values: FlagOptions = {}): ZigbeeFeature {
  return alarmFlag('sosFlag', 'sos', 'sos', undefined, values);
}

/**
 * The test button of a smoke or gas alarm (`test: true` while it is held): one `button_test` per
 * press, which the hub records as the device's last test, never as a fire.
 */
export function testPress(values: FlagOptions = {}): ZigbeeFeature {
  return alarmFlag('testPress', 'test', 'button_test', undefined, values);
}

/** The level of each value of an enum, and the certainty of a fall at that level. */
export interface FallLevels {
  [value: string]: { level: number; certainty?: 'suspected' | 'confirmed' };
}

/**
 * A fall status enum: a fall event when the level rises (none → maybe_fall is suspected,
 * maybe_fall → fall is confirmed, a second event the workflow folds into the open alert). Falling
 * back or repeating raises nothing; an unknown value is ignored rather than guessed at.
 */
export function fallStatus(
  key: string,
  levels: FallLevels,
  presenceWhen?: (value: string) => boolean,
): ZigbeeFeature {
  return {
    name: `fallStatus(${key})`,
    keys: [key],
    readings: presenceWhen ? ['presence'] : [],
    events: ['fall'],
    convert(message, previous) {
      const value = message[key];
      if (typeof value !== 'string') return {};
      const result: FeatureResult = {};
      if (presenceWhen) result.readings = { presence: presenceWhen(value) };
      const entry = levels[value];
      if (!entry || !Object.hasOwn(levels, value)) return result;
      result.levels = { [key]: entry.level };
      const before = previous.levels[key] ?? 0;
      if (entry.certainty && entry.level > before) {
        result.events = [{ type: 'fall', key, certainty: entry.certainty, detail: { [key]: value } }];
      }
      return result;
    },
  };
}

/** What an `action` value means; `undefined` for values that are not events (`off`, `release`). */
export type ActionMap = (value: string, context: ConvertContext) => EventType | undefined;

function isRepeat(previous: ZigbeeState, value: string, context: ConvertContext): boolean {
  const last = previous.lastAction;
  if (!last || last.value !== value) return false;
  // The bridge's own clock tells a re-published message (same last_seen) from a new press.
  if (context.lastSeen !== undefined && last.lastSeen !== undefined)
    return last.lastSeen === context.lastSeen;
  return context.receivedAt - last.at < ACTION_REPEAT_MS;
}

/**
 * `action`: an event when a meaningful value arrives. An empty or `null` action is the bridge
 * resetting the property after the press: it opens and closes nothing, and re-arms the next press.
 */
export function actions(name: string, events: EventType[], map: ActionMap): ZigbeeFeature {
  return {
    name,
    keys: ['action'],
    readings: [],
    events,
    convert(message, previous, context) {
      if (!Object.hasOwn(message, 'action')) return {};
      const value = message.action;
      if (value === null || value === '') return { lastAction: null };
      if (typeof value !== 'string') return {};
      const lastAction = {
        value,
        at: context.receivedAt,
        ...(context.lastSeen !== undefined ? { lastSeen: context.lastSeen } : {}),
      };
      const type = map(value, context);
      if (!type || isRepeat(previous, value, context)) return { lastAction };
      return { lastAction, events: [{ type, key: 'action', detail: { action: value } }] };
    },
  };
}

/** A fixed mapping of action values to events, e.g. `{emergency: 'sos'}`. */
export function actionEvents(mapping: Record<string, EventType>): ZigbeeFeature {
  const events = [...new Set(Object.values(mapping))];
  return actions('actionEvents', events, (value) =>
    Object.hasOwn(mapping, value) ? mapping[value] : undefined,
  );
}

/**
 * A button whose presses mean what staff chose for this device (`options.sosAction`,
 * `options.serviceAction`). SOS defaults to a single press: a retiree in distress presses once,
 * and a missed call costs more than a false alarm, which staff close with outcome "false alarm".
 */
export const DEFAULT_SOS_ACTION: ButtonAction = 'single';

export function configurableButton(): ZigbeeFeature {
  return actions('configurableButton', ['sos', 'service_request'], (value, context) => {
    const sos = context.options.sosAction ?? DEFAULT_SOS_ACTION;
    if (value === sos) return 'sos';
    if (context.options.serviceAction !== undefined && value === context.options.serviceAction) {
      return 'service_request';
    }
    return undefined;
  });
}
