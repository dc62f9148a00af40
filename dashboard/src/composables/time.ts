/**
 * Times are stored in UTC and always shown in the centre's zone, whatever the browser's zone is,
 * so two screens on the same shift never disagree about when something happened.
 */
import { ref } from 'vue';
import { currentLocale } from '../modules/i18n.ts';

export const centreTimeZone = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'time' | 'dateTime' | 'date' | 'day' | 'clock'): Intl.DateTimeFormat {
  const locale = currentLocale.value;
  const key = `${locale}:${kind}`;
  let found = formatters.get(key);
  if (!found) {
    const base: Intl.DateTimeFormatOptions = { timeZone: centreTimeZone, hourCycle: 'h23' };
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      time: { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' },
      clock: { ...base, hour: '2-digit', minute: '2-digit' },
      dateTime: { ...base, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
      date: { ...base, year: 'numeric', month: '2-digit', day: '2-digit' },
      // en-CA gives YYYY-MM-DD, a stable key for "same day in the centre's zone".
      day: { timeZone: centreTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' },
    };
    found = new Intl.DateTimeFormat(kind === 'day' ? 'en-CA' : locale, options[kind]);
    formatters.set(key, found);
  }
  return found;
}

/** YYYY-MM-DD of an instant in the centre's zone. */
export function centreDay(instant: Date | string | number): string {
  return formatter('day').format(new Date(instant));
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? formatter('time').format(new Date(iso)) : '—';
}

export function formatClock(instant: Date): string {
  return formatter('clock').format(instant);
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? formatter('dateTime').format(new Date(iso)) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? formatter('date').format(new Date(iso)) : '—';
}

/** Time only for today, month-day and time for older instants. */
export function formatWhen(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  return centreDay(iso) === centreDay(now) ? formatTime(iso) : formatDateTime(iso);
}

/** Whole years since a YYYY-MM-DD birth date, counted on the centre's calendar. */
export function ageOn(birthDate: string, now: number = Date.now()): number | null {
  const born = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate);
  const today = /^(\d{4})-(\d{2})-(\d{2})/.exec(centreDay(now));
  if (!born || !today) return null;
  let age = Number(today[1]) - Number(born[1]);
  if (`${today[2]}${today[3]}` < `${born[2]}${born[3]}`) age -= 1;
  return age;
}

/**
 * One shared clock for everything that depends on "now" (staleness of readings, the header
 * clock), ticking often enough for a minute display without waking the page every second.
 */
export const now = ref(Date.now());
const tickMs = 10_000;
// Ticks fall on whole ten seconds (…:00, …:10), so the clock turns over with the minute rather
// than up to ten seconds after it, as alert times beside it already have.
function tick(): void {
  now.value = Date.now();
  window.setTimeout(tick, tickMs - (now.value % tickMs) + 5);
}
window.setTimeout(tick, tickMs - (Date.now() % tickMs) + 5);
