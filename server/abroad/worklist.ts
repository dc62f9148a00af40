/**
 * The abroad side of the work list (6.4.2.3–6.4.2.5):
 * - `abroad_contact`: a retiree abroad whose monthly contact is due (one calendar month after the
 *   last contact, or after the departure), on the due day and after (6.4.2.4);
 * - `pension_suspension`: a suspension the check raised after six months without contact and
 *   nobody has cleared: the facts are to be investigated and reported up (6.4.2.4), from the day
 *   it was raised;
 * - `abroad_approval`: a travel or part-time post request whose next step of its chain a role of
 *   the viewer takes (the centre head's opinion, a filing, the superior department's decision as
 *   recorded at the centre), from the day it was made and due `APPROVAL_DAYS` later (a centre deadline).
 * Contact and suspensions are the station's work of those who keep the abroad records.
 */
import { addDays, centreDay } from '../calendar.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { doesWork, dueItem, PartsProvider, type WorkListScope } from '../worklist/provider.ts';
import { chainFor, KIND_NAMES, type RequestKind, rankLevel } from './chains.ts';
import { isContactOverdue, nextContactDue } from './contact.ts';

/** A request waits this many days on the step in hand before it shows as overdue. */
export const APPROVAL_DAYS = dayDeadline('abroad.approval_days', 7, {
  title: '出国（境）及兼职申请每一步办理时限（天）',
  clause: '6.4.2.3',
});

interface StayRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  destination: string;
  departed_on: string;
  last_contact_at: Date | null;
}

interface SuspensionRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  flagged_on: string;
  months: number;
}

interface RequestRow {
  id: string;
  kind: RequestKind;
  rank: string;
  retiree_id: string;
  retiree_name: string;
  requested_at: Date;
  taken: number;
}

export class AbroadWorkProvider extends PartsProvider {
  readonly source = 'abroad';

  protected parts(scope: WorkListScope): Promise<WorkItem[]>[] {
    const records = doesWork(scope, 'abroad.write');
    return [
      records ? this.contacts(scope) : Promise.resolve([]),
      records ? this.suspensions(scope) : Promise.resolve([]),
      this.approvals(scope),
    ];
  }

  private async contacts(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<StayRow>(
      `select s.id, s.retiree_id, p.name as retiree_name, s.destination, s.departed_on::text as departed_on,
              (select max(a.at) from abroad_contacts a where a.stay_id = s.id) as last_contact_at
         from abroad_stays s join retirees p on p.id = s.retiree_id
        where s.returned_on is null and s.departed_on <= $1::date`,
      [scope.date],
    );
    return rows.flatMap((row) => {
      const lastContactOn = row.last_contact_at ? centreDay(row.last_contact_at) : null;
      const due = nextContactDue(row.departed_on, lastContactOn);
      if (due > scope.date) return [];
      const where = row.destination ? `（${row.destination}）` : '';
      const last = lastContactOn ? `上次联系 ${lastContactOn}` : '出境后尚未联系';
      return [
        {
          source: 'abroad_contact',
          id: row.id,
          title: `境外联系：每月联系一次${where}，${last}`,
          retireeId: row.retiree_id,
          retireeName: row.retiree_name,
          dueDate: due,
          overdue: isContactOverdue(due, scope.date),
        },
      ];
    });
  }

  private async suspensions(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<SuspensionRow>(
      `select x.id, x.retiree_id, p.name as retiree_name, x.flagged_on::text as flagged_on, x.months
         from pension_suspensions x join retirees p on p.id = x.retiree_id
        where x.cleared_at is null and x.flagged_on <= $1::date`,
      [scope.date],
    );
    return rows.map((row) =>
      dueItem(scope, {
        source: 'pension_suspension',
        id: row.id,
        title: `暂停发放离退休费：失联${row.months}个月，核查情况并报上级退役军人事务部门`,
        retireeId: row.retiree_id,
        retireeName: row.retiree_name,
        dueDate: row.flagged_on,
      }),
    );
  }

  private async approvals(scope: WorkListScope): Promise<WorkItem[]> {
    const approvalDays = await this.deadlines.days(APPROVAL_DAYS);
    const rows = await this.db.query<RequestRow>(
      `select q.id, q.kind, q.rank, q.retiree_id, p.name as retiree_name, q.requested_at,
              (select count(*)::int from abroad_request_steps t where t.request_id = q.id and t.position >= 0) as taken
         from abroad_requests q join retirees p on p.id = q.retiree_id
        where q.closed_at is null`,
    );
    return rows.flatMap((row) => {
      const requestedOn = centreDay(row.requested_at);
      const level = rankLevel(row.rank);
      const step = level ? chainFor(row.kind, level)[row.taken] : undefined;
      if (!step || requestedOn > scope.date) return [];
      if (scope.ownerId !== null && !(scope.role && step.roles.includes(scope.role))) return [];
      return [
        dueItem(scope, {
          source: 'abroad_approval',
          id: row.id,
          title: `${KIND_NAMES[row.kind]}审批：${step.label}`,
          retireeId: row.retiree_id,
          retireeName: row.retiree_name,
          dueDate: addDays(requestedOn, approvalDays),
        }),
      ];
    });
  }
}
