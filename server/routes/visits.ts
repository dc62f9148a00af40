/** Visits and condolences (6.8 走访慰问): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { assertInScope, scopeOf } from '../records/scope.ts';
import type { Role } from '../schemas/auth.ts';
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
  VisitRecord,
  VisitRecordInput,
  VisitRecordQuery,
  VisitSummary,
  VisitTask,
  VisitTaskInput,
  VisitTaskQuery,
  VisitTaskUpdate,
} from '../schemas/visits.ts';
import { type Clock, VisitService } from '../visits/service.ts';
import type { HubContext } from './context.ts';
import { requireRole } from './guard.ts';

const READ: Role[] = ['admin', 'supervisor', 'operator', 'caseworker'];
const WRITE: Role[] = ['admin', 'supervisor', 'caseworker'];
const tags = ['visits'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };

export const visitRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext; clock?: Clock }> = async (
  app,
  { hub, clock },
) => {
  const visits = new VisitService(hub.db, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };
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
    {
      schema: {
        tags,
        summary: 'Holiday visit campaigns (6.8.2.1)',
        response: { 200: Type.Array(Campaign), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.campaigns();
    },
  );

  app.post(
    '/api/visits/campaigns',
    {
      schema: {
        tags,
        summary:
          'Generate a holiday campaign: one task per active retiree, due on the holiday, open 14 days before; again for the same holiday and year creates nothing new',
        body: CampaignInput,
        response: { 200: CampaignResult, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      return visits.generateCampaign(request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/tasks',
    {
      schema: {
        tags,
        summary: 'Visit tasks, by due date',
        querystring: VisitTaskQuery,
        response: { 200: Type.Array(VisitTask), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.tasks(request.query, scope(request));
    },
  );

  app.post(
    '/api/visits/tasks',
    {
      schema: {
        tags,
        summary: 'Plan a visit by hand',
        body: VisitTaskInput,
        response: { 201: VisitTask, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.createTask(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/tasks/:id',
    {
      schema: { tags, summary: 'One visit task', params: IdParams, response: { 200: VisitTask, ...errors } },
    },
    async (request) => {
      requireRole(request, READ);
      const task = await visits.task(request.params.id);
      await reach(request, task.retireeId);
      return task;
    },
  );

  app.patch(
    '/api/visits/tasks/:id',
    {
      schema: {
        tags,
        summary: 'Assign, move the due date or cancel an open task (it is done only by a visit record)',
        params: IdParams,
        body: VisitTaskUpdate,
        response: { 200: VisitTask, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      await reach(request, (await visits.task(request.params.id)).retireeId);
      return visits.updateTask(request.params.id, request.body);
    },
  );

  app.get(
    '/api/visits/admissions',
    {
      schema: {
        tags,
        summary: 'Hospital admissions (6.8.2.2)',
        querystring: Type.Object({ retireeId: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.Array(Admission), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.admissions(request.query.retireeId, scope(request));
    },
  );

  app.post(
    '/api/visits/admissions',
    {
      schema: {
        tags,
        summary: 'Record a hospital admission: raises a visit due within 3 days (6.8.2.2)',
        body: AdmissionInput,
        response: { 201: AdmissionResult, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.recordAdmission(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/retirees/:id/flags',
    {
      schema: {
        tags,
        summary: '孤老 / 长期卧床 / living elsewhere, and the open monthly focus visit',
        params: IdParams,
        response: { 200: LivingFlags, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      await reach(request, request.params.id);
      return visits.flags(request.params.id);
    },
  );

  app.patch(
    '/api/visits/retirees/:id/flags',
    {
      schema: {
        tags,
        summary:
          'Set 孤老 / 长期卧床 / living elsewhere; solitary or bedridden keeps a monthly focus visit open (6.8.2.3, 6.8.2.4)',
        params: IdParams,
        body: LivingFlagsInput,
        response: { 200: LivingFlags, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      await reach(request, request.params.id);
      return visits.setFlags(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/records',
    {
      schema: {
        tags,
        summary: 'Visit records, newest first',
        querystring: VisitRecordQuery,
        response: { 200: Type.Array(VisitRecord), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.records(request.query, scope(request));
    },
  );

  app.post(
    '/api/visits/records',
    {
      schema: {
        tags,
        summary:
          'Record a visit with the seven fields of 6.8.2.5; with taskId it completes the task; problems become follow-ups (6.8.2.6)',
        body: VisitRecordInput,
        response: { 201: VisitRecord, ...writeErrors },
      },
    },
    async (request, reply) => {
      requireRole(request, WRITE);
      await reach(request, request.body.retireeId);
      return reply.code(201).send(await visits.createRecord(request.body, userId(request)));
    },
  );

  app.get(
    '/api/visits/records/:id',
    {
      schema: {
        tags,
        summary: 'One visit record',
        params: IdParams,
        response: { 200: VisitRecord, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      const record = await visits.record(request.params.id);
      await reach(request, record.retireeId);
      return record;
    },
  );

  app.get(
    '/api/visits/follow-ups',
    {
      schema: {
        tags,
        summary: 'Follow-ups of problems raised in visits (6.8.2.6)',
        querystring: FollowUpQuery,
        response: { 200: Type.Array(FollowUp), ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.followUps(request.query, scope(request));
    },
  );

  app.patch(
    '/api/visits/follow-ups/:id',
    {
      schema: {
        tags,
        summary: 'Reassign, move the due date, or close with a reply (open → done)',
        params: IdParams,
        body: FollowUpUpdate,
        response: { 200: FollowUp, ...writeErrors },
      },
    },
    async (request) => {
      requireRole(request, WRITE);
      await reach(request, (await visits.followUp(request.params.id)).retireeId);
      return visits.updateFollowUp(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/visits/summary',
    {
      schema: {
        tags,
        summary:
          'The periodic summary (6.8.2.5): visits by mode and reason, retirees not visited, tasks, follow-ups, problems raised',
        querystring: SummaryQuery,
        response: { 200: VisitSummary, ...errors },
      },
    },
    async (request) => {
      requireRole(request, READ);
      return visits.summary(request.query.from, request.query.to, scope(request));
    },
  );
};
