/** The yearly health check (6.5.2.2) as a pure rule: due dates, done, overdue, across a year boundary. */
import { describe, expect, it } from 'vitest';
import { inList, planDueDate, planState } from '../../server/medical/plan.ts';

describe('health-check due dates', () => {
  it('is the plan’s date, else the anniversary of the last check, else 31 December', () => {
    expect(planDueDate(2026, '2025-03-10', '2026-05-20')).toBe('2026-05-20');
    expect(planDueDate(2026, '2025-03-10', null)).toBe('2026-03-10');
    expect(planDueDate(2026, '2023-06-01', null)).toBe('2026-06-01');
    expect(planDueDate(2025, '2024-02-29', null)).toBe('2025-02-28');
    expect(planDueDate(2026, null, null)).toBe('2026-12-31');
  });

  it('is done once checked in the year, overdue once the due date has passed', () => {
    const base = { year: 2026, lastCheckBefore: '2025-03-10', scheduledDue: null };
    expect(planState({ ...base, today: '2026-03-10', checkedInYear: null })).toStrictEqual({
      state: 'due',
      dueOn: '2026-03-10',
    });
    expect(planState({ ...base, today: '2026-03-11', checkedInYear: null })).toStrictEqual({
      state: 'overdue',
      dueOn: '2026-03-10',
    });
    expect(planState({ ...base, today: '2026-03-11', checkedInYear: '2026-03-12' }).state).toBe('done');
  });

  it('starts afresh at the turn of the year', () => {
    // Checked on 20 Dec 2025: done for 2025; on 1 Jan 2026 due again, on 20 Dec 2026.
    expect(
      planState({
        year: 2025,
        today: '2025-12-31',
        checkedInYear: '2025-12-20',
        lastCheckBefore: null,
        scheduledDue: null,
      }).state,
    ).toBe('done');
    expect(
      planState({
        year: 2026,
        today: '2026-01-01',
        checkedInYear: null,
        lastCheckBefore: '2025-12-20',
        scheduledDue: null,
      }),
    ).toStrictEqual({ state: 'due', dueOn: '2026-12-20' });
    // Never checked: due on 31 Dec, overdue from 1 Jan of the next year when the past year is looked at.
    const never = { year: 2025, checkedInYear: null, lastCheckBefore: null, scheduledDue: null };
    expect(planState({ ...never, today: '2025-12-31' })).toStrictEqual({ state: 'due', dueOn: '2025-12-31' });
    expect(planState({ ...never, today: '2026-01-01' })).toStrictEqual({
      state: 'overdue',
      dueOn: '2025-12-31',
    });
  });

  it('lists: due holds everyone not yet checked, the overdue among them', () => {
    expect(inList('due', 'due')).toBe(true);
    expect(inList('due', 'overdue')).toBe(true);
    expect(inList('due', 'done')).toBe(false);
    expect(inList('overdue', 'due')).toBe(false);
    expect(inList('done', 'done')).toBe(true);
    expect(inList('all', 'overdue')).toBe(true);
  });
});
