/**
 * Figures the centre can show (clause 7.1, KPI reports for a third-party review): how fast alarms
 * are answered and closed, what they were, and which device models cry wolf.
 *
 * The yardstick is the one telecare centres are audited on: 97.5 % of alarm calls answered within
 * 60 s and 99 % within 180 s. Everything here is a pure function over alert rows, so each number
 * can be checked by hand; `fetchAlertRows` is the only SQL, and it runs on PGlite and PostgreSQL.
 *
 * Definitions (also in the README, "Figures"):
 * - Period: from/to are calendar days in Asia/Shanghai, both included; an alert belongs to the
 *   period, day, month and shift in which it was opened (`opened_at`). The store is UTC.
 * - Alarm calls: every alert except tests (kind `test`, or resolved with outcome `test`) and alerts
 *   the retiree cancelled before anyone acknowledged them. Only alarm calls count towards the time
 *   figures and the 60 s / 180 s shares; tests would flatter them and a cancelled call was never
 *   waiting for anyone.
 * - Time to acknowledge: acknowledged_at − opened_at, over alarm calls that were acknowledged
 *   (resolving an alert directly also stamps acknowledged_at). Time to resolve: resolved_at −
 *   opened_at, over alarm calls that were resolved.
 * - Median and 90th percentile: linear interpolation between closest ranks (Hyndman & Fan type 7,
 *   the method of Excel's PERCENTILE.INC), so the Excel export can be checked with a formula.
 * - Share within 60 s (180 s): acknowledged within the target ÷ alarm calls whose answer against
 *   that target is known at `asOf`: acknowledged ones, and unacknowledged ones already older than
 *   the target. An alarm call still unacknowledged for more than 180 s thus misses both targets;
 *   one unacknowledged for 90 s has missed 60 s and is not yet counted for 180 s.
 * - Counts by kind and by outcome: all alerts of the group, tests and cancelled ones included;
 *   outcome is `cancelled` for cancelled alerts and `unresolved` for those not closed yet.
 * - False-alarm rate per device model (`devices.type`): outcome `false_alarm` ÷ resolved alarm
 *   calls of that model (resolved tests left out: a monthly test press is not a false alarm and
 *   would dilute the rate).
 */
import {
  addDays,
  addMonths,
  CENTRE_TIME_ZONE,
  centreDateTime,
  centreDay,
  centreDayEnd,
  centreDayStart,
  centreMonth,
} from '../calendar.ts';
import type { Queryable } from '../db/database.ts';

/** The audited targets: share of alarm calls acknowledged within 60 s and within 180 s. */
export const TARGETS = { within60: 0.975, within180: 0.99 } as const;

/**
 * The centre's default shifts when the roster has no `duty_shifts` row covering an alert: day
 * 08:00–20:00 and night 20:00–08:00 next morning, Shanghai time. A night shift is named by the date
 * it starts on, so 23:30 and 00:30 of one night are the same shift.
 */
export const DEFAULT_SHIFTS = { dayStartHour: 8, nightStartHour: 20 } as const;

export type Grouping = 'day' | 'month' | 'shift';

/** One alert as the figures need it. */
export interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  status: string;
  outcome: string | null;
  deviceId: string;
  /** The device's model (`devices.type`); null when the device row is gone. */
  deviceType: string | null;
  retireeName: string | null;
  acknowledgedBy: string | null;
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  cancelledAt: Date | null;
  /** The roster shift covering opened_at, if any (the latest-starting one when several overlap). */
  shiftStart: Date | null;
  shiftEnd: Date | null;
}

