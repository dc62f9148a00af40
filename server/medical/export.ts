/** The columns of the medical-care workbooks (6.5), Chinese headers for the centre's staff. */
import { centreDay } from '../calendar.ts';
import type { ListColumn } from '../export/workbook.ts';
import type { HealthCheck, HealthPlanEntry, Treatment } from '../schemas/medical.ts';

const planStateNames: Record<HealthPlanEntry['state'], string> = {
  due: '待体检',
  overdue: '已逾期',
  done: '已体检',
};

const treatmentStatusNames: Record<Treatment['status'], string> = {
  requested: '待审批',
  approved: '已批准',
  rejected: '未批准',
};

/** A recorded instant as the centre's date. */
const dayOf = (value: string | null) => (value ? centreDay(value) : '');

export const planColumns: ListColumn<HealthPlanEntry>[] = [
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '状态', width: 10, value: (row) => planStateNames[row.state] },
  { header: '应检日期', width: 12, value: (row) => row.dueOn },
  { header: '计划安排', width: 10, value: (row) => (row.scheduled ? '已安排' : '') },
  { header: '上次体检', width: 12, value: (row) => row.lastCheckOn ?? '' },
  { header: '本年体检日期', width: 14, value: (row) => row.check?.checkedOn ?? '' },
  { header: '体检医院', width: 20, value: (row) => row.check?.hospital ?? '' },
];

export const checkColumns: ListColumn<HealthCheck>[] = [
  { header: '体检日期', width: 12, value: (row) => row.checkedOn },
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '体检医院', width: 20, value: (row) => row.hospital },
  { header: '结果摘要', width: 60, value: (row) => row.summary },
  { header: '录入人', width: 12, value: (row) => row.recordedBy },
];

export const treatmentColumns: ListColumn<Treatment>[] = [
  { header: '申请日期', width: 12, value: (row) => dayOf(row.requestedAt) },
  { header: '军休干部', width: 12, value: (row) => row.retireeName },
  { header: '就医城市', width: 12, value: (row) => row.city },
  { header: '就医医院', width: 20, value: (row) => row.hospital },
  { header: '外地就医理由', width: 36, value: (row) => row.reason },
  { header: '开始日期', width: 12, value: (row) => row.from },
  { header: '结束日期', width: 12, value: (row) => row.to },
  { header: '状态', width: 10, value: (row) => treatmentStatusNames[row.status] },
  { header: '审批人', width: 12, value: (row) => row.decidedBy ?? '' },
  { header: '审批日期', width: 12, value: (row) => dayOf(row.decidedAt) },
  { header: '审批意见', width: 30, value: (row) => row.decisionNote ?? '' },
  { header: '经办人', width: 12, value: (row) => row.requestedBy },
];
