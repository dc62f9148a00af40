/**
 * Emergency management (5.1.7): a plan per kind of emergency with who does what, and the drills
 * that rehearse it, with their findings and the improvement actions they raise (7.2).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

export const EmergencyKind = Literals(
  ['fire', 'fall', 'medical', 'wandering', 'outage', 'public_health', 'disaster', 'other'],
  {
    description:
      'fire 火灾; fall 跌倒; medical 突发疾病; wandering 走失; outage 停电断网; public_health 公共卫生事件; disaster 自然灾害; other 其他',
  },
);
export type EmergencyKind = Static<typeof EmergencyKind>;

/** One duty of a plan: who (a post, and a named member of staff when there is one) does what. */
export const PlanDuty = Type.Object({
  who: Type.String({ description: 'the post, e.g. 值班员, 医护人员, 所长' }),
  userId: Nullable(Type.String({ description: 'a named member of staff, when the plan names one' })),
  userName: Nullable(Type.String()),
  action: Type.String(),
});
export type PlanDuty = Static<typeof PlanDuty>;

export const EmergencyPlan = Type.Object({
  id: Type.String(),
  kind: EmergencyKind,
  kindName: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  duties: Type.Array(PlanDuty),
  contacts: Type.String({ description: 'who is called outside the centre: 120, 119, the community' }),
  effectiveOn: Day,
  reviewOn: Day,
  current: Type.Boolean({ description: 'the plan in force for its kind; an older one is kept, retired' }),
  retiredAt: NullableTimestamp,
  updatedBy: Type.String(),
  updatedAt: Timestamp,
  drills: Type.Integer({ description: 'drills held on this plan' }),
  lastDrillOn: Nullable(Day),
});
export type EmergencyPlan = Static<typeof EmergencyPlan>;

const DutyInput = Type.Object(
  { who: Text(64, 1), userId: Type.Optional(Id), action: Text(1000, 1) },
  { additionalProperties: false },
);

export const EmergencyPlanInput = Type.Object(
  {
    kind: EmergencyKind,
    title: Text(200, 1),
    summary: Type.Optional(Text(8000)),
    duties: Type.Array(DutyInput, { minItems: 1, maxItems: 50 }),
    contacts: Type.Optional(Text(2000)),
    effectiveOn: Day,
    reviewOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type EmergencyPlanInput = Static<typeof EmergencyPlanInput>;

export const EmergencyPlanQuery = Type.Object({
  kind: Type.Optional(EmergencyKind),
  all: Type.Optional(Type.Boolean({ description: 'retired plans too' })),
});
export type EmergencyPlanQuery = Static<typeof EmergencyPlanQuery>;

export const DrillParticipant = Type.Object({ userId: Type.String(), name: Type.String() });

export const EmergencyDrill = Type.Object({
  id: Type.String(),
  planId: Nullable(Type.String()),
  planTitle: Nullable(Type.String()),
  kind: EmergencyKind,
  kindName: Type.String(),
  heldOn: Day,
  scenario: Type.String(),
  place: Type.String(),
  participants: Type.Array(DrillParticipant),
  others: Type.String({ description: 'others who took part: retirees, volunteers, the community' }),
  findings: Type.String(),
  actionIds: Type.Array(Type.String(), { description: 'improvement actions raised by its findings' }),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type EmergencyDrill = Static<typeof EmergencyDrill>;

export const EmergencyDrillInput = Type.Object(
  {
    planId: Type.Optional(Id),
    kind: Type.Optional(EmergencyKind),
    heldOn: Day,
    scenario: Text(2000, 1),
    place: Type.Optional(Text(200)),
    participantIds: Type.Array(Id, { minItems: 1, maxItems: 200 }),
    others: Type.Optional(Text(2000)),
    findings: Type.Optional(Text(8000)),
  },
  { additionalProperties: false },
);
export type EmergencyDrillInput = Static<typeof EmergencyDrillInput>;

export const EmergencyDrillQuery = Type.Object({
  kind: Type.Optional(EmergencyKind),
  planId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  limit: Limit(1000, 200),
});
export type EmergencyDrillQuery = Static<typeof EmergencyDrillQuery>;
