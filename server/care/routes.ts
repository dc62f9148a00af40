/** Elderly care (6.7 养老服务): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import type { ListColumn } from '../export/workbook.ts';
import { listWithExport } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import {
  CareArrangement,
  CareArrangementEnd,
  CareArrangementExportQuery,
  CareArrangementInput,
  CareArrangementQuery,
  CareVisit,
  CareVisitExportQuery,
  CareVisitInput,
  CareVisitQuery,
} from '../schemas/care.ts';
import { retireeInScope } from '../store/checks.ts';
import { rowInScope } from '../store/scope.ts';
import { CARE_TYPE_NAMES } from './service.ts';

const route = routeOptions('care');

const LEVEL_NAMES: Record<CareArrangement['careLevel'], string> = {
  intact: '能力完好',
  mild: '轻度失能',
  moderate: '中度失能',
  severe: '重度失能',
};

const ARRANGEMENT_COLUMNS: ListColumn<CareArrangement>[] = [
  { header: '老人', value: (a) => a.retireeName, width: 12 },
  { header: '养老方式', value: (a) => CARE_TYPE_NAMES[a.type], width: 12 },
  { header: '服务机构', value: (a) => a.provider, width: 24 },
  { header: '能力等级', value: (a) => LEVEL_NAMES[a.careLevel], width: 12 },
  { header: '开始日期', value: (a) => a.startOn, width: 12 },
  { header: '结束日期', value: (a) => a.endOn, width: 12 },
  { header: '结束原因', value: (a) => a.endReason, width: 16 },
  { header: '状态', value: (a) => (a.current ? '当前' : '已结束'), width: 8 },
  { header: '探视次数', value: (a) => a.visitCount, width: 10 },
  { header: '最近探视', value: (a) => a.lastVisitOn, width: 12 },
  { header: '备注', value: (a) => a.note, width: 30 },
];

const VISIT_COLUMNS: ListColumn<CareVisit>[] = [
  { header: '探视日期', value: (v) => v.visitedOn, width: 12 },
  { header: '老人', value: (v) => v.retireeName, width: 12 },
  { header: '探视人', value: (v) => v.visitor, width: 14 },
  { header: '探视内容', value: (v) => v.content, width: 40 },
  { header: '发现的问题', value: (v) => v.problems, width: 30 },
];

export const careRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { care } = app;
  const arrangementInScope = rowInScope(hub.db, 'care_arrangements', 'care arrangement');
  const arrangements = recordRoutes(app, route, {
    url: '/api/care/arrangements',
    record: CareArrangement,
    read: 'care.read',
    write: 'care.write',
    guard: arrangementInScope,
  });

  listWithExport(app, {
    url: '/api/care/arrangements',
    access: 'care.read',
    tags: route.tags,
    summary: 'Care arrangements (居家 / 社区 / 机构)',
    querystring: CareArrangementQuery,
    answer: Type.Array(CareArrangement),
    exportSummary: 'The care arrangements as an Excel workbook (same filters as the list, Chinese headers)',
    exportQuerystring: CareArrangementExportQuery,
    list: (query, scope) => care.arrangements(query, scope),
    workbook: {
      sheet: '养老服务安排',
      columns: ARRANGEMENT_COLUMNS,
      file: 'care-arrangements',
      name: '养老服务安排',
    },
  });

  arrangements.create(
    {
      retiree: 'body',
      summary: 'A new care arrangement; 409 while another is current for the retiree',
      body: CareArrangementInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return care.create(body, caller.id);
    },
  );
  arrangements.one('One care arrangement', (id) => care.arrangement(id));
  arrangements.on(
    'end',
    {
      summary: 'End the current arrangement, with the reason; 409 when already ended',
      body: CareArrangementEnd,
    },
    (id, body, caller) => care.end(id, body, caller.id),
  );

  listWithExport(app, {
    url: '/api/care/visits',
    access: 'care.read',
    tags: route.tags,
    summary: 'The care-visit log (走访探视, 6.7.2.2), newest first',
    querystring: CareVisitQuery,
    answer: Type.Array(CareVisit),
    exportSummary: 'The care-visit log as an Excel workbook (same filters as the list, Chinese headers)',
    exportQuerystring: CareVisitExportQuery,
    list: (query, scope) => care.visits(query, scope),
    workbook: { sheet: '养老探视记录', columns: VISIT_COLUMNS, file: 'care-visits', name: '养老探视记录' },
  });

  recordRoutes(app, route, {
    url: '/api/care/visits',
    record: CareVisit,
    read: 'care.read',
    write: 'care.write',
  }).create(
    { summary: 'Record a care visit within an arrangement (not in the future)', body: CareVisitInput },
    async (body, caller) => {
      await arrangementInScope(body.arrangementId, caller);
      return care.recordVisit(body, caller.id);
    },
  );
};
