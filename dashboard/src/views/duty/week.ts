/**
 * Calendar days of the roster, counted in the centre's zone. China keeps +08:00 all year (no
 * daylight saving), so a centre day's bounds are fixed offsets whatever the browser's zone is.
 */
import { addDays, CENTRE_UTC_OFFSET } from '../../composables/time.ts';

/** Monday of the week the day falls in. */
export function mondayOf(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

export { today } from '../../composables/time.ts';

/** The instant a centre day starts, or a time of day on it ("08:00"). */
export function instantOf(day: string, time = '00:00'): Date {
  return new Date(`${day}T${time}:00${CENTRE_UTC_OFFSET}`);
}
