/** Visits and condolences (6.8 走访慰问): staff read; caseworkers, supervisors and admins write. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AreaOptions } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { readErrors, userId, writeErrors } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import { sendPdf } from '../print/document.ts';
import { findCardFont, fontOr503 } from '../print/font.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import * as schema from '../schemas/visits.ts';
import { retireeOr404 } from '../store/checks.ts';
import { assertInScope, rowInScope, type Scope, scopeOf } from '../store/scope.ts';
import { followUpColumns, recordColumns, taskColumns } from './export.ts';
import { renderVisitFormPdf, type VisitForm } from './pdf.ts';

const route = routeOptions('visits');

export const visitRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { visits } = app;
  const scope = (request: FastifyRequest) => {
    if (!request.user) throw unauthorized();
    return scopeOf(request.user);
  };
  /** 404 unless the retiree is within the caller's scope (a caseworker: their station). */
  const reach = (within: Scope, retireeId: string) =>
    assertInScope(hub.db, within, uuidOr404(retireeId, 'retiree'));

  const kind = recordKinds(app, route, { read: 'visits.read', write: 'visits.write' });

  kind('/api/visits/campaigns', schema.Campaign).list({ summary: 'Holiday visit campaigns (6.8.2.1)' }, () =>
    visits.campaigns(),
  );

  app.post(
    '/api/visits/campaigns',
    route('visits.write', {
      summary:
        'Generate a holiday campaign: one task per active retiree, due on the holiday, open 14 days before; again for the same holiday and year creates nothing new',
      body: schema.CampaignInput,
      response: { 200: schema.CampaignResult, ...writeErrors },
    }),
    async (request) => {
      return visits.generateCampaign(request.body, userId(request));
    },
  );

  const taskRecords = kind('/api/visits/tasks', schema.VisitTask, {
    guard: rowInScope(hub.db, 'visit_tasks', 'visit task'),
  });
  taskRecords.list({ summary: 'Visit tasks, by due date', query: schema.VisitTaskQuery }, (query, caller) =>
    visits.tasks(query, caller.scope),
  );
  taskRecords.create(
    { retiree: 'body', summary: 'Plan a visit by hand', body: schema.VisitTaskInput },
    async (body, caller) => {
      await reach(caller.scope, body.retireeId);
      return visits.createTask(body, caller.id);
    },
  );
  taskRecords.one('One visit task', (id) => visits.task(id));
  taskRecords.on(
    '',
    {
      method: 'patch',
      summary: 'Assign, move the due date or cancel an open task (it is done only by a visit record)',
      body: schema.VisitTaskUpdate,
    },
    (id, body) => visits.updateTask(id, body),
  );

  const admissionRecords = kind('/api/visits/admissions', schema.Admission);
  admissionRecords.list(
    {
      summary: 'Hospital admissions (6.8.2.2)',
      query: Type.Object({ retireeId: Type.Optional(Type.String({ maxLength: 64 })) }),
    },
    (query, caller) => visits.admissions(query.retireeId, caller.scope),
  );
  admissionRecords.create(
    {
      retiree: 'body',
      summary: 'Record a hospital admission: raises a visit due within 3 days (6.8.2.2)',
      body: schema.AdmissionInput,
      answer: schema.AdmissionResult,
    },
    async (body, caller) => {
      await reach(caller.scope, body.retireeId);
      return visits.recordAdmission(body, caller.id);
    },
  );

  // `:id` is the retiree's own id.
  const flagRecords = kind('/api/visits/retirees', schema.LivingFlags, {
    retiree: 'path',
    guard: (id, caller) => reach(caller.scope, id),
  });
  flagRecords.on(
    'flags',
    { method: 'get', summary: '孤老 / 长期卧床 / living elsewhere, and the open monthly focus visit' },
    (id) => visits.flags(id),
  );
  flagRecords.on(
    'flags',
    {
      method: 'patch',
      summary:
        'Set 孤老 / 长期卧床 / living elsewhere; solitary or bedridden keeps a monthly focus visit open (6.8.2.3, 6.8.2.4)',
      body: schema.LivingFlagsInput,
    },
    (id, body, caller) => visits.setFlags(id, body, caller.id),
  );

  const visitRecords = kind('/api/visits/records', schema.VisitRecord, {
    guard: rowInScope(hub.db, 'visit_records', 'visit record'),
  });
  visitRecords.list(
    { summary: 'Visit records, newest first', query: schema.VisitRecordQuery },
    (query, caller) => visits.records(query, caller.scope),
  );
  visitRecords.create(
    {
      retiree: 'body',
      summary:
        'Record a visit with the seven fields of 6.8.2.5; with taskId it completes the task; problems become follow-ups (6.8.2.6)',
      body: schema.VisitRecordInput,
    },
    async (body, caller) => {
      await reach(caller.scope, body.retireeId);
      return visits.createRecord(body, caller.id);
    },
  );
  visitRecords.one('One visit record', (id) => visits.record(id));

  const followUpRecords = kind('/api/visits/follow-ups', schema.FollowUp, {
    guard: rowInScope(hub.db, 'visit_follow_ups', 'follow-up'),
  });
  followUpRecords.list(
    { summary: 'Follow-ups of problems raised in visits (6.8.2.6)', query: schema.FollowUpQuery },
    (query, caller) => visits.followUps(query, caller.scope),
  );
  followUpRecords.on(
    '',
    {
      method: 'patch',
      summary: 'Reassign, move the due date, or close with a reply (open → done)',
      body: schema.FollowUpUpdate,
    },
    (id, body, caller) => visits.updateFollowUp(id, body, caller.id),
  );

  app.get(
    '/api/visits/summary',
    route('visits.read', {
      summary:
        'The periodic summary (6.8.2.5): visits by mode and reason, retirees not visited, tasks, follow-ups, problems raised',
      querystring: schema.SummaryQuery,
      response: { 200: schema.VisitSummary, ...readErrors },
    }),
    async (request) => {
      return visits.summary(request.query.from, request.query.to, scope(request));
    },
  );

  // ----- Excel exports of the lists, with the same filters and scope -----

  taskRecords.export(
    {
      summary: 'Visit tasks as an Excel workbook (same filters as the list)',
      query: schema.VisitTaskQuery,
    },
    (query, scope) => visits.tasks({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '走访任务', columns: taskColumns, file: 'visit-tasks', name: '走访任务' },
  );

  visitRecords.export(
    {
      summary: 'Visit records with their seven fields as an Excel workbook (same filters as the list)',
      query: schema.VisitRecordQuery,
    },
    (query, scope) => visits.records({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '走访记录', columns: recordColumns, file: 'visit-records', name: '走访记录' },
  );

  followUpRecords.export(
    {
      summary: 'Follow-ups as an Excel workbook (same filters as the list)',
      query: schema.FollowUpQuery,
    },
    (query, scope) => visits.followUps({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '问题跟进', columns: followUpColumns, file: 'visit-follow-ups', name: '走访问题跟进' },
  );

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
    const pdf = await renderVisitFormPdf(form, hub.centre.name, fontOr503(font), new Date());
    return sendPdf(reply, pdf, 'visit.pdf', name);
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
      await reach(scope(request), record.retireeId);
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
        reason: Type.Optional(schema.VisitReason),
      }),
      ...pdfResponse,
    }),
    async (request, reply) => {
      await reach(scope(request), request.query.retireeId);
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
