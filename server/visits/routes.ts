/** Visits and condolences (6.8 走访慰问): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { HubError, unauthorized } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS, XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import { exportRoute, readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { findCardFont } from '../print/font.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import {
  Admission,
  AdmissionInput,
  AdmissionResult,
  Campaign,
  CampaignInput,
  CampaignResult,
  FollowUp,
  FollowUpQuery,
  FollowUpUpdate,
  LivingFlags,
  LivingFlagsInput,
  SummaryQuery,
  VisitReason,
  VisitRecord,
  VisitRecordInput,
  VisitRecordQuery,
  VisitSummary,
  VisitTask,
  VisitTaskInput,
  VisitTaskQuery,
  VisitTaskUpdate,
} from '../schemas/visits.ts';
import { retireeOr404 } from '../store/checks.ts';
import { assertInScope, scopeOf } from '../store/scope.ts';
import { followUpColumns, recordColumns, taskColumns } from './export.ts';
import { renderVisitFormPdf, type VisitForm } from './pdf.ts';

const route = routeOptions('visits');

const tags = ['visits'];

export const visitRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { visits } = app;
  const scope = (request: FastifyRequest) => {
    if (!request.user) throw unauthorized();
    return scopeOf(request.user);
  };
  /** 404 unless the retiree is within the user's scope (a caseworker: their station). */
  const reach = async (request: FastifyRequest, retireeId: string) => {
    await assertInScope(hub.db, scope(request), uuidOr404(retireeId, 'retiree'));
  };

  app.get(
    '/api/visits/campaigns',
    route('visits.read', {
      summary: 'Holiday visit campaigns (6.8.2.1)',
      response: { 200: Type.Array(Campaign), ...readErrors },
    }),
    async () => {
      return visits.campaigns();
    },
  );

  app.post(
    '/api/visits/campaigns',
    route('visits.write', {
      summary:
        'Generate a holiday campaign: one task per active retiree, due on the holiday, open 14 days before; again for the same holiday and year creates nothing new',
      body: CampaignInput,
      response: { 200: CampaignResult, ...writeErrors },
    }),
    async (request) => {
      return visits.generateCampaign(request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/tasks',
    route('visits.read', {
      summary: 'Visit tasks, by due date',
      querystring: VisitTaskQuery,
      response: { 200: Type.Array(VisitTask), ...readErrors },
    }),
    async (request) => {
      return visits.tasks(request.query, scope(request));
    },
  );

  app.post(
    '/api/visits/tasks',
    route('visits.write', {
      retiree: 'body',
      summary: 'Plan a visit by hand',
      body: VisitTaskInput,
      response: { 201: VisitTask, ...writeErrors },
    }),
    async (request, reply) => {
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.createTask(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/tasks/:id',
    route('visits.read', {
      summary: 'One visit task',
      params: IdParams,
      response: { 200: VisitTask, ...readErrors },
    }),
    async (request) => {
      const task = await visits.task(request.params.id);
      await reach(request, task.retireeId);
      return task;
    },
  );

  app.patch(
    '/api/visits/tasks/:id',
    route('visits.write', {
      summary: 'Assign, move the due date or cancel an open task (it is done only by a visit record)',
      params: IdParams,
      body: VisitTaskUpdate,
      response: { 200: VisitTask, ...writeErrors },
    }),
    async (request) => {
      await reach(request, (await visits.task(request.params.id)).retireeId);
      return visits.updateTask(request.params.id, request.body);
    },
  );

  app.get(
    '/api/visits/admissions',
    route('visits.read', {
      summary: 'Hospital admissions (6.8.2.2)',
      querystring: Type.Object({ retireeId: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: Type.Array(Admission), ...readErrors },
    }),
    async (request) => {
      return visits.admissions(request.query.retireeId, scope(request));
    },
  );

  app.post(
    '/api/visits/admissions',
    route('visits.write', {
      retiree: 'body',
      summary: 'Record a hospital admission: raises a visit due within 3 days (6.8.2.2)',
      body: AdmissionInput,
      response: { 201: AdmissionResult, ...writeErrors },
    }),
    async (request, reply) => {
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.recordAdmission(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/retirees/:id/flags',
    route('visits.read', {
      retiree: 'path',
      summary: '孤老 / 长期卧床 / living elsewhere, and the open monthly focus visit',
      params: IdParams,
      response: { 200: LivingFlags, ...readErrors },
    }),
    async (request) => {
      await reach(request, request.params.id);
      return visits.flags(request.params.id);
    },
  );

  app.patch(
    '/api/visits/retirees/:id/flags',
    route('visits.write', {
      retiree: 'path',
      summary:
        'Set 孤老 / 长期卧床 / living elsewhere; solitary or bedridden keeps a monthly focus visit open (6.8.2.3, 6.8.2.4)',
      params: IdParams,
      body: LivingFlagsInput,
      response: { 200: LivingFlags, ...writeErrors },
    }),
    async (request) => {
      await reach(request, request.params.id);
      return visits.setFlags(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/records',
    route('visits.read', {
      summary: 'Visit records, newest first',
      querystring: VisitRecordQuery,
      response: { 200: Type.Array(VisitRecord), ...readErrors },
    }),
    async (request) => {
      return visits.records(request.query, scope(request));
    },
  );

  app.post(
    '/api/visits/records',
    route('visits.write', {
      retiree: 'body',
      summary:
        'Record a visit with the seven fields of 6.8.2.5; with taskId it completes the task; problems become follow-ups (6.8.2.6)',
      body: VisitRecordInput,
      response: { 201: VisitRecord, ...writeErrors },
    }),
    async (request, reply) => {
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.createRecord(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/records/:id',
    route('visits.read', {
      summary: 'One visit record',
      params: IdParams,
      response: { 200: VisitRecord, ...readErrors },
    }),
    async (request) => {
      const record = await visits.record(request.params.id);
      await reach(request, record.retireeId);
      return record;
    },
  );

  app.get(
    '/api/visits/follow-ups',
    route('visits.read', {
      summary: 'Follow-ups of problems raised in visits (6.8.2.6)',
      querystring: FollowUpQuery,
      response: { 200: Type.Array(FollowUp), ...readErrors },
    }),
    async (request) => {
      return visits.followUps(request.query, scope(request));
    },
  );

  app.patch(
    '/api/visits/follow-ups/:id',
    route('visits.write', {
      summary: 'Reassign, move the due date, or close with a reply (open → done)',
      params: IdParams,
      body: FollowUpUpdate,
      response: { 200: FollowUp, ...writeErrors },
    }),
    async (request) => {
      await reach(request, (await visits.followUp(request.params.id)).retireeId);
      return visits.updateFollowUp(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/summary',
    route('visits.read', {
      summary:
        'The periodic summary (6.8.2.5): visits by mode and reason, retirees not visited, tasks, follow-ups, problems raised',
      querystring: SummaryQuery,
      response: { 200: VisitSummary, ...readErrors },
    }),
    async (request) => {
      return visits.summary(request.query.from, request.query.to, scope(request));
    },
  );

  // ----- Excel exports of the lists, with the same filters and scope -----

  exportRoute(app, '/api/visits/tasks/export.xlsx', {
    access: 'visits.read',
    schema: {
      tags,
      summary: 'Visit tasks as an Excel workbook (same filters as the list)',
      querystring: VisitTaskQuery,
      produces: [XLSX_MEDIA_TYPE],
    },
    rows: (query, scope) => visits.tasks({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    workbook: { sheet: '走访任务', columns: taskColumns, file: 'visit-tasks', name: '走访任务' },
  });

  exportRoute(app, '/api/visits/records/export.xlsx', {
    access: 'visits.read',
    schema: {
      tags,
      summary: 'Visit records with their seven fields as an Excel workbook (same filters as the list)',
      querystring: VisitRecordQuery,
      produces: [XLSX_MEDIA_TYPE],
    },
    rows: (query, scope) => visits.records({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    workbook: { sheet: '走访记录', columns: recordColumns, file: 'visit-records', name: '走访记录' },
  });

  exportRoute(app, '/api/visits/follow-ups/export.xlsx', {
    access: 'visits.read',
    schema: {
      tags,
      summary: 'Follow-ups as an Excel workbook (same filters as the list)',
      querystring: FollowUpQuery,
      produces: [XLSX_MEDIA_TYPE],
    },
    rows: (query, scope) => visits.followUps({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    workbook: { sheet: '问题跟进', columns: followUpColumns, file: 'visit-follow-ups', name: '走访问题跟进' },
  });

  // ----- the printable visit record form (6.8.2.5) -----

  const font = findCardFont(hub.cardFont);
  const pdfResponse = {
    produces: ['application/pdf'],
    response: {
      200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }),
      ...readErrors,
      503: ErrorResponse,
    },
  };
  const sendForm = async (reply: FastifyReply, form: VisitForm, name: string) => {
    if (!font) {
      throw new HubError(
        503,
        'font_missing',
        'no Chinese font to print with: install fonts-noto-cjk or set HUB_CARD_FONT to a .ttf/.otf/.ttc file',
      );
    }
    const pdf = await renderVisitFormPdf(form, hub.centre.name, font, new Date());
    return reply
      .type('application/pdf')
      .header(
        'content-disposition',
        `inline; filename="visit.pdf"; filename*=UTF-8''${encodeURIComponent(`${name}.pdf`)}`,
      )
      .send(pdf);
  };

  app.get(
    '/api/visits/records/:id/form.pdf',
    route('visits.read', {
      summary: 'A recorded visit printed on the visit record form (A4)',
      params: IdParams,
      ...pdfResponse,
    }),
    async (request, reply) => {
      const record = await visits.record(request.params.id);
      await reach(request, record.retireeId);
      return sendForm(
        reply,
        { kind: 'record', record },
        `走访慰问记录表-${record.retireeName}-${record.visitedOn}`,
      );
    },
  );

  app.get(
    '/api/visits/form.pdf',
    route('visits.read', {
      summary: "A blank visit record form with the retiree's name, to fill in by hand on the visit",
      querystring: Type.Object({
        retireeId: Type.String({ maxLength: 64 }),
        reason: Type.Optional(VisitReason),
      }),
      ...pdfResponse,
    }),
    async (request, reply) => {
      await reach(request, request.query.retireeId);
      const retiree = await retireeOr404(hub.db, request.query.retireeId);
      const form: VisitForm = {
        kind: 'blank',
        retireeName: retiree.name,
        reason: request.query.reason ?? null,
      };
      return sendForm(reply, form, `走访慰问记录表-${retiree.name}`);
    },
  );
};
