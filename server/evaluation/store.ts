/**
 * The evaluation records in SQL (7.1, 7.2): satisfaction surveys with their questions, responses and
 * answers; complaints and suggestions; improvement actions and the findings they name. Rows become the
 * API's shapes here; whether an item is overdue is counted against today's centre date, which the store
 * is given. Inside a transaction the service works through `in(tx)`.
 */

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import type {
  ActionQuery,
  ActionStatus,
  Feedback,
  FeedbackQuery,
  FeedbackStatus,
  ImprovementAction,
  ResponseSource,
  ResultsQuery,
  ServiceArea,
  Survey,
  SurveyResponseEntry,
} from '../schemas/evaluation.ts';
import { Filter } from '../store/filter.ts';
import { DayStore } from '../store/keeper.ts';
import { childrenBy, created, insertRecord, iso, isoRequired, type Selected } from '../store/rows.ts';
import type { Scope } from '../store/scope.ts';
import { type Answer, type AnswerRow, actionOverdue, feedbackOverdue, findingSummary } from './rules.ts';

type SurveyRow = Selected<Omit<Survey, 'questions'>>;

const selectSurvey = `select s.id, s.title, s.period, s.status, s.anonymous,
    s.service_areas as "serviceAreas", s.created_at as "createdAt",
    (select count(*)::int from survey_responses r where r.survey_id = s.id) as "responseCount",
    (select count(*)::int from survey_responses r where r.survey_id = s.id and r.source <> 'staff') as "selfAnswered",
    (select count(*)::int from survey_links l where l.survey_id = s.id and l.revoked_at is null) as "linkCount"
  from surveys s`;

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
  finding_kind: 'complaint' | 'survey' | 'text' | 'drill';
  feedback_id: string | null;
  drill_id: string | null;
  drill_scenario: string | null;
  drill_held_on: string | null;
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
    a.done_on::text as done_on, a.review_note, a.reviewed_by, a.reviewed_at, a.created_at,
    a.drill_id, d.scenario as drill_scenario, d.held_on::text as drill_held_on
  from improvement_actions a join users u on u.id = a.owner_id
  left join feedback_items f on f.id = a.feedback_id left join surveys s on s.id = a.survey_id
  left join emergency_drills d on d.id = a.drill_id`;

/** A complaint or suggestion as it is registered, with who registered it. */
type NewFeedback = Pick<
  Feedback,
  | 'id'
  | 'kind'
  | 'channel'
  | 'receivedOn'
  | 'fromName'
  | 'retireeId'
  | 'serviceArea'
  | 'content'
  | 'answerDueOn'
  | 'handlerId'
> & { createdBy: string };

export class EvaluationStore extends DayStore {
  in(tx: Queryable): EvaluationStore {
    return new EvaluationStore(tx, this.today);
  }

  // ----- satisfaction surveys (7.1.1) -----

  async surveys(): Promise<Survey[]> {
    const rows = await this.db.query<SurveyRow>(`${selectSurvey} order by s.period desc, s.created_at desc`);
    return this.withQuestions(rows);
  }

  /** One survey with its questions; 404 when there is none. */
  async survey(id: string): Promise<Survey> {
    const rows = await this.db.query<SurveyRow>(`${selectSurvey} where s.id = $1`, [uuidOr404(id, 'survey')]);
    const [survey] = await this.withQuestions(rows);
    if (!survey) throw notFound('survey');
    return survey;
  }

  private async withQuestions(rows: SurveyRow[]): Promise<Survey[]> {
    if (rows.length === 0) return [];
    const questions = await this.db.query<{
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
    return rows.map((row) =>
      created({
        ...row,
        questions: questions
          .filter((q) => q.survey_id === row.id)
          .map((q) => ({ id: q.id, position: Number(q.position), text: q.text, kind: q.kind })),
      }),
    );
  }

  /** A survey and its questions, numbered from 1 in the order given. */
  async addSurvey(
    survey: {
      id: string;
      title: string;
      period: string;
      anonymous: boolean;
      serviceAreas: ServiceArea[];
      createdBy: string;
    },
    questions: { text: string; kind: 'scale' | 'text' }[],
  ): Promise<void> {
    await insertRecord(this.db, 'surveys', survey);
    for (const [index, q] of questions.entries()) {
      await this.db.query(
        `insert into survey_questions (id, survey_id, position, text, kind) values ($1, $2, $3, $4, $5)`,
        [randomUUID(), survey.id, index + 1, q.text, q.kind],
      );
    }
  }

  async closeSurvey(id: string): Promise<void> {
    await this.db.query(`update surveys set status = 'closed' where id = $1`, [id]);
  }

  /** One response with its answers (a second one of the retiree for the area is a unique violation). */
  async addResponse(
    response: {
      id: string;
      surveyId: string;
      retireeId: string | null;
      serviceArea: ServiceArea;
      respondedOn: string;
      source: ResponseSource;
      recordedBy: string | null;
    },
    answers: Answer[],
  ): Promise<void> {
    await insertRecord(this.db, 'survey_responses', response);
    for (const answer of answers) {
      await this.db.query(
        `insert into survey_answers (response_id, question_id, score, text) values ($1, $2, $3, $4)`,
        [response.id, answer.questionId, answer.score, answer.text],
      );
    }
  }

  /**
   * A survey's responses, newest first, each with its answers in the order of the questions. A
   * station's caseworker gets those of the station's retirees and those naming nobody.
   */
  async responses(surveyId: string, scope: Scope): Promise<SurveyResponseEntry[]> {
    const filter = new Filter().inScopeOrNone(scope, 'r.retiree_id').when('r.survey_id = ?', surveyId);
    const rows = await this.db.query<{
      id: string;
      retiree_id: string | null;
      retiree_name: string | null;
      service_area: ServiceArea;
      source: ResponseSource;
      responded_on: string;
      created_at: Date | string;
    }>(
      `select r.id, r.retiree_id, p.name as retiree_name, r.service_area, r.source,
              r.responded_on::text as responded_on, r.created_at
         from survey_responses r left join retirees p on p.id = r.retiree_id
        where ${filter.sql}
        order by r.created_at desc, r.id`,
      filter.params,
    );
    if (rows.length === 0) return [];
    const answers = await this.db.query<{
      response_id: string;
      questionId: string;
      score: number | null;
      text: string | null;
    }>(
      `select a.response_id, a.question_id as "questionId", a.score, a.text
         from survey_answers a join survey_questions q on q.id = a.question_id
        where a.response_id = any($1::uuid[])
        order by q.position`,
      [rows.map((row) => row.id)],
    );
    const answersOf = childrenBy(answers, 'response_id');
    return rows.map((row) => ({
      id: row.id,
      surveyId,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      source: row.source,
      serviceArea: row.service_area,
      respondedOn: row.responded_on,
      recordedAt: isoRequired(row.created_at),
      answers: answersOf(row.id),
    }));
  }

  /** Every answer the query selects, grouped for the results by period, then service area. */
  async answers(query: ResultsQuery): Promise<AnswerRow[]> {
    const filter = new Filter()
      .when('r.service_area = ?', query.serviceArea)
      .when('s.period = ?', query.period)
      .id('s.id', query.surveyId, 'survey');
    return this.db.query<AnswerRow>(
      `select r.id as response_id, r.service_area, s.period, s.id as survey_id, q.id as question_id,
              q.text as question_text, q.position, a.score, a.text
         from survey_answers a join survey_responses r on r.id = a.response_id
         join surveys s on s.id = r.survey_id join survey_questions q on q.id = a.question_id
        where ${filter.sql}
        order by s.period desc, r.service_area, s.created_at, q.position, r.created_at, r.id`,
      filter.params,
    );
  }

  // ----- complaints and suggestions (7.1.1) -----

  /**
   * Complaints and suggestions, newest first. A station caseworker sees those of the station's
   * retirees and those from no retiree in particular (anonymous, the public).
   */
  async feedbackList(query: FeedbackQuery, scope: Scope): Promise<Feedback[]> {
    const filter = new Filter()
      .inScopeOrNone(scope, 'f.retiree_id')
      .when('f.kind = ?', query.kind)
      .when('f.status = ?', query.status)
      .when('f.channel = ?', query.channel)
      .when('f.service_area = ?', query.serviceArea);
    const rows = await this.db.query<FeedbackRow>(
      `${selectFeedback} where ${filter.sql}
        order by f.received_on desc, f.created_at desc limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.toFeedback(rows);
  }

  /** One complaint or suggestion; 404 when there is none. */
  async feedback(id: string): Promise<Feedback> {
    const rows = await this.db.query<FeedbackRow>(`${selectFeedback} where f.id = $1`, [
      uuidOr404(id, 'complaint or suggestion'),
    ]);
    const [item] = await this.toFeedback(rows);
    if (!item) throw notFound('complaint or suggestion');
    return item;
  }

  private async toFeedback(rows: FeedbackRow[]): Promise<Feedback[]> {
    if (rows.length === 0) return [];
    const actions = await this.db.query<{ id: string; feedback_id: string }>(
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
      overdue: feedbackOverdue(row.status, row.answer_due_on, today),
      actionIds: actions.filter((a) => a.feedback_id === row.id).map((a) => a.id),
      createdAt: isoRequired(row.created_at),
    }));
  }

  async addFeedback(item: NewFeedback): Promise<void> {
    await insertRecord(this.db, 'feedback_items', item);
  }

  /** received → handling. */
  async handleFeedback(id: string): Promise<void> {
    await this.db.query(`update feedback_items set status = 'handling' where id = $1`, [id]);
  }

  /** handling → answered, with the answer, its date and who gave it. */
  async answerFeedback(id: string, answer: string, answeredOn: string, userId: string): Promise<void> {
    await this.db.query(
      `update feedback_items set status = 'answered', answer = $2, answered_on = $3, answered_by = $4 where id = $1`,
      [id, answer, answeredOn, userId],
    );
  }

  /** answered → closed. */
  async closeFeedback(id: string, note: string | null, at: Date): Promise<void> {
    await this.db.query(
      `update feedback_items set status = 'closed', close_note = $2, closed_at = $3 where id = $1`,
      [id, note, at],
    );
  }

  // ----- improvement actions (7.2) -----

  async actions(query: ActionQuery): Promise<ImprovementAction[]> {
    const filter = new Filter()
      .when('a.status = ?', query.status)
      .id('a.feedback_id', query.feedbackId, 'complaint or suggestion')
      .id('a.survey_id', query.surveyId, 'survey')
      .id('a.drill_id', query.drillId, 'drill')
      .id('a.owner_id', query.ownerId, 'owner');
    const rows = await this.db.query<ActionRow>(
      `${selectAction} where ${filter.sql} order by a.due_on, a.created_at limit 500`,
      filter.params,
    );
    const today = this.today();
    return rows.map((row) => toAction(row, today));
  }

  /** One improvement action; 404 when there is none. */
  async action(id: string): Promise<ImprovementAction> {
    const [row] = await this.db.query<ActionRow>(`${selectAction} where a.id = $1`, [
      uuidOr404(id, 'improvement action'),
    ]);
    if (!row) throw notFound('improvement action');
    return toAction(row, this.today());
  }

  /** The complaint or suggestion `id` names, with its service area; undefined when none. */
  async findingFeedback(id: string): Promise<{ id: string; service_area: ServiceArea | null } | undefined> {
    const [row] = await this.db.query<{ id: string; service_area: ServiceArea | null }>(
      `select id, service_area from feedback_items where id = $1`,
      [isUuid(id) ? id.toLowerCase() : null],
    );
    return row;
  }

  /** The emergency drill `id` names; undefined when none. */
  async findingDrill(id: string): Promise<{ id: string } | undefined> {
    const [row] = await this.db.query<{ id: string }>(`select id from emergency_drills where id = $1`, [
      isUuid(id) ? id.toLowerCase() : null,
    ]);
    return row;
  }

  /** The survey `id` names; undefined when none. */
  async findingSurvey(id: string): Promise<{ id: string } | undefined> {
    const [row] = await this.db.query<{ id: string }>(`select id from surveys where id = $1`, [
      isUuid(id) ? id.toLowerCase() : null,
    ]);
    return row;
  }

  async addAction(action: {
    id: string;
    title: string;
    description: string;
    findingKind: 'complaint' | 'survey' | 'text' | 'drill';
    feedbackId: string | null;
    surveyId: string | null;
    drillId: string | null;
    serviceArea: ServiceArea | null;
    findingText: string;
    ownerId: string;
    dueOn: string;
    createdBy: string;
  }): Promise<void> {
    await insertRecord(this.db, 'improvement_actions', action);
  }

  /** planned → doing. */
  async startAction(id: string): Promise<void> {
    await this.db.query(`update improvement_actions set status = 'doing' where id = $1`, [id]);
  }

  /** doing → done, with what was done. */
  async finishAction(id: string, result: string, doneOn: string): Promise<void> {
    await this.db.query(
      `update improvement_actions set status = 'done', result = $2, done_on = $3 where id = $1`,
      [id, result, doneOn],
    );
  }

  /** done → reviewed, with the review note. */
  async reviewAction(id: string, note: string, userId: string, at: Date): Promise<void> {
    await this.db.query(
      `update improvement_actions set status = 'reviewed', review_note = $2, reviewed_by = $3, reviewed_at = $4
        where id = $1`,
      [id, note, userId, at],
    );
  }
}

function toAction(row: ActionRow, today: string): ImprovementAction {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    finding: {
      kind: row.finding_kind,
      feedbackId: row.feedback_id,
      surveyId: row.survey_id,
      drillId: row.drill_id,
      serviceArea: row.service_area,
      text: row.finding_text,
      summary: findingSummary({
        kind: row.finding_kind,
        text: row.finding_text,
        serviceArea: row.service_area,
        feedbackKind: row.feedback_kind,
        feedbackContent: row.feedback_content,
        surveyTitle: row.survey_title,
        surveyPeriod: row.survey_period,
        drillScenario: row.drill_scenario,
        drillHeldOn: row.drill_held_on,
      }),
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
    overdue: actionOverdue(row.status, row.due_on, today),
    createdAt: isoRequired(row.created_at),
  };
}
