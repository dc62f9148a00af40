/**
 * Political life and reception (6.2 政治待遇) under /api/reception: staff read; caseworkers,
 * supervisors and admins write. Family accounts never reach it (the guard stops them).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { listWorkbook, MAX_LIST_EXPORT_ROWS, sendWorkbook, workbookResponse } from '../export/workbook.ts';
import { exportRoute, readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { IdParams } from '../schemas/common.ts';
import {
  AttendanceInput,
  ConvalescenceBatch,
  ConvalescenceBatchInput,
  OverdueQuery,
  ParticipantsInput,
  PoliticalActivity,
  PoliticalActivityInput,
  PoliticalActivityQuery,
  ReceptionInput,
  ReceptionItem,
  ReceptionQuery,
  ReceptionReply,
  ReceptionUpdate,
} from '../schemas/reception.ts';
import { scopeOf } from '../store/scope.ts';
import { activityColumns, type BatchRow, batchColumns, receptionColumns } from './export.ts';

const politicalRoute = routeOptions('political life');
const receptionRoute = routeOptions('reception');

export const receptionRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { reception: service } = app;
  const political = { tags: ['political life'] };
  const reception = { tags: ['reception'] };

  // ----- activities and study sessions (6.2.2.3–6.2.2.8) -----

  app.get(
    '/api/reception/activities',
    politicalRoute('reception.read', {
      summary: 'Organisation life, study sessions and political activities with attendance',
      querystring: PoliticalActivityQuery,
      response: { 200: Type.Array(PoliticalActivity), ...readErrors },
    }),
    async (request) => {
      return service.activities(request.query, scopeOf(request.user!));
    },
  );

  exportRoute(app, '/api/reception/activities/export.xlsx', {
    access: 'reception.read',
    schema: {
      ...political,
      summary: 'The activities list as an Excel workbook, same filters as the list',
      querystring: PoliticalActivityQuery,
    },
    rows: (query, scope) => service.activities(query, scope),
    workbook: {
      sheet: '政治生活',
      columns: activityColumns,
      file: 'political-activities',
      name: '政治生活与学习',
    },
  });

  app.post(
    '/api/reception/activities',
    politicalRoute('reception.write', {
      summary: 'Plan or record an activity or study session',
      body: PoliticalActivityInput,
      response: { 201: PoliticalActivity, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await service.createActivity(request.body, userId(request)));
    },
  );

  app.get(
    '/api/reception/activities/:id',
    politicalRoute('reception.read', {
      summary: 'One activity',
      params: IdParams,
      response: { 200: PoliticalActivity, ...readErrors },
    }),
    async (request) => {
      return service.activity(request.params.id, undefined, scopeOf(request.user!));
    },
  );

  app.put(
    '/api/reception/activities/:id/attendance',
    politicalRoute('reception.write', {
      summary: 'Record attendance (present, absent, excused) per retiree, on or after the day held',
      params: IdParams,
      body: AttendanceInput,
      response: { 200: PoliticalActivity, ...writeErrors },
    }),
    async (request) => {
      return service.recordAttendance(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  // ----- honour convalescence (6.2.2.11) -----

  app.get(
    '/api/reception/convalescence',
    politicalRoute('reception.read', {
      summary: 'Honour convalescence batches (荣誉疗养, 6.2.2.11)',
      response: { 200: Type.Array(ConvalescenceBatch), ...readErrors },
    }),
    async (request) => {
      return service.batches(scopeOf(request.user!));
    },
  );

  app.get(
    '/api/reception/convalescence/export.xlsx',
    politicalRoute('reception.read', {
      summary: 'The convalescence batches as an Excel workbook, one row per participant',
      response: { 200: workbookResponse, ...readErrors },
    }),
    async (request, reply) => {
      const batches = await service.batches(scopeOf(request.user!));
      const rows = batches.flatMap((batch): BatchRow[] =>
        batch.participants.length
          ? batch.participants.map((participant) => ({ batch, participant }))
          : [{ batch, participant: null }],
      );
      const body = await listWorkbook('荣誉疗养', batchColumns, rows);
      return sendWorkbook(reply, body, 'honour-convalescence', '荣誉疗养');
    },
  );

  app.post(
    '/api/reception/convalescence',
    politicalRoute('reception.write', {
      summary: 'Create a convalescence batch with dates and place',
      body: ConvalescenceBatchInput,
      response: { 201: ConvalescenceBatch, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await service.createBatch(request.body, userId(request)));
    },
  );

  app.get(
    '/api/reception/convalescence/:id',
    politicalRoute('reception.read', {
      summary: 'One convalescence batch',
      params: IdParams,
      response: { 200: ConvalescenceBatch, ...readErrors },
    }),
    async (request) => {
      return service.batch(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/reception/convalescence/:id/participants',
    politicalRoute('reception.write', {
      summary: 'Add participants (all or none)',
      params: IdParams,
      body: ParticipantsInput,
      response: { 200: ConvalescenceBatch, ...writeErrors },
    }),
    async (request) => {
      return service.addParticipants(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.delete(
    '/api/reception/convalescence/:id/participants/:retireeId',
    politicalRoute('reception.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'Remove a participant',
      params: Type.Object({
        id: Type.String({ minLength: 1, maxLength: 64 }),
        retireeId: Type.String({ minLength: 1, maxLength: 64 }),
      }),
      response: { 200: ConvalescenceBatch, ...writeErrors },
    }),
    async (request) => {
      return service.removeParticipant(request.params.id, request.params.retireeId, scopeOf(request.user!));
    },
  );

  // ----- letters, visits and calls (6.2.2.10) -----

  app.get(
    '/api/reception/items',
    receptionRoute('reception.read', {
      summary: 'Letters, visits and calls received (来信、来访、来电)',
      querystring: ReceptionQuery,
      response: { 200: Type.Array(ReceptionItem), ...readErrors },
    }),
    async (request) => {
      return service.receptions(request.query, scopeOf(request.user!));
    },
  );

  exportRoute(app, '/api/reception/items/export.xlsx', {
    access: 'reception.read',
    schema: {
      ...reception,
      summary: 'Letters, visits and calls as an Excel workbook, same filters as the list',
      querystring: Type.Omit(ReceptionQuery, ['limit']),
    },
    rows: (query, scope) => service.receptions({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    workbook: {
      sheet: '来信来访来电',
      columns: receptionColumns,
      file: 'letters-visits-calls',
      name: '来信来访来电',
    },
  });

  app.get(
    '/api/reception/items/overdue',
    receptionRoute('reception.read', {
      summary: 'Not replied and past the reply due date on `date` (today by default)',
      querystring: OverdueQuery,
      response: { 200: Type.Array(ReceptionItem), ...readErrors },
    }),
    async (request) => {
      return service.overdueReceptions(request.query.date, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/reception/items',
    receptionRoute('reception.write', {
      retiree: 'body',
      summary:
        'Register a letter, visit or call; a reply is due in 15 days unless `replyDays` says otherwise',
      body: ReceptionInput,
      response: { 201: ReceptionItem, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(await service.createReception(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/reception/items/:id',
    receptionRoute('reception.read', {
      summary: 'One item',
      params: IdParams,
      response: { 200: ReceptionItem, ...readErrors },
    }),
    async (request) => {
      return service.reception(request.params.id, undefined, scopeOf(request.user!));
    },
  );

  app.patch(
    '/api/reception/items/:id',
    receptionRoute('reception.write', {
      summary: 'Change the days to reply or the handler while not replied',
      params: IdParams,
      body: ReceptionUpdate,
      response: { 200: ReceptionItem, ...writeErrors },
    }),
    async (request) => {
      return service.updateReception(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/reception/items/:id/take',
    receptionRoute('reception.write', {
      summary: 'received → in_hand',
      params: IdParams,
      response: { 200: ReceptionItem, ...writeErrors },
    }),
    async (request) => {
      return service.takeReception(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/reception/items/:id/reply',
    receptionRoute('reception.write', {
      summary: 'in_hand → replied, with the reply',
      params: IdParams,
      body: ReceptionReply,
      response: { 200: ReceptionItem, ...writeErrors },
    }),
    async (request) => {
      return service.replyReception(request.params.id, request.body, userId(request), scopeOf(request.user!));
    },
  );
};
