/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5): requests, their approval chains, stays abroad. */
import { type Static, Type } from '@sinclair/typebox';
import { Limit, Literals, Nullable, NullableTimestamp, Offset, RetireeNamed, Timestamp } from './common.ts';

const DateOnly = (description: string) =>
  Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });
const NullableDate = (description: string) => Nullable(DateOnly(description));
const Uuid = Type.String({ minLength: 1, maxLength: 64 });

export const AbroadRequestKind = Literals(['travel', 'part_time_post'], {
  description: 'travel: 出国（境） (6.4.2.3); part_time_post: 社会组织兼职 (6.4.2.5)',
});
export const RankLevelName = Literals(['师级', '团级', '营级及以下', '士官'], {
  description: 'The rank level that chose the chain',
});
export const AbroadRequestStatus = Literals(
  ['requested', 'opinion_given', 'centre_approved', 'approved', 'rejected', 'filed', 'withdrawn'],
  { description: 'approved, rejected, filed and withdrawn are final' },
);
export const StepDecision = Literals(['agree', 'disagree', 'approve', 'reject', 'file'], {
  description: 'opinion: agree | disagree; approval: approve | reject; filing: file',
});

export const ApprovalChainStep = Type.Object({
  key: Type.String(),
  label: Type.String(),
  action: Literals(['opinion', 'approval', 'filing']),
  roles: Type.Array(Type.String(), { description: 'Roles that may record the step' }),
  decisions: Type.Array(StepDecision),
  document: Type.Boolean({
    description: "The superior department's decision: document number and date required",
  }),
  clause: Type.String(),
});
export type ApprovalChainStep = Static<typeof ApprovalChainStep>;

export const ApprovalChain = Type.Object({
  kind: AbroadRequestKind,
  rank: RankLevelName,
  steps: Type.Array(ApprovalChainStep),
});
export type ApprovalChain = Static<typeof ApprovalChain>;

export const AbroadRequestStep = Type.Object({
  position: Type.Integer({ description: 'Place in the chain, from 0; -1 for a withdrawal' }),
  step: Type.String(),
  label: Type.String(),
  decision: Type.Union([StepDecision, Type.Literal('withdraw')]),
  byId: Type.String(),
  by: Type.String(),
  at: Timestamp,
  note: Type.String(),
  documentNo: Nullable(Type.String()),
  documentDate: NullableDate('Date of the superior department’s document'),
});
export type AbroadRequestStep = Static<typeof AbroadRequestStep>;

export const AbroadRequest = Type.Object({
  id: Type.String(),
  kind: AbroadRequestKind,
  ...RetireeNamed,
  rank: RankLevelName,
  status: AbroadRequestStatus,
  destination: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  departDate: NullableDate('Planned departure'),
  returnDate: NullableDate('Planned return'),
  organisation: Nullable(Type.String()),
  post: Nullable(Type.String()),
  startDate: NullableDate('Post held from'),
  endDate: NullableDate('Post held until'),
  note: Type.String(),
  requestedById: Type.String(),
  requestedBy: Type.String(),
  requestedAt: Timestamp,
  closedAt: NullableTimestamp,
  chain: Type.Array(ApprovalChainStep),
  steps: Type.Array(AbroadRequestStep),
  nextStep: Nullable(Type.String(), { description: 'Key of the step the chain waits for; null when closed' }),
  stayId: Nullable(Type.String(), { description: 'The stay abroad that began from this trip' }),
});
export type AbroadRequest = Static<typeof AbroadRequest>;

