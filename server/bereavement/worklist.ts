/** The after-death side of the work list (6.10): open bereavement steps, on their due day and after. */
import { BenefitReviewProvider } from '../benefits/worklist.ts';
import type { Queryable } from '../db/database.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import type { WorkListProvider, WorkListScope } from '../worklist/provider.ts';
import { STEPS } from './service.ts';

export { BenefitReviewProvider };

const TITLES = new Map(STEPS.map((s) => [s.step as string, s.title]));

export class BereavementStepProvider implements WorkListProvider {
  readonly source = 'bereavement_step';
  constructor(private readonly db: Queryable) {}

  /** Open steps show from the day the death is recorded (each is due within days of it). */
  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<{
      id: string;
      step: string;
      retiree_id: string;
      retiree_name: string;
      due_on: string;
    }>(
      `select s.id, s.step, s.retiree_id, r.name as retiree_name, s.due_on::text as due_on
         from bereavement_steps s join retirees r on r.id = s.retiree_id
        where s.status = 'open'
          and ($1::uuid is null or s.owner_id = $1::uuid)`,
      [scope.ownerId],
    );
    return rows.map((row) => ({
      source: this.source,
      id: row.id,
      title: `逝世善后：${TITLES.get(row.step) ?? row.step}`,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      dueDate: row.due_on,
      overdue: row.due_on < scope.date,
    }));
  }
}
