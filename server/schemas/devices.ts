import { type Static, Type } from '@sinclair/typebox';
import { ZigbeeOptionsSchema } from '../../devices/index.ts';
import { Nullable, NullableTimestamp, Timestamp } from './common.ts';

/** Zigbee2MQTT's `ieee_address`: `0x` and 16 hex digits. */
export const IeeeAddress = Type.String({
  pattern: '^0x[0-9a-fA-F]{16}$',
  description: 'IEEE address, e.g. 0xa4c1380000000105',
});

export const DeviceInput = Type.Object({
  id: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
      description: 'The MQTT client id and username; for a Zigbee sensor, `z-<ieee>` when omitted',
    }),
  ),
  type: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'A device type from devices/, e.g. `wearable.watch`',
  }),
  retireeId: Type.Optional(Nullable(Type.String())),
  room: Type.Optional(Type.String({ maxLength: 64 })),
  label: Type.Optional(Type.String({ maxLength: 64 })),
  bridgeId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Zigbee sensors: the bridge device they speak through',
    }),
  ),
  ieeeAddress: Type.Optional(IeeeAddress),
  friendlyName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: "Zigbee sensors: the bridge's friendly name" }),
  ),
  options: Type.Optional(ZigbeeOptionsSchema),
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
  bridgeId: Nullable(Type.String()),
  ieeeAddress: Nullable(Type.String()),
  friendlyName: Nullable(Type.String()),
  options: ZigbeeOptionsSchema,
  revokedAt: Type.Optional(
    Nullable(Timestamp, { description: 'When the device was revoked; it opens nothing since' }),
  ),
  revokedReason: Type.Optional(Nullable(Type.String())),
  secretRotatedAt: Type.Optional(
    Nullable(Timestamp, { description: 'When its MQTT secret was last replaced' }),
  ),
});
export type Device = Static<typeof Device>;

export const RevokeBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Why the device is revoked (lost, stolen, replaced, secret leaked…), kept with it',
    }),
  },
  { additionalProperties: false },
);
export type RevokeBody = Static<typeof RevokeBody>;

export const RotatedSecret = Type.Object({
  device: Device,
  secret: Type.String({ description: 'Shown once: the new MQTT password; the old one stops working now' }),
});

/** A refusal with each wrong field and its message (in Chinese), so a form can show it in place. */
export const DeviceFieldErrorResponse = Type.Object({
  error: Type.String(),
  message: Type.String(),
  fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

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
  /** Zigbee2MQTT models: as the bridge reports them. */
  model: Type.Optional(Type.String()),
  vendor: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.String())),
});
export type DeviceTypeInfo = Static<typeof DeviceTypeInfo>;
