/** Medical care (6.5): the yearly health-check plan, the health record, out-of-town treatment approvals. */
import type {
  HealthCheck,
  HealthCheckPlan,
  HealthItem,
  HealthPlanQuery,
  HealthRecord,
  Treatment,
} from '../../../../server/schemas/medical.ts';
import { call } from '../../api/client.ts';
import { download } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type { HealthCheck, HealthCheckPlan, HealthItem, HealthRecord, Treatment };
export type PlanList = NonNullable<HealthPlanQuery['list']>;
export type PlanEntry = HealthCheckPlan['items'][number];
export type HealthItemKind = HealthItem['kind'];
export type TreatmentStatus = Treatment['status'];

export const planLists: readonly PlanList[] = ['due', 'overdue', 'done', 'all'];
export const healthItemKinds: readonly HealthItemKind[] = ['condition', 'medication', 'allergy'];
export const treatmentStatuses: readonly TreatmentStatus[] = ['requested', 'approved', 'rejected'];

export const plan = call.get('/api/medical/health-checks/plan');
export const schedule = call.put('/api/medical/health-checks/plan/{year}/{retireeId}');
export const exportPlan = download('/api/medical/health-checks/plan/export.xlsx', 'health-check-plan.xlsx');
export const checkRecords = recordCalls('/api/medical/health-checks', 'health-checks.xlsx');

export const healthRecord = call.get('/api/medical/records/{id}');
export const addItem = call.post('/api/medical/records/{id}/items');
export const updateItem = call.patch('/api/medical/records/{id}/items/{itemId}');

export const treatmentRecords = recordCalls('/api/medical/out-of-town', 'out-of-town-treatment.xlsx');
export const decideTreatment = call.post('/api/medical/out-of-town/{id}/decision');
