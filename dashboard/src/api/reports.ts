/**
 * The alert figures of clause 7.1: JSON for the page, and the Excel workbook fetched with the
 * bearer token (a plain link would carry no token) and handed to the browser as a download.
 */
import type { AlertReport, ReportGrouping } from '../../../server/schemas/index.ts';
import { ApiError, request, storedToken } from './http.ts';

export interface ReportPeriod {
  from: string;
  to: string;
  group: ReportGrouping;
}

export function getAlertReport(period: ReportPeriod): Promise<AlertReport> {
  return request<AlertReport>('/api/reports/alerts', { query: { ...period } });
}

/** The file name from Content-Disposition, preferring the UTF-8 `filename*` form. */
function fileName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded?.[1]) return decodeURIComponent(encoded[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain?.[1] ?? fallback;
}

export async function downloadAlertReport(period: ReportPeriod): Promise<string> {
  const query = new URLSearchParams({ ...period }).toString();
  const headers: Record<string, string> = {};
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`/api/reports/alerts.xlsx?${query}`, { headers });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new ApiError(
      response.status,
      body?.error ?? `http_${response.status}`,
      body?.message ?? response.statusText,
    );
  }
  const name = fileName(
    response.headers.get('content-disposition'),
    `alert-figures_${period.from}_${period.to}.xlsx`,
  );
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, or some browsers cancel the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
