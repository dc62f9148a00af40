/** Medical care (6.5): the yearly health-check plan, the health record, out-of-town treatment approvals. */
import type {
  HealthCheck,
  HealthCheckInput,
  HealthCheckPlan,
  HealthChecksQuery,
  HealthItem,
  HealthItemInput,
  HealthItemUpdate,
  HealthPlanQuery,
  HealthRecord,
  HealthScheduleInput,
  Treatment,
  TreatmentDecision,
  TreatmentInput,
  TreatmentsQuery,
} from '../../../../server/schemas/medical.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

export type { HealthCheck, HealthCheckPlan, HealthItem, HealthRecord, Treatment };
export type PlanList = NonNullable<HealthPlanQuery['list']>;
export type PlanEntry = HealthCheckPlan['items'][number];
export type HealthItemKind = HealthItem['kind'];
export type TreatmentStatus = Treatment['status'];

export const planLists: readonly PlanList[] = ['due', 'overdue', 'done', 'all'];
export const healthItemKinds: readonly HealthItemKind[] = ['condition', 'medication', 'allergy'];
export const treatmentStatuses: readonly TreatmentStatus[] = ['requested', 'approved', 'rejected'];

const id = (value: string) => encodeURIComponent(value);

export function plan(query: HealthPlanQuery = {}): Promise<HealthCheckPlan> {
  return request('/api/medical/health-checks/plan', { query });
}
export function schedule(year: number, retireeId: string, body: HealthScheduleInput): Promise<null> {
  return request(`/api/medical/health-checks/plan/${year}/${id(retireeId)}`, { method: 'PUT', body });
}
export function exportPlan(query: Omit<HealthPlanQuery, 'limit' | 'offset'> = {}): Promise<string> {
  return downloadFile('/api/medical/health-checks/plan/export.xlsx', 'health-check-plan.xlsx', query);
}
export function listChecks(query: HealthChecksQuery = {}): Promise<HealthCheck[]> {
  return request('/api/medical/health-checks', { query });
}
export function recordCheck(body: HealthCheckInput): Promise<HealthCheck> {
  return request('/api/medical/health-checks', { method: 'POST', body });
}
export function exportChecks(query: Omit<HealthChecksQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/medical/health-checks/export.xlsx', 'health-checks.xlsx', query);
}

export function healthRecord(retireeId: string): Promise<HealthRecord> {
  return request(`/api/medical/records/${id(retireeId)}`);
}
export function addItem(retireeId: string, body: HealthItemInput): Promise<HealthItem> {
  return request(`/api/medical/records/${id(retireeId)}/items`, { method: 'POST', body });
}
export function updateItem(retireeId: string, itemId: string, body: HealthItemUpdate): Promise<HealthItem> {
  return request(`/api/medical/records/${id(retireeId)}/items/${id(itemId)}`, { method: 'PATCH', body });
}

export function listTreatments(query: TreatmentsQuery = {}): Promise<Treatment[]> {
  return request('/api/medical/out-of-town', { query });
}
export function requestTreatment(body: TreatmentInput): Promise<Treatment> {
  return request('/api/medical/out-of-town', { method: 'POST', body });
}
export function decideTreatment(treatmentId: string, body: TreatmentDecision): Promise<Treatment> {
  return request(`/api/medical/out-of-town/${id(treatmentId)}/decision`, { method: 'POST', body });
}
export function exportTreatments(query: Omit<TreatmentsQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/medical/out-of-town/export.xlsx', 'out-of-town-treatment.xlsx', query);
}
