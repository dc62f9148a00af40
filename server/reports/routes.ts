/**
 * Figures the centre can show (clause 7.1): alert response times and shares against the audited
 * 60 s / 180 s targets, per day, month or shift, as JSON for the dashboard and as an Excel workbook
 * for a third-party review. Staff roles only: the figures name staff and retirees. Beside them the
 * service figures month by month (./services.ts) for those who keep the records.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { centreDay, centreYear } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { type ListColumn, XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import { callerScope, exportRoute, refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { AlertReport, ReportQuery, ServiceFiguresQuery, ServiceMonth } from '../schemas/reports.ts';
import type { Scope } from '../store/scope.ts';
import { alertReportWorkbook } from './excel.ts';
import { alertReport, daysInclusive, type Grouping, parseDay } from './figures.ts';
import { serviceFigures } from './services.ts';

const route = routeOptions('reports');

/** A year and a month's margin: enough for any annual review, small enough to compute at once. */
export const MAX_REPORT_DAYS = 400;

function period(query: ReportQuery): { from: string; to: string; group: Grouping } {
  if (!parseDay(query.from)) throw badRequest(`from: ${query.from} is not a calendar date`);
  if (!parseDay(query.to)) throw badRequest(`to: ${query.to} is not a calendar date`);
  const days = daysInclusive(query.from, query.to);
  if (days < 1) throw badRequest('the period ends before it starts');
  if (days > MAX_REPORT_DAYS) {
    throw badRequest(`the period spans ${days} days; at most ${MAX_REPORT_DAYS} days per report`);
  }
  return { from: query.from, to: query.to, group: query.group ?? 'day' };
}

export const reportRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  app.get(
    '/api/reports/alerts',
    route('reports.read', {
      summary: 'Alert figures (7.1): times to acknowledge and resolve, 60 s / 180 s shares, counts',
      querystring: ReportQuery,
      response: { 200: AlertReport, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      return (await alertReport(hub.db, period(request.query))).report;
    },
  );

  app.get(
    '/api/reports/alerts.xlsx',
    route('reports.read', {
      summary: 'The same figures as an Excel workbook: figures, kinds and outcomes, false alarms, raw alerts',
      querystring: ReportQuery,
      produces: [XLSX_MEDIA_TYPE],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The workbook (.xlsx)' }),
        ...refusals(400, 401, 403),
      },
    }),
    async (request, reply) => {
      const chosen = period(request.query);
      const { report, rows } = await alertReport(hub.db, chosen);
      const workbook = await alertReportWorkbook(report, rows);
      const name = `alert-figures_${chosen.from}_${chosen.to}_${chosen.group}.xlsx`;
      const chineseName = `告警统计_${chosen.from}_${chosen.to}.xlsx`;
      return reply
        .type(XLSX_MEDIA_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(chineseName)}`,
        )
        .send(workbook);
    },
  );

  const figures = (query: ServiceFiguresQuery, scope: Scope) => {
    const today = centreDay(new Date());
    return serviceFigures(hub.db, query.year ?? centreYear(new Date()), today, scope);
  };
  app.get(
    '/api/reports/services',
    route('reports.services', {
      summary:
        'Service figures (7.1) month by month for a year: visits on time, requests done and rated, health checks, complaints and letters answered in time, alerts',
      querystring: ServiceFiguresQuery,
      response: { 200: Type.Array(ServiceMonth), ...refusals(400, 401, 403) },
    }),
    (request) => figures(request.query, callerScope(request)),
  );
  exportRoute(app, '/api/reports/services/export.xlsx', {
    access: 'reports.services',
    schema: {
      tags: route.tags,
      summary: 'The service figures of a year as an Excel workbook',
      querystring: ServiceFiguresQuery,
    },
    errors: refusals(400, 401, 403),
    rows: (query: ServiceFiguresQuery, scope) => figures(query, scope),
    workbook: (query: ServiceFiguresQuery) => ({
      sheet: '服务指标',
      columns: SERVICE_COLUMNS,
      file: `service-figures-${query.year ?? centreYear(new Date())}`,
      name: `${query.year ?? centreYear(new Date())}年服务指标`,
    }),
  });
};

const percent = (part: number, whole: number) => (whole === 0 ? null : part / whole);

const SERVICE_COLUMNS: ListColumn<ServiceMonth>[] = [
  { header: '月份', value: (row) => row.period, width: 10 },
  { header: '应走访', value: (row) => row.visitsDue, width: 8 },
  { header: '按时走访', value: (row) => row.visitsOnTime, width: 10 },
  { header: '按时率', value: (row) => percent(row.visitsOnTime, row.visitsDue), format: '0.0%', width: 8 },
  { header: '逾期走访', value: (row) => row.visitsLate, width: 10 },
  { header: '逾期未走访', value: (row) => row.visitsOverdue, width: 10 },
  { header: '走访记录', value: (row) => row.visitsRecorded, width: 10 },
  { header: '求助受理', value: (row) => row.requestsOpened, width: 10 },
  { header: '求助办结', value: (row) => row.requestsDone, width: 10 },
  { header: '评价数', value: (row) => row.requestsRated, width: 8 },
  { header: '平均评分', value: (row) => row.averageRating, format: '0.00', width: 10 },
  { header: '体检完成', value: (row) => row.healthChecks, width: 10 },
  { header: '投诉', value: (row) => row.complaints, width: 8 },
  { header: '按时答复投诉', value: (row) => row.complaintsAnsweredInTime, width: 12 },
  { header: '逾期未答复投诉', value: (row) => row.complaintsOverdue, width: 14 },
  { header: '来信来访', value: (row) => row.letters, width: 10 },
  { header: '按时答复来信来访', value: (row) => row.lettersRepliedInTime, width: 16 },
  { header: '告警', value: (row) => row.alerts, width: 8 },
];
