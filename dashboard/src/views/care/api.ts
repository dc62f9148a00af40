/** Elderly care (6.7 养老服务): care arrangements (one current per retiree) and the care-visit log. */
import type {
  CareArrangement,
  CareArrangementInput,
  CareVisit,
  CareVisitInput,
} from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { download } from '../../api/download.ts';

export type { CareArrangement, CareArrangementInput, CareVisit, CareVisitInput };
export type CareType = CareArrangement['type'];
export type CareLevel = CareArrangement['careLevel'];

export const careTypes: readonly CareType[] = ['home', 'community', 'institution'];
export const careLevels: readonly CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];

export const listArrangements = call.get('/api/care/arrangements');
export const startArrangement = call.post('/api/care/arrangements');
export const endArrangement = call.post('/api/care/arrangements/{id}/end');
export const exportArrangements = download('/api/care/arrangements/export.xlsx', 'care-arrangements.xlsx');

export const listCareVisits = call.get('/api/care/visits');
export const recordCareVisit = call.post('/api/care/visits');
export const exportCareVisits = download('/api/care/visits/export.xlsx', 'care-visits.xlsx');
