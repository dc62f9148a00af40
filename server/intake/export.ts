/** The columns of the intake case workbook (6.1), Chinese headers for the centre's staff. */
import type { ListColumn } from '../export/workbook.ts';
import type { IntakeCaseSummary } from '../schemas/intake.ts';

export const INTAKE_STATUS_NAMES: Record<IntakeCaseSummary['status'], string> = {
  open: '办理中',
  complete: '已完成',
};

export const intakeColumns: ListColumn<IntakeCaseSummary>[] = [
  { header: '姓名', width: 12, value: (row) => row.retireeName },
  { header: '服务站', width: 14, value: (row) => row.station },
  { header: '接收日期', width: 12, value: (row) => row.receivedOn },
  { header: '部队移交单位', width: 24, value: (row) => row.sendingUnit },
  { header: '安置去向', width: 20, value: (row) => row.placement },
  { header: '离退休费标准', width: 18, value: (row) => row.pensionLevel },
  { header: '状态', width: 8, value: (row) => INTAKE_STATUS_NAMES[row.status] },
  { header: '已办结', width: 8, value: (row) => row.stepsDone },
  { header: '事项总数', width: 8, value: (row) => row.stepsTotal },
  { header: '逾期事项', width: 8, value: (row) => row.overdueSteps },
  { header: '最近期限', width: 12, value: (row) => row.nextDueOn },
  { header: '负责人', width: 12, value: (row) => row.ownerName },
  { header: '完成日期', width: 12, value: (row) => row.completedOn },
  { header: '备注', width: 30, value: (row) => row.note },
];
