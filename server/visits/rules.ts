/**
 * The rules of visits and condolences (6.8) that need no database: when each kind of visit opens and
 * falls due, what a visit record must hold, and which changes a task or follow-up allows. Every rule
 * that depends on the date takes today's date (the centre's, ../calendar.ts) as an argument; refusals
 * are 400s naming the field, as the service sends them.
 */
import { addDays, addMonths, isDate, laterDate } from '../calendar.ts';
import { badRequest } from '../errors.ts';
import type { FollowUpUpdate, VisitMode, VisitRecordInput, VisitSummary } from '../schemas/visits.ts';
import { HOLIDAY_NAMES, type Holiday, holidayDate } from './calendar.ts';

/** A holiday campaign's tasks open this many days before the holiday (6.8.2.1). */
export const CAMPAIGN_OPENS_DAYS_BEFORE = 14;
/** A hospital admission is visited within this many days (6.8.2.2). */
export const ADMISSION_VISIT_DAYS = 3;
/** The monthly focus visit shows on the work list this many days before it is due (6.8.2.3). */
export const FOCUS_OPENS_DAYS_BEFORE = 7;
/** When a retiree is first flagged and has no visit on record, the first focus visit is due within. */
export const FIRST_FOCUS_VISIT_DAYS = 7;

export const MODE_NAMES: Record<VisitMode, string> = {
  in_person: '上门走访',
  phone: '电话慰问',
  video: '视频慰问',
};

/** The seven fields of a visit record (6.8.2.5), with their names on the form. */
export const SEVEN_FIELD_NAMES = [
  ['thought', '思想'],
  ['health', '身体'],
  ['medicalCare', '医疗保健'],
  ['hobbies', '个人爱好'],
  ['socialActivity', '参与社会活动'],
  ['family', '家庭'],
  ['livingConditions', '现实生活状况'],
] as const;

/** Open work whose due date has passed. */
export function isOverdue(status: string, dueOn: string, today: string): boolean {
  return status === 'open' && dueOn < today;
}

/** `value` when it is a calendar date; 400 naming `field` otherwise. */
export function checkDate(value: string, field: string): string {
  if (!isDate(value)) throw badRequest(`${field}: 日期无效 (not a calendar date): ${value}`);
  return value;
}

/** A calendar date not after `today`. */
export function checkNotFuture(value: string, field: string, today: string): string {
  checkDate(value, field);
  if (value > today) throw badRequest(`${field}: 不能是将来的日期 (cannot be in the future): ${value}`);
  return value;
}

export interface CampaignPlan {
  holidayDate: string;
  opensOn: string;
  title: string;
}

/** A holiday campaign (6.8.2.1): due on the holiday, open 14 days before; refused once it has passed. */
export function campaignPlan(holiday: Holiday, year: number, today: string): CampaignPlan {
  const date = holidayDate(holiday, year);
  if (!date) throw badRequest(`year: 没有${year}年春节的日期 (no Spring Festival date for ${year})`);
  if (date < today) throw badRequest(`year: ${year}年${HOLIDAY_NAMES[holiday]}已过 (the holiday has passed)`);
  return {
    holidayDate: date,
    opensOn: addDays(date, -CAMPAIGN_OPENS_DAYS_BEFORE),
    title: `${year}年${HOLIDAY_NAMES[holiday]}走访慰问`,
  };
}

/** The visit an admission raises (6.8.2.2): open from the day of admission, due within 3 days. */
export function admissionVisit(admittedOn: string): { opensOn: string; dueOn: string } {
  return { opensOn: admittedOn, dueOn: addDays(admittedOn, ADMISSION_VISIT_DAYS) };
}

export interface FocusFlags {
  solitary: boolean;
  bedridden: boolean;
}

/** Whether the monthly focus visit applies (6.8.2.3): solitary or long bedridden. */
export function needsFocusVisit(flags: FocusFlags): boolean {
  return flags.solitary || flags.bedridden;
}

/**
 * When a retiree newly needs the focus visit: one calendar month after the last visit on record, or
 * within 7 days when there was none; never before today.
 */
export function firstFocusDue(lastVisitedOn: string | null, today: string): string {
  const fromLast = lastVisitedOn ? addMonths(lastVisitedOn, 1) : addDays(today, FIRST_FOCUS_VISIT_DAYS);
  return laterDate(fromLast, today);
}

/** After a focus visit, the next is due one calendar month after it (31 Jan → 28 Feb). */
export function nextFocusDue(visitedOn: string): string {
  return addMonths(visitedOn, 1);
}

