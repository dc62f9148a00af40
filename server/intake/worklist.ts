/**
 * The intake side of the work list (6.1): open steps of open intake cases, on their due day and after.
 * An owner's list holds the steps of the cases they are in charge of.
 */
import { type DueRow, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { stepTitle } from './steps.ts';

export class IntakeStepProvider extends QueryProvider<DueRow & { step: string }> {
  readonly source = 'intake_step';

  protected query(scope: WorkListScope) {
    return {
      sql: `select s.id, s.step, s.retiree_id, r.name as retiree_name, s.due_on::text as due_on
              from intake_steps s
              join intake_cases c on c.id = s.case_id
              join retirees r on r.id = s.retiree_id
             where s.status = 'open' and c.status = 'open' and s.due_on <= $1::date
               and ($2::uuid is null or c.owner_id = $2::uuid)`,
      params: [scope.date, scope.ownerId],
    };
  }

  protected override title(row: { step: string }): string {
    return `接收安置：${stepTitle(row.step)}`;
  }
}
