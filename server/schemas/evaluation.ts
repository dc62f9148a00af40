/**
 * Supervision and evaluation (7.1 监督评价): satisfaction surveys with results per service and period,
 * complaints and suggestions with their handling; continuous improvement (7.2 持续改进): improvement
 * actions linked to the findings that caused them.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Day, Limit, Literals, Nullable, NullableTimestamp, Timestamp } from './common.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

export const ServiceArea = Literals(
  ['medical', 'culture_sports', 'visits', 'monitoring', 'living', 'political', 'other'],
  {
    description:
      'medical 医疗; culture_sports 文体; visits 走访; monitoring 监护; living 生活待遇; political 政治待遇; other 其他',
  },
);
export type ServiceArea = Static<typeof ServiceArea>;

export const Period = Type.String({
  pattern: '^\\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$',
  description: 'a year (2026), half (2026-H1), quarter (2026-Q2) or month (2026-05)',
});

export const QuestionKind = Literals(['scale', 'text'], {
  description: 'scale: 1 (very unsatisfied) to 5 (very satisfied); text: free text',
});

export const SurveyQuestion = Type.Object({
  id: Type.String(),
  position: Type.Integer(),
  text: Type.String(),
  kind: QuestionKind,
});

export const Survey = Type.Object({
  id: Type.String(),
  title: Type.String(),
  period: Type.String(),
  status: Literals(['open', 'closed']),
  anonymous: Type.Boolean({
    description: 'the centre chose a survey without names: no response keeps whose it is',
  }),
  serviceAreas: Type.Array(ServiceArea, {
    description: 'the service areas the survey asks about; the phone page offers these',
  }),
  questions: Type.Array(SurveyQuestion),
  responseCount: Type.Integer(),
  selfAnswered: Type.Integer({
    description: 'responses given by retirees and families themselves on the phone page',
  }),
  linkCount: Type.Integer({ description: 'answer links issued and not revoked' }),
  createdAt: Timestamp,
});
export type Survey = Static<typeof Survey>;

export const SurveyInput = Type.Object(
  {
    title: Text(200, 1),
    period: Period,
    questions: Type.Array(
      Type.Object({ text: Text(500, 1), kind: QuestionKind }, { additionalProperties: false }),
      { minItems: 1, maxItems: 50 },
    ),
    anonymous: Type.Optional(
      Type.Boolean({ description: 'no response keeps whose it is (default false: responses are named)' }),
    ),
    serviceAreas: Type.Optional(
      Type.Array(ServiceArea, {
        minItems: 1,
        maxItems: 7,
        uniqueItems: true,
        description: 'the areas asked about (default every area)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SurveyInput = Static<typeof SurveyInput>;

export const SurveyResponseInput = Type.Object(
  {
    retireeId: Type.Optional(Nullable(Id, { description: 'null or absent: anonymous' })),
    serviceArea: ServiceArea,
    respondedOn: Type.Optional(Day),
    answers: Type.Array(
      Type.Object(
        {
          questionId: Id,
          score: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
          text: Type.Optional(Text(4000)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type SurveyResponseInput = Static<typeof SurveyResponseInput>;

export const ResponseSource = Literals(['staff', 'retiree', 'family'], {
  description:
    'staff: entered by staff (a paper form, a visit); retiree / family: answered on the phone page by the retiree or a family member',
});
export type ResponseSource = Static<typeof ResponseSource>;

export const SurveyResponse = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  retireeId: Nullable(Type.String()),
  source: ResponseSource,
  serviceArea: ServiceArea,
  respondedOn: Day,
  answers: Type.Array(
    Type.Object({
      questionId: Type.String(),
      score: Nullable(Type.Integer()),
      text: Nullable(Type.String()),
    }),
  ),
});
export type SurveyResponse = Static<typeof SurveyResponse>;

export const SurveyResponseEntry = Type.Object({
  ...SurveyResponse.properties,
  retireeName: Nullable(
    Type.String({ description: 'null: the response names nobody (an anonymous survey or answer)' }),
  ),
  recordedAt: Type.String({ format: 'date-time' }),
});
export type SurveyResponseEntry = Static<typeof SurveyResponseEntry>;

export const Respondent = Literals(['retiree', 'family'], {
  description: 'who answers through the link: the retiree, or a family member for the retiree',
});

export const SurveyLink = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  retireeId: Type.String(),
  retireeName: Type.String(),
  respondent: Respondent,
  familyUserId: Nullable(Type.String({ description: 'the family account a family link belongs to' })),
  path: Type.String({ description: 'the phone page, /q/<token>: the token is the key, keep it private' }),
  url: Nullable(Type.String({ description: 'the whole address when HUB_PUBLIC_URL is set' })),
  issuedAt: Timestamp,
  revokedAt: NullableTimestamp,
  answeredAreas: Type.Array(ServiceArea, {
    description: 'the areas answered through this link (whether, never what, for an anonymous survey)',
  }),
});
export type SurveyLink = Static<typeof SurveyLink>;

export const SurveyLinksInput = Type.Object(
  {
    retireeIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 5000,
        description: 'default: every retiree on the register in the caller’s reach who has no link yet',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SurveyLinksInput = Static<typeof SurveyLinksInput>;

/** An open survey as the family page lists it, with the family member's own link. */
export const FamilySurvey = Type.Object({
  surveyId: Type.String(),
  title: Type.String(),
  period: Type.String(),
  anonymous: Type.Boolean(),
  serviceAreas: Type.Array(ServiceArea),
  answeredAreas: Type.Array(ServiceArea),
  path: Type.String(),
});
export type FamilySurvey = Static<typeof FamilySurvey>;

