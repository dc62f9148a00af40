/** The months the money page works in: the centre's month now, and the month a picker's day stands for. */
import { centreMonth } from '../../composables/time.ts';

/** The centre's month now (YYYY-MM). */
export const thisMonth = (): string => centreMonth(Date.now());

/**
 * The month (YYYY-MM) a month or year picker's cell stands for: the picker builds it at midnight on
 * the browser's calendar, so it is read on that calendar, not shifted into the centre's zone.
 */
export function pickedMonth(cell: Date): string {
  return `${cell.getFullYear()}-${String(cell.getMonth() + 1).padStart(2, '0')}`;
}

/** A month picker's cells after the centre's month now: no pay is run or stopped in them. */
export const futureMonth = (cell: Date): boolean => pickedMonth(cell) > thisMonth();

/** The month after `period` (YYYY-MM). */
export function nextMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The later of two months (YYYY-MM). */
export const laterMonth = (a: string, b: string): string => (a < b ? b : a);
