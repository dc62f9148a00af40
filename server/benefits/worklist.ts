/**
 * The benefit side of the work list (6.3.2.6): applications awaiting a decision (due 10 days after
 * they were filed) and benefits being paid whose review date has come.
 */
import { type DueRow, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { APPROVAL_DAYS, BENEFIT_NAMES } from './service.ts';

interface Row extends DueRow {
  kind: keyof typeof BENEFIT_NAMES;
  status: string;
  beneficiary_name: string;
}

export class BenefitReviewProvider extends QueryProvider<Row> {
  readonly source = 'benefit';

  protected async query(scope: WorkListScope) {
    const approvalDays = await this.deadlines.days(APPROVAL_DAYS);
    return {
      sql: `select b.id, b.kind, b.status, b.beneficiary_name, b.retiree_id, r.name as retiree_name,
              (case when b.status = 'applied' then b.applied_on + $3::int else b.review_on end)::text as due_on
         from benefits b join retirees r on r.id = b.retiree_id
        where ((b.status = 'applied' and b.applied_on <= $1::date)
            or (b.status in ('approved', 'paid') and b.review_on <= $1::date))
          and ($2::uuid is null or b.owner_id = $2::uuid)`,
      params: [scope.date, scope.ownerId, approvalDays],
    };
  }

  protected override title(row: Row): string {
    const who = row.beneficiary_name ? `（${row.beneficiary_name}）` : '';
    const what = row.status === 'applied' ? '待遇审批' : '待遇复核';
    return `${what}：${BENEFIT_NAMES[row.kind]}${who}`;
  }
}
