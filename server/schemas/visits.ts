/** Visits and condolences (6.8 走访慰问): campaigns, tasks, records, follow-ups and the summary. */
import { type Static, Type } from '@sinclair/typebox';
import { Limit, Literals, Nullable, NullableTimestamp, RetireeNamed, Timestamp } from './common.ts';

/** A calendar date in Asia/Shanghai. */
export const PlainDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const Holiday = Literals(['spring_festival', 'army_day', 'national_day'], {
  description: '春节 (table of dates 2024–2035), 建军节 (1 Aug), 国庆节 (1 Oct) — 6.8.2.1',
});
export type Holiday = Static<typeof Holiday>;

export const VisitReason = Literals(
  ['spring_festival', 'army_day', 'national_day', 'hospital', 'focus', 'comfort', 'other'],
  {
    description:
      'spring_festival / army_day / national_day: holiday campaign (6.8.2.1); hospital: admission (6.8.2.2); focus: monthly visit of the solitary or long bedridden (6.8.2.3); comfort: after a genuine SOS, fall, wandering, fire or gas alert (5.1.7); other: by hand',
  },
);
export type VisitReason = Static<typeof VisitReason>;

export const VisitMode = Literals(['in_person', 'phone', 'video'], {
  description: 'in_person; phone and video count as a visit for those living elsewhere (6.8.2.4)',
});
export type VisitMode = Static<typeof VisitMode>;

export const VisitTaskStatus = Literals(['open', 'done', 'cancelled']);

export const VisitTask = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  reason: VisitReason,
  title: Type.String(),
  campaignId: Nullable(Type.String()),
  admissionId: Nullable(Type.String()),
  opensOn: PlainDate,
  dueOn: PlainDate,
  assigneeId: Nullable(Type.String()),
  assigneeName: Nullable(Type.String()),
  status: VisitTaskStatus,
  recordId: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'open and its due date has passed (centre time)' }),
  createdAt: Timestamp,
});
export type VisitTask = Static<typeof VisitTask>;

export const VisitTaskQuery = Type.Object({
  status: Type.Optional(VisitTaskStatus),
  reason: Type.Optional(VisitReason),
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  campaignId: Type.Optional(Type.String({ maxLength: 64 })),
  assigneeId: Type.Optional(
    Type.String({ maxLength: 64, description: 'a user id, or `none` for unassigned' }),
  ),
  limit: Limit(1000, 200),
});
export type VisitTaskQuery = Static<typeof VisitTaskQuery>;

export const VisitTaskUpdate = Type.Object(
  {
    assigneeId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    dueOn: Type.Optional(PlainDate),
    status: Type.Optional(Type.Literal('cancelled')),
  },
  { additionalProperties: false },
);
export type VisitTaskUpdate = Static<typeof VisitTaskUpdate>;

