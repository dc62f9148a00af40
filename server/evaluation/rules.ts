/**
 * The rules of supervision and evaluation (7.1) and continuous improvement (7.2) that need no database:
 * survey scores and their statistics, which answers a survey takes, the results per service area and
 * period, when a complaint or an action is overdue, the finding an improvement action must name, and
 * the order of the states (received → handling → answered → closed; planned → doing → done →
 * reviewed). Today's date (the centre's) is an argument; refusals are the 400s and 409s the service
 * sends.
 */
import { addDays } from '../calendar.ts';
import { badRequest, conflict } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type {
  ActionStatus,
  FeedbackStatus,
  ImprovementActionInput,
  ResultGroup,
  ScoreStats,
  ServiceArea,
  Survey,
  SurveyResponseInput,
} from '../schemas/evaluation.ts';

export const SERVICE_AREA_NAMES: Record<ServiceArea, string> = {
  medical: '医疗',
  culture_sports: '文体',
  visits: '走访',
  monitoring: '监护',
  living: '生活待遇',
  political: '政治待遇',
  other: '其他',
};

/** The service areas in the register's order. */
export const SERVICE_AREAS = Object.keys(SERVICE_AREA_NAMES) as ServiceArea[];

/** 400 unless the survey asks about `area`. */
export function checkArea(survey: Pick<Survey, 'serviceAreas'>, area: ServiceArea): void {
  if (!survey.serviceAreas.includes(area)) {
    throw badRequest(
      `serviceArea: 本调查不涉及${SERVICE_AREA_NAMES[area]} (the survey does not ask about ${area})`,
    );
  }
}

/** Count, sum, exact average (half up to 2 decimals, in integers) and distribution of 1–5 scores. */
export function scoreStats(scores: number[]): ScoreStats {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let sum = 0;
  for (const score of scores) {
    sum += score;
    distribution[String(score) as keyof typeof distribution] += 1;
  }
  const count = scores.length;
  // round(sum / count, 2) half up without floating error: hundredths = floor((200·sum + count) / (2·count)).
  const average = count === 0 ? null : Math.floor((200 * sum + count) / (2 * count)) / 100;
  return { count, sum, average, distribution };
}

export interface Answer {
  questionId: string;
  score: number | null;
  text: string | null;
}

/**
 * The answers of one response, checked against the survey: each names one of its questions, at most
 * once; a scale question takes a score 1–5 and no text, a text question a text and no score.
 */
export function checkAnswers(
  survey: Pick<Survey, 'questions'>,
  answers: SurveyResponseInput['answers'],
): Answer[] {
  const seen = new Set<string>();
  return answers.map((answer, index) => {
    const field = `answers[${index}]`;
    const question = survey.questions.find(
      (q) => isUuid(answer.questionId) && q.id === answer.questionId.toLowerCase(),
    );
    if (!question) throw badRequest(`${field}.questionId: 本调查没有这道题 (not a question of this survey)`);
    if (seen.has(question.id)) throw badRequest(`${field}.questionId: 同一题只能回答一次 (answered twice)`);
    seen.add(question.id);
    if (question.kind === 'scale') {
      if (answer.score === undefined || answer.text !== undefined) {
        throw badRequest(`${field}.score: 评分题须给出1–5分 (a scale question takes a score 1–5)`);
      }
      return { questionId: question.id, score: answer.score, text: null };
    }
    const text = answer.text?.trim();
    if (!text || answer.score !== undefined) {
      throw badRequest(`${field}.text: 文字题须填写文字 (a text question takes a text)`);
    }
    return { questionId: question.id, score: null, text };
  });
}

/** One answer as the results read it, with its response, survey and question. */
export interface AnswerRow {
  response_id: string;
  service_area: ServiceArea;
  period: string;
  survey_id: string;
  question_id: string;
  question_text: string;
  position: number;
  score: number | null;
  text: string | null;
}

/**
 * Results per service area and period (7.1), in the order the answers come: for each group the number
 * of responses, the statistics over every scale answer, per question statistics and the comments.
 */
