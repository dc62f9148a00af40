/** Visits and condolences (6.8 走访慰问): campaigns, tasks, admissions, flags, records, follow-ups, summary. */
import type { Campaign, VisitRecord, VisitTask } from '../../../../server/schemas/index.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile, type FileQuery, openPdf } from '../../api/download.ts';

export type {
  Admission,
  Campaign,
  FollowUp,
  LivingFlags,
  VisitRecord,
  VisitRecordInput,
  VisitSummary,
  VisitTask,
} from '../../../../server/schemas/index.ts';
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

const id = (value: string) => ({ params: { path: { id: value } } });

export function listCampaigns() {
  return data(api.GET('/api/visits/campaigns'));
}

export function createCampaign(body: BodyOf<'/api/visits/campaigns'>) {
  return data(api.POST('/api/visits/campaigns', { body }));
}

export function listTasks(query: QueryOf<'/api/visits/tasks'> = {}) {
  return data(api.GET('/api/visits/tasks', { params: { query } }));
}

export function createTask(body: BodyOf<'/api/visits/tasks'>) {
  return data(api.POST('/api/visits/tasks', { body }));
}

export function updateTask(taskId: string, body: BodyOf<'/api/visits/tasks/{id}', 'patch'>) {
  return data(api.PATCH('/api/visits/tasks/{id}', { ...id(taskId), body }));
}

export function listAdmissions(retireeId?: string) {
  return data(api.GET('/api/visits/admissions', { params: { query: { retireeId } } }));
}

export function recordAdmission(body: BodyOf<'/api/visits/admissions'>) {
  return data(api.POST('/api/visits/admissions', { body }));
}

export function livingFlags(retireeId: string) {
  return data(api.GET('/api/visits/retirees/{id}/flags', id(retireeId)));
}

export function setLivingFlags(retireeId: string, body: BodyOf<'/api/visits/retirees/{id}/flags', 'patch'>) {
  return data(api.PATCH('/api/visits/retirees/{id}/flags', { ...id(retireeId), body }));
}

export function listRecords(query: QueryOf<'/api/visits/records'> = {}) {
  return data(api.GET('/api/visits/records', { params: { query } }));
}

export function createRecord(body: BodyOf<'/api/visits/records'>) {
  return data(api.POST('/api/visits/records', { body }));
}

export function listFollowUps(query: QueryOf<'/api/visits/follow-ups'> = {}) {
  return data(api.GET('/api/visits/follow-ups', { params: { query } }));
}

export function updateFollowUp(followUpId: string, body: BodyOf<'/api/visits/follow-ups/{id}', 'patch'>) {
  return data(api.PATCH('/api/visits/follow-ups/{id}', { ...id(followUpId), body }));
}

export function visitSummary(from: string, to: string) {
  return data(api.GET('/api/visits/summary', { params: { query: { from, to } } }));
}

/** A list as an Excel workbook, with the list's filters; resolves with the file name. */
export function exportVisits(which: 'tasks' | 'records' | 'follow-ups', query: FileQuery): Promise<string> {
  return downloadFile(`/api/visits/${which}/export.xlsx`, `visits-${which}.xlsx`, query);
}

/** The blank visit form (6.8.2.5) for a retiree and a reason, to print and fill in on the visit. */
export function printBlankForm(query: QueryOf<'/api/visits/form.pdf'>): Promise<void> {
  return openPdf('/api/visits/form.pdf', query);
}

/** A visit record as its printed form. */
export function printRecordForm(recordId: string): Promise<void> {
  return openPdf(`/api/visits/records/${encodeURIComponent(recordId)}/form.pdf`);
}
