import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { definitions } from '../../devices/index.ts';
import type { AreaOptions } from '../context.ts';
import { notFound } from '../errors.ts';
import {
  type ListColumn,
  listWorkbook,
  MAX_LIST_EXPORT_ROWS,
  sendWorkbook,
  workbookResponse,
  XLSX_MEDIA_TYPE,
} from '../export/workbook.ts';
import { readErrors, refusals } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { uuidOr404 } from '../ids.ts';
import {
  ButtonTest,
  ServiceRequest,
  ServiceRequestStatus,
  ServiceRequestUpdate,
} from '../schemas/requests.ts';
import { retireesOfScope, type Scope, scopeOf } from '../store/scope.ts';

const route = routeOptions('service requests');
const devicesRoute = routeOptions('devices');

/** Device types with a button that can be test-pressed. */
const testableTypes = definitions
  .filter((definition) => definition.events.includes('button_test'))
  .map((d) => d.type);

const STATUS_NAMES = {
  requested: '待处理',
  assigned: '已派单',
  done: '已完成',
  cancelled: '已取消',
} as const;
const at = (value: string | null) => (value ? new Date(value) : null);

/** The columns of the export, Chinese headers; times as Excel dates in the sheet. */
const serviceRequestColumns: ListColumn<ServiceRequest>[] = [
  { header: '求助时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.requestedAt) },
  { header: '老人', value: (row) => row.retireeName ?? '' },
  { header: '状态', width: 10, value: (row) => STATUS_NAMES[row.status] },
  { header: '服务内容', width: 16, value: (row) => row.kind },
  { header: '提供方', width: 16, value: (row) => row.provider },
  { header: '派单时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.assignedAt) },
  { header: '完成时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.doneAt) },
  { header: '评价（1–5）', width: 12, value: (row) => row.rating },
  { header: '处理结果与备注', width: 40, value: (row) => row.note },
];

export const requestRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { serviceRequests: records } = app;

  /** 6.11.2.2: the retirees a station's caseworker may see; null for the whole centre. */
  const stationRetirees = (scope: Scope) => retireesOfScope(hub.db, scope);

  const requestRecords = recordRoutes(app, route, {
    url: '/api/service-requests',
    record: ServiceRequest,
    read: 'requests.read',
    write: 'requests.handle',
    // The list names no record (no 404); a request is handled by updating it, never in conflict (no 409).
    errors: { read: refusals(400, 401, 403), write: readErrors },
  });

  requestRecords.list(
    {
      summary: 'Service requests from the 求助 key (6.12), newest first',
      query: Type.Object({
        status: Type.Optional(ServiceRequestStatus),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }),
    },
    async (query, caller) => {
      const all = await records.list(query.status, query.limit ?? 100);
      const mine = await stationRetirees(caller.scope);
      return mine ? all.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId)) : all;
    },
  );

  app.get(
    '/api/service-requests/export.xlsx',
    route('requests.read', {
      summary: 'Service requests (6.12) as an Excel workbook: who asked, what, provider, outcome, rating',
      querystring: Type.Object({ status: Type.Optional(ServiceRequestStatus) }),
      produces: [XLSX_MEDIA_TYPE],
      response: {
        200: Type.Unsafe<Buffer>(workbookResponse),
        ...refusals(400, 401, 403),
      },
    }),
    async (request, reply) => {
      const all = await records.list(request.query.status, MAX_LIST_EXPORT_ROWS);
      const mine = await stationRetirees(scopeOf(request.user!));
      const rows = mine ? all.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId)) : all;
      const body = await listWorkbook('服务请求', serviceRequestColumns, rows);
      return sendWorkbook(reply, body, 'service-requests', '服务请求');
    },
  );

  requestRecords.on(
    '',
    {
      method: 'patch',
      summary: 'Assign a provider, mark done, record the rating',
      body: ServiceRequestUpdate,
    },
    async (requested, body, caller) => {
      const id = uuidOr404(requested, 'service request');
      const mine = await stationRetirees(caller.scope);
      const found = mine ? await records.byId(id) : null;
      if (mine && !(found?.retireeId && mine.has(found.retireeId))) throw notFound('service request');
      const updated = await records.update(id, body, new Date());
      if (!updated) throw notFound('service request');
      return updated;
    },
  );

  recordRoutes(app, devicesRoute, {
    url: '/api/button-tests',
    record: ButtonTest,
    read: 'requests.read',
    errors: { read: refusals(400, 401) },
  }).list(
    {
      summary:
        'Every emergency button with its last test press; `overdue=true` lists those due for the monthly test',
      query: Type.Object({ overdue: Type.Optional(Type.Boolean()) }),
    },
    async (query, caller) => {
      const every = await records.buttonTests(testableTypes, new Date());
      const mine = await stationRetirees(caller.scope);
      const all = mine
        ? every.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId))
        : every;
      return query.overdue === undefined ? all : all.filter((entry) => entry.overdue === query.overdue);
    },
  );
};
