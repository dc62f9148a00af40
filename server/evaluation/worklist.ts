/**
 * The reception and evaluation side of the work list: letters, visits and calls to reply to
 * (6.2.2.10), complaints and suggestions to answer (7.1.1), improvement actions due (7.2).
 */
import { addDays } from '../calendar.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { type DueRow, QueryProvider, type WorkListScope } from '../worklist/provider.ts';

/** An improvement action shows on its owner's work list this many days before it is due. */
export const ACTION_NOTICE_DAYS = dayDeadline('evaluation.action_notice_days', 7, {
  title: '改进措施提前列入工作清单（天）',
  clause: '7.2',
  min: 0,
});

/**
 * Sources `reception_reply` (open from the day received until replied), `feedback_answer` (open
 * from the day received until answered) and `improvement_action` (planned or doing, from a week
 * before its due date).
 */
export class ReceptionEvaluationProvider extends QueryProvider<DueRow & { source: string }> {
  readonly source = 'reception_evaluation';

  protected override sourceOf(row: { source: string }): string {
    return row.source;
  }

  protected async query(scope: WorkListScope) {
    const notice = await this.deadlines.days(ACTION_NOTICE_DAYS);
    return {
      sql: `select 'reception_reply' as source, i.id,
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
      params: [scope.date, scope.ownerId, addDays(scope.date, notice)],
    };
  }
}
