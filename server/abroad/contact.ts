/**
 * The rules of 6.4.2.4 over plain values: a retiree abroad is contacted at least once a calendar
 * month; after 6 calendar months (含) without contact the pension is suspended (暂停发放离退休费),
 * the facts are investigated and reported to the superior veterans department.
 */
import { addMonths, chineseDate, laterDate, wholeMonthsBetween } from '../calendar.ts';

/** At least one contact a month (6.4.2.4). */
export const CONTACT_EVERY_MONTHS = 1;
/** 失联6个月（含）以上: the suspension is due on the day six calendar months have passed. */
export const SUSPEND_AFTER_MONTHS = 6;

/**
 * When the next contact is due: one calendar month after the last contact, or after the departure
 * when nobody has been in touch yet. 31 Jan + 1 month = 28 (29) Feb.
 */
export function nextContactDue(departedOn: string, lastContactOn: string | null): string {
  return addMonths(laterDate(departedOn, lastContactOn), CONTACT_EVERY_MONTHS);
}

/** Overdue once the due date has passed: on the due day itself the contact is due, not late. */
export function isContactOverdue(dueOn: string, today: string): boolean {
  return today > dueOn;
}

/**
 * The day from which silence is counted: the departure, the last contact, or the last decision that
 * cleared an earlier suspension, whichever is latest. A cleared flag thus comes back only after six
 * more months without contact, not at the next check.
 */
export function silentSince(
  departedOn: string,
  lastContactOn: string | null,
  lastClearedOn: string | null,
): string {
  return laterDate(laterDate(departedOn, lastContactOn), lastClearedOn);
}

/** The first day on which the suspension is due. */
export function suspensionDue(since: string): string {
  return addMonths(since, SUSPEND_AFTER_MONTHS);
}

export function shouldSuspend(since: string, today: string): boolean {
  return today >= suspensionDue(since);
}

export interface ReportFacts {
  centreName: string;
  retireeName: string;
  rank: string;
  destination: string;
  departedOn: string;
  /** The last contact and how it was made, or null when there was none since the departure. */
  lastContact: { on: string; channel: ContactChannel } | null;
  silentSince: string;
  today: string;
}

export const CONTACT_CHANNELS = ['phone', 'video', 'message'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const CHANNEL_NAMES: Record<ContactChannel, string> = {
  phone: '电话',
  video: '视频',
  message: '信息',
};

/** Whole months without contact at `today`. */
export function monthsWithoutContact(since: string, today: string): number {
  return wholeMonthsBetween(since, today);
}

/** The draft report to the superior veterans department (6.4.2.4), for staff to check and send. */
export function draftSuspensionReport(facts: ReportFacts): string {
  const months = monthsWithoutContact(facts.silentSince, facts.today);
  const rank = facts.rank.trim() ? `（${facts.rank.trim()}）` : '';
  const destination = facts.destination.trim() ? `前往${facts.destination.trim()}` : '';
  const contact = facts.lastContact
    ? `最后一次联系为${chineseDate(facts.lastContact.on)}（${CHANNEL_NAMES[facts.lastContact.channel]}）`
    : '出境后未能取得联系';
  return [
    `关于暂停发放军休干部${facts.retireeName}离退休费的报告`,
    '',
    '上级退役军人事务部门：',
    `    我中心军休干部${facts.retireeName}${rank}于${chineseDate(facts.departedOn)}出国（境）${destination}。` +
      `${contact}，截至${chineseDate(facts.today)}已失联${months}个月。`,
    `    依据DB51/T 2839-2021第6.4.2.4条，自${chineseDate(facts.today)}起暂停发放其离退休费，我中心正在调查有关情况，结果另行报告。`,
    '    特此报告。',
    '',
    facts.centreName,
    chineseDate(facts.today),
  ].join('\n');
}
