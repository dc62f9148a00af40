/**
 * What retirees contribute (6.9 发挥军休干部优势和作用): the volunteer, think-tank and community political
 * commissar register with skills, availability and service hours (6.9.2.1–6.9.2.3), and oral history
 * with audio and transcript files (6.9.2.4).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, RetireeNamed, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const ContributionKind = Literals(['volunteer', 'think_tank', 'community_commissar'], {
  description:
    'volunteer 志愿服务 (6.9.2.1), think_tank 军休智库 (6.9.2.2), community_commissar 社区政治指导员 / 社区政委 (6.9.2.3)',
});
export type ContributionKind = Static<typeof ContributionKind>;

export const Contribution = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  kind: ContributionKind,
  kindName: Type.String(),
  skills: Type.Array(Type.String()),
  availability: Type.String(),
  startedOn: Day,
  endedOn: Nullable(Day),
  endReason: Nullable(Type.String()),
  active: Type.Boolean(),
  notes: Type.String(),
  totalHours: Type.Number({ description: 'service hours logged, in hours (one decimal)' }),
  createdAt: Timestamp,
});
export type Contribution = Static<typeof Contribution>;

export const ContributionInput = Type.Object(
  {
    retireeId: Id,
    kind: ContributionKind,
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 })),
    availability: Type.Optional(Type.String({ maxLength: 200 })),
    startedOn: Day,
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ContributionInput = Static<typeof ContributionInput>;

export const ContributionEnd = Type.Object(
  { endedOn: Day, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type ContributionEnd = Static<typeof ContributionEnd>;

export const ContributionQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  kind: Type.Optional(ContributionKind),
  active: Type.Optional(Type.Boolean()),
  skill: Type.Optional(Type.String({ maxLength: 50, description: 'entries with this skill' })),
  limit: Limit(1000, 200),
});
export type ContributionQuery = Static<typeof ContributionQuery>;

export const ServiceHours = Type.Object({
  id: Type.String(),
  contributionId: Type.String(),
  retireeId: Type.String(),
  servedOn: Day,
  hours: Type.Number(),
  activity: Type.String(),
  recordedBy: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type ServiceHours = Static<typeof ServiceHours>;

export const ServiceHoursInput = Type.Object(
  {
    servedOn: Day,
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 24, multipleOf: 0.5 }),
    activity: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ServiceHoursInput = Static<typeof ServiceHoursInput>;

export const OralHistoryFileKind = Literals(['audio', 'transcript'], {
  description: 'audio 录音 (MP3, M4A, WAV, OGG); transcript 整理稿 (PDF, or a scan as JPEG/PNG)',
});
export type OralHistoryFileKind = Static<typeof OralHistoryFileKind>;

export const OralHistoryFile = Type.Object({
  attachmentId: Type.String(),
  kind: OralHistoryFileKind,
  name: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  addedAt: Timestamp,
});
export type OralHistoryFile = Static<typeof OralHistoryFile>;

export const OralHistory = Type.Object({
  id: Type.String(),
  ...RetireeNamed,
  title: Type.String(),
  interviewer: Type.String(),
  interviewedOn: Day,
  summary: Type.String(),
  transcript: Type.String(),
  files: Type.Array(OralHistoryFile),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type OralHistory = Static<typeof OralHistory>;

export const OralHistoryInput = Type.Object(
  {
    retireeId: Id,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    interviewer: Type.String({ minLength: 1, maxLength: 100 }),
    interviewedOn: Day,
    summary: Type.Optional(Type.String({ maxLength: 4000 })),
    transcript: Type.Optional(Type.String({ maxLength: 200_000 })),
  },
  { additionalProperties: false },
);
export type OralHistoryInput = Static<typeof OralHistoryInput>;

export const OralHistoryUpdate = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    interviewer: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    interviewedOn: Type.Optional(Day),
    summary: Type.Optional(Type.String({ maxLength: 4000 })),
    transcript: Type.Optional(Type.String({ maxLength: 200_000 })),
  },
  { additionalProperties: false },
);
export type OralHistoryUpdate = Static<typeof OralHistoryUpdate>;

export const OralHistoryQuery = Type.Object({
  retireeId: Type.Optional(Type.String({ maxLength: 64 })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'words in the title, summary or transcript' })),
  limit: Limit(1000, 200),
});
export type OralHistoryQuery = Static<typeof OralHistoryQuery>;

export const FileUploadQuery = Type.Object({
  kind: OralHistoryFileKind,
  name: Type.String({ minLength: 1, maxLength: 200 }),
});
export type FileUploadQuery = Static<typeof FileUploadQuery>;

export const FileParams = Type.Object({ id: Id, attachmentId: Id });
export type FileParams = Static<typeof FileParams>;
