/** The columns of the evaluation workbooks (7.1, 7.2), Chinese headers for the centre's staff. */
import type { ListColumn } from '../export/workbook.ts';
import type {
  ActionStatus,
  Feedback,
  FeedbackStatus,
  ImprovementAction,
  ResultGroup,
} from '../schemas/evaluation.ts';
import { SERVICE_AREA_NAMES } from './rules.ts';

const feedbackKindNames: Record<Feedback['kind'], string> = { complaint: '投诉', suggestion: '建议' };

const channelNames: Record<Feedback['channel'], string> = {
  suggestion_box: '意见箱',
  window_book: '服务窗口意见簿',
  phone: '监督电话',
  online: '网络平台',
  meeting: '座谈会',
};

const feedbackStatusNames: Record<FeedbackStatus, string> = {
  received: '已受理',
  handling: '处理中',
  answered: '已答复',
  closed: '已办结',
};

const actionStatusNames: Record<ActionStatus, string> = {
  planned: '计划',
  doing: '实施中',
  done: '已完成',
  reviewed: '已复核',
};

export const feedbackColumns: ListColumn<Feedback>[] = [
  { header: '受理日期', width: 12, value: (row) => row.receivedOn },
  { header: '类别', width: 8, value: (row) => feedbackKindNames[row.kind] },
  { header: '渠道', width: 14, value: (row) => channelNames[row.channel] },
  { header: '反映人', width: 12, value: (row) => row.retireeName ?? row.fromName },
  {
    header: '服务类别',
    width: 10,
    value: (row) => (row.serviceArea ? SERVICE_AREA_NAMES[row.serviceArea] : ''),
  },
  { header: '内容', width: 40, value: (row) => row.content },
  { header: '答复期限', width: 12, value: (row) => row.answerDueOn },
  { header: '承办人', width: 12, value: (row) => row.handlerName },
  { header: '状态', width: 10, value: (row) => feedbackStatusNames[row.status] },
  { header: '是否逾期', width: 10, value: (row) => (row.overdue ? '已逾期' : '') },
  { header: '答复日期', width: 12, value: (row) => row.answeredOn ?? '' },
  { header: '答复', width: 40, value: (row) => row.answer ?? '' },
  { header: '改进措施数', width: 10, value: (row) => row.actionIds.length },
];

export const actionColumns: ListColumn<ImprovementAction>[] = [
  { header: '措施', width: 28, value: (row) => row.title },
  { header: '起因', width: 36, value: (row) => row.finding.summary },
  {
    header: '服务类别',
    width: 10,
    value: (row) => (row.finding.serviceArea ? SERVICE_AREA_NAMES[row.finding.serviceArea] : ''),
  },
  { header: '负责人', width: 12, value: (row) => row.ownerName },
  { header: '完成期限', width: 12, value: (row) => row.dueOn },
  { header: '状态', width: 10, value: (row) => actionStatusNames[row.status] },
  { header: '是否逾期', width: 10, value: (row) => (row.overdue ? '已逾期' : '') },
  { header: '完成日期', width: 12, value: (row) => row.doneOn ?? '' },
  { header: '实施结果', width: 36, value: (row) => row.result ?? '' },
  { header: '复核意见', width: 36, value: (row) => row.reviewNote ?? '' },
];

/** One row per group's overall line (question null) and per question. */
export interface ResultRow {
  group: ResultGroup;
  question: ResultGroup['questions'][number] | null;
}

const stats = (row: ResultRow) => row.question ?? row.group.overall;

export const resultColumns: ListColumn<ResultRow>[] = [
  { header: '服务类别', width: 10, value: (row) => SERVICE_AREA_NAMES[row.group.serviceArea] },
  { header: '期间', width: 10, value: (row) => row.group.period },
  { header: '答卷数', width: 8, value: (row) => row.group.responses },
  { header: '题目', width: 36, value: (row) => row.question?.text ?? '（总体）' },
  { header: '评分次数', width: 10, value: (row) => stats(row).count },
  { header: '平均分', width: 8, value: (row) => stats(row).average, format: '0.00' },
  ...(['5', '4', '3', '2', '1'] as const).map(
    (score): ListColumn<ResultRow> => ({
      header: `${score}分`,
      width: 6,
      value: (row) => stats(row).distribution[score],
    }),
  ),
];
