/**
 * The money side of the work list, for those who pay (`pay.decide`, the managers):
 * - `pay_run`: the month's pay not yet run, due on the centre's pay day (`pay.run_day`), while any
 *   retiree has pay due that month (6.3: paid on time);
 * - `pay_arrears`: a retiree whose suspension is cleared and whose withheld months are not yet paid
 *   back, due on the day it was cleared (6.4.2.4);
 * - `medical_claim`: a reimbursement handed in and not yet decided, or approved and not yet paid,
 *   each due `pay.claim_days` after its last step (6.5.2.1).
 */
import { yuanText } from '../export/workbook.ts';
import { type DueRow, doesWork, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { CLAIM_DAYS, PAY_DAY } from './deadlines.ts';

export class PayRunProvider extends QueryProvider<DueRow> {
  readonly source = 'pay_run';

  protected async query(scope: WorkListScope) {
    const day = await this.deadlines.days(PAY_DAY);
    const month = scope.date.slice(0, 7);
    return {
      sql: `select $1::text as id, $1 || ' 离退休费发放' as title, $2::text as due_on
             where $3::boolean and not exists (select 1 from pay_runs where period = $1)
               and exists (select 1 from pay_items i where i.from_month <= $1 and (i.to_month is null or i.to_month >= $1))`,
      params: [month, `${month}-${String(day).padStart(2, '0')}`, doesWork(scope, 'pay.decide')],
    };
  }
}

export class PayArrearsProvider extends QueryProvider<DueRow> {
  readonly source = 'pay_arrears';

  protected query(scope: WorkListScope) {
    return {
      sql: `select e.retiree_id as id, e.retiree_id, r.name as retiree_name,
              '补发离退休费：' || count(distinct e.period) || '个月' as title,
              to_char(max(s.cleared_at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as due_on
              from pay_entries e join retirees r on r.id = e.retiree_id
              join pension_suspensions s on s.id = e.suspension_id
             where e.state = 'withheld' and e.settled_period is null and $1::boolean
               and not exists (select 1 from pension_suspensions x where x.retiree_id = e.retiree_id and x.cleared_at is null)
             group by e.retiree_id, r.name`,
      params: [doesWork(scope, 'pay.decide')],
    };
  }
}

interface ClaimRow extends DueRow {
  status: 'submitted' | 'approved';
  claimed_fen: number;
}

export class MedicalClaimProvider extends QueryProvider<ClaimRow> {
  readonly source = 'medical_claim';

  protected async query(scope: WorkListScope) {
    const days = await this.deadlines.days(CLAIM_DAYS);
    return {
      sql: `select c.id, c.retiree_id, r.name as retiree_name, c.status, c.claimed_fen,
              (case when c.status = 'submitted' then c.submitted_on
                    else (c.decided_at at time zone 'Asia/Shanghai')::date end + $1::int)::text as due_on
              from medical_claims c join retirees r on r.id = c.retiree_id
             where c.status in ('submitted', 'approved') and $2::boolean`,
      params: [days, doesWork(scope, 'pay.decide')],
    };
  }

  protected override title(row: ClaimRow): string {
    const amount = yuanText(Number(row.claimed_fen));
    return row.status === 'submitted' ? `医疗费报销审核（${amount}）` : `医疗费报销支付（${amount}）`;
  }
}