export const VisitTaskInput = Type.Object(
  {
    retireeId: Type.String({ maxLength: 64 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    dueOn: PlainDate,
    assigneeId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);
export type VisitTaskInput = Static<typeof VisitTaskInput>;

export const Campaign = Type.Object({
  id: Type.String(),
  holiday: Holiday,
  holidayName: Type.String(),
  year: Type.Integer(),
  holidayDate: PlainDate,
  opensOn: PlainDate,
  taskCount: Type.Integer(),
  openCount: Type.Integer(),
  createdAt: Timestamp,
});
export type Campaign = Static<typeof Campaign>;

export const CampaignInput = Type.Object(
  {
    holiday: Holiday,
    year: Type.Integer({ minimum: 2024, maximum: 2035 }),
    assigneeId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);
export type CampaignInput = Static<typeof CampaignInput>;

export const CampaignResult = Type.Object({
  campaign: Campaign,
  created: Type.Integer({
    description: 'tasks created by this call; 0 when the campaign existed for everyone',
  }),
});
export type CampaignResult = Static<typeof CampaignResult>;

export const Admission = Type.Object({
  id: Type.String(),
  retireeId: Type.String(),
  hospital: Type.String(),
  admittedOn: PlainDate,
  note: Type.String(),
  createdAt: Timestamp,
});
export type Admission = Static<typeof Admission>;

export const AdmissionInput = Type.Object(
  {
    retireeId: Type.String({ maxLength: 64 }),
    hospital: Type.String({ minLength: 1, maxLength: 200 }),
    admittedOn: PlainDate,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    assigneeId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);
export type AdmissionInput = Static<typeof AdmissionInput>;

export const AdmissionResult = Type.Object({ admission: Admission, task: VisitTask });
export type AdmissionResult = Static<typeof AdmissionResult>;

export const LivingFlags = Type.Object({
  retireeId: Type.String(),
  solitary: Type.Boolean({ description: '孤老' }),
  bedridden: Type.Boolean({ description: '长期卧床' }),
  livesElsewhere: Type.Boolean({ description: '长期不在军休机构所在地生活 (6.8.2.4)' }),
  focusTask: Nullable(VisitTask, { description: 'the open monthly focus visit, if any (6.8.2.3)' }),
});
export type LivingFlags = Static<typeof LivingFlags>;

export const LivingFlagsInput = Type.Object(
  {
    solitary: Type.Optional(Type.Boolean()),
    bedridden: Type.Optional(Type.Boolean()),
    livesElsewhere: Type.Optional(Type.Boolean()),
    assigneeId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type LivingFlagsInput = Static<typeof LivingFlagsInput>;

const Text = (description: string) =>
  Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S', description });

export const ProblemInput = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
    ownerId: Type.String({ maxLength: 64, description: 'the staff user who handles and answers it' }),
    dueOn: PlainDate,
  },
  { additionalProperties: false },
);
export type ProblemInput = Static<typeof ProblemInput>;

/** The seven fields of 6.8.2.5, each required and not blank. */
const sevenFields = {
  thought: Text('思想'),
  health: Text('身体 / 健康'),
  medicalCare: Text('医疗保健 / 就医'),
  hobbies: Text('个人爱好'),
  socialActivity: Text('参与社会活动'),
  family: Text('家庭'),
  livingConditions: Text('现实生活状况'),
};

export const VisitRecordInput = Type.Object(
  {
    retireeId: Type.String({ maxLength: 64 }),
    taskId: Type.Optional(Type.String({ maxLength: 64, description: 'the task this visit completes' })),
    visitedOn: PlainDate,
    mode: VisitMode,
    visitors: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), {
      minItems: 1,
      maxItems: 20,
    }),
    ...sevenFields,
    problems: Type.Optional(Type.Array(ProblemInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type VisitRecordInput = Static<typeof VisitRecordInput>;

export const FollowUpStatus = Literals(['open', 'done']);

export const FollowUp = Type.Object({
  id: Type.String(),
  recordId: Type.String(),
  ...RetireeNamed,
  description: Type.String(),
  ownerId: Type.String(),
  ownerName: Type.String(),
  dueOn: PlainDate,
  status: FollowUpStatus,
  reply: Nullable(Type.String()),
  doneAt: NullableTimestamp,
  overdue: Type.Boolean(),
  createdAt: Timestamp,
});
export type FollowUp = Static<typeof FollowUp>;

export const FollowUpQuery = Type.Object({
  status: Type.Optional(FollowUpStatus),
  ownerId: Type.Optional(Type.String({ maxLength: 64 })),
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Limit(1000, 200),
});
export type FollowUpQuery = Static<typeof FollowUpQuery>;

export const FollowUpUpdate = Type.Object(
  {
    status: Type.Optional(Type.Literal('done')),
    reply: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' })),
    ownerId: Type.Optional(Type.String({ maxLength: 64 })),
    dueOn: Type.Optional(PlainDate),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type FollowUpUpdate = Static<typeof FollowUpUpdate>;

export const VisitRecord = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  taskId: Nullable(Type.String()),
  reason: VisitReason,
  visitedOn: PlainDate,
  mode: VisitMode,
  visitors: Type.Array(Type.String()),
  thought: Type.String(),
  health: Type.String(),
  medicalCare: Type.String(),
  hobbies: Type.String(),
  socialActivity: Type.String(),
  family: Type.String(),
  livingConditions: Type.String(),
  recordedBy: Nullable(Type.String()),
  createdAt: Timestamp,
  followUps: Type.Array(FollowUp),
});
export type VisitRecord = Static<typeof VisitRecord>;

export const VisitRecordQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(PlainDate),
  to: Type.Optional(PlainDate),
  limit: Limit(1000, 200),
});
export type VisitRecordQuery = Static<typeof VisitRecordQuery>;

export const SummaryQuery = Type.Object({ from: PlainDate, to: PlainDate });
export type SummaryQuery = Static<typeof SummaryQuery>;

export const VisitSummary = Type.Object({
  from: PlainDate,
  to: PlainDate,
  asOf: PlainDate,
  visits: Type.Integer(),
  byMode: Type.Object({ in_person: Type.Integer(), phone: Type.Integer(), video: Type.Integer() }),
  byReason: Type.Record(Type.String(), Type.Integer()),
  activeRetirees: Type.Integer(),
  notVisited: Type.Array(Type.Object({ retireeId: Type.String(), retireeName: Type.String() })),
  tasks: Type.Object({
    due: Type.Integer({ description: 'tasks due in the period' }),
    done: Type.Integer(),
    open: Type.Integer(),
    overdue: Type.Integer(),
  }),
  followUps: Type.Object({
    raised: Type.Integer({ description: 'raised by visits in the period' }),
    done: Type.Integer(),
    open: Type.Integer({ description: 'open now, whenever raised' }),
    overdue: Type.Integer({ description: 'open now and past their due date' }),
  }),
  problems: Type.Array(FollowUp, { description: 'problems raised by the visits of the period' }),
});
export type VisitSummary = Static<typeof VisitSummary>;
