/**
 * The smaller clauses: the management committee (5.1.8), the facilities register with its
 * inspections (5.3.2.4), honours (6.2.2.2) and publications, speeches, teaching and re-employment
 * (6.4.2.6).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Text = (maxLength: number) => Type.String({ maxLength });
const Required = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Recorded = { recordedBy: Type.String(), recordedAt: Timestamp };

// ----- the committee (5.1.8) -----

export const CommitteeRole = Literals(['chair', 'vice_chair', 'secretary', 'member'], {
  description: 'chair 主任, vice_chair 副主任, secretary 秘书, member 委员',
});
export type CommitteeRole = Static<typeof CommitteeRole>;

export const CommitteeMember = Type.Object({
  id: Type.String(),
  name: Type.String(),
  retireeId: Nullable(Type.String(), { description: 'When the member is a retiree of the centre' }),
  role: CommitteeRole,
  roleName: Type.String(),
  fromOn: Day,
  toOn: Nullable(Day),
  current: Type.Boolean(),
  note: Type.String(),
  ...Recorded,
});
export type CommitteeMember = Static<typeof CommitteeMember>;

export const CommitteeMemberInput = Type.Object(
  {
    name: Type.Optional(Text(50)),
    retireeId: Type.Optional(Id),
    role: CommitteeRole,
    fromOn: Day,
    toOn: Type.Optional(Day),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type CommitteeMemberInput = Static<typeof CommitteeMemberInput>;

export const CommitteeMemberEnd = Type.Object({ toOn: Day }, { additionalProperties: false });
export type CommitteeMemberEnd = Static<typeof CommitteeMemberEnd>;

export const CommitteeDecision = Type.Object({
  id: Type.String(),
  meetingId: Type.String(),
  text: Type.String(),
  ownerId: Nullable(Type.String()),
  owner: Nullable(Type.String()),
  dueOn: Nullable(Day),
  doneOn: Nullable(Day),
  doneNote: Type.String(),
});
export type CommitteeDecision = Static<typeof CommitteeDecision>;

export const CommitteeMeeting = Type.Object({
  id: Type.String(),
  heldOn: Day,
  place: Type.String(),
  topic: Type.String(),
  attendees: Type.Array(Type.String()),
  minutes: Type.String(),
  decisions: Type.Array(CommitteeDecision),
  ...Recorded,
});
export type CommitteeMeeting = Static<typeof CommitteeMeeting>;

export const CommitteeMeetingInput = Type.Object(
  {
    heldOn: Day,
    place: Type.Optional(Text(100)),
    topic: Required(200),
    attendees: Type.Array(Required(50), { minItems: 1, maxItems: 100 }),
    minutes: Type.Optional(Text(20_000)),
    decisions: Type.Optional(
      Type.Array(
        Type.Object(
          { text: Required(1000), ownerId: Type.Optional(Id), dueOn: Type.Optional(Day) },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CommitteeMeetingInput = Static<typeof CommitteeMeetingInput>;

export const DecisionDone = Type.Object(
  { doneOn: Type.Optional(Day), note: Type.Optional(Text(1000)) },
  { additionalProperties: false },
);
export type DecisionDone = Static<typeof DecisionDone>;

export const MeetingQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  limit: Limit(500, 100),
});
export type MeetingQuery = Static<typeof MeetingQuery>;

// ----- facilities (5.3.2.4) -----

export const FacilityKind = Literals(
  ['activity_room', 'reading_room', 'fitness', 'clinic', 'canteen', 'garden', 'meeting_room', 'other'],
  {
    description:
      'activity_room 活动室, reading_room 阅览室, fitness 健身场所, clinic 医务室, canteen 食堂, garden 庭院, meeting_room 会议室, other 其他',
  },
);
export type FacilityKind = Static<typeof FacilityKind>;

export const InspectionKind = Literals(['inspection', 'maintenance', 'repair'], {
  description: 'inspection 检查, maintenance 维护保养, repair 维修',
});
export type InspectionKind = Static<typeof InspectionKind>;

export const FacilityInspection = Type.Object({
  id: Type.String(),
  facilityId: Type.String(),
  kind: InspectionKind,
  doneOn: Day,
  result: Literals(['ok', 'issue'], { description: 'ok 正常, issue 发现问题' }),
  findings: Type.String(),
  action: Type.String({ description: 'What was done or is to be done about it' }),
  ...Recorded,
});
export type FacilityInspection = Static<typeof FacilityInspection>;

export const Facility = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: FacilityKind,
  kindName: Type.String(),
  location: Type.String(),
  openingHours: Type.String(),
  responsibleId: Type.String(),
  responsible: Type.String(),
  rules: Type.String(),
  inspectEveryDays: Type.Integer(),
  sinceOn: Day,
  lastInspectedOn: Nullable(Day),
  lastResult: Nullable(Literals(['ok', 'issue'])),
  nextInspectionOn: Day,
  overdue: Type.Boolean(),
  retiredAt: Nullable(Timestamp),
  inspections: Type.Array(FacilityInspection, { description: 'Newest first (the last 20 in a list)' }),
  updatedBy: Type.String(),
  updatedAt: Timestamp,
});
export type Facility = Static<typeof Facility>;

export const FacilityInput = Type.Object(
  {
    name: Required(100),
    kind: FacilityKind,
    location: Type.Optional(Text(200)),
    openingHours: Type.Optional(Text(200)),
    responsibleId: Id,
    rules: Type.Optional(Text(5000)),
    inspectEveryDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30 })),
    sinceOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type FacilityInput = Static<typeof FacilityInput>;

export const FacilityChange = Type.Object(
  {
    name: Type.Optional(Required(100)),
    kind: Type.Optional(FacilityKind),
    location: Type.Optional(Text(200)),
    openingHours: Type.Optional(Text(200)),
    responsibleId: Type.Optional(Id),
    rules: Type.Optional(Text(5000)),
    inspectEveryDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    retired: Type.Optional(Type.Boolean({ description: 'true: out of use (kept with its log)' })),
  },
  { additionalProperties: false },
);
export type FacilityChange = Static<typeof FacilityChange>;

export const InspectionInput = Type.Object(
  {
    kind: InspectionKind,
    doneOn: Type.Optional(Day),
    result: Literals(['ok', 'issue']),
    findings: Type.Optional(Text(2000)),
    action: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type InspectionInput = Static<typeof InspectionInput>;

export const FacilityQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ description: 'true: those out of use too' })),
  overdue: Type.Optional(Type.Boolean()),
});
export type FacilityQuery = Static<typeof FacilityQuery>;

// ----- honours (6.2.2.2) and engagements (6.4.2.6) -----

export const HonourKind = Literals(['medal', 'plaque', 'title', 'commendation', 'other'], {
  description: 'medal 勋章/纪念章, plaque 光荣之家等牌匾, title 荣誉称号, commendation 表彰奖励, other 其他',
});
export type HonourKind = Static<typeof HonourKind>;

export const Honour = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: HonourKind,
  kindName: Type.String(),
  name: Type.String(),
  awardedOn: Nullable(Day),
  awardedBy: Type.String(),
  note: Type.String(),
  ...Recorded,
});
export type Honour = Static<typeof Honour>;

export const HonourInput = Type.Object(
  {
    retireeId: Id,
    kind: HonourKind,
    name: Required(100),
    awardedOn: Type.Optional(Day),
    awardedBy: Type.Optional(Text(100)),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type HonourInput = Static<typeof HonourInput>;

export const EngagementKind = Literals(['publication', 'speech', 'teaching', 're_employment'], {
  description: 'publication 出版著作/发表文章, speech 讲座报告, teaching 授课, re_employment 返聘/再就业',
});
export type EngagementKind = Static<typeof EngagementKind>;

export const Engagement = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: EngagementKind,
  kindName: Type.String(),
  title: Type.String(),
  organisation: Type.String(),
  fromOn: Day,
  toOn: Nullable(Day),
  filedOn: Day,
  note: Type.String(),
  ...Recorded,
});
export type Engagement = Static<typeof Engagement>;

export const EngagementInput = Type.Object(
  {
    retireeId: Id,
    kind: EngagementKind,
    title: Required(200),
    organisation: Type.Optional(Text(200)),
    fromOn: Day,
    toOn: Type.Optional(Day),
    filedOn: Type.Optional(Day),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type EngagementInput = Static<typeof EngagementInput>;

export const HonourQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(HonourKind),
  limit: Limit(5000, 500),
});
export type HonourQuery = Static<typeof HonourQuery>;

export const EngagementQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(EngagementKind),
  current: Type.Optional(Type.Boolean({ description: 'true: not ended by today' })),
  limit: Limit(5000, 500),
});
export type EngagementQuery = Static<typeof EngagementQuery>;
