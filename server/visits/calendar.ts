/** The dates of the holidays of the visit campaigns (6.8.2.1); date arithmetic is in ../calendar.ts. */

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
