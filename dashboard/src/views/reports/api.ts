/**
 * The figures of clause 7.1: the alert figures (JSON for the page, and the Excel workbook as a
 * download), and the service figures month by month with their Excel sheet.
 */
import type { ReportGrouping } from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { download, downloadFile } from '../../api/download.ts';

export type { ServiceMonth } from '../../../../server/schemas/index.ts';

export interface ReportPeriod {
  from: string;
  to: string;
  group: ReportGrouping;
}

export const getAlertReport = call.get('/api/reports/alerts');

export function downloadAlertReport(period: ReportPeriod): Promise<string> {
  return downloadFile('/api/reports/alerts.xlsx', `alert-figures_${period.from}_${period.to}.xlsx`, {
    ...period,
  });
}

export const getServiceFigures = call.get('/api/reports/services');
export const downloadServiceFigures = download('/api/reports/services/export.xlsx', 'service-figures.xlsx');
