/**
 * Supervision and evaluation (7.1 监督评价) and continuous improvement (7.2 持续改进) under
 * /api/evaluation: staff read; caseworkers, supervisors and admins write. Family accounts never
 * reach it (the guard stops them).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { exportRoute, readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { IdParams } from '../schemas/common.ts';
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
import { scopeOf } from '../store/scope.ts';
import { actionColumns, feedbackColumns, type ResultRow, resultColumns } from './export.ts';

const route = routeOptions('evaluation');
const improvementRoute = routeOptions('improvement');

export const evaluationRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { evaluation: service } = app;
  const surveys = { tags: ['evaluation'] };
  const feedback = { tags: ['evaluation'] };
  const actions = { tags: ['improvement'] };

  // ----- satisfaction surveys -----

  app.get(
    '/api/evaluation/surveys',
    route('evaluation.read', {
      summary: 'Satisfaction surveys (满意度调查)',
      response: { 200: Type.Array(Survey), ...readErrors },
    }),
    async () => {
      return service.surveys();
    },
  );

  app.post(
    '/api/evaluation/surveys',
    route('evaluation.write', {
      summary: 'Create a survey for a period, with 1–5 scale and free-text questions',
      body: SurveyInput,
      response: { 201: Survey, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await service.createSurvey(request.body, userId(request)));
    },
  );

  app.get(
    '/api/evaluation/surveys/:id',
    route('evaluation.read', {
      summary: 'One survey',
      params: IdParams,
      response: { 200: Survey, ...readErrors },
    }),
    async (request) => {
      return service.survey(request.params.id);
    },
  );

  app.post(
    '/api/evaluation/surveys/:id/close',
    route('evaluation.write', {
      summary: 'Close a survey: no more responses',
      params: IdParams,
      response: { 200: Survey, ...writeErrors },
    }),
    async (request) => {
      return service.closeSurvey(request.params.id);
    },
  );

  app.post(
    '/api/evaluation/surveys/:id/responses',
    route('evaluation.write', {
      summary: "A retiree's (or an anonymous) response for one service area",
      params: IdParams,
      body: SurveyResponseInput,
      response: { 201: SurveyResponse, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(
          await service.respond(request.params.id, request.body, userId(request), scopeOf(request.user!)),
        );
    },
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

  app.get(
    '/api/evaluation/feedback',
    route('evaluation.read', {
      summary: 'Complaints and suggestions (投诉、建议)',
      querystring: FeedbackQuery,
      response: { 200: Type.Array(Feedback), ...readErrors },
    }),
    async (request) => {
      return service.feedbackList(request.query, scopeOf(request.user!));
    },
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

  app.post(
    '/api/evaluation/feedback',
    route('evaluation.write', {
      retiree: 'body',
      summary:
        'Register a complaint or suggestion; an answer is due in 15 days unless `answerDays` says otherwise',
      body: FeedbackInput,
      response: { 201: Feedback, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(await service.createFeedback(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/evaluation/feedback/:id',
    route('evaluation.read', {
      summary: 'One complaint or suggestion',
      params: IdParams,
      response: { 200: Feedback, ...readErrors },
    }),
    async (request) => {
      return service.feedback(request.params.id, undefined, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/evaluation/feedback/:id/handle',
    route('evaluation.write', {
      summary: 'received → handling',
      params: IdParams,
      response: { 200: Feedback, ...writeErrors },
    }),
    async (request) => {
      return service.handleFeedback(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/evaluation/feedback/:id/answer',
    route('evaluation.write', {
      summary: 'handling → answered, with the answer',
      params: IdParams,
      body: FeedbackAnswer,
      response: { 200: Feedback, ...writeErrors },
    }),
    async (request) => {
      return service.answerFeedback(request.params.id, request.body, userId(request), scopeOf(request.user!));
    },
  );

  app.post(
    '/api/evaluation/feedback/:id/close',
    route('evaluation.write', {
      summary: 'answered → closed',
      params: IdParams,
      body: CloseNote,
      response: { 200: Feedback, ...writeErrors },
    }),
    async (request) => {
      return service.closeFeedback(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  // ----- improvement actions (7.2) -----

  app.get(
    '/api/evaluation/actions',
    improvementRoute('evaluation.read', {
      summary: 'Improvement actions (改进措施), by due date; filter by the finding that caused them',
      querystring: ActionQuery,
      response: { 200: Type.Array(ImprovementAction), ...readErrors },
    }),
    async (request) => {
      return service.actions(request.query);
    },
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

  app.post(
    '/api/evaluation/actions',
    improvementRoute('evaluation.write', {
      summary:
        'An improvement action linked to its finding: a complaint or suggestion, a survey result, or words',
      body: ImprovementActionInput,
      response: { 201: ImprovementAction, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await service.createAction(request.body, userId(request)));
    },
  );

  app.get(
    '/api/evaluation/actions/:id',
    improvementRoute('evaluation.read', {
      summary: 'One improvement action',
      params: IdParams,
      response: { 200: ImprovementAction, ...readErrors },
    }),
    async (request) => {
      return service.action(request.params.id);
    },
  );

  app.post(
    '/api/evaluation/actions/:id/start',
    improvementRoute('evaluation.write', {
      summary: 'planned → doing',
      params: IdParams,
      response: { 200: ImprovementAction, ...writeErrors },
    }),
    async (request) => {
      return service.startAction(request.params.id);
    },
  );

  app.post(
    '/api/evaluation/actions/:id/done',
    improvementRoute('evaluation.write', {
      summary: 'doing → done, with what was done',
      params: IdParams,
      body: ActionDone,
      response: { 200: ImprovementAction, ...writeErrors },
    }),
    async (request) => {
      return service.finishAction(request.params.id, request.body);
    },
  );

  app.post(
    '/api/evaluation/actions/:id/review',
    improvementRoute('evaluation.write', {
      summary: 'done → reviewed, with the review note',
      params: IdParams,
      body: ActionReview,
      response: { 200: ImprovementAction, ...writeErrors },
    }),
    async (request) => {
      return service.reviewAction(request.params.id, request.body, userId(request));
    },
  );
};
