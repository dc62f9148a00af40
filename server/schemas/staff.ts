/**
 * Staff records (5.2.2, 5.2.3, 6.11.2.2): qualification certificates with their expiry, training
 * sessions with attendance, and who is due the data-protection training the standard asks of
 * everyone who handles records.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

export const QualificationKind = Literals(
  [
    'social_worker',
    'nurse',
    'doctor',
    'care_worker',
    'first_aid',
    'psychological',
    'dietitian',
    'electrician',
    'fire_safety',
    'other',
  ],
  {
    description:
      'social_worker 社会工作者职业资格; nurse 护士执业证书; doctor 医师执业证书; care_worker 养老护理员职业技能等级证书; ' +
      'first_aid 急救员证; psychological 心理咨询相关证书; dietitian 营养师; electrician 电工作业证; ' +
      'fire_safety 消防设施操作员; other 其他',
  },
);
export type QualificationKind = Static<typeof QualificationKind>;

export const QualificationStatus = Literals(['valid', 'expiring', 'expired'], {
  description:
    'valid 有效; expiring 将到期 (within the centre’s notice days, staff.certificate_notice_days); expired 已过期',
});
export type QualificationStatus = Static<typeof QualificationStatus>;

export const Qualification = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  userName: Type.String(),
  role: Type.String(),
  kind: QualificationKind,
  kindName: Type.String(),
  name: Type.String({ description: 'the certificate as it is titled' }),
  number: Type.String(),
  issuer: Type.String(),
  issuedOn: Nullable(Day),
  expiresOn: Nullable(Day),
  status: QualificationStatus,
  daysLeft: Nullable(Type.Integer({ description: 'days until it expires (negative once expired)' })),
  notes: Type.String(),
  recordedBy: Type.String(),
  updatedAt: Timestamp,
});
export type Qualification = Static<typeof Qualification>;

export const QualificationInput = Type.Object(
  {
    userId: Id,
    kind: QualificationKind,
    name: Type.Optional(Text(200)),
    number: Type.Optional(Text(100)),
    issuer: Type.Optional(Text(200)),
    issuedOn: Type.Optional(Day),
    expiresOn: Type.Optional(Day),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type QualificationInput = Static<typeof QualificationInput>;

/** A renewal or a correction: the fields given replace the stored ones (null clears a day). */
export const QualificationChange = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    number: Type.Optional(Text(100)),
    issuer: Type.Optional(Text(200)),
    issuedOn: Type.Optional(Nullable(Day)),
    expiresOn: Type.Optional(Nullable(Day)),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type QualificationChange = Static<typeof QualificationChange>;

export const QualificationQuery = Type.Object({
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(QualificationKind),
  status: Type.Optional(QualificationStatus),
});
export type QualificationQuery = Static<typeof QualificationQuery>;

export const TrainingKind = Literals(
  ['data_protection', 'information', 'skills', 'conduct', 'safety', 'other'],
  {
    description:
      'data_protection 个人信息保护与档案保密 (6.11.2.2); information 信息化服务 (6.11.2.2); skills 业务技能 (5.2.3); ' +
      'conduct 政策法规与职业道德 (5.2.4); safety 安全与应急 (5.1.7); other 其他',
  },
);
export type TrainingKind = Static<typeof TrainingKind>;

export const TrainingAttendee = Type.Object({ userId: Type.String(), name: Type.String() });

export const Training = Type.Object({
  id: Type.String(),
  kind: TrainingKind,
  kindName: Type.String(),
  topic: Type.String(),
  heldOn: Day,
  hours: Type.Number(),
  trainer: Type.String(),
  place: Type.String(),
  notes: Type.String(),
  attendees: Type.Array(TrainingAttendee),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type Training = Static<typeof Training>;

export const TrainingInput = Type.Object(
  {
    kind: TrainingKind,
    topic: Text(200, 1),
    heldOn: Day,
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 200, multipleOf: 0.5 }),
    trainer: Type.Optional(Text(100)),
    place: Type.Optional(Text(200)),
    notes: Type.Optional(Text(4000)),
    attendeeIds: Type.Array(Id, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type TrainingInput = Static<typeof TrainingInput>;

export const TrainingQuery = Type.Object({
  kind: Type.Optional(TrainingKind),
  userId: Type.Optional(
    Type.String({ maxLength: 64, description: 'sessions this member of staff attended' }),
  ),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  limit: Limit(1000, 200),
});
export type TrainingQuery = Static<typeof TrainingQuery>;

/** One member of staff's data-protection training: when last attended and when next due. */
export const DataProtectionStanding = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  role: Type.String(),
  lastTrainedOn: Nullable(Day),
  dueOn: Day,
  overdue: Type.Boolean(),
});
export type DataProtectionStanding = Static<typeof DataProtectionStanding>;

export const StaffSummary = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  role: Type.String(),
  qualifications: Type.Integer(),
  expiring: Type.Integer({ description: 'certificates within the notice days of expiring' }),
  expired: Type.Integer(),
  trainingHours: Type.Number({ description: 'hours of training attended in the year asked for' }),
  lastDataProtectionOn: Nullable(Day),
});
export type StaffSummary = Static<typeof StaffSummary>;

export const StaffSummaryQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
});
export type StaffSummaryQuery = Static<typeof StaffSummaryQuery>;
