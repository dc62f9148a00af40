/** Political life and reception (6.2): activities with attendance, convalescence batches, letters/visits/calls. */
import type {
  AttendanceInput,
  ConvalescenceBatch,
  ConvalescenceBatchInput,
  ParticipantsInput,
  PoliticalActivity,
  PoliticalActivityInput,
  PoliticalActivityQuery,
  ReceptionInput,
  ReceptionItem,
  ReceptionQuery,
  ReceptionReply,
} from '../../../../server/schemas/reception.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

export type {
  AttendanceInput,
  ConvalescenceBatch,
  ConvalescenceBatchInput,
  PoliticalActivity,
  PoliticalActivityInput,
  ReceptionInput,
  ReceptionItem,
};
export type PoliticalKind = PoliticalActivity['kind'];
export type AttendanceStatus = PoliticalActivity['attendance'][number]['status'];
export type ReceptionChannel = ReceptionItem['channel'];
export type ReceptionStatus = ReceptionItem['status'];

export const politicalKinds: readonly PoliticalKind[] = ['organisation_life', 'study', 'activity'];
export const attendanceStatuses: readonly AttendanceStatus[] = ['present', 'absent', 'excused'];
export const receptionChannels: readonly ReceptionChannel[] = ['letter', 'visit', 'call'];
export const receptionStatuses: readonly ReceptionStatus[] = ['received', 'in_hand', 'replied'];

const id = (value: string) => encodeURIComponent(value);

export function listActivities(query: PoliticalActivityQuery = {}): Promise<PoliticalActivity[]> {
  return request('/api/reception/activities', { query });
}
export function createActivity(body: PoliticalActivityInput): Promise<PoliticalActivity> {
  return request('/api/reception/activities', { method: 'POST', body });
}
export function recordAttendance(activityId: string, body: AttendanceInput): Promise<PoliticalActivity> {
  return request(`/api/reception/activities/${id(activityId)}/attendance`, { method: 'PUT', body });
}
export function exportActivities(query: PoliticalActivityQuery = {}): Promise<string> {
  return downloadFile('/api/reception/activities/export.xlsx', 'political-activities.xlsx', query);
}

export function listBatches(): Promise<ConvalescenceBatch[]> {
  return request('/api/reception/convalescence');
}
export function createBatch(body: ConvalescenceBatchInput): Promise<ConvalescenceBatch> {
  return request('/api/reception/convalescence', { method: 'POST', body });
}
export function addParticipants(batchId: string, body: ParticipantsInput): Promise<ConvalescenceBatch> {
  return request(`/api/reception/convalescence/${id(batchId)}/participants`, { method: 'POST', body });
}
export function removeParticipant(batchId: string, retireeId: string): Promise<ConvalescenceBatch> {
  return request(`/api/reception/convalescence/${id(batchId)}/participants/${id(retireeId)}`, {
    method: 'DELETE',
  });
}
export function exportBatches(): Promise<string> {
  return downloadFile('/api/reception/convalescence/export.xlsx', 'honour-convalescence.xlsx', {});
}

export function listItems(query: ReceptionQuery = {}): Promise<ReceptionItem[]> {
  return request('/api/reception/items', { query });
}
export function createItem(body: ReceptionInput): Promise<ReceptionItem> {
  return request('/api/reception/items', { method: 'POST', body });
}
export function takeItem(itemId: string): Promise<ReceptionItem> {
  return request(`/api/reception/items/${id(itemId)}/take`, { method: 'POST' });
}
export function replyItem(itemId: string, body: ReceptionReply): Promise<ReceptionItem> {
  return request(`/api/reception/items/${id(itemId)}/reply`, { method: 'POST', body });
}
export function exportItems(query: Omit<ReceptionQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/reception/items/export.xlsx', 'letters-visits-calls.xlsx', query);
}
