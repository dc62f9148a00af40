/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5): requests with their chains, stays abroad, suspensions. */
import type {
  AbroadContactInput,
  AbroadRequest,
  AbroadStay,
  AbroadStayDetail,
  AbroadStepInput,
  PensionSuspension,
  PostRequestInput,
  TravelRequestInput,
} from '../../../../server/schemas/abroad.ts';
import { call } from '../../api/client.ts';
import { download } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  AbroadRequest,
  AbroadStay,
  AbroadStayDetail,
  PensionSuspension,
  PostRequestInput,
  TravelRequestInput,
};
export type RequestKind = AbroadRequest['kind'];
export type RequestStatus = AbroadRequest['status'];
export type ChainStep = AbroadRequest['chain'][number];
export type StepDecision = AbroadStepInput['decision'];
export type ContactChannel = AbroadContactInput['channel'];

export const requestKinds: readonly RequestKind[] = ['travel', 'part_time_post'];
export const requestStatuses: readonly RequestStatus[] = [
  'requested',
  'opinion_given',
  'centre_approved',
  'approved',
  'rejected',
  'filed',
  'withdrawn',
];
export const contactChannels: readonly ContactChannel[] = ['phone', 'video', 'message'];

export const listRequests = call.get('/api/abroad/requests');
export const createTravel = call.post('/api/abroad/travel-requests');
export const createPost = call.post('/api/abroad/post-requests');
export const recordStep = call.post('/api/abroad/requests/{id}/steps');
const withdraw = call.post('/api/abroad/requests/{id}/withdraw');
export const withdrawRequest = (requestId: string, reason: string) => withdraw(requestId, { reason });
export const depart = call.post('/api/abroad/requests/{id}/depart');
export const exportRequests = download('/api/abroad/requests/export.xlsx', 'abroad-requests.xlsx');

export const stayRecords = recordCalls('/api/abroad/stays', 'abroad-stays.xlsx');
export const stay = call.get('/api/abroad/stays/{id}');
export const addContact = call.post('/api/abroad/stays/{id}/contacts');
export const returnHome = call.post('/api/abroad/stays/{id}/return');

export const listSuspensions = call.get('/api/abroad/suspensions');
const clear = call.post('/api/abroad/suspensions/{id}/clear');
export const clearSuspension = (suspensionId: string, reason: string) => clear(suspensionId, { reason });
export const runCheck = call.post('/api/abroad/check');
export const exportSuspensions = download('/api/abroad/suspensions/export.xlsx', 'pension-suspensions.xlsx');
