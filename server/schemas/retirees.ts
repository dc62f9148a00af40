import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

export const Contact = Type.Object({
  id: Type.String(),
  name: Type.String(),
  relation: Type.String({ description: 'e.g. 儿子, 女儿, 配偶' }),
  phone: Type.String(),
  email: Nullable(Type.String()),
  priority: Type.Integer({ description: '1 is called first' }),
});
export type Contact = Static<typeof Contact>;

export const ContactInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  relation: Type.String({ minLength: 1, maxLength: 32 }),
  phone: Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9+() -]+$' }),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 128 })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
});
export type ContactInput = Static<typeof ContactInput>;

const retireeFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  gender: Literals(['male', 'female']),
  birthDate: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  rank: Type.String({ maxLength: 32, description: 'e.g. 师级, 团级, 营级及以下, 士官' }),
  address: Type.String({ maxLength: 256 }),
  phone: Type.String({ maxLength: 32 }),
  bloodType: Type.String({ maxLength: 8, description: 'e.g. A, B, AB, O, with Rh when known' }),
  medicalHistory: Type.String({ maxLength: 2000 }),
  hrLow: Nullable(Type.Integer({ minimum: 20, maximum: 200 }), {
    description: 'Heart-rate lower bound (bpm); null uses the centre default',
  }),
  hrHigh: Nullable(Type.Integer({ minimum: 40, maximum: 250 }), {
    description: 'Heart-rate upper bound (bpm); null uses the centre default',
  }),
  spo2Low: Nullable(Type.Integer({ minimum: 50, maximum: 99 }), {
    description: 'SpO2 (%) below which an alert opens; null uses the centre default',
  }),
};

export const RetireeInput = Type.Object({
  name: retireeFields.name,
  gender: retireeFields.gender,
  birthDate: retireeFields.birthDate,
  rank: Type.Optional(retireeFields.rank),
  address: Type.Optional(retireeFields.address),
  phone: Type.Optional(retireeFields.phone),
  bloodType: Type.Optional(retireeFields.bloodType),
  medicalHistory: Type.Optional(retireeFields.medicalHistory),
  hrLow: Type.Optional(retireeFields.hrLow),
  hrHigh: Type.Optional(retireeFields.hrHigh),
  spo2Low: Type.Optional(retireeFields.spo2Low),
  contacts: Type.Optional(Type.Array(ContactInput, { maxItems: 10 })),
});
export type RetireeInput = Static<typeof RetireeInput>;

/** A change to a retiree's details or alert thresholds; only the fields given change. */
export const RetireeUpdate = Type.Partial(
  Type.Object({
    name: retireeFields.name,
    rank: retireeFields.rank,
    address: retireeFields.address,
    phone: retireeFields.phone,
    bloodType: retireeFields.bloodType,
    medicalHistory: retireeFields.medicalHistory,
    hrLow: retireeFields.hrLow,
    hrHigh: retireeFields.hrHigh,
    spo2Low: retireeFields.spo2Low,
  }),
  // Fields this route does not change (birth date, identity…) are the archive's: named in a 400, never ignored.
  { minProperties: 1, additionalProperties: false },
);
export type RetireeUpdate = Static<typeof RetireeUpdate>;

const storedRetiree = {
  id: Type.String(),
  ...retireeFields,
  contacts: Type.Array(Contact),
  createdAt: Timestamp,
};
/** A retiree as stored. */
export const RetireeRecord = Type.Object(storedRetiree);
export type RetireeRecord = Static<typeof RetireeRecord>;

export const HeartRateRange = Type.Object(
  {
    low: Type.Integer(),
    high: Type.Integer(),
    source: Literals(['retiree', 'centre'], {
      description: "`retiree` when the retiree's own bound is set, else the centre default",
    }),
  },
  { description: 'The heart-rate range alerts are judged by' },
);
export type HeartRateRange = Static<typeof HeartRateRange>;

export const Retiree = Type.Object({ ...storedRetiree, hrRange: HeartRateRange });
export type Retiree = Static<typeof Retiree>;

export const DeviceBrief = Type.Object({
  id: Type.String(),
  type: Type.String(),
  online: Type.Boolean(),
  battery: Nullable(Type.Number()),
  lastSeenAt: NullableTimestamp,
});
export type DeviceBrief = Static<typeof DeviceBrief>;

/** One tile of the live wall. */
export const RetireeSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  gender: retireeFields.gender,
  birthDate: retireeFields.birthDate,
  address: Type.String(),
  hr: Nullable(Type.Number(), { description: 'Latest heart rate (bpm)' }),
  hrAt: NullableTimestamp,
  devices: Type.Array(DeviceBrief),
  openAlerts: Type.Integer(),
});
export type RetireeSummary = Static<typeof RetireeSummary>;

export const VitalsQuery = Type.Object({
  field: Type.Optional(
    Literals(['hr', 'spo2', 'steps', 'battery'], {
      default: 'hr',
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Default: 24 hours before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
  every: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 86_400, description: 'Bucket width in seconds; 0 = raw points' }),
  ),
});
export type VitalsQuery = Static<typeof VitalsQuery>;

export const VitalsResponse = Type.Object({
  retireeId: Type.String(),
  field: Type.String(),
  from: Timestamp,
  to: Timestamp,
  every: Type.Integer(),
  points: Type.Array(Type.Object({ ts: Timestamp, value: Type.Number() })),
});
export type VitalsResponse = Static<typeof VitalsResponse>;
