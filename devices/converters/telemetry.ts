/**
 * Capabilities that report state as telemetry. Each returns a fresh bundle so a definition can
 * list what it has, the way zigbee-herdsman-converters composes `extend: [...]`.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { ReadingKey } from '../types.ts';
import type { Capability, TelemetryField } from './capability.ts';
import { Percent } from './schemas.ts';

function numberField(key: string, reading: ReadingKey, schema: TSchema): TelemetryField {
  return {
    key,
    schema,
    reading,
    convert: (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined),
  };
}

function booleanField(key: string, reading: ReadingKey, description: string): TelemetryField {
  return {
    key,
    schema: Type.Boolean({ description }),
    reading,
    convert: (value) => (typeof value === 'boolean' ? value : undefined),
  };
}

function telemetryOnly(name: string, field: TelemetryField): Capability {
  return { name, telemetry: [field], events: [] };
}

export function battery(): Capability {
  return telemetryOnly('battery', numberField('battery', 'battery', Percent));
}

/** Heart rate in beats per minute; the bounds reject sensor noise, not a worrying value. */
export function heartRate(): Capability {
  return telemetryOnly(
    'heartRate',
    numberField('hr', 'hr', Type.Integer({ minimum: 20, maximum: 250, description: 'bpm' })),
  );
}

/** Blood oxygen saturation; below 50 % a pulse oximeter is misreading, not measuring. */
export function bloodOxygen(): Capability {
  return telemetryOnly(
    'bloodOxygen',
    numberField('spo2', 'spo2', Type.Number({ minimum: 50, maximum: 100 })),
  );
}

/** Step count since the device's daily reset. */
export function steps(): Capability {
  return telemetryOnly('steps', numberField('steps', 'steps', Type.Integer({ minimum: 0 })));
}

/** Skin or ambient temperature in °C, as the device measures it. */
export function temperature(): Capability {
  return telemetryOnly('temperature', numberField('temperature', 'temperature', Type.Number()));
}

/** Door or window contact: `open: true` when the magnet is away. */
export function contact(): Capability {
  return telemetryOnly('contact', booleanField('open', 'door_open', 'door or window is open'));
}

/** Passive infrared motion. */
export function motion(): Capability {
  return telemetryOnly('motion', booleanField('motion', 'motion', 'motion detected'));
}

/** Bed pressure mat. */
export function bedOccupancy(): Capability {
  return telemetryOnly('bedOccupancy', booleanField('occupied', 'bed_occupied', 'someone is in bed'));
}

export { booleanField, numberField };
