/** Reception and resettlement (6.1 接收安置): the intake case, its checklist, the meeting and the agreement. */
import { type Static, Type } from '@sinclair/typebox';
import {
  Day,
  Limit,
  Literals,
  Nullable,
  NullableTimestamp,
  Offset,
  RetireeNamed,
  Timestamp,
} from './common.ts';

const Text = (maxLength: number) => Type.String({ maxLength });

export const IntakeStepKind = Literals(
  [
    'files_verified',
    'placement_decided',
    'pension_confirmed',
    'insurance_transferred',
    'three_party_meeting',
    'agreement_signed',
    'household_registration',
    'organisation_relation',
    'medical_relation',
    'id_card',
    'social_security_card',
    'pay_card',
    'senior_card',
    'disabled_veteran_card',
    'welcome_meeting',
    'archive_filed',
    'information_entered',
  ],
  {
    description:
      'a) 核对档案材料, 审定安置去向, 核准离退休费标准, 社会保险关系转入 (6.1.2.3); b) 三方见面会; c) 三方移交安置协议书; d) 落户, 组织关系, 医疗关系, 身份证, 社会保障卡, 工资卡, 老年优待证, 残疾军人证 (6.1.2.5), 欢迎会 (6.1.2.7); e) 档案归档, 信息录入 (6.1.2.8)',
  },
);
export type IntakeStepKind = Static<typeof IntakeStepKind>;

export const IntakeStepStatus = Literals(['open', 'done', 'not_applicable']);
export type IntakeStepStatus = Static<typeof IntakeStepStatus>;

export const IntakeAttachment = Type.Object({
  id: Type.String(),
  name: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  uploadedAt: Timestamp,
  uploadedByName: Nullable(Type.String()),
  withdrawn: Type.Boolean(),
});
export type IntakeAttachment = Static<typeof IntakeAttachment>;

export const IntakeStep = Type.Object({
  id: Type.String(),
  step: IntakeStepKind,
  /** 6.1.1 item a)–e). */
  item: Type.String(),
  clause: Type.String(),
  title: Type.String(),
  required: Type.Boolean(),
  dueOn: Day,
  status: IntakeStepStatus,
  doneOn: Nullable(Day),
  doneById: Nullable(Type.String()),
  doneByName: Nullable(Type.String()),
  note: Type.String(),
  overdue: Type.Boolean(),
  attachments: Type.Array(IntakeAttachment),
});
export type IntakeStep = Static<typeof IntakeStep>;

export const RetireeSide = Literals(['retiree', 'guardian'], {
  description: 'the retiree in person, or their guardian (移交对象或其监护人, 6.1.2.4)',
});
export type RetireeSide = Static<typeof RetireeSide>;

export const AttendeeSide = Literals(['centre', 'unit', 'retiree', 'other']);

export const Attendee = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    side: AttendeeSide,
    title: Type.Optional(Text(50)),
  },
  { additionalProperties: false },
);
export type Attendee = Static<typeof Attendee>;

export const MeetingInput = Type.Object(
  {
    heldOn: Day,
    place: Type.String({ minLength: 1, maxLength: 200 }),
    centreName: Type.String({ minLength: 1, maxLength: 100, description: '军休机构' }),
    unitName: Type.String({ minLength: 1, maxLength: 100, description: '部队移交单位' }),
    retireeSide: RetireeSide,
    retireeSideName: Type.String({ minLength: 1, maxLength: 50 }),
    guardianRelation: Type.Optional(Text(20)),
    attendees: Type.Array(Attendee, { maxItems: 50 }),
    notes: Type.Optional(Text(4000)),
  },
  { additionalProperties: false },
);
export type MeetingInput = Static<typeof MeetingInput>;

export const Meeting = Type.Object({
  heldOn: Day,
  place: Type.String(),
  centreName: Type.String(),
  unitName: Type.String(),
  retireeSide: RetireeSide,
  retireeSideName: Type.String(),
  guardianRelation: Type.String(),
  attendees: Type.Array(
    Type.Object({ name: Type.String(), side: AttendeeSide, title: Type.Optional(Type.String()) }),
  ),
  notes: Type.String(),
  recordedAt: Timestamp,
});
export type Meeting = Static<typeof Meeting>;

export const MedicalBearer = Literals(['sending_unit', 'centre', 'retiree'], {
  description: '6.1.2.6: who bears medical costs until the social-security card is issued',
});
export type MedicalBearer = Static<typeof MedicalBearer>;

export const MedicalUntil = Literals(['card_issued', 'date'], {
  description: 'until the social-security card is issued, or until medicalUntilDate',
});
export type MedicalUntil = Static<typeof MedicalUntil>;

export const SignatoryParty = Literals(['centre', 'unit', 'retiree', 'guardian']);
export type SignatoryParty = Static<typeof SignatoryParty>;

export const Signatory = Type.Object(
  {
    party: SignatoryParty,
    name: Type.String({ minLength: 1, maxLength: 50 }),
    title: Type.Optional(Text(50)),
  },
  { additionalProperties: false },
);
export type Signatory = Static<typeof Signatory>;

