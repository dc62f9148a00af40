/**
 * Supervision and evaluation (7.1 监督评价) and continuous improvement (7.2 持续改进) under
 * /api/evaluation: staff read; caseworkers, supervisors and admins write. Family accounts never
 * reach it (the guard stops them).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { exportRoute, readErrors } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import {
  ActionDone,
  ActionQuery,
  ActionReview,
  CloseNote,
  Feedback,
  FeedbackAnswer,
  FeedbackInput,
  FeedbackQuery,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  ResultsQuery,
  Survey,
  SurveyInput,
  SurveyResponse,
  SurveyResponseInput,
} from '../schemas/evaluation.ts';
import { actionColumns, feedbackColumns, type ResultRow, resultColumns } from './export.ts';

const route = routeOptions('evaluation');
const improvementRoute = routeOptions('improvement');

export const evaluationRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { evaluation: service } = app;
  const surveys = { tags: ['evaluation'] };
  const feedback = { tags: ['evaluation'] };
  const actions = { tags: ['improvement'] };

  // ----- satisfaction surveys -----

  const surveyRecords = recordRoutes(app, route, {
    url: '/api/evaluation/surveys',
    record: Survey,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  surveyRecords.list({ summary: 'Satisfaction surveys (满意度调查)' }, () => service.surveys());
  surveyRecords.create(
    { summary: 'Create a survey for a period, with 1–5 scale and free-text questions', body: SurveyInput },
    (body, caller) => service.createSurvey(body, caller.id),
  );
  surveyRecords.one('One survey', (id) => service.survey(id));
  surveyRecords.on('close', { summary: 'Close a survey: no more responses' }, (id) =>
    service.closeSurvey(id),
  );
  surveyRecords.on(
    'responses',
    {
      summary: "A retiree's (or an anonymous) response for one service area",
      body: SurveyResponseInput,
      answer: SurveyResponse,
      code: 201,
    },
    (id, body, caller) => service.respond(id, body, caller.id, caller.scope),
  );

  app.get(
    '/api/evaluation/results',
    route('evaluation.read', {
      summary: 'Results per service area and period: responses, average, count and distribution',
      querystring: ResultsQuery,
      response: { 200: Type.Array(ResultGroup), ...readErrors },
    }),
    async (request) => {
      return service.results(request.query);
    },
  );

  exportRoute(app, '/api/evaluation/results/export.xlsx', {
    access: 'evaluation.read',
    schema: {
      ...surveys,
      summary: 'The results as an Excel workbook: one row per service area, period and question',
      querystring: ResultsQuery,
    },
    rows: async (query) => {
      const groups = await service.results(query);
      return groups.flatMap((group): ResultRow[] => [
        { group, question: null },
        ...group.questions.map((question) => ({ group, question })),
      ]);
    },
    workbook: {
      sheet: '满意度调查结果',
      columns: resultColumns,
      file: 'survey-results',
      name: '满意度调查结果',
    },
  });

  // ----- complaints and suggestions -----

  const feedbackRecords = recordRoutes(app, route, {
    url: '/api/evaluation/feedback',
    record: Feedback,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  feedbackRecords.list(
    { summary: 'Complaints and suggestions (投诉、建议)', query: FeedbackQuery },
    (query, caller) => service.feedbackList(query, caller.scope),
  );

  exportRoute(app, '/api/evaluation/feedback/export.xlsx', {
    access: 'evaluation.read',
    schema: {
      ...feedback,
      summary: 'Complaints and suggestions as an Excel workbook, same filters as the list',
      querystring: Type.Omit(FeedbackQuery, ['limit']),
    },
    rows: (query, scope) => service.feedbackList({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    workbook: {
      sheet: '投诉建议',
      columns: feedbackColumns,
      file: 'complaints-suggestions',
      name: '投诉与建议',
    },
  });

  feedbackRecords.create(
    {
      retiree: 'body',
      summary:
        'Register a complaint or suggestion; an answer is due in 15 days unless `answerDays` says otherwise',
      body: FeedbackInput,
    },
    (body, caller) => service.createFeedback(body, caller.id, caller.scope),
  );
  feedbackRecords.one('One complaint or suggestion', (id, caller) =>
    service.feedback(id, undefined, caller.scope),
  );
  feedbackRecords.on('handle', { summary: 'received → handling' }, (id, _, caller) =>
    service.handleFeedback(id, caller.scope),
  );
  feedbackRecords.on(
    'answer',
    { summary: 'handling → answered, with the answer', body: FeedbackAnswer },
    (id, body, caller) => service.answerFeedback(id, body, caller.id, caller.scope),
  );
  feedbackRecords.on('close', { summary: 'answered → closed', body: CloseNote }, (id, body, caller) =>
    service.closeFeedback(id, body, caller.scope),
  );

  // ----- improvement actions (7.2) -----

  const actionRecords = recordRoutes(app, improvementRoute, {
    url: '/api/evaluation/actions',
    record: ImprovementAction,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  actionRecords.list(
    {
      summary: 'Improvement actions (改进措施), by due date; filter by the finding that caused them',
      query: ActionQuery,
    },
    (query) => service.actions(query),
  );

  exportRoute(app, '/api/evaluation/actions/export.xlsx', {
    access: 'evaluation.read',
    schema: {
      ...actions,
      summary: 'Improvement actions as an Excel workbook, same filters as the list',
      querystring: ActionQuery,
    },
    rows: (query) => service.actions(query),
    workbook: { sheet: '改进措施', columns: actionColumns, file: 'improvement-actions', name: '改进措施' },
  });

  actionRecords.create(
    {
      summary:
        'An improvement action linked to its finding: a complaint or suggestion, a survey result, or words',
      body: ImprovementActionInput,
    },
    (body, caller) => service.createAction(body, caller.id),
  );
  actionRecords.one('One improvement action', (id) => service.action(id));
  actionRecords.on('start', { summary: 'planned → doing' }, (id) => service.startAction(id));
  actionRecords.on('done', { summary: 'doing → done, with what was done', body: ActionDone }, (id, body) =>
    service.finishAction(id, body),
  );
  actionRecords.on(
    'review',
    { summary: 'done → reviewed, with the review note', body: ActionReview },
    (id, body, caller) => service.reviewAction(id, body, caller.id),
  );
};
