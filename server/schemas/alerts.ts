import { type Static, Type } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const AlertStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('acknowledged'),
  Type.Literal('in_progress'),
  Type.Literal('resolved'),
  Type.Literal('cancelled'),
]);
export type AlertStatus = Static<typeof AlertStatus>;

export const Severity = Type.Union([
  Type.Literal('critical'),
  Type.Literal('high'),
  Type.Literal('medium'),
  Type.Literal('low'),
]);

export const Outcome = Type.Union([
  Type.Literal('genuine'),
  Type.Literal('false_alarm'),
  Type.Literal('device_fault'),
  Type.Literal('test'),
]);
export type Outcome = Static<typeof Outcome>;

export const Alert = Type.Object({
  id: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  deviceId: Type.String(),
  kind: Type.String(),
  severity: Severity,
  status: AlertStatus,
  count: Type.Integer({ description: 'Occurrences folded into this alert' }),
  openedAt: Timestamp,
  lastAt: Timestamp,
  acknowledgedAt: NullableTimestamp,
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: NullableTimestamp,
  resolvedBy: Nullable(Type.String()),
  outcome: Nullable(Outcome),
  note: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type Alert = Static<typeof Alert>;

export const AlertListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([AlertStatus, Type.Literal('active')], { description: '`active` = open, acknowledged or in progress' }),
  ),
  retireeId: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AckBody = Type.Object({
  text: Type.Optional(
    Type.String({ maxLength: 120, description: 'Text sent to the device; a default is used' }),
  ),
});
export type AckBody = Static<typeof AckBody>;

export const ResolveBody = Type.Object({
  outcome: Outcome,
  note: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type ResolveBody = Static<typeof ResolveBody>;