export const AgreementInput = Type.Object(
  {
    centreName: Type.String({ minLength: 1, maxLength: 100 }),
    unitName: Type.String({ minLength: 1, maxLength: 100 }),
    retireeSide: RetireeSide,
    retireeSideName: Type.String({ minLength: 1, maxLength: 50 }),
    medicalBearer: MedicalBearer,
    medicalUntil: MedicalUntil,
    medicalUntilDate: Type.Optional(Nullable(Day)),
    otherTerms: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 30 })),
    signatories: Type.Optional(Type.Array(Signatory, { maxItems: 10 })),
    signedOn: Type.Optional(Nullable(Day)),
  },
  { additionalProperties: false },
);
export type AgreementInput = Static<typeof AgreementInput>;

export const Agreement = Type.Object({
  centreName: Type.String(),
  unitName: Type.String(),
  retireeSide: RetireeSide,
  retireeSideName: Type.String(),
  placement: Type.String(),
  pensionLevel: Type.String(),
  medicalBearer: MedicalBearer,
  medicalBearerName: Type.String(),
  medicalUntil: MedicalUntil,
  medicalUntilDate: Nullable(Day),
  /** The medical-cost term in a sentence, as printed. */
  medicalTerm: Type.String(),
  otherTerms: Type.Array(Type.String()),
  signatories: Type.Array(
    Type.Object({ party: SignatoryParty, name: Type.String(), title: Type.Optional(Type.String()) }),
  ),
  signedOn: Nullable(Day),
  recordedAt: Timestamp,
});
export type Agreement = Static<typeof Agreement>;

export const IntakeEvent = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  byId: Nullable(Type.String()),
  byName: Nullable(Type.String()),
  stepId: Nullable(Type.String()),
  action: Type.String(),
  detail: Type.String(),
});
export type IntakeEvent = Static<typeof IntakeEvent>;

export const IntakeCaseStatus = Literals(['open', 'complete']);

const caseFields = {
  id: Type.String(),
  ...RetireeNamed,
  station: Type.String(),
  status: IntakeCaseStatus,
  receivedOn: Day,
  sendingUnit: Type.String(),
  placement: Type.String(),
  pensionLevel: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  note: Type.String(),
  openedAt: Timestamp,
  completedOn: Nullable(Day),
  completedAt: NullableTimestamp,
  stepsDone: Type.Integer({ description: 'steps done or not applicable' }),
  stepsTotal: Type.Integer(),
  overdueSteps: Type.Integer(),
  nextDueOn: Nullable(Day),
};

export const IntakeCaseSummary = Type.Object(caseFields);
export type IntakeCaseSummary = Static<typeof IntakeCaseSummary>;

export const IntakeCase = Type.Object({
  ...caseFields,
  archiveEnteredOn: Nullable(Day),
  steps: Type.Array(IntakeStep),
  meeting: Nullable(Meeting),
  agreement: Nullable(Agreement),
  history: Type.Array(IntakeEvent),
});
export type IntakeCase = Static<typeof IntakeCase>;

export const IntakeCaseList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(IntakeCaseSummary),
});
export type IntakeCaseList = Static<typeof IntakeCaseList>;

export const IntakeCaseQuery = Type.Object({
  status: Type.Optional(IntakeCaseStatus),
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  q: Type.Optional(Type.String({ maxLength: 50, description: 'retiree name or sending unit' })),
  overdue: Type.Optional(Type.Boolean({ description: 'only cases with overdue steps' })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  limit: Limit(500, 50),
  offset: Type.Optional(Offset),
});
export type IntakeCaseQuery = Static<typeof IntakeCaseQuery>;

export const IntakeCaseInput = Type.Object(
  {
    retireeId: Type.String({ minLength: 1, maxLength: 64 }),
    receivedOn: Day,
    sendingUnit: Type.String({ minLength: 1, maxLength: 100, description: '部队移交单位' }),
    placement: Type.Optional(Text(200)),
    pensionLevel: Type.Optional(Text(200)),
    ownerId: Type.Optional(Type.String({ maxLength: 64, description: 'caseworker in charge; default: you' })),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type IntakeCaseInput = Static<typeof IntakeCaseInput>;

export const IntakeCaseUpdate = Type.Object(
  {
    sendingUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    placement: Type.Optional(Text(200)),
    pensionLevel: Type.Optional(Text(200)),
    ownerId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type IntakeCaseUpdate = Static<typeof IntakeCaseUpdate>;

export const IntakeStepUpdate = Type.Object(
  {
    status: Type.Optional(IntakeStepStatus),
    doneOn: Type.Optional(Day),
    dueOn: Type.Optional(Day),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type IntakeStepUpdate = Static<typeof IntakeStepUpdate>;

export const IntakeCompleteInput = Type.Object(
  { completedOn: Type.Optional(Day) },
  { additionalProperties: false },
);
export type IntakeCompleteInput = Static<typeof IntakeCompleteInput>;

export const IntakeFieldError = Type.Object({
  error: Type.String(),
  message: Type.String(),
  fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  missing: Type.Optional(
    Type.Array(Type.Object({ step: IntakeStepKind, title: Type.String(), status: IntakeStepStatus })),
  ),
});
export type IntakeFieldError = Static<typeof IntakeFieldError>;

export const UploadName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });
