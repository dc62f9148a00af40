/**
 * The medical side of the work list (6.5):
 * - `health_check`: an active retiree not yet checked in the year of the day asked for, from
 *   `CHECK_NOTICE_DAYS` before the plan's due date (6.5.2.2; the due date as ./plan.ts sets it),
 *   overdue once it has passed: the station's work of those who keep the records;
 * - `treatment_approval`: a request for treatment in another city waiting for a decision
 *   (6.5.2.5), on the list of those who decide, due `APPROVAL_DAYS` after it was made or the day
 *   the treatment starts, whichever comes first.
 */
import { addDays, centreDay, yearOf } from '../calendar.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { doesWork, dueItem, PartsProvider, type WorkListScope } from '../worklist/provider.ts';
import { planDueDate } from './plan.ts';

/** A health check shows on the work list this many days before its due date. */
export const CHECK_NOTICE_DAYS = dayDeadline('medical.check_notice_days', 30, {
  title: '年度体检提前列入工作清单（天）',
  clause: '6.5.2.2',
  min: 0,
});
/** A treatment request waits this many days for its decision (sooner when the treatment starts first). */
export const APPROVAL_DAYS = dayDeadline('medical.approval_days', 7, {
  title: '异地就医申请审批时限（天）',
  clause: '6.5.2.5',
});

interface CheckRow {
  id: string;
  name: string;
  last_before: string | null;
  scheduled_due: string | null;
}

interface TreatmentRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  hospital: string;
  city: string;
  from_on: string;
  requested_at: Date;
}

export class MedicalWorkProvider extends PartsProvider {
  readonly source = 'medical';

  protected parts(scope: WorkListScope): Promise<WorkItem[]>[] {
    return [
      doesWork(scope, 'medical.write') ? this.checks(scope) : Promise.resolve([]),
      doesWork(scope, 'medical.decide') ? this.treatments(scope) : Promise.resolve([]),
    ];
  }

  private async checks(scope: WorkListScope): Promise<WorkItem[]> {
    const year = yearOf(scope.date);
    const rows = await this.db.query<CheckRow>(
      `select p.id, p.name,
              (select max(c.checked_on)::text from health_checks c
                where c.retiree_id = p.id and c.checked_on < $1::date) as last_before,
              s.due_on::text as scheduled_due
         from retirees p
         left join health_check_schedule s on s.retiree_id = p.id and s.year = $3
        where p.status = 'active'
          and not exists (select 1 from health_checks c
                           where c.retiree_id = p.id and c.checked_on between $1::date and $2::date)`,
      [`${year}-01-01`, scope.date, year],
    );
    const horizon = addDays(scope.date, await this.deadlines.days(CHECK_NOTICE_DAYS));
    return rows.flatMap((row) => {
      const dueDate = planDueDate(year, row.last_before, row.scheduled_due);
      if (dueDate > horizon) return [];
      const last = row.last_before ? `上次体检 ${row.last_before}` : '尚无体检记录';
      return [
        dueItem(scope, {
          source: 'health_check',
          id: `${year}:${row.id}`,
          title: `${year}年度健康体检：${last}`,
          retireeId: row.id,
          retireeName: row.name,
          dueDate,
        }),
      ];
    });
  }

  private async treatments(scope: WorkListScope): Promise<WorkItem[]> {
    const approvalDays = await this.deadlines.days(APPROVAL_DAYS);
    const rows = await this.db.query<TreatmentRow>(
      `select t.id, t.retiree_id, p.name as retiree_name, t.hospital, t.city, t.from_on::text as from_on,
              t.requested_at
         from out_of_town_treatments t join retirees p on p.id = t.retiree_id
        where t.status = 'requested'`,
    );
    return rows.flatMap((row) => {
      const requestedOn = centreDay(row.requested_at);
      if (requestedOn > scope.date) return [];
      const byDays = addDays(requestedOn, approvalDays);
      const [dueDate] = [row.from_on, byDays].sort() as [string, string];
      return [
        dueItem(scope, {
          source: 'treatment_approval',
          id: row.id,
          title: `异地就医审批：${row.city} ${row.hospital}，${row.from_on} 起`,
          retireeId: row.retiree_id,
          retireeName: row.retiree_name,
          dueDate,
        }),
      ];
    });
  }
}
