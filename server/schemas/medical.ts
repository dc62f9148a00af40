/** Medical care (6.5): the yearly health check, the health record, out-of-town treatment approvals. */
import { type Static, Type } from '@sinclair/typebox';
import { Limit, Literals, Nullable, NullableTimestamp, Offset, RetireeNamed, Timestamp } from './common.ts';

const DateOnly = (description: string) =>
  Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });
const NullableDate = (description: string) => Nullable(DateOnly(description));
const Uuid = Type.String({ minLength: 1, maxLength: 64 });

export const HealthCheck = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  checkedOn: DateOnly('Date of the check'),
  hospital: Type.String(),
  summary: Type.String({ description: 'Summary of the results' }),
  recordedById: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type HealthCheck = Static<typeof HealthCheck>;

export const HealthCheckInput = Type.Object({
  retireeId: Uuid,
  checkedOn: DateOnly('Date of the check'),
  hospital: Type.String({ minLength: 1, maxLength: 128 }),
  summary: Type.String({ minLength: 1, maxLength: 4000 }),
});
export type HealthCheckInput = Static<typeof HealthCheckInput>;

export const HealthChecksQuery = Type.Object({
  retireeId: Type.Optional(Uuid),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  limit: Limit(500, 100),
});
export type HealthChecksQuery = Static<typeof HealthChecksQuery>;

export const HealthPlanState = Literals(['due', 'overdue', 'done']);

export const HealthPlanEntry = Type.Object({
  ...RetireeNamed,
  state: HealthPlanState,
  dueOn: DateOnly('Set in the plan, else the anniversary of the last check, else 31 December'),
  scheduled: Type.Boolean({ description: 'The due date was set in the plan' }),
  overdue: Type.Boolean(),
  lastCheckOn: NullableDate('The last check before this year'),
  check: Nullable(
    Type.Object({ id: Type.String(), checkedOn: DateOnly('Date of the check'), hospital: Type.String() }),
    { description: 'This year’s check, once done' },
  ),
});
export type HealthPlanEntry = Static<typeof HealthPlanEntry>;

export const HealthPlanQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'Default: this year' })),
  list: Type.Optional(
    Literals(['due', 'overdue', 'done', 'all'], {
      default: 'due',
      description: 'due: not yet checked this year (the overdue marked); overdue: past the due date; done',
    }),
  ),
  limit: Limit(500, 100),
  offset: Type.Optional(Offset),
});
export type HealthPlanQuery = Static<typeof HealthPlanQuery>;

export const HealthCheckPlan = Type.Object({
  year: Type.Integer(),
  today: DateOnly('The centre’s date'),
  counts: Type.Object({
    due: Type.Integer({ description: 'Not yet checked this year, overdue included' }),
    overdue: Type.Integer(),
    done: Type.Integer(),
  }),
  total: Type.Integer({ description: 'Entries in the chosen list' }),
  items: Type.Array(HealthPlanEntry),
});
export type HealthCheckPlan = Static<typeof HealthCheckPlan>;

export const HealthScheduleParams = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  retireeId: Uuid,
});
export type HealthScheduleParams = Static<typeof HealthScheduleParams>;

export const HealthScheduleInput = Type.Object({
  dueOn: DateOnly('Due date within the year'),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type HealthScheduleInput = Static<typeof HealthScheduleInput>;

export const HealthItemKind = Literals(['condition', 'medication', 'allergy'], {
  description: 'condition: 疾病; medication: 用药; allergy: 过敏',
});

export const HealthItem = Type.Object({
  id: Type.String(),
  kind: HealthItemKind,
  name: Type.String(),
  detail: Type.String(),
  since: NullableDate('Since'),
  endedOn: NullableDate('Ended (cured, stopped); null while current'),
  current: Type.Boolean(),
  recordedById: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
  updatedAt: Timestamp,
});
export type HealthItem = Static<typeof HealthItem>;

export const HealthItemInput = Type.Object({
  kind: HealthItemKind,
  name: Type.String({ minLength: 1, maxLength: 128 }),
  detail: Type.Optional(Type.String({ maxLength: 2000 })),
  since: Type.Optional(DateOnly('Since')),
});
export type HealthItemInput = Static<typeof HealthItemInput>;

export const HealthItemUpdate = Type.Partial(
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 128 }),
    detail: Type.String({ maxLength: 2000 }),
    since: NullableDate('Since'),
    endedOn: NullableDate('Ended'),
  }),
  { minProperties: 1 },
);
export type HealthItemUpdate = Static<typeof HealthItemUpdate>;

export const HealthItemParams = Type.Object({ id: Uuid, itemId: Uuid });

export const HealthRecord = Type.Object({
  ...RetireeNamed,
  bloodType: Type.String(),
  archive: Type.Object(
    { conditions: Type.String(), medication: Type.String(), allergies: Type.String() },
    { description: 'The free-text summary kept in the archive record (also printed on the rescue card)' },
  ),
  conditions: Type.Array(HealthItem),
  medication: Type.Array(HealthItem),
  allergies: Type.Array(HealthItem),
  checks: Type.Array(HealthCheck, { description: 'Health-check results, newest first' }),
});
export type HealthRecord = Static<typeof HealthRecord>;

export const TreatmentStatus = Literals(['requested', 'approved', 'rejected']);

export const Treatment = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  hospital: Type.String(),
  city: Type.String(),
  reason: Type.String(),
  from: DateOnly('From'),
  to: DateOnly('To'),
  status: TreatmentStatus,
  requestedById: Type.String(),
  requestedBy: Type.String(),
  requestedAt: Timestamp,
  decidedById: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decidedAt: NullableTimestamp,
  decisionNote: Nullable(Type.String()),
});
export type Treatment = Static<typeof Treatment>;

export const TreatmentInput = Type.Object({
  retireeId: Uuid,
  hospital: Type.String({ minLength: 1, maxLength: 128 }),
  city: Type.String({ minLength: 1, maxLength: 64 }),
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
  from: DateOnly('From'),
  to: DateOnly('To'),
});
export type TreatmentInput = Static<typeof TreatmentInput>;

export const TreatmentDecision = Type.Object({
  decision: Literals(['approve', 'reject']),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'Required when rejecting' })),
});
export type TreatmentDecision = Static<typeof TreatmentDecision>;

export const TreatmentsQuery = Type.Object({
  status: Type.Optional(TreatmentStatus),
  retireeId: Type.Optional(Uuid),
  limit: Limit(500, 100),
});
export type TreatmentsQuery = Static<typeof TreatmentsQuery>;
