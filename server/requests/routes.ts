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
  ServiceProvider,
  ServiceProviderChange,
  ServiceProviderInput,
  ServiceProviderQuery,
  ServiceRequest,
  ServiceRequestInput,
  ServiceRequestQuery,
  ServiceRequestUpdate,
} from '../schemas/requests.ts';
import { retireeInScope } from '../store/checks.ts';
import { retireesOfScope, type Scope } from '../store/scope.ts';
import { testableTypes } from './store.ts';

const route = routeOptions('service requests');
const devicesRoute = routeOptions('devices');

const STATUS_NAMES = {
  requested: '待派单',
  assigned: '已派单',
  done: '已完成',
  cancelled: '已取消',
} as const;
const CHANNEL_NAMES = {
  device: '求助键',
  phone: '电话',
  walk_in: '来访',
  visit: '走访中提出',
  family: '家属代为提出',
} as const;
const CATEGORY_NAMES = {
  policy: '政策咨询',
  legal: '法律援助',
  errand: '代办代购',
  repair: '维修',
  care: '生活照料',
  medical: '就医陪诊',
  transport: '出行',
  other: '其他',
} as const;
const at = (value: string | null) => (value ? new Date(value) : null);

/** The columns of the export, Chinese headers; times as Excel dates in the sheet. */
const serviceRequestColumns: ListColumn<ServiceRequest>[] = [
  { header: '求助时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.requestedAt) },
  { header: '老人', value: (row) => row.retireeName ?? '' },
  { header: '来源', width: 12, value: (row) => CHANNEL_NAMES[row.channel] },
  { header: '类别', width: 12, value: (row) => (row.category ? CATEGORY_NAMES[row.category] : '') },
  { header: '求助内容', width: 32, value: (row) => row.description },
  { header: '状态', width: 10, value: (row) => STATUS_NAMES[row.status] },
  { header: '服务内容', width: 16, value: (row) => row.kind },
  { header: '提供方', width: 16, value: (row) => row.provider },
  { header: '负责人', value: (row) => row.handlerName ?? '' },
  { header: '派单时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.assignedAt) },
  { header: '完成时间', width: 20, format: 'yyyy-mm-dd hh:mm', value: (row) => at(row.doneAt) },
  { header: '评价（1–5）', width: 12, value: (row) => row.rating },
  { header: '处理结果与备注', width: 40, value: (row) => row.note },
];

const providerColumns: ListColumn<ServiceProvider>[] = [
  { header: '服务商', width: 24, value: (row) => row.name },
  {
    header: '服务类别',
    width: 28,
    value: (row) => row.services.map((service) => CATEGORY_NAMES[service]).join('、'),
  },
  { header: '联系人', value: (row) => row.contactPerson },
  { header: '电话', width: 16, value: (row) => row.phone },
  { header: '地址', width: 28, value: (row) => row.address },
  { header: '合同开始', value: (row) => row.contractFrom ?? '' },
  { header: '合同截止', value: (row) => row.contractTo ?? '' },
  { header: '服务次数', value: (row) => row.requests },
  { header: '已完成', value: (row) => row.done },
  { header: '平均评价', value: (row) => row.averageRating },
  {
    header: '状态',
    value: (row) => (row.retiredAt ? '已移出名录' : row.inContract ? '合同期内' : '不在合同期'),
  },
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
      summary:
        'Service requests (6.12), newest first: from the 求助 key and those staff logged (phone, in person, on a visit, from the family)',
      query: ServiceRequestQuery,
    },
    async (query, caller) => inScope(await records.list(query, query.limit ?? 100), caller.scope),
  );

  requestRecords.create(
    {
      summary:
        'Log a request made by phone, in person, on a visit or by the family; with `handlerId` it is in hand at once',
      body: ServiceRequestInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return records.log(body, new Date(), caller.id);
    },
  );

  requestRecords.export(
    {
      summary: 'Service requests (6.12) as an Excel workbook: who asked, what, provider, outcome, rating',
      query: Type.Omit(ServiceRequestQuery, ['limit']),
    },
    async (query, scope) => inScope(await records.list(query, MAX_LIST_EXPORT_ROWS), scope),
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

  const providers = recordRoutes(app, route, {
    url: '/api/service-providers',
    record: ServiceProvider,
    read: 'requests.read',
    write: 'requests.providers',
  });
  providers.list(
    {
      summary:
        'The register of service providers (6.12) with their requests, those done and their average rating (`all=true`: those taken off too)',
      query: ServiceProviderQuery,
    },
    (query) => app.serviceProviders.list(query),
  );
  providers.export(
    { summary: 'The register of service providers as an Excel workbook', query: ServiceProviderQuery },
    (query) => app.serviceProviders.list(query),
    { sheet: '服务商名录', columns: providerColumns, file: 'service-providers', name: '服务商名录' },
  );
  providers.create(
    { summary: 'A provider on the register (supervisor, admin)', body: ServiceProviderInput },
    (body, caller) => app.serviceProviders.create(body, caller.id),
  );
  providers.one('One provider of the register', (id) => app.serviceProviders.one(id));
  providers.on(
    '',
    {
      method: 'patch',
      summary: 'Change a provider, or take it off the register with `retired` (supervisor, admin)',
      body: ServiceProviderChange,
    },
    (id, body, caller) => app.serviceProviders.change(id, body, caller.id),
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
