import { describe, expect, it } from 'vitest';
import { gapSpan } from '../../dashboard/src/views/duty/coverage.ts';
import { type CoverShift, coverageGaps } from '../../server/duty/coverage.ts';
import type { DutyCoverage, DutyShift } from '../../server/schemas/index.ts';
import { suiteHub } from '../helpers/suite.ts';

/** An instant of 6 December 2026 (UTC) at "HH:MM", or of the next day. */
const at = (time: string, nextDay = false) => `2026-12-0${nextDay ? 7 : 6}T${time}:00.000Z`;
const shift = (
  start: string,
  end: string,
  post = 'operator',
  extra: Partial<CoverShift> = {},
): CoverShift => ({
  startsAt: start,
  endsAt: end,
  post,
  role: post === 'supervisor' ? 'supervisor' : 'operator',
  active: true,
  ...extra,
});
/** A supervisor on duty the whole day, so only the staff on duty are in question. */
const supervisorAllDay = shift(at('00:00'), at('00:00', true), 'supervisor');
const day = [new Date(at('00:00')), new Date(at('00:00', true))] as const;

describe('roster coverage: the sweep over shift boundaries (5.1.7)', () => {
  it('finds no gap when overlapping shifts cover the day', () => {
    const gaps = coverageGaps(
      [
        supervisorAllDay,
        shift(at('00:00'), at('10:00')),
        shift(at('08:00'), at('20:00')),
        shift(at('19:00'), at('00:00', true)),
      ],
      ...day,
    );
    expect(gaps).toStrictEqual([]);
  });

  it('finds no gap between back-to-back shifts', () => {
    const gaps = coverageGaps(
      [
        supervisorAllDay,
        shift(at('08:00'), at('20:00')),
        shift(at('00:00'), at('08:00')),
        shift(at('20:00'), at('00:00', true)),
      ],
      ...day,
    );
    expect(gaps).toStrictEqual([]);
  });

  it('finds a one-minute gap between two shifts', () => {
    const gaps = coverageGaps(
      [supervisorAllDay, shift(at('00:00'), at('08:00')), shift(at('08:01'), at('00:00', true))],
      ...day,
    );
    expect(gaps).toStrictEqual([{ from: at('08:00'), to: at('08:01'), missing: 'on_duty' }]);
  });

  it('clips shifts crossing the edges of the period and reports the uncovered middle as one span', () => {
    const gaps = coverageGaps(
      [
        shift('2026-12-05T20:00:00.000Z', at('08:00')),
        shift(at('20:00'), at('08:00', true)),
        shift('2026-12-05T12:00:00.000Z', at('06:00'), 'supervisor'),
        shift(at('18:00'), at('12:00', true), 'supervisor'),
        // Overlapping a gap's end only: the gap stops where the first of them starts.
        shift(at('09:00'), at('10:00'), 'nurse'),
        shift(at('09:30'), at('10:00'), 'nurse'),
      ],
      ...day,
    );
    expect(gaps).toStrictEqual([
      { from: at('06:00'), to: at('18:00'), missing: 'supervisor' },
      { from: at('08:00'), to: at('09:00'), missing: 'on_duty' },
      { from: at('10:00'), to: at('20:00'), missing: 'on_duty' },
    ]);
  });

  it('counts a supervisor account on any post as a supervisor, and nothing of a disabled account', () => {
    const gaps = coverageGaps(
      [
        shift(at('00:00'), at('00:00', true), 'operator', { role: 'supervisor' }),
        shift(at('00:00'), at('12:00')),
        shift(at('12:00'), at('00:00', true), 'operator', { active: false }),
      ],
      ...day,
    );
    expect(gaps).toStrictEqual([{ from: at('12:00'), to: at('00:00', true), missing: 'on_duty' }]);
  });

  it('reports the whole period twice when nobody is on the roster', () => {
    expect(coverageGaps([], ...day)).toStrictEqual([
      { from: at('00:00'), to: at('00:00', true), missing: 'on_duty' },
      { from: at('00:00'), to: at('00:00', true), missing: 'supervisor' },
    ]);
  });
});

