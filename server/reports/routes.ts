/**
 * Figures the centre can show (clause 7.1): alert response times and shares against the audited
 * 60 s / 180 s targets, per day, month or shift, as JSON for the dashboard and as an Excel workbook
 * for a third-party review. Staff roles only: the figures name staff and retirees.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { AlertReport, ReportQuery } from '../schemas/reports.ts';
import { alertReportWorkbook } from './excel.ts';
import { alertReport, daysInclusive, type Grouping, parseDay } from './figures.ts';

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
};
