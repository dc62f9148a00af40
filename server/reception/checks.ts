/** Checks shared by political life, reception (6.2) and evaluation (7): dates, staff, retirees. */
import type { Clock } from '../calendar.ts';
import { centreDay, isDate } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { staffUser } from '../store/checks.ts';

/** Days to answer a letter, visit or call, a complaint or a suggestion, unless set per item. */
export const REPLY_DAYS = dayDeadline('reception.reply_days', 15, {
  title: '来信来访来电、投诉建议答复时限（天）',
  clause: '6.2.2.10',
});

export class Checks {
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return centreDay(this.clock());
  }

  date(value: string, field: string): string {
    if (!isDate(value)) throw badRequest(`${field}: 日期无效 (not a calendar date): ${value}`);
    return value;
  }

  notFuture(value: string, field: string): string {
    this.date(value, field);
    if (value > this.today()) {
      throw badRequest(`${field}: 不能是将来的日期 (cannot be in the future): ${value}`);
    }
    return value;
  }

  /** An active staff account that can own work (not disabled, not a family account). */
  staffUser(id: string, field: string, db: Queryable = this.db): Promise<string> {
    return staffUser(db, id, field);
  }

  async retiree(id: string, field: string, db: Queryable = this.db): Promise<string> {
    const message = `${field}: 没有这位军休干部 (no such retiree)`;
    if (!isUuid(id)) throw badRequest(message);
    const [row] = await db.query<{ id: string }>(`select id from retirees where id = $1`, [id.toLowerCase()]);
    if (!row) throw badRequest(message);
    return row.id;
  }

  /** Text that must not be only blanks. */
  text(value: string, field: string, name: string): string {
    const trimmed = value.trim();
    if (!trimmed) throw badRequest(`${field}: 请填写${name} (required)`);
    return trimmed;
  }
}
