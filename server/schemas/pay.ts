/**
 * Money (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): the pay ledger (items, monthly runs, withheld pay and its
 * arrears), medical reimbursements with their receipts, the one-off payments after a death, and
 * the month's totals. Amounts are integers in fen (分).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Month, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Text = (maxLength: number) => Type.String({ maxLength });
const Fen = (description: string) => Type.Integer({ minimum: 1, maximum: 100_000_000, description });
const RetireeId = Type.String({ minLength: 1, maxLength: 64 });

export const PayItemKind = Literals(
  ['pension', 'living_allowance', 'post_allowance', 'heating', 'property', 'other'],
  {
    description:
      'pension 离退休费, living_allowance 生活补贴, post_allowance 职级津贴, heating 取暖补贴, property 物业服务补贴, other 其他 (named)',
  },
);
export type PayItemKind = Static<typeof PayItemKind>;

export const PayItemEnd = Literals(['adjusted', 'death', 'stopped'], {
  description: 'adjusted 调整标准 (a new item follows), death 去世, stopped 停发',
});
export type PayItemEnd = Static<typeof PayItemEnd>;

export const PayItem = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: PayItemKind,
  kindName: Type.String(),
  name: Type.String({ description: 'What the pay slip calls it' }),
  monthlyFen: Type.Integer({ description: 'The monthly amount, in fen' }),
  fromMonth: Month,
  toMonth: Nullable(Month, { description: 'The last month paid; null: open' }),
  endReason: Nullable(PayItemEnd),
  current: Type.Boolean({ description: 'Paid in the current month' }),
  note: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type PayItem = Static<typeof PayItem>;

export const PayItemInput = Type.Object(
  {
    retireeId: RetireeId,
    kind: PayItemKind,
    name: Type.Optional(
      Type.String({ maxLength: 60, description: 'Required for other; the kind’s name otherwise' }),
    ),
    monthlyFen: Fen('The monthly amount, in fen'),
    fromMonth: Month,
    toMonth: Type.Optional(Month),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type PayItemInput = Static<typeof PayItemInput>;

export const PayItemAdjustment = Type.Object(
  {
    fromMonth: Month,
    monthlyFen: Fen('The new monthly amount, in fen'),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type PayItemAdjustment = Static<typeof PayItemAdjustment>;

export const PayItemStop = Type.Object(
  {
    toMonth: Month,
    note: Type.String({ minLength: 1, maxLength: 500, description: 'Why it stops' }),
  },
  { additionalProperties: false },
);
export type PayItemStop = Static<typeof PayItemStop>;

export const PayItemQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(PayItemKind),
  current: Type.Optional(Type.Boolean({ description: 'true: only items paid this month' })),
  limit: Limit(5000, 500),
});
export type PayItemQuery = Static<typeof PayItemQuery>;

export const PayRun = Type.Object({
  period: Month,
  runAt: Timestamp,
  runBy: Type.String(),
  note: Type.String(),
  retirees: Type.Integer({ description: 'Retirees with an entry this month' }),
  paidFen: Type.Integer(),
  withheldFen: Type.Integer({ description: 'Withheld while a pension suspension (6.4.2.4) stands' }),
  added: Type.Optional(
    Type.Integer({ description: 'Entries this run wrote (a second run adds only missing ones)' }),
  ),
});
export type PayRun = Static<typeof PayRun>;

export const PayRunInput = Type.Object(
  { period: Month, note: Type.Optional(Text(500)) },
  { additionalProperties: false },
);
export type PayRunInput = Static<typeof PayRunInput>;

export const YearQuery = Type.Object({
  year: Type.Optional(
    Type.Integer({ minimum: 2000, maximum: 2100, description: 'The current year when not given' }),
  ),
});
export type YearQuery = Static<typeof YearQuery>;

export const PayEntry = Type.Object({
  id: Type.String(),
  period: Month,
  itemId: Type.String(),
  kind: PayItemKind,
  name: Type.String(),
  amountFen: Type.Integer(),
  state: Literals(['paid', 'withheld'], { description: 'withheld 暂停发放 while the pension is suspended' }),
  settledPeriod: Nullable(Month, { description: 'The month withheld pay was paid back as arrears (补发)' }),
});
export type PayEntry = Static<typeof PayEntry>;

export const Arrears = Type.Object({
  ...RetireeNamed,
  months: Type.Array(Month, { description: 'The months withheld and not yet paid back' }),
  amountFen: Type.Integer(),
  suspended: Type.Boolean({ description: 'A suspension still stands: nothing can be paid back yet' }),
  clearedAt: Nullable(Timestamp, { description: 'When the last suspension was cleared' }),
  clearReason: Nullable(Type.String()),
});
export type Arrears = Static<typeof Arrears>;

export const ArrearsPayment = Type.Object(
  {
    period: Type.Optional(Month),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type ArrearsPayment = Static<typeof ArrearsPayment>;

export const ArrearsPaid = Type.Object({
  ...RetireeNamed,
  period: Month,
  months: Type.Array(Month),
  amountFen: Type.Integer(),
});
export type ArrearsPaid = Static<typeof ArrearsPaid>;

// ----- medical reimbursements (6.5.2.1) -----

export const ClaimKind = Literals(['outpatient', 'inpatient', 'out_of_town', 'subsidy'], {
  description: 'outpatient 门诊, inpatient 住院, out_of_town 异地就医, subsidy 医疗补助',
});
export type ClaimKind = Static<typeof ClaimKind>;

export const ClaimStatus = Literals(['submitted', 'approved', 'rejected', 'paid'], {
  description: 'submitted 已受理 → approved 已审核 | rejected 不予报销; approved → paid 已支付',
});
export type ClaimStatus = Static<typeof ClaimStatus>;

export const Receipt = Type.Object({
  number: Type.String({ minLength: 1, maxLength: 60, description: 'The receipt’s (票据) number' }),
  issuer: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'The hospital or pharmacy that issued it',
  }),
  issuedOn: Day,
  amountFen: Fen('The receipt’s amount, in fen'),
});
export type Receipt = Static<typeof Receipt>;

export const MedicalClaim = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: ClaimKind,
  kindName: Type.String(),
  treatmentId: Nullable(Type.String(), { description: 'The out-of-town treatment approved (6.5.2.3)' }),
  submittedOn: Day,
  claimedFen: Type.Integer({ description: 'The receipts’ total' }),
  status: ClaimStatus,
  approvedFen: Nullable(Type.Integer()),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  decisionNote: Type.String(),
  paidOn: Nullable(Day),
  paidPeriod: Nullable(Month),
  note: Type.String(),
  receipts: Type.Array(Receipt),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type MedicalClaim = Static<typeof MedicalClaim>;

export const MedicalClaimInput = Type.Object(
  {
    retireeId: RetireeId,
    kind: ClaimKind,
    treatmentId: Type.Optional(Type.String({ maxLength: 64 })),
    submittedOn: Type.Optional(Day),
    receipts: Type.Array(Receipt, { minItems: 1, maxItems: 100 }),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type MedicalClaimInput = Static<typeof MedicalClaimInput>;

export const ClaimApproval = Type.Object(
  {
    approvedFen: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'The whole claim when not given' }),
    ),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type ClaimApproval = Static<typeof ClaimApproval>;

export const ClaimRejection = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 1000, description: 'Why it is not reimbursed' }) },
  { additionalProperties: false },
);
export type ClaimRejection = Static<typeof ClaimRejection>;

export const ClaimPayment = Type.Object({ paidOn: Type.Optional(Day) }, { additionalProperties: false });
export type ClaimPayment = Static<typeof ClaimPayment>;

export const MedicalClaimQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(ClaimKind),
  status: Type.Optional(ClaimStatus),
  period: Type.Optional(Month),
  limit: Limit(5000, 200),
});
export type MedicalClaimQuery = Static<typeof MedicalClaimQuery>;

// ----- one-off payments after a death (6.10.2.4) -----

export const LumpSumKind = Literals(['funeral_allowance', 'survivor_pension', 'other'], {
  description: 'funeral_allowance 丧葬费, survivor_pension 一次性抚恤金, other 其他 (named)',
});
export type LumpSumKind = Static<typeof LumpSumKind>;

export const LumpSum = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: LumpSumKind,
  kindName: Type.String(),
  name: Type.String(),
  payeeName: Type.String(),
  payeeRelation: Type.String(),
  amountFen: Type.Integer(),
  paidOn: Day,
  period: Month,
  note: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Timestamp,
});
export type LumpSum = Static<typeof LumpSum>;

export const LumpSumInput = Type.Object(
  {
    retireeId: RetireeId,
    kind: LumpSumKind,
    name: Type.Optional(Type.String({ maxLength: 60, description: 'Required for other' })),
    payeeName: Type.String({ minLength: 1, maxLength: 100 }),
    payeeRelation: Type.Optional(Text(50)),
    amountFen: Fen('in fen'),
    paidOn: Type.Optional(Day),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type LumpSumInput = Static<typeof LumpSumInput>;

export const LumpSumQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(LumpSumKind),
  period: Type.Optional(Month),
  limit: Limit(5000, 200),
});
export type LumpSumQuery = Static<typeof LumpSumQuery>;

// ----- a retiree's ledger and the month's totals -----

export const LedgerMonth = Type.Object({
  period: Month,
  paidFen: Type.Integer(),
  withheldFen: Type.Integer(),
  arrearsFen: Type.Integer({ description: 'Withheld pay of earlier months paid back this month' }),
  entries: Type.Array(PayEntry),
});
export type LedgerMonth = Static<typeof LedgerMonth>;

export const Ledger = Type.Object({
  ...RetireeNamed,
  items: Type.Array(PayItem),
  months: Type.Array(LedgerMonth, { description: 'Newest first' }),
  arrears: Nullable(Arrears),
  claims: Type.Array(MedicalClaim),
  lumpSums: Type.Array(LumpSum),
});
export type Ledger = Static<typeof Ledger>;

export const MonthLine = Type.Object({
  group: Literals(['pay', 'withheld', 'arrears', 'benefit', 'claim', 'lump_sum']),
  kind: Type.String(),
  name: Type.String(),
  count: Type.Integer({ description: 'Retirees (pay) or payments' }),
  amountFen: Type.Integer(),
});
export type MonthLine = Static<typeof MonthLine>;

export const PayMonth = Type.Object({
  period: Month,
  run: Nullable(Type.Object({ runAt: Timestamp, runBy: Type.String() })),
  payFen: Type.Integer({ description: 'Retirement pay and allowances paid for the month' }),
  withheldFen: Type.Integer({ description: 'Withheld for the month (not paid)' }),
  arrearsFen: Type.Integer({ description: 'Arrears paid back in the month' }),
  benefitsFen: Type.Integer({ description: 'Living-treatment benefits paid for the month (6.3)' }),
  claimsFen: Type.Integer({ description: 'Medical reimbursements paid in the month' }),
  lumpSumsFen: Type.Integer({
    description: 'Funeral allowances, survivor pensions and other one-off payments',
  }),
  totalFen: Type.Integer({ description: 'Everything paid out in the month' }),
  lines: Type.Array(MonthLine),
});
export type PayMonth = Static<typeof PayMonth>;

export const PeriodParams = Type.Object({ period: Month });
export type PeriodParams = Static<typeof PeriodParams>;

export const RetireeParams = Type.Object({ retireeId: Type.String({ maxLength: 64 }) });
export type RetireeParams = Static<typeof RetireeParams>;
