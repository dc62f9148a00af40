/** Political life and reception (6.2): activities with attendance, convalescence batches, letters/visits/calls. */
import type {
  ConvalescenceBatch,
  PoliticalActivity,
  ReceptionItem,
  ReceptionQuery,
} from '../../../../server/schemas/reception.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type {
  AttendanceInput,
  ConvalescenceBatch,
  ConvalescenceBatchInput,
  PoliticalActivity,
  PoliticalActivityInput,
  ReceptionInput,
  ReceptionItem,
} from '../../../../server/schemas/reception.ts';
export type PoliticalKind = PoliticalActivity['kind'];
export type AttendanceStatus = PoliticalActivity['attendance'][number]['status'];
export type ReceptionChannel = ReceptionItem['channel'];
export type ReceptionStatus = ReceptionItem['status'];

export const politicalKinds: readonly PoliticalKind[] = ['organisation_life', 'study', 'activity'];
export const attendanceStatuses: readonly AttendanceStatus[] = ['present', 'absent', 'excused'];
export const receptionChannels: readonly ReceptionChannel[] = ['letter', 'visit', 'call'];
export const receptionStatuses: readonly ReceptionStatus[] = ['received', 'in_hand', 'replied'];

export function listActivities(
  query: QueryOf<'/api/reception/activities'> = {},
): Promise<PoliticalActivity[]> {
  return data(api.GET('/api/reception/activities', { params: { query } }));
}
export function createActivity(body: BodyOf<'/api/reception/activities'>): Promise<PoliticalActivity> {
  return data(api.POST('/api/reception/activities', { body }));
}
export function recordAttendance(
  activityId: string,
  body: BodyOf<'/api/reception/activities/{id}/attendance', 'put'>,
): Promise<PoliticalActivity> {
  return data(
    api.PUT('/api/reception/activities/{id}/attendance', { params: { path: { id: activityId } }, body }),
  );
}
export function exportActivities(
  query: QueryOf<'/api/reception/activities/export.xlsx'> = {},
): Promise<string> {
  return downloadFile('/api/reception/activities/export.xlsx', 'political-activities.xlsx', query);
}

export function listBatches(): Promise<ConvalescenceBatch[]> {
  return data(api.GET('/api/reception/convalescence'));
}
export function createBatch(body: BodyOf<'/api/reception/convalescence'>): Promise<ConvalescenceBatch> {
  return data(api.POST('/api/reception/convalescence', { body }));
}
export function addParticipants(
  batchId: string,
  body: BodyOf<'/api/reception/convalescence/{id}/participants'>,
): Promise<ConvalescenceBatch> {
  return data(
    api.POST('/api/reception/convalescence/{id}/participants', { params: { path: { id: batchId } }, body }),
  );
}
export function removeParticipant(batchId: string, retireeId: string): Promise<ConvalescenceBatch> {
  return data(
    api.DELETE('/api/reception/convalescence/{id}/participants/{retireeId}', {
      params: { path: { id: batchId, retireeId } },
    }),
  );
}
export function exportBatches(): Promise<string> {
  return downloadFile('/api/reception/convalescence/export.xlsx', 'honour-convalescence.xlsx', {});
}

export function listItems(query: QueryOf<'/api/reception/items'> = {}): Promise<ReceptionItem[]> {
  return data(api.GET('/api/reception/items', { params: { query } }));
}
export function createItem(body: BodyOf<'/api/reception/items'>): Promise<ReceptionItem> {
  return data(api.POST('/api/reception/items', { body }));
}
export function takeItem(itemId: string): Promise<ReceptionItem> {
  return data(api.POST('/api/reception/items/{id}/take', { params: { path: { id: itemId } } }));
}
export function replyItem(
  itemId: string,
  body: BodyOf<'/api/reception/items/{id}/reply'>,
): Promise<ReceptionItem> {
  return data(api.POST('/api/reception/items/{id}/reply', { params: { path: { id: itemId } }, body }));
}
export function exportItems(query: Omit<ReceptionQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/reception/items/export.xlsx', 'letters-visits-calls.xlsx', query);
}