export const Distribution = Type.Object(
  { '1': Type.Integer(), '2': Type.Integer(), '3': Type.Integer(), '4': Type.Integer(), '5': Type.Integer() },
  { description: 'how many answers gave each score' },
);

export const ScoreStats = Type.Object({
  count: Type.Integer({ description: 'scale answers counted' }),
  sum: Type.Integer(),
  average: Nullable(
    Type.Number({ description: 'sum / count rounded half up to 2 decimals; null when none' }),
  ),
  distribution: Distribution,
});
export type ScoreStats = Static<typeof ScoreStats>;

export const ResultGroup = Type.Object({
  serviceArea: ServiceArea,
  period: Type.String(),
  responses: Type.Integer(),
  overall: ScoreStats,
  questions: Type.Array(
    Type.Composite([
      Type.Object({ surveyId: Type.String(), questionId: Type.String(), text: Type.String() }),
      ScoreStats,
    ]),
  ),
  comments: Type.Array(Type.String(), { description: 'free-text answers' }),
});
export type ResultGroup = Static<typeof ResultGroup>;

export const ResultsQuery = Type.Object({
  serviceArea: Type.Optional(ServiceArea),
  period: Type.Optional(Period),
  surveyId: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ResultsQuery = Static<typeof ResultsQuery>;

export const FeedbackKind = Literals(['complaint', 'suggestion'], {
  description: 'complaint 投诉; suggestion 建议',
});
export const FeedbackChannel = Literals(['suggestion_box', 'window_book', 'phone', 'online', 'meeting'], {
  description:
    'suggestion_box 意见箱; window_book 服务窗口意见簿; phone 监督电话; online 网络平台; meeting 座谈会 (7.1.1)',
});
export const FeedbackStatus = Literals(['received', 'handling', 'answered', 'closed'], {
  description: 'received 已受理 → handling 处理中 → answered 已答复 → closed 已办结',
});
export type FeedbackStatus = Static<typeof FeedbackStatus>;

export const Feedback = Type.Object({
  id: Type.String(),
  kind: FeedbackKind,
  channel: FeedbackChannel,
  receivedOn: Day,
  fromName: Type.String(),
  retireeId: Nullable(Type.String()),
  retireeName: Nullable(Type.String()),
  serviceArea: Nullable(ServiceArea),
  content: Type.String(),
  answerDueOn: Day,
  handlerId: Type.String(),
  handlerName: Type.String(),
  status: FeedbackStatus,
  answer: Nullable(Type.String()),
  answeredOn: Nullable(Day),
  answeredBy: Nullable(Type.String()),
  closeNote: Nullable(Type.String()),
  closedAt: NullableTimestamp,
  overdue: Type.Boolean({ description: 'not answered and past the answer due date' }),
  actionIds: Type.Array(Type.String(), { description: 'improvement actions raised by it (7.2)' }),
  createdAt: Timestamp,
});
export type Feedback = Static<typeof Feedback>;

export const FeedbackInput = Type.Object(
  {
    kind: FeedbackKind,
    channel: FeedbackChannel,
    receivedOn: Type.Optional(Day),
    fromName: Type.Optional(Text(100)),
    retireeId: Type.Optional(Nullable(Id)),
    serviceArea: Type.Optional(Nullable(ServiceArea)),
    content: Text(8000, 1),
    answerDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'days to answer; 15 by default' }),
    ),
    handlerId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type FeedbackInput = Static<typeof FeedbackInput>;

export const FeedbackQuery = Type.Object({
  kind: Type.Optional(FeedbackKind),
  status: Type.Optional(FeedbackStatus),
  channel: Type.Optional(FeedbackChannel),
  serviceArea: Type.Optional(ServiceArea),
  limit: Limit(1000, 200),
});
export type FeedbackQuery = Static<typeof FeedbackQuery>;

export const FeedbackAnswer = Type.Object(
  { answer: Text(8000, 1), answeredOn: Type.Optional(Day) },
  { additionalProperties: false },
);
export type FeedbackAnswer = Static<typeof FeedbackAnswer>;

export const CloseNote = Type.Object({ note: Type.Optional(Text(2000)) }, { additionalProperties: false });
export type CloseNote = Static<typeof CloseNote>;

export const FindingKind = Literals(['complaint', 'survey', 'text', 'drill'], {
  description:
    'complaint: a complaint or suggestion; survey: a survey result; text: described in words; drill: an emergency drill (5.1.7)',
});
export const ActionStatus = Literals(['planned', 'doing', 'done', 'reviewed'], {
  description: 'planned 计划 → doing 实施中 → done 已完成 → reviewed 已复核',
});
export type ActionStatus = Static<typeof ActionStatus>;

export const Finding = Type.Object({
  kind: FindingKind,
  feedbackId: Nullable(Type.String()),
  surveyId: Nullable(Type.String()),
  drillId: Nullable(Type.String()),
  serviceArea: Nullable(ServiceArea),
  text: Type.String(),
  summary: Type.String({ description: 'what the finding was, for a person' }),
});

export const ImprovementAction = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  finding: Finding,
  ownerId: Type.String(),
  ownerName: Type.String(),
  dueOn: Day,
  status: ActionStatus,
  result: Nullable(Type.String()),
  doneOn: Nullable(Day),
  reviewNote: Nullable(Type.String()),
  reviewedBy: Nullable(Type.String()),
  reviewedAt: NullableTimestamp,
  overdue: Type.Boolean({ description: 'planned or doing and past its due date' }),
  createdAt: Timestamp,
});
export type ImprovementAction = Static<typeof ImprovementAction>;

