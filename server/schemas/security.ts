import { type Static, Type } from '@sinclair/typebox';
import { Alert } from './alerts.ts';
import { Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

const Burst = Type.Object({ threshold: Type.Integer(), windowSeconds: Type.Integer() });

export const SecurityOverview = Type.Object({
  generatedAt: Timestamp,
  failedLogins: Type.Object({
    available: Type.Boolean({ description: 'False while the hub keeps no audit log' }),
    note: Nullable(Type.String()),
    items: Type.Array(
      Type.Object({
        at: Timestamp,
        username: Type.String(),
        ip: Type.String(),
        reason: Nullable(Type.String()),
      }),
    ),
  }),
  refusedDevices: Type.Array(
    Type.Object({
      at: Timestamp,
      reason: Type.String({ description: 'As counted in hub_mqtt_auth_failures_total{reason}' }),
      returnCode: Type.Integer({ description: 'CONNACK return code sent' }),
      address: Nullable(Type.String()),
      clientId: Nullable(Type.String()),
      deviceId: Nullable(Type.String()),
    }),
    { description: 'Recent refused MQTT connections, newest first (a bounded memory of the broker)' },
  ),
  silentDevices: Type.Array(
    Type.Object({
      deviceId: Type.String(),
      type: Type.String(),
      retireeId: Nullable(Type.String()),
      label: Type.String(),
      lastSeenAt: NullableTimestamp,
      offlineAfterMinutes: Type.Integer(),
      silentMinutes: Type.Integer(),
    }),
    { description: 'Devices without traffic for longer than their offline timeout, longest first' },
  ),
  revokedDevices: Type.Array(
    Type.Object({ deviceId: Type.String(), revokedAt: Timestamp, reason: Type.String() }),
  ),
  auditChain: Type.Object({
    status: Literals(['ok', 'broken', 'unavailable']),
    checked: Nullable(Type.Integer()),
    firstBad: Nullable(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
    note: Nullable(Type.String()),
  }),
  securityAlerts: Type.Array(Alert),
  settings: Type.Object({ authFailures: Burst, disconnects: Burst, loginFailures: Burst }),
});
export type SecurityOverview = Static<typeof SecurityOverview>;
