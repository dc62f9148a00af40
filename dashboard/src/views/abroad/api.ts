/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5): requests with their chains, stays abroad, suspensions. */
import type {
  AbroadContactInput,
  AbroadDepartInput,
  AbroadRequest,
  AbroadRequestList,
  AbroadRequestsQuery,
  AbroadReturnInput,
  AbroadStay,
  AbroadStayDetail,
  AbroadStayInput,
  AbroadStaysQuery,
  AbroadStepInput,
  PensionSuspension,
  PensionSuspensionsQuery,
  PostRequestInput,
  SuspensionCheckResult,
  TravelRequestInput,
} from '../../../../server/schemas/abroad.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

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

const id = (value: string) => encodeURIComponent(value);
type ListQuery = Omit<AbroadRequestsQuery, 'limit' | 'offset'>;

export function listRequests(query: AbroadRequestsQuery = {}): Promise<AbroadRequestList> {
  return request('/api/abroad/requests', { query: { ...query, open: query.open?.toString() } });
}
export function createTravel(body: TravelRequestInput): Promise<AbroadRequest> {
  return request('/api/abroad/travel-requests', { method: 'POST', body });
}
export function createPost(body: PostRequestInput): Promise<AbroadRequest> {
  return request('/api/abroad/post-requests', { method: 'POST', body });
}
export function recordStep(requestId: string, body: AbroadStepInput): Promise<AbroadRequest> {
  return request(`/api/abroad/requests/${id(requestId)}/steps`, { method: 'POST', body });
}
export function withdrawRequest(requestId: string, reason: string): Promise<AbroadRequest> {
  return request(`/api/abroad/requests/${id(requestId)}/withdraw`, { method: 'POST', body: { reason } });
}
export function depart(requestId: string, body: AbroadDepartInput): Promise<AbroadStayDetail> {
  return request(`/api/abroad/requests/${id(requestId)}/depart`, { method: 'POST', body });
}
export function exportRequests(query: ListQuery = {}): Promise<string> {
  return downloadFile('/api/abroad/requests/export.xlsx', 'abroad-requests.xlsx', query);
}

export function listStays(query: AbroadStaysQuery = {}): Promise<AbroadStay[]> {
  return request('/api/abroad/stays', { query });
}
export function stay(stayId: string): Promise<AbroadStayDetail> {
  return request(`/api/abroad/stays/${id(stayId)}`);
}
export function markAbroad(body: AbroadStayInput): Promise<AbroadStayDetail> {
  return request('/api/abroad/stays', { method: 'POST', body });
}
export function addContact(stayId: string, body: AbroadContactInput): Promise<AbroadStayDetail> {
  return request(`/api/abroad/stays/${id(stayId)}/contacts`, { method: 'POST', body });
}
export function returnHome(stayId: string, body: AbroadReturnInput): Promise<AbroadStayDetail> {
  return request(`/api/abroad/stays/${id(stayId)}/return`, { method: 'POST', body });
}
export function exportStays(query: AbroadStaysQuery = {}): Promise<string> {
  return downloadFile('/api/abroad/stays/export.xlsx', 'abroad-stays.xlsx', query);
}

export function listSuspensions(query: PensionSuspensionsQuery = {}): Promise<PensionSuspension[]> {
  return request('/api/abroad/suspensions', { query: { ...query, active: query.active?.toString() } });
}
export function clearSuspension(suspensionId: string, reason: string): Promise<PensionSuspension> {
  return request(`/api/abroad/suspensions/${id(suspensionId)}/clear`, { method: 'POST', body: { reason } });
}
export function runCheck(): Promise<SuspensionCheckResult> {
  return request('/api/abroad/check', { method: 'POST' });
}
export function exportSuspensions(query: PensionSuspensionsQuery = {}): Promise<string> {
  return downloadFile('/api/abroad/suspensions/export.xlsx', 'pension-suspensions.xlsx', query);
}
