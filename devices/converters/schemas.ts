/**
 * Schema pieces shared by every definition, so that a timestamp or a percentage means the same
 * thing on every topic of protocol v1.
 */
import { Type } from '@sinclair/typebox';

/**
 * Epoch milliseconds. The bounds (2001-09-09 .. 2286-11-20) catch a device that sends seconds
 * instead of milliseconds, or a clock that never synchronised and counts from 1970.
 */
export const EpochMilliseconds = Type.Integer({
  exclusiveMinimum: 1e12,
  exclusiveMaximum: 1e13,
  description: 'epoch milliseconds',
});

/** Unique per device; redelivery (QoS 1) repeats it, so one event opens one alert. */
export const EventId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'event id, unique per device',
});

export const Percent = Type.Number({ minimum: 0, maximum: 100, description: '%' });

/** `eldercare/v1/{id}/status`: retained, and the will message that marks a device offline. */
export const DeviceStatusSchema = Type.Object(
  {
    online: Type.Boolean(),
    battery: Type.Optional(Percent),
    fw: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'firmware version' })),
  },
  { additionalProperties: false },
);
