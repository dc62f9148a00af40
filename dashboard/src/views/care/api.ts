/** Elderly care (6.7 养老服务): care arrangements (one current per retiree) and the care-visit log. */
import type {
  CareArrangement,
  CareArrangementInput,
  CareVisit,
  CareVisitInput,
} from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

export type { CareArrangement, CareArrangementInput, CareVisit, CareVisitInput };
export type CareType = CareArrangement['type'];
export type CareLevel = CareArrangement['careLevel'];

export const careTypes: readonly CareType[] = ['home', 'community', 'institution'];
export const careLevels: readonly CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];

export const arrangementRecords = recordCalls('/api/care/arrangements', 'care-arrangements.xlsx');
export const endArrangement = call.post('/api/care/arrangements/{id}/end');

export const careVisitRecords = recordCalls('/api/care/visits', 'care-visits.xlsx');
