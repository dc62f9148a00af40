/**
 * Builds a DeviceDefinition from capabilities: the telemetry and event schemas, and the pure
 * converters from a schema-checked payload to readings and a normalized event.
 */
import { type TObject, type TProperties, Type } from '@sinclair/typebox';
import type { DeviceDefinition, DeviceEvent, DeviceKind, EventType, ReadingKey, Readings } from '../types.ts';
import type { Capability, EventFields, EventKind, TelemetryField } from './capability.ts';
import { EpochMilliseconds, EventId } from './schemas.ts';

export interface DeviceSpec extends DeviceKind {
  extend: Capability[];
}

/** Keys every event carries; the rest are the event type's own fields. */
const envelopeKeys = new Set(['id', 'type', 'ts']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** A composition mistake is a programming error, found when the module loads, never at runtime. */
function unique<T>(items: T[], keyOf: (item: T) => string, what: string, deviceType: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) throw new Error(`${deviceType}: ${what} "${key}" comes from two capabilities`);
    seen.add(key);
  }
}

function telemetrySchemaOf(fields: TelemetryField[]): TObject {
  const properties: TProperties = {};
  for (const field of fields) properties[field.key] = Type.Optional(field.schema);
  properties.ts = Type.Optional(EpochMilliseconds);
  // Unknown keys are rejected so that a typo (`heartrate`) is reported instead of silently lost.
  return Type.Object(properties, { additionalProperties: false });
}

function eventObjectSchema(kind: EventKind): TObject {
  return Type.Object(
    {
      id: EventId,
      type: Type.Literal(kind.type),
      ts: Type.Optional(EpochMilliseconds),
      ...kind.fields,
    },
    { additionalProperties: false },
  );
}

export function defineDevice(spec: DeviceSpec): DeviceDefinition {
  const { extend, ...names } = spec;
  const fields = extend.flatMap((capability) => capability.telemetry);
  const kinds = extend.flatMap((capability) => capability.events);
  unique(fields, (field) => field.key, 'telemetry key', spec.type);
  unique(kinds, (kind) => kind.type, 'event type', spec.type);
  const kindByType = new Map<EventType, EventKind>(kinds.map((kind) => [kind.type, kind]));

  const readings: ReadingKey[] = fields.map((field) => field.reading);
  const events: EventType[] = kinds.map((kind) => kind.type);

  return {
    ...names,
    readings,
    events,
    telemetrySchema: telemetrySchemaOf(fields),
    // A union of one object per event type; Type.Union gives Never when there are none.
    eventSchema: Type.Union(kinds.map(eventObjectSchema)),

    toReadings(payload: unknown): Readings {
      const result: Readings = {};
      if (!isRecord(payload)) return result;
      for (const field of fields) {
        if (!hasOwn(payload, field.key)) continue;
        const value = field.convert(payload[field.key]);
        if (value !== undefined) result[field.reading] = value;
      }
      return result;
    },

    toEvent(payload: unknown, receivedAt: number): DeviceEvent {
      const record = isRecord(payload) ? payload : {};
      const type = record.type as EventType;
      const ts = typeof record.ts === 'number' ? record.ts : receivedAt;
      const event: DeviceEvent = { id: String(record.id), type, ts };
      const kind = kindByType.get(type);
      const extra: EventFields = {};
      for (const key of Object.keys(record)) {
        if (!envelopeKeys.has(key)) extra[key] = record[key];
      }
      if (kind?.convert) return { ...event, ...kind.convert(extra) };
      if (Object.keys(extra).length > 0) event.detail = extra;
      return event;
    },
  };
}
