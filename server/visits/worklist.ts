/** The visit side of the work list: open visit tasks and open follow-ups (6.8). */
import type { Queryable } from '../db/database.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import type { WorkListProvider, WorkListScope } from '../worklist/provider.ts';

interface ItemRow {
  id: string;
  title: string;
  retiree_id: string;
  retiree_name: string;
  due_on: string;
}

const toItem =
  (source: string, date: string) =>
  (row: ItemRow): WorkItem => ({
    source,
    id: row.id,
    title: row.title,
    retireeId: row.retiree_id,
    retireeName: row.retiree_name,
    dueDate: row.due_on,
    overdue: row.due_on < date,
  });

/**
 * Open visit tasks from the day they open (a holiday campaign 14 days before the holiday, an
 * admission on the day of admission, the monthly focus visit a week before it is due) until done.
 */
export class VisitTaskProvider implements WorkListProvider {
  readonly source = 'visit_task';
  constructor(private readonly db: Queryable) {}

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<ItemRow>(
      `select t.id, t.title, t.retiree_id, r.name as retiree_name, t.due_on::text as due_on
         from visit_tasks t join retirees r on r.id = t.retiree_id
        where t.status = 'open' and t.opens_on <= $1::date
          and ($2::uuid is null or t.assignee_id = $2::uuid)`,
      [scope.date, scope.ownerId],
    );
    return rows.map(toItem(this.source, scope.date));
  }
}

/** Open follow-ups of problems raised in visits (6.8.2.6), on their due day and after. */
export class FollowUpProvider implements WorkListProvider {
  readonly source = 'visit_follow_up';
  constructor(private readonly db: Queryable) {}

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<ItemRow>(
      `select f.id, '走访问题跟进：' || f.description as title, f.retiree_id, r.name as retiree_name,
              f.due_on::text as due_on
         from visit_follow_ups f join retirees r on r.id = f.retiree_id
        where f.status = 'open' and f.due_on <= $1::date
          and ($2::uuid is null or f.owner_id = $2::uuid)`,
      [scope.date, scope.ownerId],
    );
    return rows.map(toItem(this.source, scope.date));
  }
}
