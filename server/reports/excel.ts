/**
 * The alert figures as an Excel workbook (clause 7.1: a KPI report a third-party reviewer can open
 * and check). Chinese headers first, English after a slash, as reviewers and staff read them.
 * Shares are written as fractions with a percent format, so Excel sums and compares them as numbers.
 */
import ExcelJS from 'exceljs';
import { alertKinds, type Severity, severityNames } from '../../devices/alerts.ts';
import { centreDateTime } from '../calendar.ts';
import type { AlertReport, AlertRow, Figures } from './figures.ts';
import { groupOf, TARGETS } from './figures.ts';

const GROUP_NAMES = { day: '按日', month: '按月', shift: '按班次' } as const;

/** The Chinese names staff use, from the one list of alert kinds the gateway and dashboard use too. */
const KIND_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(alertKinds).map(([kind, info]) => [kind, info.zh]),
);

const OUTCOME_NAMES: Record<string, string> = {
  genuine: '真实告警',
  false_alarm: '误报',
  device_fault: '设备故障',
  test: '测试',
  cancelled: '老人已取消',
  unresolved: '未处理完成',
};

const STATUS_NAMES: Record<string, string> = {
  open: '待确认',
  acknowledged: '已确认',
  in_progress: '处理中',
  resolved: '已处理',
  cancelled: '已取消',
};

export const FIGURE_HEADERS = [
  '时段 / Period',
  '告警数 / Alerts',
  '需确认告警数 / Alarm calls',
  '确认用时中位数(秒) / Median time to acknowledge (s)',
  '确认用时P90(秒) / P90 time to acknowledge (s)',
  '处理用时中位数(秒) / Median time to resolve (s)',
  '处理用时P90(秒) / P90 time to resolve (s)',
  '60秒内确认数 / Acknowledged ≤ 60 s',
  '60秒计入数 / Counted for 60 s',
  '60秒内确认率 / Share ≤ 60 s',
  '180秒内确认数 / Acknowledged ≤ 180 s',
  '180秒计入数 / Counted for 180 s',
  '180秒内确认率 / Share ≤ 180 s',
];

function figureCells(label: string, figures: Figures): (string | number | null)[] {
  return [
    label,
    figures.count,
    figures.alarmCalls,
    figures.timeToAcknowledge.medianSeconds,
    figures.timeToAcknowledge.p90Seconds,
    figures.timeToResolve.medianSeconds,
    figures.timeToResolve.p90Seconds,
    figures.within60.met,
    figures.within60.counted,
    figures.within60.share,
    figures.within180.met,
    figures.within180.counted,
    figures.within180.share,
  ];
}

