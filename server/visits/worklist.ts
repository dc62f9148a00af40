/** The visit side of the work list: open visit tasks and open follow-ups (6.8). */
import { type DueRow, doesWork, QueryProvider, type WorkListScope } from '../worklist/provider.ts';

/**
 * Open visit tasks from the day they open (a holiday campaign 14 days before the holiday, an
 * admission on the day of admission, the monthly focus visit a week before it is due) until done:
 * on the assignee's list, and one assigned to nobody (a campaign's, a comfort visit after an
 * incident) on the lists of the station's records keepers.
 */
export class VisitTaskProvider extends QueryProvider<DueRow> {
  readonly source = 'visit_task';

  protected query(scope: WorkListScope) {
    return {
      sql: `select t.id, t.title, t.retiree_id, r.name as retiree_name, t.due_on::text as due_on
         from visit_tasks t join retirees r on r.id = t.retiree_id
        where t.status = 'open' and t.opens_on <= $1::date
          and ($2::uuid is null or t.assignee_id = $2::uuid or (t.assignee_id is null and $3::boolean))`,
      params: [scope.date, scope.ownerId, doesWork(scope, 'visits.write')],
    };
  }
}

/** Open follow-ups of problems raised in visits (6.8.2.6), on their due day and after. */
export class FollowUpProvider extends QueryProvider<DueRow> {
  readonly source = 'visit_follow_up';

  protected query(scope: WorkListScope) {
    return {
      sql: `select f.id, '走访问题跟进：' || f.description as title, f.retiree_id, r.name as retiree_name,
              f.due_on::text as due_on
         from visit_follow_ups f join retirees r on r.id = f.retiree_id
        where f.status = 'open' and f.due_on <= $1::date
          and ($2::uuid is null or f.owner_id = $2::uuid)`,
      params: [scope.date, scope.ownerId],
    };
  }
}
