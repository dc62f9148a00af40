/**
 * A gap of the roster written on the centre's clock (Asia/Shanghai, whatever the browser's zone):
 * "12月6日 周日 00:00–08:00". The end keeps to a time when it falls on the start's day, reads 24:00
 * at that day's midnight, and names its own day otherwise. No side effects, so it loads outside a
 * browser too.
 */
import { CENTRE_TIME_ZONE, centreDay } from '../../../../server/calendar.ts';

interface Formatters {
  date: Intl.DateTimeFormat;
  weekday: Intl.DateTimeFormat;
  clock: Intl.DateTimeFormat;
}

const byLocale = new Map<string, Formatters>();

function formatters(locale: string): Formatters {
  let found = byLocale.get(locale);
  if (!found) {
    const timeZone = CENTRE_TIME_ZONE;
    found = {
      date: new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric' }),
      weekday: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short' }),
      clock: new Intl.DateTimeFormat(locale, {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    };
    byLocale.set(locale, found);
  }
  return found;
}

/**
 * The span from `gap.from` to `gap.to` in `locale`; `dayLabel` puts a day's date and weekday in the
 * order the locale's words say ("{date} {weekday}").
 */
export function gapSpan(
  gap: { from: string; to: string },
  locale: string,
  dayLabel: (date: string, weekday: string) => string,
): string {
  const { date, weekday, clock } = formatters(locale);
  const from = new Date(gap.from);
  const to = new Date(gap.to);
  const day = (instant: Date) => dayLabel(date.format(instant), weekday.format(instant));
  const start = `${day(from)} ${clock.format(from)}`;
  const startDay = centreDay(from);
  let end: string;
  if (centreDay(to) === startDay) end = clock.format(to);
  else if (centreDay(to.getTime() - 1) === startDay && clock.format(to) === '00:00') end = '24:00';
  else end = `${day(to)} ${clock.format(to)}`;
  return `${start}–${end}`;
}