export interface Spread {
  /** How many durations the median and p90 are over. */
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface Share {
  /** Alarm calls whose answer against the target is known. */
  counted: number;
  /** Of those, acknowledged within the target. */
  met: number;
  /** met ÷ counted, null when nothing was counted. */
  share: number | null;
}

export interface ModelRate {
  model: string;
  resolved: number;
  falseAlarms: number;
  rate: number | null;
}

export interface Figures {
  count: number;
  alarmCalls: number;
  timeToAcknowledge: Spread;
  timeToResolve: Spread;
  within60: Share;
  within180: Share;
  byKind: Record<string, number>;
  byOutcome: Record<string, number>;
  falseAlarmRates: ModelRate[];
}

export interface GroupKey {
  key: string;
  /** First instant of the group (UTC ISO). */
  start: string;
  /** First instant after the group. */
  end: string;
  /** Shifts only: whether the shift came from the roster or the centre's default shifts. */
  source?: 'roster' | 'default';
}

export interface GroupFigures extends GroupKey, Figures {}

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between closest ranks
 * (Hyndman & Fan type 7, Excel PERCENTILE.INC): position h = (n − 1)·q in the sorted values,
 * result x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). Null for no values.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const low = Math.floor(h);
  const lower = sorted[low]!;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)]!;
  return lower + (h - low) * (upper - lower);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Rounded to 0.1 s: durations are stored to the millisecond, but nobody audits tenths. */
function spread(seconds: number[]): Spread {
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    count: seconds.length,
    medianSeconds: round(median(seconds)),
    p90Seconds: round(quantile(seconds, 0.9)),
  };
}

const secondsBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export function isTest(row: AlertRow): boolean {
  return row.kind === 'test' || row.outcome === 'test';
}

/** Cancelled by the retiree before anyone acknowledged: nobody was ever asked to answer it. */
export function cancelledUnanswered(row: AlertRow): boolean {
  return row.cancelledAt !== null && row.acknowledgedAt === null;
}

/** An alarm call: one that needed a person to acknowledge it. */
export function isAlarmCall(row: AlertRow): boolean {
  return !isTest(row) && !cancelledUnanswered(row);
}

/** Acknowledged within `target` seconds, missed it, or not known yet at `asOf`. */
export function againstTarget(
  row: AlertRow,
  targetSeconds: number,
  asOf: Date,
): 'met' | 'missed' | 'pending' {
  if (row.acknowledgedAt !== null) {
    return secondsBetween(row.openedAt, row.acknowledgedAt) <= targetSeconds ? 'met' : 'missed';
  }
  return secondsBetween(row.openedAt, asOf) > targetSeconds ? 'missed' : 'pending';
}

function share(rows: AlertRow[], targetSeconds: number, asOf: Date): Share {
  let counted = 0;
  let met = 0;
  for (const row of rows) {
    const answer = againstTarget(row, targetSeconds, asOf);
    if (answer === 'pending') continue;
    counted += 1;
    if (answer === 'met') met += 1;
  }
  return { counted, met, share: counted === 0 ? null : met / counted };
}

export function outcomeKey(row: AlertRow): string {
  if (row.outcome) return row.outcome;
  return row.status === 'cancelled' ? 'cancelled' : 'unresolved';
}

function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of [...keys].sort()) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** All figures of clause 7.1 over one group of alerts. `asOf` decides unacknowledged alarm calls. */
export function computeFigures(rows: readonly AlertRow[], asOf: Date): Figures {
  const calls = rows.filter(isAlarmCall);
  const acknowledged = calls.filter((row) => row.acknowledgedAt !== null);
  const resolved = calls.filter((row) => row.resolvedAt !== null && row.status === 'resolved');

  const models = new Map<string, { resolved: number; falseAlarms: number }>();
  for (const row of resolved) {
    const model = row.deviceType ?? 'unknown';
    const entry = models.get(model) ?? { resolved: 0, falseAlarms: 0 };
    entry.resolved += 1;
    if (row.outcome === 'false_alarm') entry.falseAlarms += 1;
    models.set(model, entry);
  }

  return {
    count: rows.length,
    alarmCalls: calls.length,
    timeToAcknowledge: spread(acknowledged.map((row) => secondsBetween(row.openedAt, row.acknowledgedAt!))),
    timeToResolve: spread(resolved.map((row) => secondsBetween(row.openedAt, row.resolvedAt!))),
    within60: share(calls, 60, asOf),
    within180: share(calls, 180, asOf),
    byKind: tally(rows.map((row) => row.kind)),
    byOutcome: tally(rows.map(outcomeKey)),
    falseAlarmRates: [...models.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, entry]) => ({
        model,
        resolved: entry.resolved,
        falseAlarms: entry.falseAlarms,
        rate: entry.resolved === 0 ? null : entry.falseAlarms / entry.resolved,
      })),
  };
}

