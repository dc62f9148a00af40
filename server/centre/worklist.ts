/**
 * The centre's side of the work list: a facility due its inspection (5.3.2.4), on its responsible
 * person's list and the managers'; a committee decision not yet carried out (5.1.8), on its owner's
 * list (the managers' when it names none) from its due day (from the meeting when it has none).
 */
import { type DueRow, doesWork, QueryProvider, type WorkListScope } from '../worklist/provider.ts';
import { FACILITY_DUE } from './facilities.ts';

export class FacilityInspectionProvider extends QueryProvider<DueRow> {
  readonly source = 'facility_inspection';

  protected query(scope: WorkListScope) {
    return {
      sql: `select due.id, '设施检查：' || due.name as title, due.due_on
              from (${FACILITY_DUE}) due
             where due.due_on::date <= $1::date and ($2::boolean or due.responsible_id = $3::uuid)`,
      params: [scope.date, doesWork(scope, 'centre.manage'), scope.ownerId],
    };
  }
}

export class CommitteeDecisionProvider extends QueryProvider<DueRow> {
  readonly source = 'committee_decision';

  protected query(scope: WorkListScope) {
    return {
      sql: `select d.id, '管委会决定事项：' || d.text as title, coalesce(d.due_on, m.held_on)::text as due_on
              from committee_decisions d join committee_meetings m on m.id = d.meeting_id
             where d.done_on is null and coalesce(d.due_on, m.held_on) <= $1::date
               and ($2::uuid is null or d.owner_id = $2::uuid or (d.owner_id is null and $3::boolean))`,
      params: [scope.date, scope.ownerId, doesWork(scope, 'centre.manage')],
    };
  }
}
