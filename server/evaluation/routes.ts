/**
 * Supervision and evaluation (7.1 监督评价) and continuous improvement (7.2 持续改进) under
 * /api/evaluation: staff read; caseworkers, supervisors and admins write. Family accounts never
 * reach it (the guard stops them).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { conflict } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { exportRoute, readErrors, refusals } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { sendPdf } from '../print/document.ts';
import type { CardFont } from '../print/font.ts';
import { fontOr503 } from '../print/font.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import * as schema from '../schemas/evaluation.ts';
import { scopeOf } from '../store/scope.ts';
import { actionColumns, feedbackColumns, type ResultRow, resultColumns } from './export.ts';
import type { SurveyLinks } from './links.ts';
import { renderSlips } from './slips.ts';

const route = routeOptions('evaluation');
const improvementRoute = routeOptions('improvement');

export const evaluationRoutes: FastifyPluginAsyncTypebox<
  AreaOptions & { links: SurveyLinks; font: CardFont | null }
> = async (app, { hub, links, font }) => {
  const { evaluation: service } = app;

  // ----- satisfaction surveys -----

  const surveyRecords = recordRoutes(app, route, {
    url: '/api/evaluation/surveys',
    record: schema.Survey,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  surveyRecords.list({ summary: 'Satisfaction surveys (满意度调查)' }, () => service.surveys());
  surveyRecords.create(
    {
      summary: 'Create a survey for a period, with 1–5 scale and free-text questions',
      body: schema.SurveyInput,
    },
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
      body: schema.SurveyResponseInput,
      answer: schema.SurveyResponse,
      code: 201,
    },
    (id, body, caller) => service.respond(id, body, caller.id, caller.scope),
  );

  surveyRecords.on(
    'responses',
    {
      method: 'get',
      summary:
        "The survey's responses one by one, newest first: who answered (unless anonymous), how, and what",
      answer: Type.Array(schema.SurveyResponseEntry),
    },
    (id, _query, caller) => service.responses(id, caller.scope),
  );

  // ----- answer links: the survey answered by retirees and families on a phone page -----

  surveyRecords.on(
    'links',
    {
      access: 'evaluation.write',
      summary:
        'Issue answer links: for the retirees named, or every retiree on the register in reach who has none yet',
      body: Type.Optional(schema.SurveyLinksInput),
      answer: Type.Array(schema.SurveyLink),
      code: 201,
    },
    (id, body, caller) => links.issue(id, body ?? {}, caller.scope, caller.id),
  );
  surveyRecords.on(
    'links',
    {
      method: 'get',
      access: 'evaluation.write',
      summary: "The survey's answer links (a link is a key: for those who hand them out)",
      answer: Type.Array(schema.SurveyLink),
    },
    (id, _query, caller) => links.list(id, caller.scope),
  );

  app.get(
    '/api/evaluation/surveys/:id/links/slips.pdf',
    route('evaluation.write', {
      summary: 'The live answer links as printed slips with a QR code each, eight to an A4 page',
      params: IdParams,
      produces: ['application/pdf'],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }),
        ...refusals(401, 403, 404, 409, 503),
      },
    }),
    async (request, reply) => {
      const survey = await service.survey(request.params.id);
      const live = (await links.list(survey.id, scopeOf(request.user!))).filter(
        (link) => link.revokedAt === null && link.respondent === 'retiree',
      );
      if (live.length === 0) throw conflict('还没有可打印的答卷链接，请先生成 (no links to print)');
      const print = fontOr503(font);
      // The address people outside reach the hub at; without HUB_PUBLIC_URL, the one this page came from.
      const base = hub.publicUrl ?? `${request.protocol}://${request.host}`;
      const pdf = await renderSlips(survey, live, base, hub.centre, print, new Date());
      return sendPdf(reply, pdf, 'survey-slips.pdf', `满意度调查答卷卡片-${survey.title}`);
    },
  );

  recordRoutes(app, route, {
    url: '/api/evaluation/survey-links',
    record: schema.SurveyLink,
    read: 'evaluation.write',
    write: 'evaluation.write',
  }).on(
    'revoke',
    { summary: 'Revoke an answer link: its page opens nothing from now on' },
    (id, _body, caller) => links.revoke(id, caller.scope),
  );

  app.get(
    '/api/family/surveys',
    route('family.read', {
      summary:
        "The open satisfaction surveys for the family's relative, each with the family member's own link to the phone page",
      response: { 200: Type.Array(schema.FamilySurvey), 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      const { retireeId } = await app.families.retireeFor(request.user!);
      return links.forFamily(request.user!.id, retireeId);
    },
  );

  app.get(
    '/api/evaluation/results',
    route('evaluation.read', {
      summary: 'Results per service area and period: responses, average, count and distribution',
      querystring: schema.ResultsQuery,
      response: { 200: Type.Array(schema.ResultGroup), ...readErrors },
    }),
    async (request) => {
      return service.results(request.query);
    },
  );

  exportRoute(app, '/api/evaluation/results/export.xlsx', {
    access: 'evaluation.read',
    schema: {
      tags: route.tags,
      summary: 'The results as an Excel workbook: one row per service area, period and question',
      querystring: schema.ResultsQuery,
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
    record: schema.Feedback,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  feedbackRecords.list(
    { summary: 'Complaints and suggestions (投诉、建议)', query: schema.FeedbackQuery },
    (query, caller) => service.feedbackList(query, caller.scope),
  );

  feedbackRecords.export(
    {
      summary: 'Complaints and suggestions as an Excel workbook, same filters as the list',
      query: Type.Omit(schema.FeedbackQuery, ['limit']),
    },
    (query, scope) => service.feedbackList({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    {
      sheet: '投诉建议',
      columns: feedbackColumns,
      file: 'complaints-suggestions',
      name: '投诉与建议',
    },
  );

  feedbackRecords.create(
    {
      retiree: 'body',
      summary:
        'Register a complaint or suggestion; an answer is due within the centre’s reply deadline (15 days unless changed) unless `answerDays` says otherwise',
      body: schema.FeedbackInput,
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
    { summary: 'handling → answered, with the answer', body: schema.FeedbackAnswer },
    (id, body, caller) => service.answerFeedback(id, body, caller.id, caller.scope),
  );
  feedbackRecords.on('close', { summary: 'answered → closed', body: schema.CloseNote }, (id, body, caller) =>
    service.closeFeedback(id, body, caller.scope),
  );

  // ----- improvement actions (7.2) -----

  const actionRecords = recordRoutes(app, improvementRoute, {
    url: '/api/evaluation/actions',
    record: schema.ImprovementAction,
    read: 'evaluation.read',
    write: 'evaluation.write',
  });
  actionRecords.list(
    {
      summary: 'Improvement actions (改进措施), by due date; filter by the finding that caused them',
      query: schema.ActionQuery,
    },
    (query) => service.actions(query),
  );

  actionRecords.export(
    {
      summary: 'Improvement actions as an Excel workbook, same filters as the list',
      query: schema.ActionQuery,
    },
    (query) => service.actions(query),
    { sheet: '改进措施', columns: actionColumns, file: 'improvement-actions', name: '改进措施' },
  );

  actionRecords.create(
    {
      summary:
        'An improvement action linked to its finding: a complaint or suggestion, a survey result, or words',
      body: schema.ImprovementActionInput,
    },
    (body, caller) => service.createAction(body, caller.id),
  );
  actionRecords.one('One improvement action', (id) => service.action(id));
  actionRecords.on('start', { summary: 'planned → doing' }, (id) => service.startAction(id));
  actionRecords.on(
    'done',
    { summary: 'doing → done, with what was done', body: schema.ActionDone },
    (id, body) => service.finishAction(id, body),
  );
  actionRecords.on(
    'review',
    { summary: 'done → reviewed, with the review note', body: schema.ActionReview },
    (id, body, caller) => service.reviewAction(id, body, caller.id),
  );
};
