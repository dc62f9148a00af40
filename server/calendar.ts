/**
 * Plain calendar dates (YYYY-MM-DD) as the centre keeps them: Asia/Shanghai, UTC+8 all year (no
 * daylight saving). Due dates (visits 6.8, contact abroad 6.4.2.4, health checks 6.5.2.2…) are
 * counted in these dates, so a month is a calendar month and a year turns over at Beijing midnight.
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The centre's calendar date at `instant`. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The centre's calendar year at `instant`. */
export function shanghaiYear(instant: Date): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** Whether `value` is a real date written YYYY-MM-DD (no 2026-02-30). */
export function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCFullYear() === Number(match[1]) && date.toISOString().slice(0, 10) === value;
}

function parts(value: string): [number, number, number] {
  const match = DATE.exec(value);
  if (!match) throw new Error(`not a date: ${value}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(value: string, days: number): string {
  const [y, m, d] = parts(value);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

/**
 * The same day `months` calendar months later; a day the target month lacks becomes its last day
 * (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year; 31 Mar + 1 month = 30 Apr).
 */
export function addMonths(value: string, months: number): string {
  const [y, m, d] = parts(value);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const day = Math.min(d, lastDayOf(target.getUTCFullYear(), target.getUTCMonth() + 1));
  target.setUTCDate(day);
  return format(target);
}

/** The same month and day in `year`; 29 Feb becomes 28 Feb in a common year. */
export function anniversaryIn(value: string, year: number): string {
  const [, m, d] = parts(value);
  const day = Math.min(d, lastDayOf(year, m));
  return format(new Date(Date.UTC(year, m - 1, day)));
}

/**
 * Whole calendar months from `from` to `to` (both dates): 31 Jan → 28 Feb is one month, 15 Jan →
 * 14 Jul is five. Never negative.
 */
export function wholeMonthsBetween(from: string, to: string): number {
  if (to <= from) return 0;
  const [fy, fm] = parts(from);
  const [ty, tm] = parts(to);
  let months = (ty - fy) * 12 + (tm - fm);
  while (months > 0 && addMonths(from, months) > to) months -= 1;
  return months;
}

/** The later of two dates (or the one given). */
export function laterDate(a: string, b: string | null | undefined): string {
  return b && b > a ? b : a;
}

/** 2026-02-28 as the centre writes it in a letter: 2026年2月28日. */
export function chineseDate(value: string): string {
  const [y, m, d] = parts(value);
  return `${y}年${m}月${d}日`;
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
