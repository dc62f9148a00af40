/** The statistics of the alert figures (7.1), checked by hand against exact values. */
import { describe, expect, it } from 'vitest';
import { centreDay } from '../../server/calendar.ts';
import {
  type AlertRow,
  againstTarget,
  buildReport,
  computeFigures,
  daysInclusive,
  defaultShift,
  groupOf,
  median,
  parseDay,
  quantile,
} from '../../server/reports/figures.ts';

const T0 = Date.parse('2024-05-01T02:00:00Z'); // 10:00 Shanghai
const asOf = new Date(T0 + 10_000_000);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

let sequence = 0;
function row(
  input: Partial<Omit<AlertRow, 'openedAt'>> & {
    opened?: number;
    openedAt?: Date;
    ack?: number;
    resolved?: number;
  } = {},
): AlertRow {
  sequence += 1;
  const openedAt = input.openedAt ?? at(input.opened ?? 0);
  const after = (seconds: number | undefined) =>
    seconds === undefined ? null : new Date(openedAt.getTime() + seconds * 1000);
  return {
    id: `a${sequence}`,
    kind: input.kind ?? 'sos',
    severity: 'critical',
    status:
      input.status ??
      (input.resolved !== undefined ? 'resolved' : input.ack !== undefined ? 'acknowledged' : 'open'),
    outcome: input.outcome ?? null,
    deviceId: 'd1',
    deviceType: input.deviceType ?? 'wearable.watch',
    retireeName: null,
    acknowledgedBy: null,
    openedAt,
    acknowledgedAt: after(input.ack),
    resolvedAt: after(input.resolved),
    cancelledAt: input.cancelledAt ?? null,
    shiftStart: input.shiftStart ?? null,
    shiftEnd: input.shiftEnd ?? null,
  };
}

