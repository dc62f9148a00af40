/** Political life and reception (6.2): activities with attendance, convalescence batches, letters/visits/calls. */
import type { PoliticalActivity, ReceptionItem } from '../../../../server/schemas/reception.ts';
import { call } from '../../api/client.ts';
import { recordCalls } from '../../api/records.ts';

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

export const activityRecords = recordCalls('/api/reception/activities', 'political-activities.xlsx');
export const recordAttendance = call.put('/api/reception/activities/{id}/attendance');

export const batchRecords = recordCalls('/api/reception/convalescence', 'honour-convalescence.xlsx');
export const addParticipants = call.post('/api/reception/convalescence/{id}/participants');
export const removeParticipant = call.delete('/api/reception/convalescence/{id}/participants/{retireeId}');

export const itemRecords = recordCalls('/api/reception/items', 'letters-visits-calls.xlsx');
export const takeItem = call.post('/api/reception/items/{id}/take');
export const replyItem = call.post('/api/reception/items/{id}/reply');
