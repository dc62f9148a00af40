import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const ServiceRequestStatus = Literals(['requested', 'assigned', 'done', 'cancelled']);

/** A service request (6.12): the green 求助 key, not an emergency. */
export const ServiceRequest = Type.Object({
  id: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  deviceId: Nullable(Type.String()),
  requestedAt: Timestamp,
  status: ServiceRequestStatus,
  kind: Type.String({ description: 'What was asked for, once staff know (e.g. 代购, 维修, 陪诊)' }),
  provider: Type.String({ description: 'Who provides it: staff, volunteer, bought-in service' }),
  note: Type.String(),
  handlerId: Nullable(Type.String({ description: 'The member of staff in charge, from its assignment on' })),
  handlerName: Nullable(Type.String()),
  assignedAt: NullableTimestamp,
  doneAt: NullableTimestamp,
  rating: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
});
export type ServiceRequest = Static<typeof ServiceRequest>;

export const ServiceRequestUpdate = Type.Object({
  status: Type.Optional(ServiceRequestStatus),
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  provider: Type.Optional(Type.String({ maxLength: 128 })),
  handlerId: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'The member of staff in charge; on assignment without one, whoever assigns it',
    }),
  ),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
});
export type ServiceRequestUpdate = Static<typeof ServiceRequestUpdate>;

export const ButtonTest = Type.Object({
  deviceId: Type.String(),
  type: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  lastTestAt: NullableTimestamp,
  overdue: Type.Boolean({
    description: 'Never tested, or not within the centre’s test interval (30 days unless changed)',
  }),
});
export type ButtonTest = Static<typeof ButtonTest>;
