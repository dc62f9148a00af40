/**
 * Culture and sport (6.6 文体活动): the yearly activity plan, events with their staff on duty and
 * medical cover (6.6.2.5), sign-ups and attendance, and interest groups (6.6.2.3).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const ActivityKind = Literals(['culture', 'sport', 'study', 'outing', 'other'], {
  description: 'culture 文化, sport 体育, study 学习（老年大学）, outing 参观游览, other 其他',
});
export type ActivityKind = Static<typeof ActivityKind>;

export const AgeGroup = Literals(['all', 'under_80', 'from_80_to_89', 'from_90'], {
  description: 'the ages the item suits (6.6.2.2): all, under 80, 80–89, 90 and over',
});
export type AgeGroup = Static<typeof AgeGroup>;

export const HealthFit = Literals(['all', 'able', 'limited'], {
  description: 'the health the item suits (6.6.2.2): all, able-bodied, limited mobility',
});
export type HealthFit = Static<typeof HealthFit>;

export const PlanItem = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: ActivityKind,
  month: Nullable(Type.Integer({ minimum: 1, maximum: 12 })),
  ageGroup: AgeGroup,
  health: HealthFit,
  skills: Type.String(),
  notes: Type.String(),
});
export type PlanItem = Static<typeof PlanItem>;

export const ActivityPlan = Type.Object({
  id: Type.String(),
  year: Type.Integer(),
  title: Type.String(),
  notes: Type.String(),
  items: Type.Array(PlanItem),
  createdAt: Timestamp,
});
export type ActivityPlan = Static<typeof ActivityPlan>;

export const ActivityPlanInput = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type ActivityPlanInput = Static<typeof ActivityPlanInput>;

export const PlanItemInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    kind: ActivityKind,
    month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    ageGroup: Type.Optional(AgeGroup),
    health: Type.Optional(HealthFit),
    skills: Type.Optional(Type.String({ maxLength: 500 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type PlanItemInput = Static<typeof PlanItemInput>;

export const PlanQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) });
export type PlanQuery = Static<typeof PlanQuery>;

export const EventStatus = Literals(['planned', 'confirmed', 'cancelled'], {
  description: 'planned 筹备中, confirmed 已确认 (staff and medical cover in place), cancelled 已取消',
});
export type EventStatus = Static<typeof EventStatus>;

export const Attendance = Literals(['present', 'absent', 'excused'], {
  description: 'present 出席, absent 缺席, excused 请假',
});
export type Attendance = Static<typeof Attendance>;

export const EventStaff = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  duty: Type.String(),
});
export type EventStaff = Static<typeof EventStaff>;

export const SignUp = Type.Object({
  ...RetireeNamed,
  status: Literals(['signed_up', 'withdrawn']),
  signedUpAt: Timestamp,
  attendance: Nullable(Attendance),
  attendanceNote: Type.String(),
});
export type SignUp = Static<typeof SignUp>;

export const ActivityEvent = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: ActivityKind,
  kindName: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  place: Type.String(),
  capacity: Type.Integer(),
  signedUp: Type.Integer({ description: 'current sign-ups in the whole centre' }),
  medicalCover: Type.String(),
  staff: Type.Array(EventStaff),
  missingCover: Type.Array(Literals(['staff', 'medical']), {
    description: 'what 6.6.2.5 still needs before the event can be confirmed',
  }),
  ownerId: Type.String(),
  ownerName: Type.String(),
  status: EventStatus,
  confirmedAt: Nullable(Timestamp),
  cancelledReason: Nullable(Type.String()),
  attendanceRecordedAt: Nullable(Timestamp),
  planItemId: Nullable(Type.String()),
  groupId: Nullable(Type.String()),
  groupName: Nullable(Type.String()),
  notes: Type.String(),
  signups: Type.Array(SignUp, { description: 'sign-ups of the retirees in your scope' }),
  createdAt: Timestamp,
});
export type ActivityEvent = Static<typeof ActivityEvent>;

export const StaffInput = Type.Object(
  { userId: Id, duty: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type StaffInput = Static<typeof StaffInput>;

export const ActivityEventInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    kind: ActivityKind,
    startsAt: Timestamp,
    endsAt: Timestamp,
    place: Type.String({ minLength: 1, maxLength: 200 }),
    capacity: Type.Integer({ minimum: 1, maximum: 10000 }),
    medicalCover: Type.Optional(Type.String({ maxLength: 500 })),
    staff: Type.Optional(Type.Array(StaffInput, { maxItems: 50 })),
    ownerId: Type.Optional(Id),
    planItemId: Type.Optional(Id),
    groupId: Type.Optional(Id),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type ActivityEventInput = Static<typeof ActivityEventInput>;

export const EventCoverInput = Type.Object(
  {
    staff: Type.Array(StaffInput, { maxItems: 50 }),
    medicalCover: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type EventCoverInput = Static<typeof EventCoverInput>;

export const EventCancelInput = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type EventCancelInput = Static<typeof EventCancelInput>;

export const SignUpInput = Type.Object({ retireeId: Id }, { additionalProperties: false });
export type SignUpInput = Static<typeof SignUpInput>;

/** An event or group and one retiree in it. */
export const RetireeParams = Type.Object({ id: Id, retireeId: Id });
export type RetireeParams = Static<typeof RetireeParams>;

export const AttendanceInput = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          retireeId: Id,
          attendance: Attendance,
          note: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10000 },
    ),
  },
  { additionalProperties: false },
);
export type AttendanceInput = Static<typeof AttendanceInput>;

export const EventQuery = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  status: Type.Optional(EventStatus),
  limit: Limit(1000, 200),
});
export type EventQuery = Static<typeof EventQuery>;

export const GroupKind = Literals(
  ['calligraphy', 'painting', 'dance', 'choir', 'tai_chi', 'reading', 'ball', 'other'],
  { description: '书法 绘画 舞蹈 歌咏 太极拳 读书 球类 其他 (6.6.2.3)' },
);
export type GroupKind = Static<typeof GroupKind>;

export const GroupMember = Type.Object({
  ...RetireeNamed,
  joinedOn: Day,
  leftOn: Nullable(Day),
  current: Type.Boolean(),
});
export type GroupMember = Static<typeof GroupMember>;

export const ActivityGroup = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: GroupKind,
  kindName: Type.String(),
  leaderId: Nullable(Type.String()),
  leaderName: Nullable(Type.String()),
  meets: Type.String(),
  place: Type.String(),
  notes: Type.String(),
  memberCount: Type.Integer({ description: 'current members in the whole centre' }),
  members: Type.Array(GroupMember, { description: 'members in your scope' }),
  createdAt: Timestamp,
});
export type ActivityGroup = Static<typeof ActivityGroup>;

export const ActivityGroupInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: GroupKind,
    leaderId: Type.Optional(Id),
    meets: Type.Optional(Type.String({ maxLength: 200 })),
    place: Type.Optional(Type.String({ maxLength: 200 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ActivityGroupInput = Static<typeof ActivityGroupInput>;

export const GroupMemberInput = Type.Object(
  { retireeId: Id, joinedOn: Type.Optional(Day) },
  { additionalProperties: false },
);
export type GroupMemberInput = Static<typeof GroupMemberInput>;

export const GroupLeaveInput = Type.Object({ leftOn: Day }, { additionalProperties: false });
export type GroupLeaveInput = Static<typeof GroupLeaveInput>;
