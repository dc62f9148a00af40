/**
 * Political life and reception (6.2 政治待遇): activities and study sessions with attendance, honour
 * convalescence batches (6.2.2.11), letters, visits and calls received and answered (6.2.2.10).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

export const PoliticalKind = Literals(['organisation_life', 'study', 'activity'], {
  description: 'organisation_life 组织生活; study 学习 (policy documents); activity 政治活动',
});
export type PoliticalKind = Static<typeof PoliticalKind>;

export const AttendanceStatus = Literals(['present', 'absent', 'excused'], {
  description: 'present 出席; absent 缺席; excused 请假',
});
export type AttendanceStatus = Static<typeof AttendanceStatus>;

export const Attendance = Type.Object({
  ...RetireeNamed,
  partyBranch: Nullable(Type.String(), { description: 'from the archive' }),
  status: AttendanceStatus,
  note: Type.String(),
});
export type Attendance = Static<typeof Attendance>;

export const PoliticalActivity = Type.Object({
  id: Type.String(),
  kind: PoliticalKind,
  heldOn: Day,
  topic: Type.String(),
  place: Type.String(),
  notes: Type.String(),
  counts: Type.Object({ present: Type.Integer(), absent: Type.Integer(), excused: Type.Integer() }),
  attendance: Type.Array(Attendance),
  createdAt: Timestamp,
});
export type PoliticalActivity = Static<typeof PoliticalActivity>;

export const PoliticalActivityInput = Type.Object(
  {
    kind: PoliticalKind,
    heldOn: Day,
    topic: Text(200, 1),
    place: Type.Optional(Text(200)),
    notes: Type.Optional(Text(4000)),
  },
  { additionalProperties: false },
);
export type PoliticalActivityInput = Static<typeof PoliticalActivityInput>;

export const AttendanceInput = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        { retireeId: Id, status: AttendanceStatus, note: Type.Optional(Text(500)) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 2000 },
    ),
  },
  { additionalProperties: false },
);
export type AttendanceInput = Static<typeof AttendanceInput>;

export const PoliticalActivityQuery = Type.Object({
  kind: Type.Optional(PoliticalKind),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  retireeId: Type.Optional(Type.String({ maxLength: 64, description: 'only activities this retiree is on' })),
});
export type PoliticalActivityQuery = Static<typeof PoliticalActivityQuery>;

export const ConvalescenceParticipant = Type.Object({
  ...RetireeNamed,
  reason: Type.String(),
});

export const ConvalescenceBatch = Type.Object({
  id: Type.String(),
  name: Type.String(),
  level: Type.String(),
  place: Type.String(),
  startsOn: Day,
  endsOn: Day,
  notes: Type.String(),
  participants: Type.Array(ConvalescenceParticipant),
  createdAt: Timestamp,
});
export type ConvalescenceBatch = Static<typeof ConvalescenceBatch>;

export const ConvalescenceBatchInput = Type.Object(
  {
    name: Text(200, 1),
    level: Type.Optional(Text(100)),
    place: Text(200, 1),
    startsOn: Day,
    endsOn: Day,
    notes: Type.Optional(Text(4000)),
  },
  { additionalProperties: false },
);
export type ConvalescenceBatchInput = Static<typeof ConvalescenceBatchInput>;

export const ParticipantsInput = Type.Object(
  {
    participants: Type.Array(
      Type.Object({ retireeId: Id, reason: Type.Optional(Text(1000)) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type ParticipantsInput = Static<typeof ParticipantsInput>;

export const ReceptionChannel = Literals(['letter', 'visit', 'call'], {
  description: 'letter 来信; visit 来访; call 来电 (6.2.2.10)',
});
export type ReceptionChannel = Static<typeof ReceptionChannel>;

export const ReceptionStatus = Literals(['received', 'in_hand', 'replied'], {
  description: 'received 已登记 → in_hand 办理中 → replied 已答复',
});
export type ReceptionStatus = Static<typeof ReceptionStatus>;

export const ReceptionItem = Type.Object({
  id: Type.String(),
  channel: ReceptionChannel,
  receivedOn: Day,
  fromName: Type.String(),
  fromContact: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  content: Type.String(),
  replyDays: Type.Integer(),
  replyDueOn: Day,
  handlerId: Type.String(),
  handlerName: Type.String(),
  status: ReceptionStatus,
  reply: Nullable(Type.String()),
  repliedOn: Nullable(Day),
  repliedBy: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'not replied and the reply due date has passed (centre time)' }),
  createdAt: Timestamp,
});
export type ReceptionItem = Static<typeof ReceptionItem>;

export const ReceptionInput = Type.Object(
  {
    channel: ReceptionChannel,
    receivedOn: Type.Optional(Day),
    fromName: Text(100, 1),
    fromContact: Type.Optional(Text(200)),
    retireeId: Type.Optional(Nullable(Id)),
    content: Text(8000, 1),
    replyDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description: "days to reply; by default the centre's reply deadline (15 unless changed)",
      }),
    ),
    handlerId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ReceptionInput = Static<typeof ReceptionInput>;

export const ReceptionUpdate = Type.Object(
  {
    replyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    handlerId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ReceptionUpdate = Static<typeof ReceptionUpdate>;

export const ReceptionReply = Type.Object(
  { reply: Text(8000, 1), repliedOn: Type.Optional(Day) },
  { additionalProperties: false },
);
export type ReceptionReply = Static<typeof ReceptionReply>;

export const ReceptionQuery = Type.Object({
  status: Type.Optional(ReceptionStatus),
  channel: Type.Optional(ReceptionChannel),
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Limit(1000, 200),
});
export type ReceptionQuery = Static<typeof ReceptionQuery>;

export const OverdueQuery = Type.Object({
  date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'today by default' })),
});
export type OverdueQuery = Static<typeof OverdueQuery>;

// Supervision and evaluation (7) are exported with political life and reception.
export * from './evaluation.ts';
