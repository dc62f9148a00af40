/** The visit lists as Excel sheets (tasks, records with their seven fields, follow-ups), Chinese headers. */
import type { ListColumn } from '../export/workbook.ts';
import type { FollowUp, VisitRecord, VisitTask } from '../schemas/visits.ts';
import { REASON_LABELS, SEVEN_FIELDS } from './pdf.ts';
import { MODE_NAMES } from './rules.ts';

const TASK_STATUS = { open: '待走访', done: '已完成', cancelled: '已取消' } as const;
const FOLLOW_UP_STATUS = { open: '办理中', done: '已办结' } as const;

export const taskColumns: ListColumn<VisitTask>[] = [
  { header: '老人', value: (row) => row.retireeName },
  { header: '事由', width: 24, value: (row) => REASON_LABELS[row.reason] },
  { header: '任务', width: 30, value: (row) => row.title },
  { header: '开始日期', value: (row) => row.opensOn },
  { header: '到期日', value: (row) => row.dueOn },
  { header: '负责人', value: (row) => row.assigneeName ?? '' },
  { header: '状态', value: (row) => TASK_STATUS[row.status] },
  { header: '逾期', width: 8, value: (row) => (row.overdue ? '是' : '') },
];

export const recordColumns: ListColumn<VisitRecord>[] = [
  { header: '老人', value: (row) => row.retireeName },
  { header: '走访日期', value: (row) => row.visitedOn },
  { header: '方式', value: (row) => MODE_NAMES[row.mode] },
  { header: '事由', width: 24, value: (row) => REASON_LABELS[row.reason] },
  { header: '走访人员', width: 20, value: (row) => row.visitors.join('、') },
  ...SEVEN_FIELDS.map(([field, label]) => ({
    header: label,
    width: 28,
    value: (row: VisitRecord) => String(row[field] ?? ''),
  })),
  { header: '反映问题数', width: 10, value: (row) => row.followUps.length },
];

export const followUpColumns: ListColumn<FollowUp>[] = [
  { header: '老人', value: (row) => row.retireeName },
  { header: '问题', width: 40, value: (row) => row.description },
  { header: '责任人', value: (row) => row.ownerName },
  { header: '办理期限', value: (row) => row.dueOn },
  { header: '状态', value: (row) => FOLLOW_UP_STATUS[row.status] },
  { header: '逾期', width: 8, value: (row) => (row.overdue ? '是' : '') },
  { header: '答复', width: 40, value: (row) => row.reply ?? '' },
];
