/** The caseworker's work list (工作清单): items due on a day and items overdue, across modules. */
import type { WorkItem, WorkList } from '../../../../server/schemas/index.ts';
import { call } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

export type { WorkItem, WorkList };

const items = call.get('/api/worklist');
export const workList = (date?: string, all = false) => items({ date, all: all || undefined });

/** The day's list as an Excel workbook; resolves with the file name. */
export function exportWorkList(date: string): Promise<string> {
  return downloadFile('/api/worklist/export.xlsx', `worklist-${date}.xlsx`, { date });
}
/** Where a work item is worked: the page of its module, with the item picked out. */
export function workItemLink(item: WorkItem): string {
  const id = encodeURIComponent(item.id);
  switch (item.source) {
    case 'visit_task':
      return `/visits?tab=tasks&task=${id}`;
    case 'visit_follow_up':
      return `/visits?tab=followUps&followUp=${id}`;
    case 'benefit':
      return `/benefits?benefit=${id}`;
    case 'bereavement_step':
      return `/bereavement?step=${id}`;
    case 'reception_reply':
      return '/reception?tab=items';
    case 'feedback_answer':
      return '/evaluation?tab=feedback';
    case 'improvement_action':
      return '/evaluation?tab=actions';
    case 'activity_cover':
    case 'activity_attendance':
      return '/activities?tab=events';
    case 'abroad_contact':
      return '/abroad?tab=stays';
    case 'pension_suspension':
      return '/abroad?tab=suspensions';
    case 'abroad_approval':
      return '/abroad?tab=requests';
    case 'health_check':
      return '/medical?tab=plan';
    case 'treatment_approval':
      return '/medical?tab=treatments';
    case 'service_request':
      return '/requests';
    case 'button_test':
      return '/devices?tab=tests';
    case 'emergency_plan_review':
      return '/emergency';
    case 'qualification_expiry':
      return '/staff?tab=qualifications';
    case 'data_protection_training':
      return '/staff?tab=data-protection';
    case 'pay_run':
      return `/pay?tab=months&period=${id}`;
    case 'pay_arrears':
      return `/pay?tab=arrears&retiree=${id}`;
    case 'medical_claim':
      return `/pay?tab=claims&claim=${id}`;
    case 'facility_inspection':
      return `/centre?tab=facilities&facility=${id}`;
    case 'committee_decision':
      return `/centre?tab=committee&decision=${id}`;
    case 'intake_step':
      return item.retireeId ? `/intake?retiree=${encodeURIComponent(item.retireeId)}` : '/intake';
    default:
      return item.retireeId ? `/archive/${encodeURIComponent(item.retireeId)}` : '/worklist';
  }
}
