/** After death (6.10 逝世善后服务): the death, the bereavement checklist and what it changed. */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, NullableTimestamp, RetireeNamed, Timestamp } from './common.ts';

// The living treatment (6.3) and elderly care (6.7) schemas reach the index through this file.
export * from './benefits.ts';
export * from './care.ts';

export const BereavementStepKind = Literals(
  [
    'help_family',
    'condolences',
    'obituary',
    'life_story',
    'report',
    'farewell',
    'flag_covering',
    'funeral_allowance',
    'survivor_pension',
    'survivor_subsidy',
  ],
  {
    description:
      '协助家属处理善后, 慰问吊唁, 发布讣告, 书写生平, 向安置主管部门报告 (6.10.2.1); 遗体告别 (6.10.2.2); 覆盖党旗/军旗 (6.10.2.3); 丧葬费, 抚恤金, 遗属生活补助 (6.10.2.4)',
  },
);
export type BereavementStepKind = Static<typeof BereavementStepKind>;

export const FlagCovering = Literals(['party', 'army', 'none'], {
  description: 'party 党旗, army 军旗, none: the step does not apply (6.10.2.3)',
});
export type FlagCovering = Static<typeof FlagCovering>;

export const BereavementStep = Type.Object({
  id: Type.String(),
  step: BereavementStepKind,
  title: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  dueOn: Day,
  status: Literals(['open', 'done', 'not_applicable']),
  doneOn: Nullable(Day),
  note: Type.String(),
  overdue: Type.Boolean(),
});
export type BereavementStep = Static<typeof BereavementStep>;

export const Death = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  diedOn: Day,
  place: Type.String(),
  cause: Type.String(),
  survivorName: Type.String(),
  survivorRelation: Type.String(),
  flagCovering: FlagCovering,
  recordedAt: Timestamp,
  completedAt: NullableTimestamp,
  steps: Type.Array(BereavementStep),
});
export type Death = Static<typeof Death>;

export const DeathInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    diedOn: Day,
    place: Type.String({ minLength: 1, maxLength: 200 }),
    cause: Type.Optional(Type.String({ maxLength: 500 })),
    survivorName: Type.Optional(Type.String({ maxLength: 100 })),
    survivorRelation: Type.Optional(Type.String({ maxLength: 50 })),
    flagCovering: Type.Optional(FlagCovering),
    ownerId: Type.Optional(Type.String({ maxLength: 64, description: 'who owns the steps; default: you' })),
  },
  { additionalProperties: false },
);
export type DeathInput = Static<typeof DeathInput>;

export const DeathResult = Type.Object({
  death: Death,
  stoppedBenefitIds: Type.Array(Type.String()),
  survivorSubsidyId: Nullable(Type.String()),
  endedCareArrangementId: Nullable(Type.String()),
});
export type DeathResult = Static<typeof DeathResult>;

export const DeathQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  open: Type.Optional(Type.Boolean({ description: 'only checklists with open steps' })),
  limit: Limit(1000, 200),
});
export type DeathQuery = Static<typeof DeathQuery>;

export const BereavementStepUpdate = Type.Object(
  {
    ownerId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    dueOn: Type.Optional(Day),
    status: Type.Optional(Literals(['done', 'not_applicable'])),
    doneOn: Type.Optional(Day),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type BereavementStepUpdate = Static<typeof BereavementStepUpdate>;

/** The deaths as a workbook: the list's filters, without its page size. */
export const DeathExportQuery = Type.Omit(DeathQuery, ['limit']);
export type DeathExportQuery = Static<typeof DeathExportQuery>;
