/** Elderly care (6.7 养老服务): care arrangements (one current per retiree) and the care-visit log. */
import type {
  CareArrangement,
  CareArrangementInput,
  CareVisit,
  CareVisitInput,
} from '../../../../server/schemas/index.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type { CareArrangement, CareArrangementInput, CareVisit, CareVisitInput };
export type CareType = CareArrangement['type'];
export type CareLevel = CareArrangement['careLevel'];

export const careTypes: readonly CareType[] = ['home', 'community', 'institution'];
export const careLevels: readonly CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];

export function listArrangements(query: QueryOf<'/api/care/arrangements'> = {}): Promise<CareArrangement[]> {
  return data(api.GET('/api/care/arrangements', { params: { query } }));
}

export function startArrangement(body: CareArrangementInput): Promise<CareArrangement> {
  return data(api.POST('/api/care/arrangements', { body }));
}

export function endArrangement(
  arrangementId: string,
  body: BodyOf<'/api/care/arrangements/{id}/end'>,
): Promise<CareArrangement> {
  return data(api.POST('/api/care/arrangements/{id}/end', { params: { path: { id: arrangementId } }, body }));
}

export function exportArrangements(query: QueryOf<'/api/care/arrangements/export.xlsx'>): Promise<string> {
  return downloadFile('/api/care/arrangements/export.xlsx', 'care-arrangements.xlsx', { ...query });
}

export function listCareVisits(query: QueryOf<'/api/care/visits'> = {}): Promise<CareVisit[]> {
  return data(api.GET('/api/care/visits', { params: { query } }));
}

export function recordCareVisit(body: CareVisitInput): Promise<CareVisit> {
  return data(api.POST('/api/care/visits', { body }));
}

export function exportCareVisits(query: QueryOf<'/api/care/visits/export.xlsx'>): Promise<string> {
  return downloadFile('/api/care/visits/export.xlsx', 'care-visits.xlsx', { ...query });
}
