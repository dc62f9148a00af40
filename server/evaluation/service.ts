/**
 * Supervision and evaluation (7.1 监督评价) and continuous improvement (7.2 持续改进).
 * 7.1.1: opinions come through the suggestion box, the service window book, the public phone, the
 * online platform, meetings and satisfaction surveys. Surveys are scored 1–5 per question, answered
 * per retiree (or anonymously) for one service area, and summed per service area and period.
 * Complaints and suggestions go received → handling → answered → closed. 7.2: each improvement action
 * names the finding that caused it (a complaint or suggestion, a survey result, or words) and goes
 * planned → doing → done → reviewed.
 */
import { randomUUID } from 'node:crypto';
import { addDays } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import { Checks, type Clock, DEFAULT_REPLY_DAYS } from '../reception/checks.ts';
import { iso, isoRequired, isUniqueViolation } from '../records/rows.ts';
import { assertInScope, inScope, type Scope, WHOLE_CENTRE } from '../records/scope.ts';
import type {
  ActionDone,
  ActionQuery,
  ActionReview,
  ActionStatus,
  CloseNote,
  Feedback,
  FeedbackAnswer,
  FeedbackInput,
  FeedbackQuery,
  FeedbackStatus,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  ResultsQuery,
  ScoreStats,
  ServiceArea,
  Survey,
  SurveyInput,
  SurveyResponse,
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

interface SurveyRow {
  id: string;
  title: string;
  period: string;
  status: 'open' | 'closed';
  created_at: Date | string;
  response_count: number | string;
}

interface FeedbackRow {
  id: string;
  kind: 'complaint' | 'suggestion';
  channel: Feedback['channel'];
  received_on: string;
  from_name: string;
  retiree_id: string | null;
  retiree_name: string | null;
  service_area: ServiceArea | null;
  content: string;
  answer_due_on: string;
  handler_id: string;
  handler_name: string;
  status: FeedbackStatus;
  answer: string | null;
  answered_on: string | null;
  answered_by: string | null;
  close_note: string | null;
  closed_at: Date | string | null;
  created_at: Date | string;
}

const selectFeedback = `select f.id, f.kind, f.channel, f.received_on::text as received_on, f.from_name, f.retiree_id,
    r.name as retiree_name, f.service_area, f.content, f.answer_due_on::text as answer_due_on, f.handler_id,
    u.display_name as handler_name, f.status, f.answer, f.answered_on::text as answered_on, f.answered_by,
    f.close_note, f.closed_at, f.created_at
  from feedback_items f left join retirees r on r.id = f.retiree_id join users u on u.id = f.handler_id`;

interface ActionRow {
  id: string;
  title: string;
  description: string;
  finding_kind: 'complaint' | 'survey' | 'text';
  feedback_id: string | null;
  feedback_kind: 'complaint' | 'suggestion' | null;
  feedback_content: string | null;
  survey_id: string | null;
  survey_title: string | null;
  survey_period: string | null;
  service_area: ServiceArea | null;
  finding_text: string;
  owner_id: string;
  owner_name: string;
  due_on: string;
  status: ActionStatus;
  result: string | null;
  done_on: string | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | string | null;
  created_at: Date | string;
}

const selectAction = `select a.id, a.title, a.description, a.finding_kind, a.feedback_id, f.kind as feedback_kind,
    f.content as feedback_content, a.survey_id, s.title as survey_title, s.period as survey_period, a.service_area,
    a.finding_text, a.owner_id, u.display_name as owner_name, a.due_on::text as due_on, a.status, a.result,
    a.done_on::text as done_on, a.review_note, a.reviewed_by, a.reviewed_at, a.created_at
  from improvement_actions a join users u on u.id = a.owner_id
  left join feedback_items f on f.id = a.feedback_id left join surveys s on s.id = a.survey_id`;

const excerpt = (text: string, length = 60) => (text.length > length ? `${text.slice(0, length)}…` : text);

export class EvaluationService {
  private readonly checks: Checks;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
  ) {
    this.checks = new Checks(db, clock);
  }

  today(): string {
    return this.checks.today();
  }

  // ----- satisfaction surveys (7.1.1) -----

  async surveys(): Promise<Survey[]> {
    const rows = await this.db.query<SurveyRow>(
      `select s.id, s.title, s.period, s.status, s.created_at,
              (select count(*) from survey_responses r where r.survey_id = s.id) as response_count
         from surveys s order by s.period desc, s.created_at desc`,
    );
    return this.withQuestions(rows);
  }

  async survey(id: string, db: Queryable = this.db): Promise<Survey> {
    const rows = await db.query<SurveyRow>(
      `select s.id, s.title, s.period, s.status, s.created_at,
              (select count(*) from survey_responses r where r.survey_id = s.id) as response_count
         from surveys s where s.id = $1`,
      [uuidOr404(id, 'survey')],
    );
    const [survey] = await this.withQuestions(rows, db);
    if (!survey) throw notFound('survey');
    return survey;
  }

  async createSurvey(input: SurveyInput, userId: string): Promise<Survey> {
    const id = randomUUID();
    const title = this.checks.text(input.title, 'title', '调查名称');
    const questions = input.questions.map((q, index) => ({
      text: this.checks.text(q.text, `questions[${index}].text`, '题目'),
      kind: q.kind,
    }));
    await this.db.transaction(async (tx) => {
      await tx.query(`insert into surveys (id, title, period, created_by) values ($1, $2, $3, $4)`, [
        id,
        title,
        input.period,
        userId,
      ]);
      for (const [index, q] of questions.entries()) {
        await tx.query(
          `insert into survey_questions (id, survey_id, position, text, kind) values ($1, $2, $3, $4, $5)`,
          [randomUUID(), id, index + 1, q.text, q.kind],
        );
      }
    });
    return this.survey(id);
  }

  /** open → closed: no more responses. */
  async closeSurvey(id: string): Promise<Survey> {
    const survey = await this.survey(id);
    if (survey.status !== 'open') throw conflict('调查已结束 (the survey is already closed)');
    await this.db.query(`update surveys set status = 'closed' where id = $1`, [survey.id]);
    return this.survey(survey.id);
  }

  /**
   * One retiree's (or an anonymous) response for one service area. A scale question takes a score
   * 1–5, a text question a text; each question at most once; one response per retiree, survey and
   * service area.
   */
  async respond(
    surveyId: string,
    input: SurveyResponseInput,
    userId: string,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<SurveyResponse> {
    const survey = await this.survey(surveyId);
    if (survey.status !== 'open') throw conflict('调查已结束，不再接收答卷 (the survey is closed)');
    const respondedOn = this.checks.notFuture(input.respondedOn ?? this.today(), 'respondedOn');
    const retireeId =
      input.retireeId === undefined || input.retireeId === null
        ? null
        : await this.checks.retiree(input.retireeId, 'retireeId');
    if (retireeId) await assertInScope(this.db, scope, retireeId);
    const seen = new Set<string>();
    const answers = input.answers.map((answer, index) => {
      const field = `answers[${index}]`;
      const question = survey.questions.find(
        (q) => isUuid(answer.questionId) && q.id === answer.questionId.toLowerCase(),
      );
      if (!question)
        throw badRequest(`${field}.questionId: 本调查没有这道题 (not a question of this survey)`);
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
    const id = randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `insert into survey_responses (id, survey_id, retiree_id, service_area, responded_on, recorded_by)
           values ($1, $2, $3, $4, $5, $6)`,
          [id, survey.id, retireeId, input.serviceArea, respondedOn, userId],
        );
        for (const answer of answers) {
          await tx.query(
            `insert into survey_answers (response_id, question_id, score, text) values ($1, $2, $3, $4)`,
            [id, answer.questionId, answer.score, answer.text],
          );
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(
          `该军休干部已就${SERVICE_AREA_NAMES[input.serviceArea]}答过本调查 (already answered for this service area)`,
        );
      }
      throw error;
    }
    return {
      id,
      surveyId: survey.id,
      retireeId,
      serviceArea: input.serviceArea,
      respondedOn,
      answers,
    };
  }

  /**
   * Results per service area and period (7.1): for each group the number of responses, the overall
   * score statistics over every scale answer, per question statistics and the free-text comments.
   */
  async results(query: ResultsQuery): Promise<ResultGroup[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.serviceArea) {
      params.push(query.serviceArea);
      where.push(`r.service_area = $${params.length}`);
    }
    if (query.period) {
      params.push(query.period);
      where.push(`s.period = $${params.length}`);
    }
    if (query.surveyId) {
      params.push(uuidOr404(query.surveyId, 'survey'));
      where.push(`s.id = $${params.length}`);
    }
    const rows = await this.db.query<{
      response_id: string;
      service_area: ServiceArea;
      period: string;
      survey_id: string;
      question_id: string;
      question_text: string;
      position: number;
      score: number | null;
      text: string | null;
    }>(
      `select r.id as response_id, r.service_area, s.period, s.id as survey_id, q.id as question_id,
              q.text as question_text, q.position, a.score, a.text
         from survey_answers a join survey_responses r on r.id = a.response_id
         join surveys s on s.id = r.survey_id join survey_questions q on q.id = a.question_id
        ${where.length ? `where ${where.join(' and ')}` : ''}
        order by s.period desc, r.service_area, s.created_at, q.position, r.created_at, r.id`,
      params,
    );
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

  private async withQuestions(rows: SurveyRow[], db: Queryable = this.db): Promise<Survey[]> {
    if (rows.length === 0) return [];
    const questions = await db.query<{
      id: string;
      survey_id: string;
      position: number;
      text: string;
      kind: 'scale' | 'text';
    }>(
      `select id, survey_id, position, text, kind from survey_questions
        where survey_id = any($1::uuid[]) order by position`,
      [rows.map((row) => row.id)],
    );
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      period: row.period,
      status: row.status,
      questions: questions
        .filter((q) => q.survey_id === row.id)
        .map((q) => ({ id: q.id, position: Number(q.position), text: q.text, kind: q.kind })),
      responseCount: Number(row.response_count),
      createdAt: isoRequired(row.created_at),
    }));
  }

  // ----- complaints and suggestions (7.1.1) -----

  /**
   * Complaints and suggestions, newest first. A station caseworker sees those of the station's
   * retirees and those from no retiree in particular (anonymous, the public).
   */
  async feedbackList(query: FeedbackQuery, scope: Scope = WHOLE_CENTRE): Promise<Feedback[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (scope.station !== null)
      where.push(`(f.retiree_id is null or ${inScope(scope, 'f.retiree_id', params)})`);
    for (const [column, value] of [
      ['f.kind', query.kind],
      ['f.status', query.status],
      ['f.channel', query.channel],
      ['f.service_area', query.serviceArea],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(query.limit ?? 200);
    const rows = await this.db.query<FeedbackRow>(
      `${selectFeedback} ${where.length ? `where ${where.join(' and ')}` : ''}
        order by f.received_on desc, f.created_at desc limit $${params.length}`,
      params,
    );
    return this.toFeedback(rows);
  }

  async feedback(id: string, db: Queryable = this.db, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    const rows = await db.query<FeedbackRow>(`${selectFeedback} where f.id = $1`, [
      uuidOr404(id, 'complaint or suggestion'),
    ]);
    const [item] = await this.toFeedback(rows, db);
    if (!item) throw notFound('complaint or suggestion');
    if (item.retireeId) {
      try {
        await assertInScope(db, scope, item.retireeId);
      } catch {
        throw notFound('complaint or suggestion');
      }
    }
    return item;
  }

  /** Registers a complaint or suggestion, to be answered within `answerDays` (15 by default). */
  async createFeedback(input: FeedbackInput, userId: string, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    const receivedOn = this.checks.notFuture(input.receivedOn ?? this.today(), 'receivedOn');
    const retireeId =
      input.retireeId === undefined || input.retireeId === null
        ? null
        : await this.checks.retiree(input.retireeId, 'retireeId');
    if (retireeId) await assertInScope(this.db, scope, retireeId);
    const handlerId = input.handlerId ? await this.checks.staffUser(input.handlerId, 'handlerId') : userId;
    const id = randomUUID();
    await this.db.query(
      `insert into feedback_items (id, kind, channel, received_on, from_name, retiree_id, service_area, content,
         answer_due_on, handler_id, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        input.kind,
        input.channel,
        receivedOn,
        input.fromName?.trim() ?? '',
        retireeId,
        input.serviceArea ?? null,
        this.checks.text(input.content, 'content', '内容'),
        addDays(receivedOn, input.answerDays ?? DEFAULT_REPLY_DAYS),
        handlerId,
        userId,
      ],
    );
    return this.feedback(id, this.db, scope);
  }

  private async moveFeedback(
    id: string,
    from: FeedbackStatus,
    work: (tx: Queryable, item: Feedback) => Promise<void>,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<Feedback> {
    return this.db.transaction(async (tx) => {
      const item = await this.feedback(id, tx, scope);
      if (item.status !== from) {
        throw conflict(`状态不符 (status is ${item.status}, expected ${from})`);
      }
      await work(tx, item);
      return this.feedback(item.id, tx);
    });
  }

  /** received → handling. */
  handleFeedback(id: string, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    return this.moveFeedback(
      id,
      'received',
      async (tx, item) => {
        await tx.query(`update feedback_items set status = 'handling' where id = $1`, [item.id]);
      },
      scope,
    );
  }

  /** handling → answered, with the answer, its date and who gave it. */
  answerFeedback(
    id: string,
    input: FeedbackAnswer,
    userId: string,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<Feedback> {
    return this.moveFeedback(
      id,
      'handling',
      async (tx, item) => {
        const answeredOn = this.checks.notFuture(input.answeredOn ?? this.today(), 'answeredOn');
        if (answeredOn < item.receivedOn) {
          throw badRequest(`answeredOn: 不能早于受理日期 ${item.receivedOn} (before it was received)`);
        }
        await tx.query(
          `update feedback_items set status = 'answered', answer = $2, answered_on = $3, answered_by = $4 where id = $1`,
          [item.id, this.checks.text(input.answer, 'answer', '答复'), answeredOn, userId],
        );
      },
      scope,
    );
  }

  /** answered → closed. */
  closeFeedback(id: string, input: CloseNote, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    return this.moveFeedback(
      id,
      'answered',
      async (tx, item) => {
        await tx.query(
          `update feedback_items set status = 'closed', close_note = $2, closed_at = $3 where id = $1`,
          [item.id, input.note?.trim() || null, this.clock()],
        );
      },
      scope,
    );
  }

  private async toFeedback(rows: FeedbackRow[], db: Queryable = this.db): Promise<Feedback[]> {
    if (rows.length === 0) return [];
    const actions = await db.query<{ id: string; feedback_id: string }>(
      `select id, feedback_id from improvement_actions where feedback_id = any($1::uuid[]) order by created_at, id`,
      [rows.map((row) => row.id)],
    );
    const today = this.today();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      channel: row.channel,
      receivedOn: row.received_on,
      fromName: row.from_name,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      serviceArea: row.service_area,
      content: row.content,
      answerDueOn: row.answer_due_on,
      handlerId: row.handler_id,
      handlerName: row.handler_name,
      status: row.status,
      answer: row.answer,
      answeredOn: row.answered_on,
      answeredBy: row.answered_by,
      closeNote: row.close_note,
      closedAt: iso(row.closed_at),
      overdue: (row.status === 'received' || row.status === 'handling') && row.answer_due_on < today,
      actionIds: actions.filter((a) => a.feedback_id === row.id).map((a) => a.id),
      createdAt: isoRequired(row.created_at),
    }));
  }

  // ----- improvement actions (7.2) -----

  async actions(query: ActionQuery): Promise<ImprovementAction[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) {
      params.push(query.status);
      where.push(`a.status = $${params.length}`);
    }
    for (const [column, value, what] of [
      ['a.feedback_id', query.feedbackId, 'complaint or suggestion'],
      ['a.survey_id', query.surveyId, 'survey'],
      ['a.owner_id', query.ownerId, 'owner'],
    ] as const) {
      if (value === undefined) continue;
      params.push(uuidOr404(value, what));
      where.push(`${column} = $${params.length}`);
    }
    const rows = await this.db.query<ActionRow>(
      `${selectAction} ${where.length ? `where ${where.join(' and ')}` : ''} order by a.due_on, a.created_at limit 500`,
      params,
    );
    const today = this.today();
    return rows.map((row) => this.toAction(row, today));
  }

  async action(id: string, db: Queryable = this.db): Promise<ImprovementAction> {
    const [row] = await db.query<ActionRow>(`${selectAction} where a.id = $1`, [
      uuidOr404(id, 'improvement action'),
    ]);
    if (!row) throw notFound('improvement action');
    return this.toAction(row, this.today());
  }

  /**
   * An action and the finding that caused it: `complaint` names a complaint or suggestion, `survey`
   * names a survey (and optionally the service area whose result it answers), `text` describes it.
   */
  async createAction(input: ImprovementActionInput, userId: string): Promise<ImprovementAction> {
    const finding = input.finding;
    let feedbackId: string | null = null;
    let surveyId: string | null = null;
    let serviceArea: ServiceArea | null = finding.serviceArea ?? null;
    const text = finding.text?.trim() ?? '';
    if (finding.kind === 'complaint') {
      if (!finding.feedbackId || finding.surveyId) {
        throw badRequest(
          'finding.feedbackId: 请指明引起本措施的投诉或建议 (a complaint or suggestion, and no survey)',
        );
      }
      const [row] = await this.db.query<{ id: string; service_area: ServiceArea | null }>(
        `select id, service_area from feedback_items where id = $1`,
        [isUuid(finding.feedbackId) ? finding.feedbackId.toLowerCase() : null],
      );
      if (!row) throw badRequest('finding.feedbackId: 没有这条投诉或建议 (no such complaint or suggestion)');
      feedbackId = row.id;
      serviceArea = serviceArea ?? row.service_area;
    } else if (finding.kind === 'survey') {
      if (!finding.surveyId || finding.feedbackId) {
        throw badRequest('finding.surveyId: 请指明引起本措施的满意度调查 (a survey, and no complaint)');
      }
      const [row] = await this.db.query<{ id: string }>(`select id from surveys where id = $1`, [
        isUuid(finding.surveyId) ? finding.surveyId.toLowerCase() : null,
      ]);
      if (!row) throw badRequest('finding.surveyId: 没有这项满意度调查 (no such survey)');
      surveyId = row.id;
    } else {
      if (finding.feedbackId || finding.surveyId) {
        throw badRequest(
          'finding: 文字说明的问题不关联投诉或调查 (a text finding names no complaint or survey)',
        );
      }
      if (!text) throw badRequest('finding.text: 请说明发现的问题 (describe the finding)');
    }
    const dueOn = this.checks.date(input.dueOn, 'dueOn');
    if (dueOn < this.today()) throw badRequest(`dueOn: 不能早于今天 (cannot be before today): ${dueOn}`);
    const ownerId = input.ownerId ? await this.checks.staffUser(input.ownerId, 'ownerId') : userId;
    const id = randomUUID();
    await this.db.query(
      `insert into improvement_actions (id, title, description, finding_kind, feedback_id, survey_id, service_area,
         finding_text, owner_id, due_on, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        this.checks.text(input.title, 'title', '措施名称'),
        input.description?.trim() ?? '',
        finding.kind,
        feedbackId,
        surveyId,
        serviceArea,
        text,
        ownerId,
        dueOn,
        userId,
      ],
    );
    return this.action(id);
  }

  private async moveAction(
    id: string,
    from: ActionStatus,
    work: (tx: Queryable, action: ImprovementAction) => Promise<void>,
  ): Promise<ImprovementAction> {
    return this.db.transaction(async (tx) => {
      const action = await this.action(id, tx);
      if (action.status !== from) {
        throw conflict(`状态不符 (status is ${action.status}, expected ${from})`);
      }
      await work(tx, action);
      return this.action(action.id, tx);
    });
  }

  /** planned → doing. */
  startAction(id: string): Promise<ImprovementAction> {
    return this.moveAction(id, 'planned', async (tx, action) => {
      await tx.query(`update improvement_actions set status = 'doing' where id = $1`, [action.id]);
    });
  }

  /** doing → done, with what was done. */
  finishAction(id: string, input: ActionDone): Promise<ImprovementAction> {
    return this.moveAction(id, 'doing', async (tx, action) => {
      const doneOn = this.checks.notFuture(input.doneOn ?? this.today(), 'doneOn');
      await tx.query(
        `update improvement_actions set status = 'done', result = $2, done_on = $3 where id = $1`,
        [action.id, this.checks.text(input.result, 'result', '完成情况'), doneOn],
      );
    });
  }

  /** done → reviewed, with the review note (did it work?). */
  reviewAction(id: string, input: ActionReview, userId: string): Promise<ImprovementAction> {
    return this.moveAction(id, 'done', async (tx, action) => {
      await tx.query(
        `update improvement_actions set status = 'reviewed', review_note = $2, reviewed_by = $3, reviewed_at = $4
          where id = $1`,
        [action.id, this.checks.text(input.note, 'note', '复核意见'), userId, this.clock()],
      );
    });
  }

  private toAction(row: ActionRow, today: string): ImprovementAction {
    const area = row.service_area ? `（${SERVICE_AREA_NAMES[row.service_area]}）` : '';
    let summary = row.finding_text;
    if (row.finding_kind === 'complaint') {
      summary = `${row.feedback_kind === 'suggestion' ? '建议' : '投诉'}：${excerpt(row.feedback_content ?? '')}`;
    } else if (row.finding_kind === 'survey') {
      summary = `满意度调查《${row.survey_title ?? ''}》${row.survey_period ?? ''}${area}`;
    }
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      finding: {
        kind: row.finding_kind,
        feedbackId: row.feedback_id,
        surveyId: row.survey_id,
        serviceArea: row.service_area,
        text: row.finding_text,
        summary,
      },
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      dueOn: row.due_on,
      status: row.status,
      result: row.result,
      doneOn: row.done_on,
      reviewNote: row.review_note,
      reviewedBy: row.reviewed_by,
      reviewedAt: iso(row.reviewed_at),
      overdue: (row.status === 'planned' || row.status === 'doing') && row.due_on < today,
      createdAt: isoRequired(row.created_at),
    };
  }
}
