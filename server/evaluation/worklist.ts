/**
 * The reception and evaluation side of the work list: letters, visits and calls to reply to
 * (6.2.2.10), complaints and suggestions to answer (7.1.1), improvement actions due (7.2).
 */
import { addDays } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import type { WorkListProvider, WorkListScope } from '../worklist/provider.ts';

/** An improvement action shows on its owner's work list this many days before it is due. */
export const ACTION_OPENS_DAYS_BEFORE = 7;

interface ItemRow {
  source: string;
  id: string;
  title: string;
  retiree_id: string | null;
  retiree_name: string | null;
  due_on: string;
}

/**
 * Sources `reception_reply` (open from the day received until replied), `feedback_answer` (open
 * from the day received until answered) and `improvement_action` (planned or doing, from a week
 * before its due date).
 */
export class ReceptionEvaluationProvider implements WorkListProvider {
  readonly source = 'reception_evaluation';
  constructor(private readonly db: Queryable) {}

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const rows = await this.db.query<ItemRow>(
      `select 'reception_reply' as source, i.id,
              (case i.channel when 'letter' then '来信答复：' when 'visit' then '来访答复：' else '来电答复：' end)
                || i.from_name || ' — ' || left(i.content, 40) as title,
              i.retiree_id, r.name as retiree_name, i.reply_due_on::text as due_on
         from reception_items i left join retirees r on r.id = i.retiree_id
        where i.status <> 'replied' and i.received_on <= $1::date
          and ($2::uuid is null or i.handler_id = $2::uuid)
       union all
       select 'feedback_answer' as source, f.id,
              (case f.kind when 'complaint' then '投诉答复：' else '建议答复：' end) || left(f.content, 40) as title,
              f.retiree_id, r.name as retiree_name, f.answer_due_on::text as due_on
         from feedback_items f left join retirees r on r.id = f.retiree_id
        where f.status in ('received', 'handling') and f.received_on <= $1::date
          and ($2::uuid is null or f.handler_id = $2::uuid)
       union all
       select 'improvement_action' as source, a.id, '改进措施：' || a.title as title,
              null as retiree_id, null as retiree_name, a.due_on::text as due_on
         from improvement_actions a
        where a.status in ('planned', 'doing') and a.due_on <= $3::date
          and ($2::uuid is null or a.owner_id = $2::uuid)`,
      [scope.date, scope.ownerId, addDays(scope.date, ACTION_OPENS_DAYS_BEFORE)],
    );
    return rows.map((row) => ({
      source: row.source,
      id: row.id,
      title: row.title,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      dueDate: row.due_on,
      overdue: row.due_on < scope.date,
    }));
  }
}
