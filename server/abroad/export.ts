/** The columns of the travel-abroad workbooks (6.4.2.3–6.4.2.5), Chinese headers for the centre's staff. */
import { centreDay } from '../calendar.ts';
import type { ListColumn } from '../export/workbook.ts';
import type { AbroadRequest, AbroadStay, PensionSuspension } from '../schemas/abroad.ts';

export const requestStatusNames: Record<AbroadRequest['status'], string> = {
  requested: '待审批',
  opinion_given: '已签署意见',
  centre_approved: '中心已批准',
  approved: '已批准',
  rejected: '未批准',
  filed: '已备案',
  withdrawn: '已撤回',
};

const decisionNames: Record<AbroadRequest['steps'][number]['decision'], string> = {
  agree: '同意',
  disagree: '不同意',
  approve: '批准',
  reject: '不批准',
  file: '备案',
  withdraw: '撤回',
};

/** A recorded instant as the centre's date. */
const dayOf = (value: string | null) => (value ? centreDay(value) : '');

export const requestColumns: ListColumn<AbroadRequest>[] = [
  { header: '申请日期', width: 12, value: (row) => dayOf(row.requestedAt) },
  { header: '类别', width: 10, value: (row) => (row.kind === 'travel' ? '出国（境）' : '社会组织兼职') },
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '职级', width: 10, value: (row) => row.rank },
  {
    header: '前往国家（地区）/ 社会组织',
    width: 24,
    value: (row) => (row.kind === 'travel' ? row.destination : row.organisation),
  },
  { header: '事由 / 兼任职务', width: 28, value: (row) => (row.kind === 'travel' ? row.purpose : row.post) },
  { header: '开始日期', width: 12, value: (row) => row.departDate ?? row.startDate ?? '' },
  { header: '结束日期', width: 12, value: (row) => row.returnDate ?? row.endDate ?? '' },
  { header: '审批流程', width: 36, value: (row) => row.chain.map((step) => step.label).join(' → ') },
  {
    header: '已办步骤',
    width: 48,
    value: (row) =>
      row.steps
        .map(
          (step) =>
            `${step.label}：${decisionNames[step.decision]}（${step.by}${step.documentNo ? `，${step.documentNo}` : ''}）`,
        )
        .join('；'),
  },
  { header: '状态', width: 12, value: (row) => requestStatusNames[row.status] },
  { header: '经办人', width: 12, value: (row) => row.requestedBy },
];

export const staysColumns: ListColumn<AbroadStay>[] = [
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '前往国家（地区）', width: 18, value: (row) => row.destination },
  { header: '出境日期', width: 12, value: (row) => row.departedOn },
  { header: '预计回国', width: 12, value: (row) => row.expectedReturnOn ?? '' },
  { header: '回国日期', width: 12, value: (row) => row.returnedOn ?? '' },
  { header: '最近联系', width: 12, value: (row) => dayOf(row.lastContactAt) },
  { header: '下次联系期限', width: 14, value: (row) => row.nextContactDue ?? '' },
  { header: '逾期天数', width: 10, value: (row) => (row.overdue ? row.daysOverdue : '') },
  { header: '失联起算', width: 12, value: (row) => row.silentSince },
  { header: '暂停发放日', width: 12, value: (row) => row.suspensionDueOn ?? '' },
  { header: '暂停发放离退休费', width: 16, value: (row) => (row.suspension ? '已暂停' : '') },
];

export const suspensionColumns: ListColumn<PensionSuspension>[] = [
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '标记日期', width: 12, value: (row) => row.flaggedOn },
  { header: '失联起算', width: 12, value: (row) => row.silentSince },
  { header: '失联月数', width: 10, value: (row) => row.months },
  { header: '最近联系', width: 12, value: (row) => dayOf(row.lastContactAt) },
  { header: '状态', width: 10, value: (row) => (row.active ? '暂停中' : '已解除') },
  { header: '解除日期', width: 12, value: (row) => dayOf(row.clearedAt) },
  { header: '解除人', width: 12, value: (row) => row.clearedBy ?? '' },
  { header: '解除决定', width: 36, value: (row) => row.clearReason ?? '' },
  { header: '上报报告', width: 60, value: (row) => row.report },
];