export function resultGroups(rows: readonly AnswerRow[]): ResultGroup[] {
  const groups = new Map<
    string,
    {
      serviceArea: ServiceArea;
      period: string;
      responses: Set<string>;
      scores: number[];
      questions: Map<string, { surveyId: string; questionId: string; text: string; scores: number[] }>;
      comments: string[];
    }
  >();
  for (const row of rows) {
    const key = `${row.period}|${row.service_area}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        serviceArea: row.service_area,
        period: row.period,
        responses: new Set(),
        scores: [],
        questions: new Map(),
        comments: [],
      };
      groups.set(key, group);
    }
    group.responses.add(row.response_id);
    if (row.score !== null) {
      const score = Number(row.score);
      group.scores.push(score);
      let question = group.questions.get(row.question_id);
      if (!question) {
        question = {
          surveyId: row.survey_id,
          questionId: row.question_id,
          text: row.question_text,
          scores: [],
        };
        group.questions.set(row.question_id, question);
      }
      question.scores.push(score);
    } else if (row.text !== null) {
      group.comments.push(row.text);
    }
  }
  return [...groups.values()].map((group) => ({
    serviceArea: group.serviceArea,
    period: group.period,
    responses: group.responses.size,
    overall: scoreStats(group.scores),
    questions: [...group.questions.values()].map(({ scores, ...question }) => ({
      ...question,
      ...scoreStats(scores),
    })),
    comments: group.comments,
  }));
}

/** The day a complaint or suggestion received on `receivedOn` is to be answered by. */
export function answerDue(receivedOn: string, answerDays: number): string {
  return addDays(receivedOn, answerDays);
}

/** A complaint or suggestion not yet answered past its answer date. */
export function feedbackOverdue(status: FeedbackStatus, answerDueOn: string, today: string): boolean {
  return (status === 'received' || status === 'handling') && answerDueOn < today;
}

/** An improvement action not yet done past its due date. */
export function actionOverdue(status: ActionStatus, dueOn: string, today: string): boolean {
  return (status === 'planned' || status === 'doing') && dueOn < today;
}

/** 409 unless the item is in the state the step starts from. */
export function checkState<S extends string>(status: S, from: S): void {
  if (status !== from) throw conflict(`状态不符 (status is ${status}, expected ${from})`);
}

/**
 * The finding an action names must be consistent: a complaint (or suggestion) and no survey, a survey
 * and no complaint, or words and neither. Whether the named one exists is the store's to say.
 */
export function checkFinding(finding: ImprovementActionInput['finding']): void {
  if (finding.kind === 'complaint') {
    if (!finding.feedbackId || finding.surveyId || finding.drillId) {
      throw badRequest(
        'finding.feedbackId: 请指明引起本措施的投诉或建议 (a complaint or suggestion, and no survey)',
      );
    }
  } else if (finding.kind === 'survey') {
    if (!finding.surveyId || finding.feedbackId || finding.drillId) {
      throw badRequest('finding.surveyId: 请指明引起本措施的满意度调查 (a survey, and no complaint)');
    }
  } else if (finding.kind === 'drill') {
    if (!finding.drillId || finding.feedbackId || finding.surveyId) {
      throw badRequest('finding.drillId: 请指明发现问题的应急演练 (a drill, and no complaint or survey)');
    }
  } else {
    if (finding.feedbackId || finding.surveyId || finding.drillId) {
      throw badRequest(
        'finding: 文字说明的问题不关联投诉或调查 (a text finding names no complaint or survey)',
      );
    }
    if (!finding.text?.trim()) throw badRequest('finding.text: 请说明发现的问题 (describe the finding)');
  }
}

/** An improvement action is due today or later. */
export function checkActionDue(dueOn: string, today: string): void {
  if (dueOn < today) throw badRequest(`dueOn: 不能早于今天 (cannot be before today): ${dueOn}`);
}

const excerpt = (text: string, length = 60) => (text.length > length ? `${text.slice(0, length)}…` : text);

/** What an action's finding was, for a person: the complaint's opening words, the survey, or the words. */
export function findingSummary(finding: {
  kind: 'complaint' | 'survey' | 'text' | 'drill';
  text: string;
  drillScenario?: string | null;
  drillHeldOn?: string | null;
  serviceArea: ServiceArea | null;
  feedbackKind: 'complaint' | 'suggestion' | null;
  feedbackContent: string | null;
  surveyTitle: string | null;
  surveyPeriod: string | null;
}): string {
  if (finding.kind === 'complaint') {
    return `${finding.feedbackKind === 'suggestion' ? '建议' : '投诉'}：${excerpt(finding.feedbackContent ?? '')}`;
  }
  if (finding.kind === 'survey') {
    const area = finding.serviceArea ? `（${SERVICE_AREA_NAMES[finding.serviceArea]}）` : '';
    return `满意度调查《${finding.surveyTitle ?? ''}》${finding.surveyPeriod ?? ''}${area}`;
  }
  if (finding.kind === 'drill') {
    const found = finding.text ? `：${excerpt(finding.text)}` : '';
    return `应急演练 ${finding.drillHeldOn ?? ''}《${excerpt(finding.drillScenario ?? '')}》${found}`;
  }
  return finding.text;
}
