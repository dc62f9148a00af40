import { type Static, Type } from '@sinclair/typebox';
import { Day, Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const ServiceRequestStatus = Literals(['requested', 'assigned', 'done', 'cancelled']);

export const ServiceChannel = Literals(['device', 'phone', 'walk_in', 'visit', 'family'], {
  description: 'device 求助键; phone 电话; walk_in 来访; visit 走访中提出; family 家属代为提出',
});
export type ServiceChannel = Static<typeof ServiceChannel>;

export const ServiceCategory = Literals(
  ['policy', 'legal', 'errand', 'repair', 'care', 'medical', 'transport', 'other'],
  {
    description:
      'policy 政策咨询; legal 法律援助; errand 代办代购; repair 维修; care 生活照料; medical 就医陪诊; transport 出行; other 其他',
  },
);
export type ServiceCategory = Static<typeof ServiceCategory>;

/** A service request (6.12): the green 求助 key, not an emergency. */
export const ServiceRequest = Type.Object({
  id: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  deviceId: Nullable(Type.String()),
  channel: ServiceChannel,
  category: Nullable(ServiceCategory),
  description: Type.String({ description: 'what was asked, in the words of whoever logged it' }),
  loggedBy: Nullable(
    Type.String({ description: 'the member of staff who logged it (none for a key press)' }),
  ),
  requestedAt: Timestamp,
  status: ServiceRequestStatus,
  kind: Type.String({ description: 'What was asked for, once staff know (e.g. 代购, 维修, 陪诊)' }),
  provider: Type.String({ description: 'Who provides it: staff, volunteer, bought-in service' }),
  providerId: Nullable(
    Type.String({ description: 'the provider of the centre’s register, when one serves it' }),
  ),
  note: Type.String(),
  handlerId: Nullable(Type.String({ description: 'The member of staff in charge, from its assignment on' })),
  handlerName: Nullable(Type.String()),
  assignedAt: NullableTimestamp,
  doneAt: NullableTimestamp,
  rating: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
});
export type ServiceRequest = Static<typeof ServiceRequest>;

export const ServiceRequestInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    channel: Literals(['phone', 'walk_in', 'visit', 'family']),
    category: ServiceCategory,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    handlerId: Type.Optional(
      Type.String({ maxLength: 64, description: 'taken in hand at once by this member of staff (assigned)' }),
    ),
  },
  { additionalProperties: false },
);
export type ServiceRequestInput = Static<typeof ServiceRequestInput>;

export const ServiceRequestQuery = Type.Object({
  status: Type.Optional(ServiceRequestStatus),
  channel: Type.Optional(ServiceChannel),
  category: Type.Optional(ServiceCategory),
  providerId: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type ServiceRequestQuery = Static<typeof ServiceRequestQuery>;

export const ServiceRequestUpdate = Type.Object(
  {
    status: Type.Optional(ServiceRequestStatus),
    kind: Type.Optional(Type.String({ maxLength: 64 })),
    category: Type.Optional(Nullable(ServiceCategory, { description: 'null clears it' })),
    provider: Type.Optional(Type.String({ maxLength: 128 })),
    providerId: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 64,
          description: 'a provider of the register; `provider` then reads its name',
        }),
        {
          description: 'null takes the request off its provider (and clears `provider` unless one is given)',
        },
      ),
    ),
    handlerId: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'The member of staff in charge; on assignment without one, whoever assigns it',
      }),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  },
  { additionalProperties: false },
);
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

/** A provider of the centre's register (6.12): who serves which requests, under which contract. */
export const ServiceProvider = Type.Object({
  id: Type.String(),
  name: Type.String(),
  services: Type.Array(ServiceCategory),
  contactPerson: Type.String(),
  phone: Type.String(),
  address: Type.String(),
  contractFrom: Nullable(Day),
  contractTo: Nullable(Day),
  inContract: Type.Boolean({
    description: 'on the register and today falls within its contract dates (open ends count)',
  }),
  notes: Type.String(),
  retiredAt: NullableTimestamp,
  requests: Type.Integer({ description: 'requests it was given' }),
  done: Type.Integer(),
  ratings: Type.Integer({ description: 'requests rated' }),
  averageRating: Nullable(Type.Number()),
  updatedBy: Type.String(),
  updatedAt: Timestamp,
});
export type ServiceProvider = Static<typeof ServiceProvider>;

export const ServiceProviderInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    services: Type.Array(ServiceCategory, { minItems: 1, maxItems: 8, uniqueItems: true }),
    contactPerson: Type.Optional(Type.String({ maxLength: 64 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    contractFrom: Type.Optional(Day),
    contractTo: Type.Optional(Day),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ServiceProviderInput = Static<typeof ServiceProviderInput>;

export const ServiceProviderChange = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    services: Type.Optional(Type.Array(ServiceCategory, { minItems: 1, maxItems: 8, uniqueItems: true })),
    contactPerson: Type.Optional(Type.String({ maxLength: 64 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    contractFrom: Type.Optional(Nullable(Day)),
    contractTo: Type.Optional(Nullable(Day)),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    retired: Type.Optional(Type.Boolean({ description: 'taken off the register (kept with its requests)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ServiceProviderChange = Static<typeof ServiceProviderChange>;

export const ServiceProviderQuery = Type.Object({
  service: Type.Optional(ServiceCategory),
  all: Type.Optional(Type.Boolean({ description: 'providers taken off the register too' })),
});
export type ServiceProviderQuery = Static<typeof ServiceProviderQuery>;