// --- Calendar in the centre's zone (../calendar.ts) ---------------------------------------------

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD as a real calendar date; null for 2024-02-30 and the like. */
export function parseDay(text: string): { year: number; month: number; day: number } | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

/** Days from `from` to `to`, both included (1 for a single day). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((centreDayStart(to).getTime() - centreDayStart(from).getTime()) / DAY_MS) + 1;
}

/** The default shift (day 08–20, night 20–08) containing an instant. */
export function defaultShift(instant: Date): { start: Date; end: Date } {
  const midnight = centreDayStart(centreDay(instant)).getTime();
  const hour = Math.floor((instant.getTime() - midnight) / HOUR_MS);
  const { dayStartHour, nightStartHour } = DEFAULT_SHIFTS;
  let startMs: number;
  let lengthHours: number;
  if (hour >= dayStartHour && hour < nightStartHour) {
    startMs = midnight + dayStartHour * HOUR_MS;
    lengthHours = nightStartHour - dayStartHour;
  } else {
    // Before 08:00 belongs to the night that started at 20:00 the evening before.
    startMs = midnight + nightStartHour * HOUR_MS - (hour < dayStartHour ? DAY_MS : 0);
    lengthHours = 24 - (nightStartHour - dayStartHour);
  }
  return { start: new Date(startMs), end: new Date(startMs + lengthHours * HOUR_MS) };
}

/** The group an alert belongs to. Shift keys read "2024-05-01 20:00–2024-05-02 08:00". */
export function groupOf(row: AlertRow, grouping: Grouping): GroupKey {
  if (grouping === 'day') return dayKey(centreDay(row.openedAt));
  if (grouping === 'month') {
    const key = centreMonth(row.openedAt);
    return monthKey(key);
  }
  const roster = row.shiftStart !== null && row.shiftEnd !== null;
  const shift = roster ? { start: row.shiftStart!, end: row.shiftEnd! } : defaultShift(row.openedAt);
  return {
    key: `${centreDateTime(shift.start)}–${centreDateTime(shift.end)}`,
    start: shift.start.toISOString(),
    end: shift.end.toISOString(),
    source: roster ? 'roster' : 'default',
  };
}

function dayKey(key: string): GroupKey {
  return { key, start: centreDayStart(key).toISOString(), end: centreDayEnd(key).toISOString() };
}

function monthKey(key: string): GroupKey {
  const first = `${key}-01`;
  return {
    key,
    start: centreDayStart(first).toISOString(),
    end: centreDayStart(addMonths(first, 1)).toISOString(),
  };
}

/**
 * Every day or month of the period, so quiet days show as zero rather than vanish; shifts are
 * listed only when they had alerts (the roster may leave gaps, and empty default shifts add noise).
 */
function emptyGroups(from: string, to: string, grouping: Grouping): GroupKey[] {
  if (grouping === 'shift') return [];
  const groups: GroupKey[] = [];
  const last = centreDayStart(to).getTime();
  for (let day = from; centreDayStart(day).getTime() <= last; day = addDays(day, 1)) {
    if (grouping === 'day') groups.push(dayKey(day));
    else if (groups.at(-1)?.key !== day.slice(0, 7)) groups.push(monthKey(day.slice(0, 7)));
  }
  return groups;
}

export interface AlertReport {
  from: string;
  to: string;
  group: Grouping;
  timeZone: string;
  asOf: string;
  targets: { within60: number; within180: number };
  totals: Figures;
  rows: GroupFigures[];
}

