import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { notFound } from '../errors.ts';
import { type ListColumn, MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
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
import { retireesOfScope, type Scope } from '../store/scope.ts';
import { testableTypes } from './store.ts';

const route = routeOptions('service requests');
const devicesRoute = routeOptions('devices');

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
  { header: '负责人', value: (row) => row.handlerName ?? '' },
  { header: '派单时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.assignedAt) },
  { header: '完成时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.doneAt) },
  { header: '评价（1–5）', width: 12, value: (row) => row.rating },
  { header: '处理结果与备注', width: 40, value: (row) => row.note },
];

export const requestRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { serviceRequests: records } = app;

  /** 6.11.2.2: the retirees a station's caseworker may see; null for the whole centre. */
  const stationRetirees = (scope: Scope) => retireesOfScope(hub.db, scope);
  /** The entries of `all` about a retiree the caller may see (6.11.2.2). */
  const inScope = async <Entry extends { retireeId: string | null }>(all: Entry[], scope: Scope) => {
    const mine = await stationRetirees(scope);
    return mine ? all.filter((entry) => entry.retireeId !== null && mine.has(entry.retireeId)) : all;
  };

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
    async (query, caller) => inScope(await records.list(query.status, query.limit ?? 100), caller.scope),
  );

  requestRecords.export(
    {
      summary: 'Service requests (6.12) as an Excel workbook: who asked, what, provider, outcome, rating',
      query: Type.Object({ status: Type.Optional(ServiceRequestStatus) }),
    },
    async (query, scope) => inScope(await records.list(query.status, MAX_LIST_EXPORT_ROWS), scope),
    { sheet: '服务请求', columns: serviceRequestColumns, file: 'service-requests', name: '服务请求' },
  );

  requestRecords.on(
    '',
    {
      method: 'patch',
      summary:
        'Assign a provider and the member of staff in charge (default: you), mark done, record the rating',
      body: ServiceRequestUpdate,
    },
    async (requested, body, caller) => {
      const id = uuidOr404(requested, 'service request');
      const mine = await stationRetirees(caller.scope);
      const found = mine ? await records.byId(id) : null;
      if (mine && !(found?.retireeId && mine.has(found.retireeId))) throw notFound('service request');
      const updated = await records.update(id, body, new Date(), caller.id);
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
      const all = await inScope(await records.buttonTests(testableTypes, new Date()), caller.scope);
      return query.overdue === undefined ? all : all.filter((entry) => entry.overdue === query.overdue);
    },
  );
};
