/**
 * The intake side of the work list (6.1): open steps of open intake cases, on their due day and after.
 * An owner's list holds the steps of the cases they are in charge of.
 */
import type { Queryable } from '../db/database.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import type { WorkListProvider, WorkListScope } from '../worklist/provider.ts';
import { stepTitle } from './steps.ts';

export class IntakeStepProvider implements WorkListProvider {
  readonly source = 'intake_step';
  constructor(private readonly db: Queryable) {}

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<{
      id: string;
      step: string;
      retiree_id: string;
      retiree_name: string;
      due_on: string;
    }>(
      `select s.id, s.step, s.retiree_id, r.name as retiree_name, s.due_on::text as due_on
         from intake_steps s
         join intake_cases c on c.id = s.case_id
         join retirees r on r.id = s.retiree_id
        where s.status = 'open' and c.status = 'open' and s.due_on <= $1::date
          and ($2::uuid is null or c.owner_id = $2::uuid)`,
      [scope.date, scope.ownerId],
    );
    return rows.map((row) => ({
      source: this.source,
      id: row.id,
      title: `接收安置：${stepTitle(row.step)}`,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      dueDate: row.due_on,
      overdue: row.due_on < scope.date,
    }));
  }
}
