/** The caseworker's work list (工作清单): items due on a day and items overdue, across modules. */
import type { WorkItem, WorkList } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export type { WorkItem, WorkList };

export function workList(date?: string, all = false): Promise<WorkList> {
  return request<WorkList>('/api/worklist', { query: { date, all: all ? 'true' : undefined } });
}

/** Where a work item is worked: the page of its module, with the item picked out. */
export function workItemLink(item: WorkItem): string {
  if (item.source === 'visit_task') return `/visits?tab=tasks&task=${encodeURIComponent(item.id)}`;
  if (item.source === 'visit_follow_up')
    return `/visits?tab=followUps&followUp=${encodeURIComponent(item.id)}`;
  if (item.retireeId) return `/archive/${encodeURIComponent(item.retireeId)}`;
  return '/worklist';
}
