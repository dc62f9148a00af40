/**
 * The centre's calendar (server/calendar.ts), which the server and the dashboard both count with:
 * Beijing time, UTC+8 all year, so 16:00 UTC is already the next day in the centre; month ends and
 * leap days; and the same answers whatever zone the process runs in.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  CENTRE_TIME_ZONE,
  CENTRE_UTC_OFFSET,
  CENTRE_UTC_OFFSET_MINUTES,
  centreDateTime,
  centreDay,
  centreDayEnd,
  centreDayStart,
  centreMonth,
  centreYear,
  yearOf,
} from '../../server/calendar.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('the centre calendar', () => {
  it('keeps Beijing time: Asia/Shanghai, UTC+8', () => {
    expect([CENTRE_TIME_ZONE, CENTRE_UTC_OFFSET_MINUTES, CENTRE_UTC_OFFSET]).toStrictEqual([
      'Asia/Shanghai',
      480,
      '+08:00',
    ]);
  });

  it('turns the day over at 16:00 UTC, which is Beijing midnight', () => {
    expect(centreDay(new Date('2026-06-14T15:59:59.999Z'))).toBe('2026-06-14');
    expect(centreDay(new Date('2026-06-14T16:00:00.000Z'))).toBe('2026-06-15');
    // The same instant given as milliseconds or as a timestamp with any offset.
    expect(centreDay(Date.parse('2026-06-14T16:00:00Z'))).toBe('2026-06-15');
    expect(centreDay('2026-06-15T00:00:00+08:00')).toBe('2026-06-15');
    expect(centreDay('2026-06-14T23:59:59-08:00')).toBe('2026-06-15');
  });

  it('turns months and years over at Beijing midnight too', () => {
    expect(centreDay(new Date('2026-04-30T16:00:00Z'))).toBe('2026-05-01');
    expect(centreMonth(new Date('2026-04-30T15:59:59Z'))).toBe('2026-04');
    expect(centreMonth(new Date('2026-04-30T16:00:00Z'))).toBe('2026-05');
    expect(centreYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(centreYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
    expect(centreDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('has a 29 February in leap years only', () => {
    expect(centreDay(new Date('2028-02-28T16:00:00Z'))).toBe('2028-02-29');
    expect(centreDay(new Date('2028-02-29T16:00:00Z'))).toBe('2028-03-01');
    expect(centreDay(new Date('2027-02-28T16:00:00Z'))).toBe('2027-03-01');
    expect(centreDayStart('2028-02-29')).toStrictEqual(new Date('2028-02-28T16:00:00Z'));
    expect(() => centreDayStart('2027-02-29')).toThrow(RangeError);
  });

  it('gives the instants a centre date starts and ends, the end being the next day’s start', () => {
    expect(centreDayStart('2026-03-01')).toStrictEqual(new Date('2026-02-28T16:00:00Z'));
    expect(centreDayEnd('2026-02-28')).toStrictEqual(new Date('2026-02-28T16:00:00Z'));
    expect(centreDayEnd('2026-12-31')).toStrictEqual(centreDayStart('2027-01-01'));
    expect(() => centreDayStart('2026-13-01')).toThrow(RangeError);
    expect(() => centreDayEnd('2026-3-1')).toThrow(RangeError);
  });

  it('maps every instant of a centre date, and only those, back to that date', () => {
    const seen: string[] = [];
    for (let day = '2027-12-25'; day <= '2028-03-05'; day = addDays(day, 1)) {
      const start = centreDayStart(day).getTime();
      const end = centreDayEnd(day).getTime();
      expect([centreDay(start), centreDay(end - 1), centreDay(start - 1), centreDay(end)]).toStrictEqual([
        day,
        day,
        addDays(day, -1),
        addDays(day, 1),
      ]);
      expect(end - start).toBe(86_400_000);
      seen.push(day.slice(5));
    }
    expect(seen).toContain('02-29');
    expect(seen).toHaveLength(72);
  });

  it('writes an instant in Beijing time', () => {
    expect(centreDateTime(new Date('2024-05-01T12:00:05Z'))).toBe('2024-05-01 20:00');
    expect(centreDateTime('2024-05-01T12:00:05Z', 'second')).toBe('2024-05-01 20:00:05');
    expect(centreDateTime(new Date('2028-02-28T16:30:00Z'))).toBe('2028-02-29 00:30');
  });

  it('refuses what is not an instant', () => {
    expect(() => centreDay('yesterday')).toThrow(RangeError);
    expect(() => centreDateTime(Number.NaN)).toThrow(RangeError);
  });

  it('agrees with the zone rules of Asia/Shanghai (as the dashboard formatted days before)', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const differing: string[] = [];
    // Every 7 hours 13 minutes from 1992 (after China's last daylight saving) to 2040.
    for (
      let at = Date.parse('1992-01-01T00:00:00Z');
      at < Date.parse('2040-01-01T00:00:00Z');
      at += 26_580_000
    ) {
      if (centreDay(at) !== intl.format(at)) differing.push(new Date(at).toISOString());
    }
    expect(differing).toStrictEqual([]);
  });

  it('adds days and calendar months across month ends and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(yearOf('2028-02-29')).toBe(2028);
  });

  it('gives the same dates whatever zone the process runs in', () => {
    const script = `
      import { centreDay, centreDayStart, centreDateTime } from './server/calendar.ts';
      console.log(JSON.stringify([
        centreDay(new Date('2026-06-14T16:00:00Z')),
        centreDay(new Date('2028-02-28T16:00:00Z')),
        centreDayStart('2026-03-01').toISOString(),
        centreDateTime(new Date('2026-12-31T16:05:00Z')),
      ]));`;
    const expected = ['2026-06-15', '2028-02-29', '2026-02-28T16:00:00.000Z', '2027-01-01 00:05'];
    for (const zone of ['Pacific/Kiritimati', 'America/Adak', 'UTC']) {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          cwd: root,
          env: { ...process.env, TZ: zone },
          encoding: 'utf8',
        },
      );
      expect([zone, JSON.parse(output)]).toStrictEqual([zone, expected]);
    }
  });
});
