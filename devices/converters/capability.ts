/**
 * A capability is a reusable bundle of what a device can report: telemetry fields that become
 * readings, and events it can raise. Definitions are composed from capabilities, so that "has a
 * battery" or "detects falls" is written once and means the same on every device type.
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import type { DeviceEvent, EventType, ReadingKey, ReadingValue } from '../types.ts';

/** One key of a telemetry payload and the reading it becomes. */
export interface TelemetryField {
  /** Key in the device's JSON payload. */
  key: string;
  /** Schema of the value under that key. */
  schema: TSchema;
  /** Normalized reading it becomes. */
  reading: ReadingKey;
  /** Value → reading value; `undefined` drops it. Defensive, so it is safe on unchecked input. */
  convert(value: unknown): ReadingValue | undefined;
}

/** Fields of an event beyond the envelope (`id`, `type`, `ts`), already schema-checked. */
export type EventFields = Record<string, unknown>;

/** One event type a device can raise, with the extra payload fields that type may carry. */
export interface EventKind {
  type: EventType;
  /** Optional fields beside `id`, `type` and `ts`. */
  fields: TProperties;
  /**
   * Extra fields → the parts of the normalized event they fill. Without it, any extra fields
   * present go to `detail` unchanged.
   */
  convert?(fields: EventFields): Pick<DeviceEvent, 'certainty' | 'detail'>;
}

export interface Capability {
  /** Short name, for messages about composition mistakes. */
  name: string;
  telemetry: TelemetryField[];
  events: EventKind[];
}