/** The focus visit task due on `dueOn`: its title names why, and it opens a week before. */
export function focusTask(
  flags: FocusFlags,
  dueOn: string,
): { title: string; opensOn: string; dueOn: string } {
  const who = [flags.solitary ? '孤老' : '', flags.bedridden ? '长期卧床' : ''].filter(Boolean).join('、');
  return { title: `重点走访（${who}，每月）`, opensOn: addDays(dueOn, -FOCUS_OPENS_DAYS_BEFORE), dueOn };
}

/** The archive history entries (6.11.1 a) of a change of the living flags. */
export function flagChanges(
  current: FocusFlags,
  next: FocusFlags,
): { field: string; from: string; to: string }[] {
  return [
    ...(next.solitary !== current.solitary
      ? [
          {
            field: 'livingSituation',
            from: current.solitary ? 'alone' : '',
            to: next.solitary ? 'alone' : '',
          },
        ]
      : []),
    ...(next.bedridden !== current.bedridden
      ? [{ field: 'bedridden', from: String(current.bedridden), to: String(next.bedridden) }]
      : []),
  ];
}

/** A visit planned by hand is due today or later. */
export function checkNewTaskDue(value: string, today: string): string {
  const dueOn = checkDate(value, 'dueOn');
  if (dueOn < today) throw badRequest(`dueOn: 不能早于今天 (cannot be before today): ${dueOn}`);
  return dueOn;
}

/** A task's due date may move, but not before the day it opens. */
export function checkTaskDueMove(value: string, opensOn: string): string {
  const dueOn = checkDate(value, 'dueOn');
  if (dueOn < opensOn) throw badRequest(`dueOn: 不能早于开始日期 ${opensOn} (before the task opens)`);
  return dueOn;
}

/** 400 naming every one of the seven fields (6.8.2.5) left blank. */
export function checkSevenFields(input: VisitRecordInput): void {
  const blank = SEVEN_FIELD_NAMES.filter(([key]) => !input[key]?.trim());
  if (blank.length > 0) {
    throw badRequest(
      `走访记录须填写：${blank.map(([, name]) => name).join('、')} (required: ${blank.map(([key]) => key).join(', ')})`,
    );
  }
}

/** A problem raised in a visit is to be answered on or after the visit. */
export function checkProblemDue(value: string, index: number, visitedOn: string): string {
  const dueOn = checkDate(value, `problems[${index}].dueOn`);
  if (dueOn < visitedOn) {
    throw badRequest(`problems[${index}].dueOn: 不能早于走访日期 (before the visit): ${dueOn}`);
  }
  return dueOn;
}

/** Phone or video completes a visit task only for a retiree living elsewhere (6.8.2.4). */
export function checkVisitMode(mode: VisitMode, livesElsewhere: boolean): void {
  if (mode !== 'in_person' && !livesElsewhere) {
    throw badRequest(
      `mode: ${MODE_NAMES[mode]}只适用于长期不在本地生活的军休干部，本任务须上门走访 (phone or video completes a visit only for a retiree living elsewhere)`,
    );
  }
}

/** A follow-up closes with its answer, and an answer is given only by closing it (6.8.2.6). */
export function checkFollowUpUpdate(input: FollowUpUpdate): void {
  if (input.status === 'done' && !input.reply?.trim()) {
    throw badRequest('reply: 办结须填写处理结果或答复 (a reply is required to close a follow-up)');
  }
  if (input.reply !== undefined && input.status !== 'done') {
    throw badRequest('reply: 答复随办结一起提交 (send the reply with status "done")');
  }
}

/** The period of a summary: two calendar dates, `to` not before `from`. */
export function checkPeriod(fromValue: string, toValue: string): { from: string; to: string } {
  const from = checkDate(fromValue, 'from');
  const to = checkDate(toValue, 'to');
  if (to < from) throw badRequest('to: 结束日期不能早于开始日期 (before from)');
  return { from, to };
}

/** Visits counted by mode and by reason (the summary's tallies, 6.8.2.5). */
export function tallyVisits(
  counts: readonly { mode: string; reason: string; n: number | string }[],
): Pick<VisitSummary, 'visits' | 'byMode' | 'byReason'> {
  const byMode = { in_person: 0, phone: 0, video: 0 };
  const byReason: Record<string, number> = {};
  let visits = 0;
  for (const row of counts) {
    const n = Number(row.n);
    visits += n;
    byMode[row.mode as keyof typeof byMode] += n;
    byReason[row.reason] = (byReason[row.reason] ?? 0) + n;
  }
  return { visits, byMode, byReason };
}
