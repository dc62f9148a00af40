/**
 * Times are stored in UTC and always shown in the centre's zone, whatever the browser's zone is,
 * so two screens on the same shift never disagree about when something happened. The centre's
 * calendar day comes from the server's own module (server/calendar.ts), so the dashboard counts
 * dates exactly as the server does.
 */
import { onBeforeUnmount, onMounted, type Ref, ref } from 'vue';
import { CENTRE_TIME_ZONE, CENTRE_UTC_OFFSET, centreDay, centreDayStart } from '../../../server/calendar.ts';
import { currentLocale } from '../modules/i18n.ts';

export {
  addDays,
  CENTRE_TIME_ZONE,
  CENTRE_UTC_OFFSET,
  centreDay,
  centreDayStart,
  centreMonth,
} from '../../../server/calendar.ts';

/** The centre's date now (YYYY-MM-DD). */
export function today(): string {
  return centreDay(Date.now());
}

/**
 * A time typed as the centre's wall clock (`2026-06-01T09:30` from a datetime-local field), whatever
 * the browser's zone, as an ISO instant.
 */
export function centreInstant(local: string): string {
  const seconds = local.length === 16 ? `${local}:00` : local;
  return new Date(`${seconds}${CENTRE_UTC_OFFSET}`).toISOString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'time' | 'dateTime' | 'date' | 'clock'): Intl.DateTimeFormat {
  const locale = currentLocale.value;
  const key = `${locale}:${kind}`;
  let found = formatters.get(key);
  if (!found) {
    const base: Intl.DateTimeFormatOptions = { timeZone: CENTRE_TIME_ZONE, hourCycle: 'h23' };
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      time: { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' },
      clock: { ...base, hour: '2-digit', minute: '2-digit' },
      dateTime: { ...base, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
      date: { ...base, year: 'numeric', month: '2-digit', day: '2-digit' },
    };
    found = new Intl.DateTimeFormat(locale, options[kind]);
    formatters.set(key, found);
  }
  return found;
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

/** A centre date (YYYY-MM-DD) written as the locale writes dates. */
export function formatDay(day: string | null | undefined): string {
  return day ? formatter('date').format(centreDayStart(day)) : '—';
}

/** Time only for today, month-day and time for older instants. */
export function formatWhen(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  return centreDay(iso) === centreDay(now) ? formatTime(iso) : formatDateTime(iso);
}

/**
 * How long something has waited, to the second: `3:12` under an hour, `1:03:12` beyond (hours keep
 * counting past a day, so two waits always compare at a glance). A wait that has not begun is `0:00`.
 */
export function formatWait(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
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

/**
 * A clock ticking every second, for running wait timers. It ticks only while a component that shows
 * one is mounted, so a page without an open alert is not woken every second.
 */
const secondNow = ref(Date.now());
let secondUsers = 0;
let secondTimer: number | undefined;
function secondTick(): void {
  secondNow.value = Date.now();
  secondTimer = window.setTimeout(secondTick, 1000 - (secondNow.value % 1000) + 5);
}

export function useSecondClock(): Readonly<Ref<number>> {
  onMounted(() => {
    secondUsers += 1;
    if (secondUsers === 1) secondTick();
  });
  onBeforeUnmount(() => {
    secondUsers -= 1;
    if (secondUsers === 0) window.clearTimeout(secondTimer);
  });
  return secondNow;
}
