/** The alert figures of clause 7.1: JSON for the page, and the Excel workbook as a download. */
import type { ReportGrouping } from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

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
