/**
 * What a device is, as data. A definition names a device type, the schemas of the payloads it
 * publishes, and the pure converters that turn those payloads into normalized readings and events.
 * Nothing in devices/ performs I/O; gateway/, server/ and simulators/ all import from here.
 */
import type { TSchema } from '@sinclair/typebox';

/** Normalized reading keys shared by every device type (units in `readingUnits`). */
export type ReadingKey =
  | 'hr'
  | 'spo2'
  | 'steps'
  | 'battery'
  | 'temperature'
  /** Blood pressure, mmHg, as a watch measures it (the two together, one instant). */
  | 'bp_systolic'
  | 'bp_diastolic'
  | 'worn'
  | 'door_open'
  | 'motion'
  | 'bed_occupied'
  | 'presence'
  | 'smoke'
  | 'water_leak'
  | 'gas'
  | 'tamper'
  | 'battery_low'
  | 'linkquality';

export type ReadingValue = number | boolean;
export type Readings = Partial<Record<ReadingKey, ReadingValue>>;

/** Events a device can raise. `button_test` is a scheduled test press; `service_request` the green 求助 button. */
export type EventType =
  | 'sos'
  | 'fall'
  | 'smoke'
  | 'gas'
  | 'water_leak'
  | 'button_test'
  | 'service_request'
  | 'cancel'
  | 'wearable_removed';

export interface DeviceEvent {
  /** Unique per device; a redelivered event carries the same id and must not open a second alert. */
  id: string;
  type: EventType;
  /** Epoch milliseconds, from the device when it sent one, else the time of receipt. */
  ts: number;
  /** For falls: whether the device is sure (`confirmed`) or not (`suspected`). */
  certainty?: 'confirmed' | 'suspected';
  detail?: Record<string, unknown>;
}

export type DeviceCategory = 'wearable' | 'pendant' | 'sensor' | 'bridge';

/** Result of running a converter over one payload. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What names a device type to its users, the same for the hub's own types and Zigbee models. */
export interface DeviceKind {
  /** Stable identifier stored with each device, e.g. `wearable.watch`, `sensor.door`. */
  type: string;
  category: DeviceCategory;
  description: string;
  /** Chinese name as users say it. */
  nameZh: string;
  /** English name. */
  nameEn: string;
  /** Battery devices and mains devices have different offline timeouts. */
  power: 'battery' | 'mains';
}

export interface DeviceDefinition extends DeviceKind {
  /** The reading keys this type reports. */
  readings: ReadingKey[];
  /** The event types this type raises. */
  events: EventType[];
  /** Schema of `eldercare/v1/{id}/telemetry` payloads. */
  telemetrySchema: TSchema;
  /** Schema of `eldercare/v1/{id}/event` payloads. */
  eventSchema: TSchema;
  /** Payload (already schema-checked) → readings. */
  toReadings(payload: unknown): Readings;
  /** Payload (already schema-checked) → event; `receivedAt` fills a missing `ts`. */
  toEvent(payload: unknown, receivedAt: number): DeviceEvent;
}

export const readingUnits: Record<ReadingKey, string> = {
  hr: 'bpm',
  spo2: '%',
  steps: 'steps',
  battery: '%',
  temperature: '°C',
  bp_systolic: 'mmHg',
  bp_diastolic: 'mmHg',
  worn: '',
  door_open: '',
  motion: '',
  bed_occupied: '',
  presence: '',
  smoke: '',
  water_leak: '',
  gas: '',
  tamper: '',
  battery_low: '',
  linkquality: 'lqi',
};
