/**
 * The yearly health check (6.5.2.2) over plain values: every active retiree is due once per calendar
 * year (the centre's, Asia/Shanghai). The due date in a year is the one set in the year's plan, else
 * the anniversary of the last check before that year, else 31 December. Done once a check is
 * recorded in the year; overdue once the due date has passed without one.
 */
import { anniversaryIn } from '../calendar.ts';

export type PlanState = 'due' | 'overdue' | 'done';

export interface PlanFacts {
  year: number;
  /** The centre's date now. */
  today: string;
  /** The latest check within `year`, if any. */
  checkedInYear: string | null;
  /** The latest check before `year`, if any. */
  lastCheckBefore: string | null;
  /** A due date the plan sets for this retiree in `year`. */
  scheduledDue: string | null;
}

export function planDueDate(
  year: number,
  lastCheckBefore: string | null,
  scheduledDue: string | null,
): string {
  if (scheduledDue) return scheduledDue;
  if (lastCheckBefore) return anniversaryIn(lastCheckBefore, year);
  return `${String(year).padStart(4, '0')}-12-31`;
}

export function planState(facts: PlanFacts): { state: PlanState; dueOn: string } {
  const dueOn = planDueDate(facts.year, facts.lastCheckBefore, facts.scheduledDue);
  if (facts.checkedInYear) return { state: 'done', dueOn };
  return { state: facts.today > dueOn ? 'overdue' : 'due', dueOn };
}

/**
 * Which entries a list shows: `due` is everyone not yet checked this year (the overdue among them
 * marked), `overdue` only those past their due date, `done` those checked.
 */
export type PlanList = 'due' | 'overdue' | 'done' | 'all';

export function inList(list: PlanList, state: PlanState): boolean {
  if (list === 'all') return true;
  if (list === 'due') return state !== 'done';
  return state === list;
}
