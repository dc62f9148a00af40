/** Elderly care (6.7 养老服务): care arrangements (one current per retiree) and the care-visit log. */
import type {
  CareArrangement,
  CareArrangementEnd,
  CareArrangementExportQuery,
  CareArrangementInput,
  CareArrangementQuery,
  CareVisit,
  CareVisitExportQuery,
  CareVisitInput,
  CareVisitQuery,
} from '../../../../server/schemas/index.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

export type { CareArrangement, CareArrangementInput, CareVisit, CareVisitInput };
export type CareType = CareArrangement['type'];
export type CareLevel = CareArrangement['careLevel'];

export const careTypes: readonly CareType[] = ['home', 'community', 'institution'];
export const careLevels: readonly CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];

const id = (value: string) => encodeURIComponent(value);

export function listArrangements(query: CareArrangementQuery = {}): Promise<CareArrangement[]> {
  return request<CareArrangement[]>('/api/care/arrangements', {
    query: { ...query, current: flag(query.current) },
  });
}

export function startArrangement(body: CareArrangementInput): Promise<CareArrangement> {
  return request<CareArrangement>('/api/care/arrangements', { method: 'POST', body });
}

export function endArrangement(arrangementId: string, body: CareArrangementEnd): Promise<CareArrangement> {
  return request<CareArrangement>(`/api/care/arrangements/${id(arrangementId)}/end`, {
    method: 'POST',
    body,
  });
}

export function exportArrangements(query: CareArrangementExportQuery): Promise<string> {
  return downloadFile('/api/care/arrangements/export.xlsx', 'care-arrangements.xlsx', { ...query });
}

export function listCareVisits(query: CareVisitQuery = {}): Promise<CareVisit[]> {
  return request<CareVisit[]>('/api/care/visits', { query: { ...query } });
}

export function recordCareVisit(body: CareVisitInput): Promise<CareVisit> {
  return request<CareVisit>('/api/care/visits', { method: 'POST', body });
}

export function exportCareVisits(query: CareVisitExportQuery): Promise<string> {
  return downloadFile('/api/care/visits/export.xlsx', 'care-visits.xlsx', { ...query });
}

function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
