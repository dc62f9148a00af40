/**
 * Supervision and evaluation (7.1 监督评价) and continuous improvement (7.2 持续改进).
 * 7.1.1: opinions come through the suggestion box, the service window book, the public phone, the
 * online platform, meetings and satisfaction surveys. Surveys are scored 1–5 per question, answered
 * per retiree (or anonymously) for one service area, and summed per service area and period.
 * Complaints and suggestions go received → handling → answered → closed. 7.2: each improvement action
 * names the finding that caused it (a complaint or suggestion, a survey result, or words) and goes
 * planned → doing → done → reviewed. The rules are in ./rules.ts, the SQL in ./store.ts; this service
 * orders the checks, holds the transactions and keeps a station's caseworker to the station.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { Checks, REPLY_DAYS } from '../reception/checks.ts';
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
  ServiceArea,
  Survey,
  SurveyInput,
  SurveyResponse,
  SurveyResponseEntry,
  SurveyResponseInput,
} from '../schemas/evaluation.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isUniqueViolation } from '../store/rows.ts';
import { assertInScope, type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import {
  answerDue,
  checkActionDue,
  checkAnswers,
  checkArea,
  checkFinding,
  checkState,
  resultGroups,
  SERVICE_AREA_NAMES,
  SERVICE_AREAS,
} from './rules.ts';
import { EvaluationStore } from './store.ts';

export { SERVICE_AREA_NAMES, scoreStats } from './rules.ts';

export class EvaluationService extends RecordKeeper {
  private readonly checks = new Checks(this.db, this.clock);
  private readonly store = new EvaluationStore(this.db, () => this.today());

  // ----- satisfaction surveys (7.1.1) -----

  surveys(): Promise<Survey[]> {
    return this.store.surveys();
  }

  survey(id: string, db: Queryable = this.db): Promise<Survey> {
    return this.store.in(db).survey(id);
  }

  async createSurvey(input: SurveyInput, userId: string): Promise<Survey> {
    const id = randomUUID();
    const title = this.checks.text(input.title, 'title', '调查名称');
    const questions = input.questions.map((q, index) => ({
      text: this.checks.text(q.text, `questions[${index}].text`, '题目'),
      kind: q.kind,
    }));
    const serviceAreas = input.serviceAreas ?? [...SERVICE_AREAS];
    if (new Set(serviceAreas).size !== serviceAreas.length) {
      throw badRequest('serviceAreas: 服务领域重复 (an area is named twice)');
    }
    await this.db.transaction((tx) =>
      this.store.in(tx).addSurvey(
        {
          id,
          title,
          period: input.period,
          anonymous: input.anonymous ?? false,
          // In the register's order, whatever order they were ticked in.
          serviceAreas: SERVICE_AREAS.filter((area) => serviceAreas.includes(area)),
          createdBy: userId,
        },
        questions,
      ),
    );
    return this.survey(id);
  }

  /** open → closed: no more responses. */
  async closeSurvey(id: string): Promise<Survey> {
    const survey = await this.survey(id);
    if (survey.status !== 'open') throw conflict('调查已结束 (the survey is already closed)');
    await this.store.closeSurvey(survey.id);
    return this.survey(survey.id);
  }

  /**
   * One retiree's (or an anonymous) response for one service area, entered by staff (a paper form,
   * a visit). A scale question takes a score 1–5, a text question a text; each question at most
   * once; one response per retiree, survey and service area. An anonymous survey's response names
   * nobody; the area is one the survey asks about.
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
    if (survey.anonymous && input.retireeId) {
      throw badRequest('retireeId: 本调查不记名，答卷不填姓名 (an anonymous survey keeps no name)');
    }
    checkArea(survey, input.serviceArea);
    const retireeId = await this.retiree(input.retireeId, scope);
    const answers = checkAnswers(survey, input.answers);
    const id = randomUUID();
    try {
      await this.db.transaction((tx) =>
        this.store.in(tx).addResponse(
          {
            id,
            surveyId: survey.id,
            retireeId,
            serviceArea: input.serviceArea,
            respondedOn,
            source: 'staff',
            recordedBy: userId,
          },
          answers,
        ),
      );
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
      source: 'staff',
      serviceArea: input.serviceArea,
      respondedOn,
      answers,
    };
  }

  /**
   * A survey's responses one by one (7.1.1), newest first. A station's caseworker sees those of the
   * station's retirees and those naming nobody.
   */
  async responses(surveyId: string, scope: Scope = WHOLE_CENTRE): Promise<SurveyResponseEntry[]> {
    const survey = await this.store.findingSurvey(surveyId);
    if (!survey) throw notFound('survey');
    return this.store.responses(survey.id, scope);
  }

  /** The retiree named (none: anonymous), who must exist (400) and be within the scope (404). */
  private async retiree(id: string | null | undefined, scope: Scope): Promise<string | null> {
    if (id === undefined || id === null) return null;
    const retireeId = await this.checks.retiree(id, 'retireeId');
    await assertInScope(this.db, scope, retireeId);
    return retireeId;
  }

  /**
   * Results per service area and period (7.1): for each group the number of responses, the overall
   * score statistics over every scale answer, per question statistics and the free-text comments.
   */
  async results(query: ResultsQuery): Promise<ResultGroup[]> {
    return resultGroups(await this.store.answers(query));
  }

  // ----- complaints and suggestions (7.1.1) -----

  /**
   * Complaints and suggestions, newest first. A station caseworker sees those of the station's
   * retirees and those from no retiree in particular (anonymous, the public).
   */
  feedbackList(query: FeedbackQuery, scope: Scope = WHOLE_CENTRE): Promise<Feedback[]> {
    return this.store.feedbackList(query, scope);
  }

  /** One complaint or suggestion; 404 when it is of a retiree outside the scope. */
  async feedback(id: string, db: Queryable = this.db, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    const item = await this.store.in(db).feedback(id);
    if (item.retireeId) {
      try {
        await assertInScope(db, scope, item.retireeId);
      } catch {
        throw notFound('complaint or suggestion');
      }
    }
    return item;
  }

  /** Registers a complaint or suggestion, to be answered within `answerDays` (by default the centre's reply deadline). */
  async createFeedback(input: FeedbackInput, userId: string, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    const receivedOn = this.checks.notFuture(input.receivedOn ?? this.today(), 'receivedOn');
    const retireeId = await this.retiree(input.retireeId, scope);
    const handlerId = input.handlerId ? await this.checks.staffUser(input.handlerId, 'handlerId') : userId;
    const id = randomUUID();
    await this.store.addFeedback({
      id,
      kind: input.kind,
      channel: input.channel,
      receivedOn,
      fromName: input.fromName?.trim() ?? '',
      retireeId,
      serviceArea: input.serviceArea ?? null,
      content: this.checks.text(input.content, 'content', '内容'),
      answerDueOn: answerDue(receivedOn, input.answerDays ?? (await this.deadlines.days(REPLY_DAYS))),
      handlerId,
      createdBy: userId,
    });
    return this.feedback(id, this.db, scope);
  }

  private async moveFeedback(
    id: string,
    from: FeedbackStatus,
    work: (store: EvaluationStore, item: Feedback) => Promise<void>,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<Feedback> {
    return this.db.transaction(async (tx) => {
      const item = await this.feedback(id, tx, scope);
      checkState(item.status, from);
      await work(this.store.in(tx), item);
      return this.feedback(item.id, tx);
    });
  }

  /** received → handling. */
  handleFeedback(id: string, scope: Scope = WHOLE_CENTRE): Promise<Feedback> {
    return this.moveFeedback(id, 'received', (store, item) => store.handleFeedback(item.id), scope);
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
      async (store, item) => {
        const answeredOn = this.checks.notFuture(input.answeredOn ?? this.today(), 'answeredOn');
        if (answeredOn < item.receivedOn) {
          throw badRequest(`answeredOn: 不能早于受理日期 ${item.receivedOn} (before it was received)`);
        }
        await store.answerFeedback(
          item.id,
          this.checks.text(input.answer, 'answer', '答复'),
          answeredOn,
          userId,
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
      (store, item) => store.closeFeedback(item.id, input.note?.trim() || null, this.clock()),
      scope,
    );
  }

  // ----- improvement actions (7.2) -----

  actions(query: ActionQuery): Promise<ImprovementAction[]> {
    return this.store.actions(query);
  }

  action(id: string, db: Queryable = this.db): Promise<ImprovementAction> {
    return this.store.in(db).action(id);
  }

  /**
   * An action and the finding that caused it: `complaint` names a complaint or suggestion, `survey`
   * names a survey (and optionally the service area whose result it answers), `drill` an emergency
   * drill whose findings it answers (5.1.7), `text` describes it.
   */
  async createAction(input: ImprovementActionInput, userId: string): Promise<ImprovementAction> {
    const finding = input.finding;
    checkFinding(finding);
    let feedbackId: string | null = null;
    let surveyId: string | null = null;
    let drillId: string | null = null;
    let serviceArea: ServiceArea | null = finding.serviceArea ?? null;
    if (finding.kind === 'complaint') {
      const row = await this.store.findingFeedback(finding.feedbackId as string);
      if (!row) throw badRequest('finding.feedbackId: 没有这条投诉或建议 (no such complaint or suggestion)');
      feedbackId = row.id;
      serviceArea = serviceArea ?? row.service_area;
    } else if (finding.kind === 'survey') {
      const row = await this.store.findingSurvey(finding.surveyId as string);
      if (!row) throw badRequest('finding.surveyId: 没有这项满意度调查 (no such survey)');
      surveyId = row.id;
    } else if (finding.kind === 'drill') {
      const row = await this.store.findingDrill(finding.drillId as string);
      if (!row) throw badRequest('finding.drillId: 没有这次应急演练 (no such drill)');
      drillId = row.id;
    }
    const dueOn = this.checks.date(input.dueOn, 'dueOn');
    checkActionDue(dueOn, this.today());
    const ownerId = input.ownerId ? await this.checks.staffUser(input.ownerId, 'ownerId') : userId;
    const id = randomUUID();
    await this.store.addAction({
      id,
      title: this.checks.text(input.title, 'title', '措施名称'),
      description: input.description?.trim() ?? '',
      findingKind: finding.kind,
      feedbackId,
      surveyId,
      drillId,
      serviceArea,
      findingText: finding.text?.trim() ?? '',
      ownerId,
      dueOn,
      createdBy: userId,
    });
    return this.action(id);
  }

  private async moveAction(
    id: string,
    from: ActionStatus,
    work: (store: EvaluationStore, action: ImprovementAction) => Promise<void>,
  ): Promise<ImprovementAction> {
    return this.db.transaction(async (tx) => {
      const store = this.store.in(tx);
      const action = await store.action(id);
      checkState(action.status, from);
      await work(store, action);
      return store.action(action.id);
    });
  }

  /** planned → doing. */
  startAction(id: string): Promise<ImprovementAction> {
    return this.moveAction(id, 'planned', (store, action) => store.startAction(action.id));
  }

  /** doing → done, with what was done. */
  finishAction(id: string, input: ActionDone): Promise<ImprovementAction> {
    return this.moveAction(id, 'doing', async (store, action) => {
      const doneOn = this.checks.notFuture(input.doneOn ?? this.today(), 'doneOn');
      await store.finishAction(action.id, this.checks.text(input.result, 'result', '完成情况'), doneOn);
    });
  }

  /** done → reviewed, with the review note (did it work?). */
  reviewAction(id: string, input: ActionReview, userId: string): Promise<ImprovementAction> {
    return this.moveAction(id, 'done', (store, action) =>
      store.reviewAction(action.id, this.checks.text(input.note, 'note', '复核意见'), userId, this.clock()),
    );
  }
}