describe('median and 90th percentile (linear interpolation, Excel PERCENTILE.INC)', () => {
  it('is null for no values', () => {
    expect(median([])).toBeNull();
    expect(quantile([], 0.9)).toBeNull();
  });

  it('takes the single value of one', () => {
    expect(median([42])).toBe(42);
    expect(quantile([42], 0.9)).toBe(42);
  });

  it('takes the middle of an odd count and interpolates p90', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(quantile([3, 1, 2], 0.9)).toBeCloseTo(2.8, 12); // h = 1.8 → 2 + 0.8 × (3 − 2)
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12); // h = 2.7 → 3 + 0.7 × 1
    expect(median([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(5.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
  });

  it('handles ties', () => {
    expect(median([10, 10, 10, 20])).toBe(10);
    expect(quantile([10, 10, 10, 20], 0.9)).toBeCloseTo(17, 12);
    expect(median([7, 7, 7])).toBe(7);
    expect(quantile([7, 7, 7], 0.9)).toBe(7);
  });

  it('refuses a quantile outside [0, 1]', () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('figures over one group', () => {
  const rows = [
    row({ ack: 30, resolved: 300, outcome: 'genuine', deviceType: 'wearable.watch' }),
    row({ kind: 'fall', ack: 60, resolved: 600, outcome: 'false_alarm', deviceType: 'wearable.watch' }),
    row({ ack: 120, resolved: 400, outcome: 'false_alarm', deviceType: 'pendant.sos' }),
    row({ kind: 'hr_high', ack: 200, resolved: 1000, outcome: 'genuine', deviceType: 'wearable.watch' }),
    // Still unacknowledged at asOf: 100 s (missed 60 s, 180 s not decided), 30 s (neither decided),
    // and for hours (missed both).
    row({ openedAt: new Date(asOf.getTime() - 100_000) }),
    row({ openedAt: new Date(asOf.getTime() - 30_000) }),
    row({ kind: 'fall' }),
    // Not alarm calls: a test press, a test outcome, and one cancelled before acknowledgement.
    row({ kind: 'test', resolved: 1, outcome: 'test' }),
    row({ ack: 5, resolved: 10, outcome: 'test' }),
    row({ status: 'cancelled', cancelledAt: at(20) }),
  ];

  it('computes every figure exactly', () => {
    expect(computeFigures(rows, asOf)).toStrictEqual({
      count: 10,
      alarmCalls: 7,
      // 30, 60, 120, 200 → median (60 + 120) / 2; p90 at h = 2.7: 120 + 0.7 × 80
      timeToAcknowledge: { count: 4, medianSeconds: 90, p90Seconds: 176 },
      // 300, 400, 600, 1000 → median 500; p90: 600 + 0.7 × 400
      timeToResolve: { count: 4, medianSeconds: 500, p90Seconds: 880 },
      // 60 s exactly is within; counted: 4 acknowledged + 2 unacknowledged for over 60 s
      within60: { counted: 6, met: 2, share: 2 / 6 },
      within180: { counted: 5, met: 3, share: 3 / 5 },
      byKind: { fall: 2, hr_high: 1, sos: 6, test: 1 },
      byOutcome: { cancelled: 1, false_alarm: 2, genuine: 2, test: 2, unresolved: 3 },
      falseAlarmRates: [
        { model: 'pendant.sos', resolved: 1, falseAlarms: 1, rate: 1 },
        { model: 'wearable.watch', resolved: 3, falseAlarms: 1, rate: 1 / 3 },
      ],
    });
  });

  it('gives nulls, not zeros, for an empty group', () => {
    expect(computeFigures([], asOf)).toStrictEqual({
      count: 0,
      alarmCalls: 0,
      timeToAcknowledge: { count: 0, medianSeconds: null, p90Seconds: null },
      timeToResolve: { count: 0, medianSeconds: null, p90Seconds: null },
      within60: { counted: 0, met: 0, share: null },
      within180: { counted: 0, met: 0, share: null },
      byKind: {},
      byOutcome: {},
      falseAlarmRates: [],
    });
  });

  it('counts an alert unacknowledged for more than 180 s as missing both targets', () => {
    const waiting = row({ openedAt: new Date(asOf.getTime() - 181_000) });
    expect(againstTarget(waiting, 60, asOf)).toBe('missed');
    expect(againstTarget(waiting, 180, asOf)).toBe('missed');
    const fresh = row({ openedAt: new Date(asOf.getTime() - 180_000) });
    expect(againstTarget(fresh, 180, asOf)).toBe('pending');
  });

  it('rounds durations to a tenth of a second', () => {
    const figures = computeFigures([row({ ack: 10.04 }), row({ ack: 10.06 })], asOf);
    expect(figures.timeToAcknowledge).toStrictEqual({ count: 2, medianSeconds: 10.1, p90Seconds: 10.1 });
  });
});

describe('periods in Asia/Shanghai', () => {
  it('puts 23:30 and 00:30 Shanghai on different days', () => {
    expect(centreDay(new Date('2024-05-01T15:30:00Z'))).toBe('2024-05-01');
    expect(centreDay(new Date('2024-05-01T16:30:00Z'))).toBe('2024-05-02');
  });

  it('keeps one night shift across midnight, and 08:00 starts the day shift', () => {
    const before = defaultShift(new Date('2024-05-01T15:30:00Z')); // 23:30
    const after = defaultShift(new Date('2024-05-01T16:30:00Z')); // 00:30
    expect(before).toStrictEqual(after);
    expect(before.start.toISOString()).toBe('2024-05-01T12:00:00.000Z'); // 20:00 Shanghai
    expect(before.end.toISOString()).toBe('2024-05-02T00:00:00.000Z'); // 08:00 Shanghai
    expect(defaultShift(new Date('2024-05-01T23:59:59Z')).start.toISOString()).toBe(
      '2024-05-01T12:00:00.000Z',
    );
    const day = defaultShift(new Date('2024-05-02T00:00:00Z'));
    expect([day.start.toISOString(), day.end.toISOString()]).toStrictEqual([
      '2024-05-02T00:00:00.000Z',
      '2024-05-02T12:00:00.000Z',
    ]);
    expect(groupOf(row({ openedAt: new Date('2024-05-01T16:30:00Z') }), 'shift')).toStrictEqual({
      key: '2024-05-01 20:00–2024-05-02 08:00',
      start: '2024-05-01T12:00:00.000Z',
      end: '2024-05-02T00:00:00.000Z',
      source: 'default',
    });
  });

  it('prefers the roster shift covering the alert', () => {
    const shift = {
      shiftStart: new Date('2024-05-01T01:00:00Z'),
      shiftEnd: new Date('2024-05-01T09:00:00Z'),
    };
    expect(groupOf(row({ openedAt: new Date('2024-05-01T02:00:00Z'), ...shift }), 'shift')).toStrictEqual({
      key: '2024-05-01 09:00–2024-05-01 17:00',
      start: '2024-05-01T01:00:00.000Z',
      end: '2024-05-01T09:00:00.000Z',
      source: 'roster',
    });
  });

  it('checks calendar dates and counts days inclusively', () => {
    expect(parseDay('2024-02-29')).toStrictEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDay('2023-02-29')).toBeNull();
    expect(parseDay('2024-5-1')).toBeNull();
    expect(daysInclusive('2024-05-01', '2024-05-01')).toBe(1);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(daysInclusive('2024-05-02', '2024-05-01')).toBe(0);
  });

  it('lists every day of the period, quiet ones as zero, in order', () => {
    const report = buildReport(
      [row({ openedAt: new Date('2024-05-02T03:00:00Z'), ack: 10 })],
      { from: '2024-05-01', to: '2024-05-03', group: 'day' },
      asOf,
    );
    expect(report.rows.map((entry) => [entry.key, entry.count])).toStrictEqual([
      ['2024-05-01', 0],
      ['2024-05-02', 1],
      ['2024-05-03', 0],
    ]);
    expect(report.rows[0]?.start).toBe('2024-04-30T16:00:00.000Z');
    expect(report.totals.count).toBe(1);
    const months = buildReport([], { from: '2024-01-31', to: '2024-03-01', group: 'month' }, asOf);
    expect(months.rows.map((entry) => [entry.key, entry.start, entry.end])).toStrictEqual([
      ['2024-01', '2023-12-31T16:00:00.000Z', '2024-01-31T16:00:00.000Z'],
      ['2024-02', '2024-01-31T16:00:00.000Z', '2024-02-29T16:00:00.000Z'],
      ['2024-03', '2024-02-29T16:00:00.000Z', '2024-03-31T16:00:00.000Z'],
    ]);
  });
});