export const TravelRequestInput = Type.Object({
  retireeId: Uuid,
  destination: Type.String({ minLength: 1, maxLength: 128, description: 'Country or region' }),
  purpose: Type.String({ minLength: 1, maxLength: 1000 }),
  departDate: DateOnly('Planned departure'),
  returnDate: DateOnly('Planned return'),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type TravelRequestInput = Static<typeof TravelRequestInput>;

export const PostRequestInput = Type.Object({
  retireeId: Uuid,
  organisation: Type.String({ minLength: 1, maxLength: 200, description: 'The social organisation' }),
  post: Type.String({ minLength: 1, maxLength: 100, description: 'The post to be held' }),
  startDate: DateOnly('Post held from'),
  endDate: Type.Optional(DateOnly('Post held until')),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type PostRequestInput = Static<typeof PostRequestInput>;

export const AbroadStepInput = Type.Object({
  step: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'Key of the chain step, e.g. centre_opinion',
  }),
  decision: StepDecision,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  documentNo: Type.Optional(Type.String({ maxLength: 100, description: '文号 of the superior department' })),
  documentDate: Type.Optional(DateOnly('Date of the superior department’s document')),
});
export type AbroadStepInput = Static<typeof AbroadStepInput>;

export const AbroadReasonInput = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
export type AbroadReasonInput = Static<typeof AbroadReasonInput>;

export const AbroadRequestsQuery = Type.Object({
  kind: Type.Optional(AbroadRequestKind),
  status: Type.Optional(AbroadRequestStatus),
  open: Type.Optional(Type.Boolean({ description: 'true: only requests still waiting for a step' })),
  retireeId: Type.Optional(Uuid),
  limit: Limit(200, 50),
  offset: Type.Optional(Offset),
});
export type AbroadRequestsQuery = Static<typeof AbroadRequestsQuery>;

export const AbroadRequestList = Type.Object({ total: Type.Integer(), items: Type.Array(AbroadRequest) });
export type AbroadRequestList = Static<typeof AbroadRequestList>;

// 6.4.2.4: retirees abroad.

export const AbroadContactChannel = Literals(['phone', 'video', 'message']);

export const AbroadContact = Type.Object({
  id: Type.String(),
  at: Timestamp,
  channel: AbroadContactChannel,
  byId: Type.String(),
  by: Type.String(),
  note: Type.String(),
  recordedAt: Timestamp,
});
export type AbroadContact = Static<typeof AbroadContact>;

export const PensionSuspension = Type.Object({
  id: Type.String(),
  stayId: Type.String(),
  ...RetireeNamed,
  flaggedAt: Timestamp,
  flaggedOn: DateOnly('The centre’s date of the check that raised the flag'),
  silentSince: DateOnly('Departure, last contact or last clearing decision, whichever was latest'),
  lastContactAt: NullableTimestamp,
  months: Type.Integer({ description: 'Whole months without contact when flagged' }),
  report: Type.String({ description: 'Draft report to the superior veterans department' }),
  active: Type.Boolean({ description: 'Pension suspended (暂停发放离退休费) until a decision clears it' }),
  clearedAt: NullableTimestamp,
  clearedById: Nullable(Type.String()),
  clearedBy: Nullable(Type.String()),
  clearReason: Nullable(Type.String()),
});
export type PensionSuspension = Static<typeof PensionSuspension>;

export const AbroadStay = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  requestId: Nullable(Type.String()),
  destination: Type.String(),
  departedOn: DateOnly('Departure'),
  expectedReturnOn: NullableDate('Expected return'),
  returnedOn: NullableDate('Return'),
  state: Literals(['abroad', 'returned']),
  note: Type.String(),
  markedById: Type.String(),
  markedBy: Type.String(),
  markedAt: Timestamp,
  lastContactAt: NullableTimestamp,
  nextContactDue: NullableDate(
    'One calendar month after the last contact or the departure; null once returned',
  ),
  overdue: Type.Boolean({ description: 'The contact due date has passed' }),
  daysOverdue: Type.Integer(),
  silentSince: DateOnly('Start of the current silence'),
  suspensionDueOn: NullableDate('The day the pension is suspended without contact; null once returned'),
  suspension: Nullable(PensionSuspension, { description: 'The active suspension flag, if any' }),
});
export type AbroadStay = Static<typeof AbroadStay>;

export const AbroadStayDetail = Type.Object({
  ...AbroadStay.properties,
  contacts: Type.Array(AbroadContact, { description: 'Newest first' }),
  suspensions: Type.Array(PensionSuspension, { description: 'Every flag of this stay, cleared ones too' }),
});
export type AbroadStayDetail = Static<typeof AbroadStayDetail>;

export const AbroadStayInput = Type.Object({
  retireeId: Uuid,
  departedOn: DateOnly('Departure'),
  destination: Type.String({ minLength: 1, maxLength: 128 }),
  expectedReturnOn: Type.Optional(DateOnly('Expected return')),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AbroadStayInput = Static<typeof AbroadStayInput>;

export const AbroadDepartInput = Type.Object({
  departedOn: Type.Optional(DateOnly('Actual departure; the planned one when left out')),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AbroadDepartInput = Static<typeof AbroadDepartInput>;

export const AbroadContactInput = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When the retiree was reached' }),
  channel: AbroadContactChannel,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AbroadContactInput = Static<typeof AbroadContactInput>;

export const AbroadReturnInput = Type.Object({
  returnedOn: DateOnly('Return'),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AbroadReturnInput = Static<typeof AbroadReturnInput>;

export const AbroadStaysQuery = Type.Object({
  state: Type.Optional(
    Literals(['abroad', 'returned', 'all'], {
      default: 'abroad',
    }),
  ),
  retireeId: Type.Optional(Uuid),
});
export type AbroadStaysQuery = Static<typeof AbroadStaysQuery>;

export const PensionSuspensionsQuery = Type.Object({
  active: Type.Optional(Type.Boolean({ description: 'true: only flags not yet cleared' })),
  retireeId: Type.Optional(Uuid),
});
export type PensionSuspensionsQuery = Static<typeof PensionSuspensionsQuery>;

export const SuspensionCheckResult = Type.Object({
  checkedAt: Timestamp,
  today: DateOnly('The centre’s date of the check'),
  flagged: Type.Array(PensionSuspension, { description: 'Suspensions raised by this check' }),
});
export type SuspensionCheckResult = Static<typeof SuspensionCheckResult>;
