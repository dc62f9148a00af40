import { type Static, Type } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const DeviceInput = Type.Object({
  id: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    description: 'The MQTT client id and username',
  }),
  type: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'A device type from devices/, e.g. `wearable.watch`',
  }),
  retireeId: Type.Optional(Nullable(Type.String())),
  room: Type.Optional(Type.String({ maxLength: 64 })),
  label: Type.Optional(Type.String({ maxLength: 64 })),
});
export type DeviceInput = Static<typeof DeviceInput>;

export const Device = Type.Object({
  id: Type.String(),
  type: Type.String(),
  retireeId: Nullable(Type.String()),
  room: Type.String(),
  label: Type.String(),
  online: Type.Boolean(),
  battery: Nullable(Type.Number()),
  lastSeenAt: NullableTimestamp,
  createdAt: Timestamp,
});
export type Device = Static<typeof Device>;

export const CreatedDevice = Type.Object({
  device: Device,
  secret: Type.String({ description: 'Shown once: the device uses it as its MQTT password' }),
});
export type CreatedDevice = Static<typeof CreatedDevice>;

export const DeviceTypeInfo = Type.Object({
  type: Type.String(),
  category: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  description: Type.String(),
  power: Type.String(),
  readings: Type.Array(Type.String()),
  events: Type.Array(Type.String()),
});
export type DeviceTypeInfo = Static<typeof DeviceTypeInfo>;
