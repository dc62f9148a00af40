/** Visits and condolences (6.8 走访慰问): campaigns, tasks, admissions, flags, records, follow-ups, summary. */
import type {
  Admission,
  AdmissionInput,
  AdmissionResult,
  Campaign,
  CampaignInput,
  CampaignResult,
  FollowUp,
  FollowUpQuery,
  FollowUpUpdate,
  LivingFlags,
  LivingFlagsInput,
  VisitRecord,
  VisitRecordInput,
  VisitRecordQuery,
  VisitSummary,
  VisitTask,
  VisitTaskInput,
  VisitTaskQuery,
  VisitTaskUpdate,
} from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export type {
  Admission,
  Campaign,
  FollowUp,
  LivingFlags,
  VisitRecord,
  VisitRecordInput,
  VisitSummary,
  VisitTask,
};
export type VisitReason = VisitTask['reason'];
export type VisitMode = VisitRecord['mode'];
export type Holiday = Campaign['holiday'];

export const visitReasons: readonly VisitReason[] = [
  'spring_festival',
  'army_day',
  'national_day',
  'hospital',
  'focus',
  'other',
];
export const visitModes: readonly VisitMode[] = ['in_person', 'phone', 'video'];
export const holidays: readonly Holiday[] = ['spring_festival', 'army_day', 'national_day'];
/** The seven fields of a visit record (6.8.2.5), in the order of the standard. */
export const sevenFields = [
  'thought',
  'health',
  'medicalCare',
  'hobbies',
  'socialActivity',
  'family',
  'livingConditions',
] as const;
export type SevenField = (typeof sevenFields)[number];

const id = (value: string) => encodeURIComponent(value);

export function listCampaigns(): Promise<Campaign[]> {
  return request<Campaign[]>('/api/visits/campaigns');
}

export function createCampaign(body: CampaignInput): Promise<CampaignResult> {
  return request<CampaignResult>('/api/visits/campaigns', { method: 'POST', body });
}

export function listTasks(query: VisitTaskQuery = {}): Promise<VisitTask[]> {
  return request<VisitTask[]>('/api/visits/tasks', { query: { ...query } });
}

export function createTask(body: VisitTaskInput): Promise<VisitTask> {
  return request<VisitTask>('/api/visits/tasks', { method: 'POST', body });
}

export function updateTask(taskId: string, body: VisitTaskUpdate): Promise<VisitTask> {
  return request<VisitTask>(`/api/visits/tasks/${id(taskId)}`, { method: 'PATCH', body });
}

export function listAdmissions(retireeId?: string): Promise<Admission[]> {
  return request<Admission[]>('/api/visits/admissions', { query: { retireeId } });
}

export function recordAdmission(body: AdmissionInput): Promise<AdmissionResult> {
  return request<AdmissionResult>('/api/visits/admissions', { method: 'POST', body });
}

export function livingFlags(retireeId: string): Promise<LivingFlags> {
  return request<LivingFlags>(`/api/visits/retirees/${id(retireeId)}/flags`);
}

export function setLivingFlags(retireeId: string, body: LivingFlagsInput): Promise<LivingFlags> {
  return request<LivingFlags>(`/api/visits/retirees/${id(retireeId)}/flags`, { method: 'PATCH', body });
}

export function listRecords(query: VisitRecordQuery = {}): Promise<VisitRecord[]> {
  return request<VisitRecord[]>('/api/visits/records', { query: { ...query } });
}

export function createRecord(body: VisitRecordInput): Promise<VisitRecord> {
  return request<VisitRecord>('/api/visits/records', { method: 'POST', body });
}

export function listFollowUps(query: FollowUpQuery = {}): Promise<FollowUp[]> {
  const { overdue, ...rest } = query;
  return request<FollowUp[]>('/api/visits/follow-ups', {
    query: { ...rest, overdue: overdue === undefined ? undefined : String(overdue) },
  });
}

export function updateFollowUp(followUpId: string, body: FollowUpUpdate): Promise<FollowUp> {
  return request<FollowUp>(`/api/visits/follow-ups/${id(followUpId)}`, { method: 'PATCH', body });
}

export function visitSummary(from: string, to: string): Promise<VisitSummary> {
  return request<VisitSummary>('/api/visits/summary', { query: { from, to } });
}
