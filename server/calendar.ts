/**
 * The centre's calendar: Beijing time (Asia/Shanghai), UTC+8 all year — China has kept no daylight
 * saving since 1991 — and plain calendar dates (YYYY-MM-DD) as the centre keeps them. Due dates
 * (visits 6.8, contact abroad 6.4.2.4, health checks 6.5.2.2…) are counted in these dates, so a
 * month is a calendar month and a day and a year turn over at Beijing midnight: 16:00 UTC is already
 * the next day in the centre.
 *
 * Every computation of the centre's day, on the server and in the dashboard, comes from here. The
 * module is pure and imports nothing, so the dashboard can bundle it (test/architecture/
 * boundaries.test.ts checks both) and a date shown in a browser is the date the server counts with,
 * whatever zone the browser or the server runs in.
 */

/** The centre's zone, for what reads zones by name: `Intl`, SQL `at time zone`. */
export const CENTRE_TIME_ZONE = 'Asia/Shanghai';
/** The centre's offset from UTC in minutes (east positive). */
export const CENTRE_UTC_OFFSET_MINUTES = 480;
/** The same offset as ISO 8601 writes it after a local time: `2026-06-01T09:30:00+08:00`. */
export const CENTRE_UTC_OFFSET = '+08:00';

const OFFSET_MS = CENTRE_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An instant: a `Date`, milliseconds since the epoch, or an ISO 8601 timestamp. */
export type Instant = Date | number | string;

/** Where a rule reads the time: injected, so a test can set the day. */
export type Clock = () => Date;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The centre's wall clock at `instant`, read through the getUTC* methods. */
function wallClock(instant: Instant): Date {
  const time = new Date(instant).getTime();
  if (!Number.isFinite(time)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(time + OFFSET_MS);
}

function dateOf(clock: Date): string {
  return `${pad(clock.getUTCFullYear(), 4)}-${pad(clock.getUTCMonth() + 1)}-${pad(clock.getUTCDate())}`;
}

// --- Instants in the centre ---------------------------------------------------------------------

/** The centre's calendar date (YYYY-MM-DD) at `instant`. */
export function centreDay(instant: Instant): string {
  return dateOf(wallClock(instant));
}

/** The centre's calendar month (YYYY-MM) at `instant`. */
export function centreMonth(instant: Instant): string {
  return centreDay(instant).slice(0, 7);
}

/** The centre's calendar year at `instant`. */
export function centreYear(instant: Instant): number {
  return wallClock(instant).getUTCFullYear();
}

/** The first instant of the centre's date `day` (its 00:00 in Beijing). */
export function centreDayStart(day: string): Date {
  if (!isDate(day)) throw new RangeError(`not a date: ${day}`);
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS);
}

/** The first instant after the centre's date `day` (the next day's 00:00): days are [start, end). */
export function centreDayEnd(day: string): Date {
  return new Date(centreDayStart(day).getTime() + DAY_MS);
}

/** `instant` in Beijing time as the centre writes it: "2024-05-01 20:00", or "2024-05-01 20:00:05". */
export function centreDateTime(instant: Instant, precision: 'minute' | 'second' = 'minute'): string {
  const clock = wallClock(instant);
  const minute = `${dateOf(clock)} ${pad(clock.getUTCHours())}:${pad(clock.getUTCMinutes())}`;
  return precision === 'second' ? `${minute}:${pad(clock.getUTCSeconds())}` : minute;
}

// --- Calendar dates -----------------------------------------------------------------------------

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

/** The year of a YYYY-MM-DD date. */
export function yearOf(value: string): number {
  return parts(value)[0];
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
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