describe("the duty page's words for a gap: the centre's clock, whatever the browser's zone", () => {
  const chinese = (date: string, weekday: string) => `${date} ${weekday}`;

  it('writes a gap within a centre day with its date, weekday and times', () => {
    // 16:00 UTC is midnight in Shanghai: the gap is the small hours of Sunday 6 December there.
    const gap = { from: '2026-12-05T16:00:00.000Z', to: '2026-12-06T00:00:00.000Z' };
    expect(gapSpan(gap, 'zh-CN', chinese)).toBe('12月6日 周日 00:00–08:00');
    expect(gapSpan(gap, 'en', (date, weekday) => `${weekday} ${date}`)).toBe('Sun Dec 6 00:00–08:00');
  });

  it("ends a gap at the day's midnight as 24:00, and names the day of a later end", () => {
    expect(
      gapSpan({ from: '2026-12-06T12:00:00.000Z', to: '2026-12-06T16:00:00.000Z' }, 'zh-CN', chinese),
    ).toBe('12月6日 周日 20:00–24:00');
    expect(
      gapSpan({ from: '2026-12-06T12:00:00.000Z', to: '2026-12-07T02:30:00.000Z' }, 'zh-CN', chinese),
    ).toBe('12月6日 周日 20:00–12月7日 周一 10:30');
  });
});

describe('GET /api/duty/coverage', () => {
  const t = suiteHub();
  const coverage = (query: string, token?: string) =>
    t.api<DutyCoverage>('GET', `/api/duty/coverage?${query}`, undefined, token);
  const from = '2030-01-01T00:00:00.000Z';
  const hour = (h: number) => new Date(Date.parse(from) + h * 3_600_000).toISOString();
  const addShift = async (userId: string, start: number, end: number) => {
    const added = await t.api<DutyShift>('POST', '/api/duty/roster', {
      userId,
      startsAt: hour(start),
      endsAt: hour(end),
    });
    expect(added.status).toBe(201);
    return added.body;
  };

  it('reports a gap until a shift fills it, and again once its holder is disabled', async () => {
    const day = await t.addStaff('cover.day', 'operator');
    const night = await t.addStaff('cover.night', 'operator');
    const supervisor = await t.addStaff('cover.sup', 'supervisor');
    await addShift(day.id, 0, 12);
    await addShift(supervisor.id, 0, 24);

    const before = await coverage(`from=${from}&days=1`);
    expect(before.status).toBe(200);
    expect(before.body).toStrictEqual({
      from,
      to: hour(24),
      gaps: [{ from: hour(12), to: hour(24), missing: 'on_duty' }],
    });

    await addShift(night.id, 12, 24);
    expect((await coverage(`from=${from}&days=1`)).body.gaps).toStrictEqual([]);

    // The next day nobody is on the roster at all.
    expect((await coverage(`from=${from}&days=2`)).body.gaps).toStrictEqual([
      { from: hour(24), to: hour(48), missing: 'on_duty' },
      { from: hour(24), to: hour(48), missing: 'supervisor' },
    ]);

    expect((await t.api('POST', `/api/users/${night.id}/disable`)).status).toBe(200);
    expect((await coverage(`from=${from}&days=1`)).body.gaps).toStrictEqual([
      { from: hour(12), to: hour(24), missing: 'on_duty' },
    ]);
  });

  it('looks at the coming week by default', async () => {
    const before = Date.now();
    const answer = await coverage('');
    expect(answer.status).toBe(200);
    expect(Date.parse(answer.body.from)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(answer.body.to) - Date.parse(answer.body.from)).toBe(7 * 86_400_000);
  });

  it('refuses periods it cannot check and callers off the monitoring desk', async () => {
    for (const query of ['days=0', 'days=32', 'days=1.5', 'from=tomorrow'])
      expect((await coverage(query)).status, query).toBe(400);
    const caseworker = await t.addStaff('cover.cw', 'caseworker');
    expect((await coverage(`from=${from}`, caseworker.token)).status).toBe(403);
    const operator = await t.addStaff('cover.op', 'operator');
    expect((await coverage(`from=${from}`, operator.token)).status).toBe(200);
  });
});
