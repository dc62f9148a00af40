/**
 * Calendar arithmetic on plain dates (YYYY-MM-DD) as the centre keeps them, in Asia/Shanghai (UTC+8,
 * no daylight saving), and the dates of the holidays of 6.8.2.1.
 */

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The centre's calendar date at `instant`. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `value` is a real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

function parts(value: string): [number, number, number] {
  const match = DATE.exec(value);
  if (!match) throw new Error(`not a date: ${value}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function addDays(value: string, days: number): string {
  const [y, m, d] = parts(value);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The same day `months` calendar months later; a day the target month lacks becomes its last day
 * (31 Jan + 1 month = 28 or 29 Feb, 31 Mar + 1 month = 30 Apr).
 */
export function addMonths(value: string, months: number): string {
  const [y, m, d] = parts(value);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

export type Holiday = 'spring_festival' | 'army_day' | 'national_day';

export const HOLIDAY_NAMES: Record<Holiday, string> = {
  spring_festival: '春节',
  army_day: '建军节',
  national_day: '国庆节',
};

/**
 * 春节: the first day of the first month of the Chinese calendar, as published for China (Beijing
 * time). Kept as a table: ICU's `chinese` calendar gives 2027-02-07 and 2030-02-02, off by one where
 * the new moon falls minutes before Beijing midnight (2027-02-06 23:59, 2030-02-03 00:07); the
 * published dates are the ones below.
 */
export const SPRING_FESTIVAL: Readonly<Record<number, string>> = {
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
};

/** The holiday's date in `year`, or undefined when the table does not reach that year. */
export function holidayDate(holiday: Holiday, year: number): string | undefined {
  if (holiday === 'army_day') return `${String(year).padStart(4, '0')}-08-01`;
  if (holiday === 'national_day') return `${String(year).padStart(4, '0')}-10-01`;
  return SPRING_FESTIVAL[year];
}
