/** The after-death side of the work list (6.10): open bereavement steps, on their due day and after. */
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import { type DueRow, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { STEPS } from './service.ts';

const TITLES = new Map(STEPS.map((s) => [s.step as string, s.title]));

export class BereavementStepProvider extends QueryProvider<DueRow & { step: string }> {
  readonly source = 'bereavement_step';

  /** Open steps show from the day the death is recorded (each is due within days of it). */
  protected query(scope: WorkListScope) {
    return {
      sql: `select s.id, s.step, s.retiree_id, r.name as retiree_name, s.due_on::text as due_on
              from bereavement_steps s join retirees r on r.id = s.retiree_id join deaths d on d.id = s.death_id
             where s.status = 'open' and (d.recorded_at at time zone '${CENTRE_TIME_ZONE}')::date <= $2::date
               and ($1::uuid is null or s.owner_id = $1::uuid)`,
      params: [scope.ownerId, scope.date],
    };
  }

  protected override title(row: { step: string }): string {
    return `逝世善后：${TITLES.get(row.step) ?? row.step}`;
  }
}
