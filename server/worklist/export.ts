/** The work list as an Excel sheet, for a caseworker's day on paper or a supervisor's review. */
import type { ListColumn } from '../export/workbook.ts';
import type { WorkItem } from '../schemas/worklist.ts';

/** The Chinese name of each work-list source; an unknown source prints as its code. */
export const SOURCE_LABELS: Record<string, string> = {
  visit_task: '走访任务',
  visit_follow_up: '走访问题跟进',
  reception_reply: '来信来访答复',
  feedback_answer: '意见建议答复',
  improvement_action: '改进措施',
  benefit: '生活待遇',
  bereavement_step: '身后事办理',
  intake_step: '接收安置',
  activity_cover: '文体活动保障',
  activity_attendance: '活动签到',
  abroad_contact: '境外联系',
  pension_suspension: '暂停发放离退休费',
  abroad_approval: '出境与兼职审批',
  health_check: '年度体检',
  treatment_approval: '异地就医审批',
  service_request: '求助服务',
  button_test: '按键测试',
  emergency_plan_review: '应急预案复审',
  qualification_expiry: '资格证书到期',
  data_protection_training: '个人信息保护培训',
  pay_run: '离退休费发放',
  pay_arrears: '补发离退休费',
  medical_claim: '医疗费报销',
  facility_inspection: '设施检查',
  committee_decision: '管委会决定事项',
};

export const workItemColumns: ListColumn<WorkItem>[] = [
  { header: '状态', width: 8, value: (row) => (row.overdue ? '已逾期' : '到期') },
  { header: '到期日', value: (row) => row.dueDate },
  { header: '类别', width: 18, value: (row) => SOURCE_LABELS[row.source] ?? row.source },
  { header: '事项', width: 48, value: (row) => row.title },
  { header: '老人', value: (row) => row.retireeName ?? '' },
];
