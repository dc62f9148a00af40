/** Political life and reception (6.2): activities with attendance, convalescence batches, letters/visits/calls. */
import type { PoliticalActivity, ReceptionItem } from '../../../../server/schemas/reception.ts';
import { call } from '../../api/client.ts';
import { download } from '../../api/download.ts';

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

export const listActivities = call.get('/api/reception/activities');
export const createActivity = call.post('/api/reception/activities');
export const recordAttendance = call.put('/api/reception/activities/{id}/attendance');
export const exportActivities = download(
  '/api/reception/activities/export.xlsx',
  'political-activities.xlsx',
);

export const listBatches = call.get('/api/reception/convalescence');
export const createBatch = call.post('/api/reception/convalescence');
export const addParticipants = call.post('/api/reception/convalescence/{id}/participants');
export const removeParticipant = call.delete('/api/reception/convalescence/{id}/participants/{retireeId}');
export const exportBatches = download(
  '/api/reception/convalescence/export.xlsx',
  'honour-convalescence.xlsx',
);

export const listItems = call.get('/api/reception/items');
export const createItem = call.post('/api/reception/items');
export const takeItem = call.post('/api/reception/items/{id}/take');
export const replyItem = call.post('/api/reception/items/{id}/reply');
export const exportItems = download('/api/reception/items/export.xlsx', 'letters-visits-calls.xlsx');
