/** Living treatment (6.3 生活待遇): benefits with their steps and payments, preferential cards held. */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Month, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Text = (maxLength: number) => Type.String({ maxLength });

export const BenefitKind = Literals(['nursing_fee', 'survivor_subsidy', 'home_leave_meal', 'hospital_meal'], {
  description:
    'nursing_fee 护理费, survivor_subsidy 遗属生活补助 (6.3.2.6); home_leave_meal 探亲伙食补助, hospital_meal 住院伙食补助 (6.3.2.2)',
});
export type BenefitKind = Static<typeof BenefitKind>;

export const BenefitStatus = Literals(['applied', 'approved', 'rejected', 'paid', 'stopped'], {
  description: 'applied 已申报 → approved 已审批 | rejected 未通过; approved → paid 发放中 → stopped 已停发',
});
export type BenefitStatus = Static<typeof BenefitStatus>;

export const StopReason = Literals(['death', 'moved', 'not_eligible', 'other'], {
  description: 'death 去世, moved 迁出, not_eligible 不再符合条件, other 其他 (note required)',
});
export type StopReason = Static<typeof StopReason>;

export const BenefitEvent = Type.Object({
  action: Literals(['apply', 'approve', 'reject', 'pay', 'stop']),
  at: Timestamp,
  byId: Nullable(Type.String()),
  byName: Nullable(Type.String()),
  note: Type.String(),
});
export type BenefitEvent = Static<typeof BenefitEvent>;

export const BenefitPayment = Type.Object({
  id: Type.String(),
  period: Type.String({ description: 'YYYY-MM' }),
  amountFen: Type.Integer({ description: 'in fen (分)' }),
  paidOn: Day,
  note: Type.String(),
});
export type BenefitPayment = Static<typeof BenefitPayment>;

export const Benefit = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: BenefitKind,
  kindName: Type.String(),
  beneficiaryName: Type.String({ description: 'the survivor for a survivor subsidy; empty: the retiree' }),
  beneficiaryRelation: Type.String(),
  monthlyAmountFen: Nullable(Type.Integer()),
  status: BenefitStatus,
  appliedOn: Day,
  ownerId: Nullable(Type.String()),
  reviewOn: Nullable(Day),
  stopReason: Nullable(StopReason),
  stoppedOn: Nullable(Day),
  note: Type.String(),
  paidTotalFen: Type.Integer(),
  events: Type.Array(BenefitEvent),
  payments: Type.Array(BenefitPayment),
  createdAt: Timestamp,
});
export type Benefit = Static<typeof Benefit>;

export const BenefitInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: BenefitKind,
    beneficiaryName: Type.Optional(Text(100)),
    beneficiaryRelation: Type.Optional(Text(50)),
    monthlyAmountFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    appliedOn: Type.Optional(Day),
    ownerId: Type.Optional(Type.String({ maxLength: 64 })),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type BenefitInput = Static<typeof BenefitInput>;

export const BenefitQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(BenefitKind),
  status: Type.Optional(BenefitStatus),
  limit: Limit(1000, 200),
});
export type BenefitQuery = Static<typeof BenefitQuery>;

export const BenefitApproval = Type.Object(
  {
    monthlyAmountFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    reviewOn: Type.Optional(Day),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type BenefitApproval = Static<typeof BenefitApproval>;

export const BenefitRejection = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000, description: 'why it is refused' }) },
  { additionalProperties: false },
);
export type BenefitRejection = Static<typeof BenefitRejection>;

export const PaymentInput = Type.Object(
  {
    period: Month,
    amountFen: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    paidOn: Type.Optional(Day),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type PaymentInput = Static<typeof PaymentInput>;

export const BenefitStop = Type.Object(
  {
    reason: StopReason,
    stoppedOn: Type.Optional(Day),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type BenefitStop = Static<typeof BenefitStop>;

export const CardKind = Literals(['veteran_card', 'senior_card', 'transport_card'], {
  description: 'veteran_card 退役军人优待证, senior_card 老年优待证, transport_card 乘车证 (6.3.2.3)',
});
export type CardKind = Static<typeof CardKind>;

export const BenefitCard = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: CardKind,
  kindName: Type.String(),
  number: Type.String(),
  issuedOn: Day,
  expiresOn: Nullable(Day),
  returnedOn: Nullable(Day),
  returnReason: Nullable(Type.String()),
  state: Literals(['held', 'expired', 'returned']),
  createdAt: Timestamp,
});
export type BenefitCard = Static<typeof BenefitCard>;

export const CardInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: CardKind,
    number: Type.Optional(Text(100)),
    issuedOn: Day,
    expiresOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type CardInput = Static<typeof CardInput>;

export const CardReturn = Type.Object(
  { returnedOn: Type.Optional(Day), reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type CardReturn = Static<typeof CardReturn>;

export const CardQuery = Type.Object({ retireeId: Type.Optional(Type.String({ maxLength: 64 })) });
export type CardQuery = Static<typeof CardQuery>;

/** The benefits list as a workbook: the list's filters, without its page size. */
export const BenefitExportQuery = Type.Omit(BenefitQuery, ['limit']);
export type BenefitExportQuery = Static<typeof BenefitExportQuery>;
