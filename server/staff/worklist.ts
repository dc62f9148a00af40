/**
 * The staff side of the work list: a certificate expiring within `staff.certificate_notice_days`
 * (or expired) on its holder's list and the managers' until it is renewed (5.2.2); a member of
 * staff due their data-protection training on the managers' lists until they attend one (6.11.2.2).
 */
import { addDays } from '../calendar.ts';
import { type DueRow, doesWork, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { CERTIFICATE_NOTICE_DAYS, DATA_PROTECTION_DAYS, DATA_PROTECTION_DUE } from './service.ts';

export class QualificationExpiryProvider extends QueryProvider<DueRow> {
  readonly source = 'qualification_expiry';

  protected async query(scope: WorkListScope) {
    const notice = await this.deadlines.days(CERTIFICATE_NOTICE_DAYS);
    return {
      sql: `select q.id, '资格证书到期：' || u.display_name || '的' || q.name as title, q.expires_on::text as due_on
              from staff_qualifications q join users u on u.id = q.user_id
             where q.expires_on <= $1::date and not u.disabled
               and ($2::boolean or q.user_id = $3::uuid)`,
      params: [addDays(scope.date, notice), doesWork(scope, 'staff.manage'), scope.ownerId],
    };
  }
}

export class DataProtectionTrainingProvider extends QueryProvider<DueRow> {
  readonly source = 'data_protection_training';

  protected async query(scope: WorkListScope) {
    const days = await this.deadlines.days(DATA_PROTECTION_DAYS);
    return {
      sql: `select due.id, '个人信息保护培训：' || due.name as title, due.due_on
              from (${DATA_PROTECTION_DUE}) due
             where due.due_on::date <= $2::date and $3::boolean`,
      params: [days, scope.date, doesWork(scope, 'staff.manage')],
    };
  }
}
