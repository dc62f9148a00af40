/**
 * Political life and reception (6.2 政治待遇) under /api/reception: staff read; caseworkers,
 * supervisors and admins write. Family accounts never reach it (the guard stops them).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { listWorkbook, MAX_LIST_EXPORT_ROWS, sendWorkbook, workbookResponse } from '../export/workbook.ts';
import { readErrors, writeErrors } from '../http/records.ts';
import { recordKinds, recordRoutes, type SharedKind } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/reception.ts';
import { scopeOf } from '../store/scope.ts';
import { activityColumns, type BatchRow, batchColumns, receptionColumns } from './export.ts';

const politicalRoute = routeOptions('political life');
const receptionRoute = routeOptions('reception');
/** What the area's kinds of record share. */
const shared: SharedKind = { read: 'reception.read', write: 'reception.write' };

export const receptionRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { reception: service } = app;
  const politicalKind = recordKinds(app, politicalRoute, shared);

  // ----- activities and study sessions (6.2.2.3–6.2.2.8) -----

  const activityRecords = politicalKind('/api/reception/activities', schema.PoliticalActivity);
  activityRecords.list(
    {
      summary: 'Organisation life, study sessions and political activities with attendance',
      query: schema.PoliticalActivityQuery,
    },
    (query, caller) => service.activities(query, caller.scope),
  );

  activityRecords.export(
    {
      summary: 'The activities list as an Excel workbook, same filters as the list',
      query: schema.PoliticalActivityQuery,
    },
    (query, scope) => service.activities(query, scope),
    {
      sheet: '政治生活',
      columns: activityColumns,
      file: 'political-activities',
      name: '政治生活与学习',
    },
  );

  activityRecords.create(
    { summary: 'Plan or record an activity or study session', body: schema.PoliticalActivityInput },
    (body, caller) => service.createActivity(body, caller.id),
  );
  activityRecords.one('One activity', (id, caller) => service.activity(id, undefined, caller.scope));
  activityRecords.on(
    'attendance',
    {
      method: 'put',
      summary: 'Record attendance (present, absent, excused) per retiree, on or after the day held',
      body: schema.AttendanceInput,
    },
    (id, body, caller) => service.recordAttendance(id, body, caller.scope),
  );

  // ----- honour convalescence (6.2.2.11) -----

  const batchRecords = politicalKind('/api/reception/convalescence', schema.ConvalescenceBatch);
  batchRecords.list({ summary: 'Honour convalescence batches (荣誉疗养, 6.2.2.11)' }, (_, caller) =>
    service.batches(caller.scope),
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

  batchRecords.create(
    { summary: 'Create a convalescence batch with dates and place', body: schema.ConvalescenceBatchInput },
    (body, caller) => service.createBatch(body, caller.id),
  );
  batchRecords.one('One convalescence batch', (id, caller) => service.batch(id, caller.scope));
  batchRecords.on(
    'participants',
    { summary: 'Add participants (all or none)', body: schema.ParticipantsInput },
    (id, body, caller) => service.addParticipants(id, body, caller.scope),
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
      response: { 200: schema.ConvalescenceBatch, ...writeErrors },
    }),
    async (request) => {
      return service.removeParticipant(request.params.id, request.params.retireeId, scopeOf(request.user!));
    },
  );

  // ----- letters, visits and calls (6.2.2.10) -----

  const itemRecords = recordRoutes(app, receptionRoute, {
    url: '/api/reception/items',
    record: schema.ReceptionItem,
    ...shared,
  });
  itemRecords.list(
    { summary: 'Letters, visits and calls received (来信、来访、来电)', query: schema.ReceptionQuery },
    (query, caller) => service.receptions(query, caller.scope),
  );

  itemRecords.export(
    {
      summary: 'Letters, visits and calls as an Excel workbook, same filters as the list',
      query: Type.Omit(schema.ReceptionQuery, ['limit']),
    },
    (query, scope) => service.receptions({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    {
      sheet: '来信来访来电',
      columns: receptionColumns,
      file: 'letters-visits-calls',
      name: '来信来访来电',
    },
  );

  app.get(
    '/api/reception/items/overdue',
    receptionRoute('reception.read', {
      summary: 'Not replied and past the reply due date on `date` (today by default)',
      querystring: schema.OverdueQuery,
      response: { 200: Type.Array(schema.ReceptionItem), ...readErrors },
    }),
    async (request) => {
      return service.overdueReceptions(request.query.date, scopeOf(request.user!));
    },
  );

  itemRecords.create(
    {
      retiree: 'body',
      summary:
        'Register a letter, visit or call; a reply is due within the centre’s reply deadline (15 days unless changed) unless `replyDays` says otherwise',
      body: schema.ReceptionInput,
    },
    (body, caller) => service.createReception(body, caller.id, caller.scope),
  );
  itemRecords.one('One item', (id, caller) => service.reception(id, undefined, caller.scope));
  itemRecords.on(
    '',
    {
      method: 'patch',
      summary: 'Change the days to reply or the handler while not replied',
      body: schema.ReceptionUpdate,
    },
    (id, body, caller) => service.updateReception(id, body, caller.scope),
  );
  itemRecords.on('take', { summary: 'received → in_hand' }, (id, _, caller) =>
    service.takeReception(id, caller.scope),
  );
  itemRecords.on(
    'reply',
    { summary: 'in_hand → replied, with the reply', body: schema.ReceptionReply },
    (id, body, caller) => service.replyReception(id, body, caller.id, caller.scope),
  );
};
