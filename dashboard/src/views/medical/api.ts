/** Medical care (6.5): the yearly health-check plan, the health record, out-of-town treatment approvals. */
import type {
  HealthCheck,
  HealthCheckPlan,
  HealthChecksQuery,
  HealthItem,
  HealthPlanQuery,
  HealthRecord,
  Treatment,
  TreatmentsQuery,
} from '../../../../server/schemas/medical.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type { HealthCheck, HealthCheckPlan, HealthItem, HealthRecord, Treatment };
export type PlanList = NonNullable<HealthPlanQuery['list']>;
export type PlanEntry = HealthCheckPlan['items'][number];
export type HealthItemKind = HealthItem['kind'];
export type TreatmentStatus = Treatment['status'];

export const planLists: readonly PlanList[] = ['due', 'overdue', 'done', 'all'];
export const healthItemKinds: readonly HealthItemKind[] = ['condition', 'medication', 'allergy'];
export const treatmentStatuses: readonly TreatmentStatus[] = ['requested', 'approved', 'rejected'];

export function plan(query: QueryOf<'/api/medical/health-checks/plan'> = {}): Promise<HealthCheckPlan> {
  return data(api.GET('/api/medical/health-checks/plan', { params: { query } }));
}
export async function schedule(
  year: number,
  retireeId: string,
  body: BodyOf<'/api/medical/health-checks/plan/{year}/{retireeId}', 'put'>,
): Promise<void> {
  await api.PUT('/api/medical/health-checks/plan/{year}/{retireeId}', {
    params: { path: { year, retireeId } },
    body,
  });
}
export function exportPlan(query: Omit<HealthPlanQuery, 'limit' | 'offset'> = {}): Promise<string> {
  return downloadFile('/api/medical/health-checks/plan/export.xlsx', 'health-check-plan.xlsx', query);
}
export function listChecks(query: QueryOf<'/api/medical/health-checks'> = {}): Promise<HealthCheck[]> {
  return data(api.GET('/api/medical/health-checks', { params: { query } }));
}
export function recordCheck(body: BodyOf<'/api/medical/health-checks'>): Promise<HealthCheck> {
  return data(api.POST('/api/medical/health-checks', { body }));
}
export function exportChecks(query: Omit<HealthChecksQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/medical/health-checks/export.xlsx', 'health-checks.xlsx', query);
}

export function healthRecord(retireeId: string): Promise<HealthRecord> {
  return data(api.GET('/api/medical/records/{id}', { params: { path: { id: retireeId } } }));
}
export function addItem(
  retireeId: string,
  body: BodyOf<'/api/medical/records/{id}/items'>,
): Promise<HealthItem> {
  return data(api.POST('/api/medical/records/{id}/items', { params: { path: { id: retireeId } }, body }));
}
export function updateItem(
  retireeId: string,
  itemId: string,
  body: BodyOf<'/api/medical/records/{id}/items/{itemId}', 'patch'>,
): Promise<HealthItem> {
  return data(
    api.PATCH('/api/medical/records/{id}/items/{itemId}', {
      params: { path: { id: retireeId, itemId } },
      body,
    }),
  );
}

export function listTreatments(query: QueryOf<'/api/medical/out-of-town'> = {}): Promise<Treatment[]> {
  return data(api.GET('/api/medical/out-of-town', { params: { query } }));
}
export function requestTreatment(body: BodyOf<'/api/medical/out-of-town'>): Promise<Treatment> {
  return data(api.POST('/api/medical/out-of-town', { body }));
}
export function decideTreatment(
  treatmentId: string,
  body: BodyOf<'/api/medical/out-of-town/{id}/decision'>,
): Promise<Treatment> {
  return data(
    api.POST('/api/medical/out-of-town/{id}/decision', { params: { path: { id: treatmentId } }, body }),
  );
}
export function exportTreatments(query: Omit<TreatmentsQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/medical/out-of-town/export.xlsx', 'out-of-town-treatment.xlsx', query);
}
