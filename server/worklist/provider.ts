/**
 * The work list is built from small providers, one per source (visit tasks, follow-ups, and later
 * health checks, contact logs…). A provider answers for one day and one owner; the list merges them.
 * To add a source: implement `WorkListProvider` in your area and add it from the area's plugin
 * (`addWorkListProviders` in ./registry.ts).
 */
import type { WorkItem } from '../schemas/worklist.ts';

export interface WorkListScope {
  /** The day asked for, YYYY-MM-DD in centre time. */
  date: string;
  /** Only items this user owns; null: everyone's. */
  ownerId: string | null;
}

export interface WorkListProvider {
  /** The `source` written on each of its items. */
  readonly source: string;
  /** Items due on `scope.date` (or open by then) and items overdue on it. */
  items(scope: WorkListScope): Promise<WorkItem[]>;
}

/** Overdue first (oldest first), then due that day, then by title. */
export function compareItems(a: WorkItem, b: WorkItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.title.localeCompare(b.title, 'zh-CN') || a.id.localeCompare(b.id);
}

export async function buildWorkList(
  providers: WorkListProvider[],
  scope: WorkListScope,
): Promise<WorkItem[]> {
  const lists = await Promise.all(providers.map((provider) => provider.items(scope)));
  return lists.flat().sort(compareItems);
}
