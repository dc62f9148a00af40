/**
 * What the alert panel shows of a retiree's service records: the current care arrangement (6.7), the
 * latest visit records and the open visit tasks (6.8). The calls are the care and visits pages' own
 * (each area of the API is called from one module), re-exported here with the filters the panel needs.
 */
import { arrangementRecords, type CareArrangement } from '../../views/care/api.ts';
import { listRecords, listTasks, type VisitRecord, type VisitTask } from '../../views/visits/api.ts';

export type { CareArrangement, VisitRecord, VisitTask };
export { arrangementRecords, listRecords, listTasks };

/** The retiree's arrangement that has not ended, or null: the hub keeps at most one current. */
export async function currentArrangement(retireeId: string): Promise<CareArrangement | null> {
  const [current] = await arrangementRecords.list({ retireeId, current: true, limit: 1 });
  return current ?? null;
}

/** The retiree's last `limit` visit records, newest first. */
export function recentVisits(retireeId: string, limit: number): Promise<VisitRecord[]> {
  return listRecords({ retireeId, limit });
}

/** The retiree's open visit tasks, soonest due first. */
export function openVisitTasks(retireeId: string, limit: number): Promise<VisitTask[]> {
  return listTasks({ retireeId, status: 'open', limit });
}