/** Figures for the whole period and per group, groups in time order. */
export function buildReport(
  rows: readonly AlertRow[],
  period: { from: string; to: string; group: Grouping },
  asOf: Date,
): AlertReport {
  const groups = new Map<string, { key: GroupKey; rows: AlertRow[] }>();
  for (const key of emptyGroups(period.from, period.to, period.group)) groups.set(key.key, { key, rows: [] });
  for (const row of rows) {
    const key = groupOf(row, period.group);
    const entry = groups.get(key.key) ?? { key, rows: [] };
    entry.rows.push(row);
    groups.set(key.key, entry);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => a.key.start.localeCompare(b.key.start) || a.key.end.localeCompare(b.key.end),
  );
  return {
    from: period.from,
    to: period.to,
    group: period.group,
    timeZone: CENTRE_TIME_ZONE,
    asOf: asOf.toISOString(),
    targets: { ...TARGETS },
    totals: computeFigures(rows, asOf),
    rows: ordered.map((entry) => ({ ...entry.key, ...computeFigures(entry.rows, asOf) })),
  };
}

// --- SQL -----------------------------------------------------------------------------------------

interface SqlRow {
  id: string;
  kind: string;
  severity: string;
  status: string;
  outcome: string | null;
  device_id: string;
  device_type: string | null;
  retiree_name: string | null;
  acknowledged_by: string | null;
  opened_at: Date | string;
  acknowledged_at: Date | string | null;
  resolved_at: Date | string | null;
  cancelled_at: Date | string | null;
  shift_start: Date | string | null;
  shift_end: Date | string | null;
}

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const asDateOrNull = (value: Date | string | null) => (value === null ? null : asDate(value));

/**
 * The alerts opened in [from 00:00, to+1 00:00) Shanghai time, oldest first, with the device model
 * and the roster shift covering each opening. Shanghai midnight is computed by the database's own
 * zone rules (`at time zone`), which PGlite and PostgreSQL both carry. Several staff on the same
 * shift are several `duty_shifts` rows with the same times: the shift is the (start, end) pair.
 */
export async function fetchAlertRows(db: Queryable, from: string, to: string): Promise<AlertRow[]> {
  const rows = await db.query<SqlRow>(
    `select a.id, a.kind, a.severity, a.status, a.outcome, a.device_id, d.type as device_type,
            r.name as retiree_name, u.display_name as acknowledged_by,
            a.opened_at, a.acknowledged_at, a.resolved_at, a.cancelled_at,
            s.starts_at as shift_start, s.ends_at as shift_end
       from alerts a
       left join devices d on d.id = a.device_id
       left join retirees r on r.id = a.retiree_id
       left join users u on u.id = a.acknowledged_by
       left join lateral (
         select ds.starts_at, ds.ends_at
           from duty_shifts ds
          where ds.starts_at <= a.opened_at and ds.ends_at > a.opened_at
          order by ds.starts_at desc, ds.ends_at asc
          limit 1
       ) s on true
      where a.opened_at >= ($1::date::timestamp at time zone '${CENTRE_TIME_ZONE}')
        and a.opened_at < (($2::date + 1)::timestamp at time zone '${CENTRE_TIME_ZONE}')
      order by a.opened_at, a.id`,
    [from, to],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    outcome: row.outcome,
    deviceId: row.device_id,
    deviceType: row.device_type,
    retireeName: row.retiree_name,
    acknowledgedBy: row.acknowledged_by,
    openedAt: asDate(row.opened_at),
    acknowledgedAt: asDateOrNull(row.acknowledged_at),
    resolvedAt: asDateOrNull(row.resolved_at),
    cancelledAt: asDateOrNull(row.cancelled_at),
    shiftStart: asDateOrNull(row.shift_start),
    shiftEnd: asDateOrNull(row.shift_end),
  }));
}

/** Fetches and computes in one go: what the routes serve. */
export async function alertReport(
  db: Queryable,
  period: { from: string; to: string; group: Grouping },
  asOf: Date = new Date(),
): Promise<{ report: AlertReport; rows: AlertRow[] }> {
  const rows = await fetchAlertRows(db, period.from, period.to);
  return { report: buildReport(rows, period, asOf), rows };
}
