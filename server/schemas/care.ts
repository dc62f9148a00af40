/** Elderly care (6.7 养老服务): care arrangements (one current per retiree) and the care-visit log. */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, RetireeNamed, Timestamp } from './common.ts';

export const CareType = Literals(['home', 'community', 'institution'], {
  description: 'home 居家照顾, community 社区照料, institution 机构照护 (6.7.1 b–d)',
});
export type CareType = Static<typeof CareType>;

export const CareLevel = Literals(['intact', 'mild', 'moderate', 'severe'], {
  description: 'intact 能力完好, mild 轻度失能, moderate 中度失能, severe 重度失能',
});
export type CareLevel = Static<typeof CareLevel>;

export const CareArrangement = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  type: CareType,
  typeName: Type.String(),
  provider: Type.String(),
  careLevel: CareLevel,
  startOn: Day,
  endOn: Nullable(Day),
  endReason: Nullable(Type.String()),
  current: Type.Boolean(),
  note: Type.String(),
  visitCount: Type.Integer(),
  lastVisitOn: Nullable(Day),
  createdAt: Timestamp,
});
export type CareArrangement = Static<typeof CareArrangement>;

export const CareArrangementInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    type: CareType,
    provider: Type.String({ minLength: 1, maxLength: 200 }),
    careLevel: CareLevel,
    startOn: Day,
    endOn: Type.Optional(Day),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CareArrangementInput = Static<typeof CareArrangementInput>;

export const CareArrangementEnd = Type.Object(
  { endOn: Day, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type CareArrangementEnd = Static<typeof CareArrangementEnd>;

export const CareArrangementQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  current: Type.Optional(Type.Boolean()),
  type: Type.Optional(CareType),
  limit: Limit(1000, 200),
});
export type CareArrangementQuery = Static<typeof CareArrangementQuery>;

export const CareVisit = Type.Object({
  id: Type.String(),
  arrangementId: Type.String(),
  ...RetireeNamed,
  visitedOn: Day,
  visitor: Type.String(),
  content: Type.String(),
  problems: Type.String(),
  recordedBy: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type CareVisit = Static<typeof CareVisit>;

export const CareVisitInput = Type.Object(
  {
    arrangementId: Type.String({ minLength: 1, maxLength: 64 }),
    visitedOn: Day,
    visitor: Type.String({ minLength: 1, maxLength: 200 }),
    content: Type.String({ minLength: 1, maxLength: 4000 }),
    problems: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type CareVisitInput = Static<typeof CareVisitInput>;

export const CareVisitQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  arrangementId: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Limit(1000, 200),
});
export type CareVisitQuery = Static<typeof CareVisitQuery>;

/** The arrangements as a workbook: the list's filters, without its page size. */
export const CareArrangementExportQuery = Type.Omit(CareArrangementQuery, ['limit']);
export type CareArrangementExportQuery = Static<typeof CareArrangementExportQuery>;

/** The care-visit log as a workbook: the list's filters, without its page size. */
export const CareVisitExportQuery = Type.Omit(CareVisitQuery, ['limit']);
export type CareVisitExportQuery = Static<typeof CareVisitExportQuery>;
