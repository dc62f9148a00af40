/** The columns of the political-life and reception workbooks (6.2), Chinese headers for the centre's staff. */
import type { ListColumn } from '../export/workbook.ts';
import type {
  ConvalescenceBatch,
  PoliticalActivity,
  PoliticalKind,
  ReceptionChannel,
  ReceptionItem,
  ReceptionStatus,
} from '../schemas/reception.ts';

export const politicalKindNames: Record<PoliticalKind, string> = {
  organisation_life: '组织生活',
  study: '学习',
  activity: '政治活动',
};

export const channelNames: Record<ReceptionChannel, string> = {
  letter: '来信',
  visit: '来访',
  call: '来电',
};

export const receptionStatusNames: Record<ReceptionStatus, string> = {
  received: '已登记',
  in_hand: '办理中',
  replied: '已答复',
};

export const activityColumns: ListColumn<PoliticalActivity>[] = [
  { header: '日期', width: 12, value: (row) => row.heldOn },
  { header: '类别', width: 10, value: (row) => politicalKindNames[row.kind] },
  { header: '主题', width: 32, value: (row) => row.topic },
  { header: '地点', width: 18, value: (row) => row.place },
  { header: '出席', width: 8, value: (row) => row.counts.present },
  { header: '缺席', width: 8, value: (row) => row.counts.absent },
  { header: '请假', width: 8, value: (row) => row.counts.excused },
  {
    header: '出席人员',
    width: 40,
    value: (row) =>
      row.attendance
        .filter((entry) => entry.status === 'present')
        .map((entry) => entry.retireeName)
        .join('、'),
  },
  { header: '备注', width: 30, value: (row) => row.notes },
];

export interface BatchRow {
  batch: ConvalescenceBatch;
  participant: ConvalescenceBatch['participants'][number] | null;
}

export const batchColumns: ListColumn<BatchRow>[] = [
  { header: '批次', width: 24, value: (row) => row.batch.name },
  { header: '级别', width: 10, value: (row) => row.batch.level },
  { header: '疗养地点', width: 20, value: (row) => row.batch.place },
  { header: '开始日期', width: 12, value: (row) => row.batch.startsOn },
  { header: '结束日期', width: 12, value: (row) => row.batch.endsOn },
  { header: '参加人员', width: 12, value: (row) => row.participant?.retireeName ?? '' },
  { header: '参加理由', width: 30, value: (row) => row.participant?.reason ?? '' },
];

export const receptionColumns: ListColumn<ReceptionItem>[] = [
  { header: '收到日期', width: 12, value: (row) => row.receivedOn },
  { header: '方式', width: 8, value: (row) => channelNames[row.channel] },
  { header: '来信来访来电人', width: 16, value: (row) => row.fromName },
  { header: '联系方式', width: 16, value: (row) => row.fromContact },
  { header: '涉及军休干部', width: 14, value: (row) => row.retireeName ?? '' },
  { header: '事项内容', width: 40, value: (row) => row.content },
  { header: '答复期限', width: 12, value: (row) => row.replyDueOn },
  { header: '承办人', width: 12, value: (row) => row.handlerName },
  { header: '状态', width: 10, value: (row) => receptionStatusNames[row.status] },
  { header: '是否逾期', width: 10, value: (row) => (row.overdue ? '已逾期' : '') },
  { header: '答复日期', width: 12, value: (row) => row.repliedOn ?? '' },
  { header: '答复内容', width: 40, value: (row) => row.reply ?? '' },
];
