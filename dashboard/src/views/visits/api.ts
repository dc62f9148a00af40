/** Visits and condolences (6.8 走访慰问): campaigns, tasks, admissions, flags, records, follow-ups, summary. */
import type { Campaign, VisitRecord, VisitTask } from '../../../../server/schemas/index.ts';
import { call, type QueryOf } from '../../api/client.ts';
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

export const listCampaigns = call.get('/api/visits/campaigns');
export const createCampaign = call.post('/api/visits/campaigns');
export const listTasks = call.get('/api/visits/tasks');
export const createTask = call.post('/api/visits/tasks');
export const updateTask = call.patch('/api/visits/tasks/{id}');
const admissions = call.get('/api/visits/admissions');
export const listAdmissions = (retireeId?: string) => admissions({ retireeId });
export const recordAdmission = call.post('/api/visits/admissions');
export const livingFlags = call.get('/api/visits/retirees/{id}/flags');
export const setLivingFlags = call.patch('/api/visits/retirees/{id}/flags');
export const listRecords = call.get('/api/visits/records');
export const createRecord = call.post('/api/visits/records');
export const listFollowUps = call.get('/api/visits/follow-ups');
export const updateFollowUp = call.patch('/api/visits/follow-ups/{id}');
const summary = call.get('/api/visits/summary');
export const visitSummary = (from: string, to: string) => summary({ from, to });

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