/** Sizes a sheet's columns (`width` gives each column's width by its index) and makes its first row a frozen, bold header. */
function layOut(sheet: ExcelJS.Worksheet, width: (index: number) => number): void {
  sheet.columns.forEach((column, index) => {
    column.width = width(index);
  });
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

const MISSED = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF8D7D7' } } as const;

export async function alertReportWorkbook(report: AlertReport, rows: readonly AlertRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '军休智慧监护平台 Junxiu Hub';
  workbook.created = new Date(report.asOf);

  // 1. Figures per group, with the totals last.
  const figures = workbook.addWorksheet('统计 Figures');
  figures.addRow(FIGURE_HEADERS);
  for (const row of report.rows) {
    const label = row.source === 'default' ? `${row.key} (默认班次)` : row.key;
    figures.addRow(figureCells(label, row));
  }
  const total = figures.addRow(figureCells('合计 / Total', report.totals));
  total.font = { bold: true };
  for (const column of [10, 13]) figures.getColumn(column).numFmt = '0.0%';
  // Shares under the audited targets (97.5 % / 99 %) stand out, as on the dashboard.
  figures.eachRow((row, number) => {
    if (number === 1) return;
    for (const [column, target] of [
      [10, TARGETS.within60],
      [13, TARGETS.within180],
    ] as const) {
      const value = row.getCell(column).value;
      if (typeof value === 'number' && value < target) row.getCell(column).fill = MISSED;
    }
  });
  layOut(figures, (index) => (index === 0 ? 34 : 16));
  figures.addRow([]);
  figures.addRow([
    `时段 ${report.from} 至 ${report.to}（${report.timeZone}，${GROUP_NAMES[report.group]}），统计时间 ${centreDateTime(report.asOf)}；目标：60秒内确认 ≥ ${TARGETS.within60 * 100}%，180秒内确认 ≥ ${TARGETS.within180 * 100}%`,
  ]);
  figures.addRow([
    '需确认告警不含测试及确认前已被老人取消的告警；超过目标时间仍未确认的告警计为未达标。P90 按 PERCENTILE.INC 方法计算。',
  ]);

  // 2. Counts by kind and by outcome, per group (long form: easy to pivot in Excel).
  const counts = workbook.addWorksheet('类型与结果 Kinds');
  counts.addRow(['时段 / Period', '分类 / Dimension', '代码 / Code', '名称 / Name', '数量 / Count']);
  const countRows = (label: string, figures: Figures) => {
    for (const [kind, count] of Object.entries(figures.byKind)) {
      counts.addRow([label, '告警类型 / Kind', kind, KIND_NAMES[kind] ?? kind, count]);
    }
    for (const [outcome, count] of Object.entries(figures.byOutcome)) {
      counts.addRow([label, '处理结果 / Outcome', outcome, OUTCOME_NAMES[outcome] ?? outcome, count]);
    }
  };
  for (const row of report.rows) countRows(row.key, row);
  countRows('合计 / Total', report.totals);
  layOut(counts, (index) => [34, 18, 16, 14, 10][index] ?? 12);

  // 3. False-alarm rate per device model.
  const models = workbook.addWorksheet('误报率 False alarms');
  models.addRow([
    '时段 / Period',
    '设备型号 / Model',
    '已处理告警数 / Resolved',
    '误报数 / False alarms',
    '误报率 / False-alarm rate',
  ]);
  const modelRows = (label: string, figures: Figures) => {
    for (const rate of figures.falseAlarmRates) {
      models.addRow([label, rate.model, rate.resolved, rate.falseAlarms, rate.rate]);
    }
  };
  modelRows('合计 / Total', report.totals);
  for (const row of report.rows) modelRows(row.key, row);
  models.getColumn(5).numFmt = '0.0%';
  layOut(models, (index) => [34, 24, 14, 12, 14][index] ?? 12);

  // 4. The raw alerts, so every figure can be recomputed.
  const raw = workbook.addWorksheet('告警明细 Alerts');
  raw.addRow([
    '编号 / Id',
    '发生时间 / Opened (Asia/Shanghai)',
    '时段 / Period',
    '类型 / Kind',
    '级别 / Severity',
    '状态 / Status',
    '处理结果 / Outcome',
    '老人 / Retiree',
    '设备 / Device',
    '设备型号 / Model',
    '确认时间 / Acknowledged',
    '确认人 / By',
    '确认用时(秒) / To acknowledge (s)',
    '处理完成时间 / Resolved',
    '处理用时(秒) / To resolve (s)',
    '取消时间 / Cancelled',
  ]);
  const at = (value: Date | null) => (value ? centreDateTime(value, 'second') : null);
  const seconds = (from: Date, to: Date | null) =>
    to ? Math.round((to.getTime() - from.getTime()) / 100) / 10 : null;
  for (const row of rows) {
    raw.addRow([
      row.id,
      at(row.openedAt),
      groupOf(row, report.group).key,
      KIND_NAMES[row.kind] ?? row.kind,
      severityNames[row.severity as Severity] ?? row.severity,
      STATUS_NAMES[row.status] ?? row.status,
      row.outcome ? (OUTCOME_NAMES[row.outcome] ?? row.outcome) : null,
      row.retireeName,
      row.deviceId,
      row.deviceType,
      at(row.acknowledgedAt),
      row.acknowledgedBy,
      seconds(row.openedAt, row.acknowledgedAt),
      at(row.resolvedAt),
      seconds(row.openedAt, row.resolvedAt),
      at(row.cancelledAt),
    ]);
  }
  layOut(raw, (index) => (index === 0 ? 38 : 16));

  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}
