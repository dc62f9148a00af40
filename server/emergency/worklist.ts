/**
 * The emergency side of the work list (5.1.7): a plan in force whose review date comes within
 * `REVIEW_NOTICE_DAYS`, on the lists of those who write plans, until a revised plan replaces it.
 */
import { addDays } from '../calendar.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { type DueRow, doesWork, QueryProvider, type WorkListScope } from '../worklist/provider.ts';

/** A plan's review shows on the work list this many days before it is due. */
export const REVIEW_NOTICE_DAYS = dayDeadline('emergency.review_notice_days', 30, {
  title: '应急预案复审提前列入工作清单（天）',
  clause: '5.1.7',
  min: 0,
});

export class EmergencyPlanProvider extends QueryProvider<DueRow> {
  readonly source = 'emergency_plan_review';

  protected async query(scope: WorkListScope) {
    const notice = await this.deadlines.days(REVIEW_NOTICE_DAYS);
    return {
      sql: `select p.id, '应急预案复审：' || p.title as title, p.review_on::text as due_on
              from emergency_plans p
             where p.retired_at is null and p.review_on <= $1::date and $2::boolean`,
      params: [addDays(scope.date, notice), doesWork(scope, 'emergency.plan')],
    };
  }
}
