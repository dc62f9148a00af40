/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5): requests with their chains, stays abroad, suspensions. */
import type {
  AbroadContactInput,
  AbroadRequest,
  AbroadRequestsQuery,
  AbroadStay,
  AbroadStayDetail,
  AbroadStepInput,
  PensionSuspension,
  PostRequestInput,
  TravelRequestInput,
} from '../../../../server/schemas/abroad.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

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

type ListQuery = Omit<AbroadRequestsQuery, 'limit' | 'offset'>;

export function listRequests(query: QueryOf<'/api/abroad/requests'> = {}) {
  return data(api.GET('/api/abroad/requests', { params: { query } }));
}
export function createTravel(body: TravelRequestInput): Promise<AbroadRequest> {
  return data(api.POST('/api/abroad/travel-requests', { body }));
}
export function createPost(body: PostRequestInput): Promise<AbroadRequest> {
  return data(api.POST('/api/abroad/post-requests', { body }));
}
export function recordStep(
  requestId: string,
  body: BodyOf<'/api/abroad/requests/{id}/steps'>,
): Promise<AbroadRequest> {
  return data(api.POST('/api/abroad/requests/{id}/steps', { params: { path: { id: requestId } }, body }));
}
export function withdrawRequest(requestId: string, reason: string): Promise<AbroadRequest> {
  return data(
    api.POST('/api/abroad/requests/{id}/withdraw', { params: { path: { id: requestId } }, body: { reason } }),
  );
}
export function depart(
  requestId: string,
  body: BodyOf<'/api/abroad/requests/{id}/depart'>,
): Promise<AbroadStayDetail> {
  return data(api.POST('/api/abroad/requests/{id}/depart', { params: { path: { id: requestId } }, body }));
}
export function exportRequests(query: ListQuery = {}): Promise<string> {
  return downloadFile('/api/abroad/requests/export.xlsx', 'abroad-requests.xlsx', query);
}

export function listStays(query: QueryOf<'/api/abroad/stays'> = {}): Promise<AbroadStay[]> {
  return data(api.GET('/api/abroad/stays', { params: { query } }));
}
export function stay(stayId: string): Promise<AbroadStayDetail> {
  return data(api.GET('/api/abroad/stays/{id}', { params: { path: { id: stayId } } }));
}
export function markAbroad(body: BodyOf<'/api/abroad/stays'>): Promise<AbroadStayDetail> {
  return data(api.POST('/api/abroad/stays', { body }));
}
export function addContact(
  stayId: string,
  body: BodyOf<'/api/abroad/stays/{id}/contacts'>,
): Promise<AbroadStayDetail> {
  return data(api.POST('/api/abroad/stays/{id}/contacts', { params: { path: { id: stayId } }, body }));
}
export function returnHome(
  stayId: string,
  body: BodyOf<'/api/abroad/stays/{id}/return'>,
): Promise<AbroadStayDetail> {
  return data(api.POST('/api/abroad/stays/{id}/return', { params: { path: { id: stayId } }, body }));
}
export function exportStays(query: QueryOf<'/api/abroad/stays/export.xlsx'> = {}): Promise<string> {
  return downloadFile('/api/abroad/stays/export.xlsx', 'abroad-stays.xlsx', query);
}

export function listSuspensions(
  query: QueryOf<'/api/abroad/suspensions'> = {},
): Promise<PensionSuspension[]> {
  return data(api.GET('/api/abroad/suspensions', { params: { query } }));
}
export function clearSuspension(suspensionId: string, reason: string): Promise<PensionSuspension> {
  return data(
    api.POST('/api/abroad/suspensions/{id}/clear', {
      params: { path: { id: suspensionId } },
      body: { reason },
    }),
  );
}
export function runCheck() {
  return data(api.POST('/api/abroad/check'));
}
export function exportSuspensions(
  query: QueryOf<'/api/abroad/suspensions/export.xlsx'> = {},
): Promise<string> {
  return downloadFile('/api/abroad/suspensions/export.xlsx', 'pension-suspensions.xlsx', query);
}
