/**
 * The archive's access log (6.1.2.8): who read which record, its history or one of its files, or
 * exported the list, when and giving what reason. Written as each is shown, read by supervisors.
 */

import { centreDateTime } from '../calendar.ts';
import type { Database } from '../db/database.ts';
import type { ListColumn } from '../export/workbook.ts';
import { Filter } from '../store/filter.ts';
import { isoRequired } from '../store/rows.ts';

export interface AccessEntry {
  id: number;
  at: string;
  userId: string;
  userName: string;
  retireeId: string | null;
  retireeName: string | null;
  attachmentId: string | null;
  action: string;
  reason: string;
}

type Row = Record<string, unknown>;

/** What was read, as the log's page names it. */
const ACTION_NAMES: Record<string, string> = {
  record: '档案全文',
  history: '变更记录',
  attachment: '附件',
  export: '导出名册',
};

/** The columns of the log's workbook: Beijing time to the second, as the page shows it. */
export const accessLogColumns: ListColumn<AccessEntry>[] = [
  { header: '时间', width: 20, value: (row) => centreDateTime(row.at, 'second') },
  { header: '查阅人', width: 14, value: (row) => row.userName },
  {
    header: '军休干部',
    width: 14,
    value: (row) => row.retireeName ?? (row.action === 'export' ? '（档案名册）' : ''),
  },
  { header: '查阅内容', width: 12, value: (row) => ACTION_NAMES[row.action] ?? row.action },
  { header: '附件', width: 38, value: (row) => row.attachmentId ?? '' },
  { header: '事由', width: 40, value: (row) => row.reason },
];

export class ArchiveAccessLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async record(entry: {
    userId: string;
    retireeId: string | null;
    attachmentId?: string | null;
    action: 'record' | 'history' | 'attachment' | 'export';
    reason: string;
    detail?: Record<string, unknown>;
  }): Promise<void> {
    await this.db.query(
      'insert into archive_access_log (at, user_id, retiree_id, attachment_id, action, reason, detail) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        this.now(),
        entry.userId,
        entry.retireeId,
        entry.attachmentId ?? null,
        entry.action,
        entry.reason,
        JSON.stringify(entry.detail ?? {}),
      ],
    );
  }

  /**
   * The entries the filter finds, newest first, `limit` from `offset`, and how many it finds in all.
   * `whole`: the entries only when they all fit in `limit` (none read otherwise), for an export that
   * is whole or nothing.
   */
  async list(
    filter: {
      retireeId?: string | undefined;
      userId?: string | undefined;
      action?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    },
    limit: number,
    offset: number,
    options: { whole?: boolean } = {},
  ): Promise<{ total: number; items: AccessEntry[] }> {
    const conditions = new Filter()
      .when('l.retiree_id = ?', filter.retireeId)
      .when('l.user_id = ?', filter.userId)
      .when('l.action = ?', filter.action)
      .when('l.at >= ?', filter.from)
      .when('l.at < ?', filter.to);
    const where = `where ${conditions.sql}`;
    const params = conditions.params;
    const [count] = await this.db.query<{ total: number }>(
      `select count(*)::int as total from archive_access_log l ${where}`,
      params,
    );
    if (options.whole && (count?.total ?? 0) > limit) return { total: count?.total ?? 0, items: [] };
    const rows = await this.db.query<Row>(
      `select l.id, l.at, l.user_id, u.display_name, l.retiree_id, r.name as retiree_name, l.attachment_id, l.action, l.reason
         from archive_access_log l join users u on u.id = l.user_id left join retirees r on r.id = l.retiree_id
         ${where} order by l.at desc, l.id desc limit ${Number(limit)} offset ${Number(offset)}`,
      params,
    );
    return {
      total: count?.total ?? 0,
      items: rows.map((row) => ({
        id: Number(row.id),
        at: isoRequired(row.at as Date),
        userId: row.user_id as string,
        userName: row.display_name as string,
        retireeId: (row.retiree_id as string | null) ?? null,
        retireeName: (row.retiree_name as string | null) ?? null,
        attachmentId: (row.attachment_id as string | null) ?? null,
        action: row.action as string,
        reason: row.reason as string,
      })),
    };
  }
}