export const ImprovementActionInput = Type.Object(
  {
    title: Text(200, 1),
    description: Type.Optional(Text(4000)),
    finding: Type.Object(
      {
        kind: FindingKind,
        feedbackId: Type.Optional(Id),
        surveyId: Type.Optional(Id),
        drillId: Type.Optional(Id),
        serviceArea: Type.Optional(ServiceArea),
        text: Type.Optional(Text(4000)),
      },
      { additionalProperties: false },
    ),
    ownerId: Type.Optional(Id),
    dueOn: Day,
  },
  { additionalProperties: false },
);
export type ImprovementActionInput = Static<typeof ImprovementActionInput>;

export const ActionQuery = Type.Object({
  status: Type.Optional(ActionStatus),
  feedbackId: Type.Optional(Type.String({ maxLength: 64 })),
  surveyId: Type.Optional(Type.String({ maxLength: 64 })),
  drillId: Type.Optional(Type.String({ maxLength: 64 })),
  ownerId: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ActionQuery = Static<typeof ActionQuery>;

export const ActionDone = Type.Object(
  { result: Text(4000, 1), doneOn: Type.Optional(Day) },
  { additionalProperties: false },
);
export type ActionDone = Static<typeof ActionDone>;

export const ActionReview = Type.Object({ note: Text(4000, 1) }, { additionalProperties: false });
export type ActionReview = Static<typeof ActionReview>;
