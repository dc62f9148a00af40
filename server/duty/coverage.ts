/**
 * Whether the roster covers every hour (5.1.7, the 24-hour duty): the spans of a period when nobody
 * but supervisors is on a shift, so an alert would skip the staff on duty and go straight to the
 * supervisor, and the spans when no supervisor is, so the supervisor's step would reach every
 * supervisor instead of the one on duty. Who counts is what the escalation ladder counts
 * (server/notify/audiences.ts): a supervisor's shift is the post `supervisor` or a supervisor's
 * account on any shift, and a disabled account covers nothing.
 */
import type { Queryable } from '../db/database.ts';
import { isSupervisorShift } from '../notify/audiences.ts';
import type { CoverageGap, DutyCoverage } from '../schemas/duty.ts';

/** A shift as coverage needs it: when, the post the roster names, and who holds it. */
export interface CoverShift {
  startsAt: Date | string;
  endsAt: Date | string;
  /** The post the roster names (operator, supervisor, nurse…). */
  post: string;
  /** The account's role. */
  role: string;
  /** Whether the account may work now: not disabled. */
  active: boolean;
}

type Missing = CoverageGap['missing'];

/**
 * The maximal spans of [from, to) that no counted shift covers: a sweep over the shifts' starts in
 * order, carrying the furthest end reached so far; a start beyond it opens a gap up to that start.
 * Shifts that touch (one ends as the next starts) leave no gap; times are kept to the millisecond.
 */
function uncovered(spans: [number, number][], from: number, to: number): [number, number][] {
  const gaps: [number, number][] = [];
  let reached = from;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start >= to) break;
    if (start > reached) gaps.push([reached, start]);
    reached = Math.max(reached, end);
  }
  if (reached < to) gaps.push([reached, to]);
  return gaps;
}

/** The gaps of [from, to) the shifts leave, earliest first (`on_duty` before `supervisor` when tied). */
export function coverageGaps(shifts: readonly CoverShift[], from: Date, to: Date): CoverageGap[] {
  const start = from.getTime();
  const end = to.getTime();
  if (!(start < end)) return [];
  const spans: Record<Missing, [number, number][]> = { on_duty: [], supervisor: [] };
  for (const shift of shifts) {
    if (!shift.active || shift.role === 'family') continue;
    const startsAt = new Date(shift.startsAt).getTime();
    const endsAt = new Date(shift.endsAt).getTime();
    if (!(startsAt < endsAt) || endsAt <= start || startsAt >= end) continue;
    spans[isSupervisorShift(shift) ? 'supervisor' : 'on_duty'].push([startsAt, endsAt]);
  }
  const gaps = (['on_duty', 'supervisor'] as const).flatMap((missing) =>
    uncovered(spans[missing], start, end).map(([gapFrom, gapTo]) => ({ gapFrom, gapTo, missing })),
  );
  gaps.sort((a, b) => a.gapFrom - b.gapFrom || a.missing.localeCompare(b.missing));
  return gaps.map(({ gapFrom, gapTo, missing }) => ({
    from: new Date(gapFrom).toISOString(),
    to: new Date(gapTo).toISOString(),
    missing,
  }));
}

interface CoverRow {
  starts_at: Date;
  ends_at: Date;
  post: string;
  role: string;
  active: boolean;
}

/** The roster's gaps over [from, to), from the shifts overlapping it. */
export async function dutyCoverage(db: Queryable, from: Date, to: Date): Promise<DutyCoverage> {
  const rows = await db.query<CoverRow>(
    `select s.starts_at, s.ends_at, s.role as post, u.role,
            (not u.disabled and u.disabled_at is null) as active
       from duty_shifts s join users u on u.id = s.user_id
      where s.starts_at < $2 and s.ends_at > $1`,
    [from, to],
  );
  const shifts = rows.map((row) => ({
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    post: row.post,
    role: row.role,
    active: row.active,
  }));
  return { from: from.toISOString(), to: to.toISOString(), gaps: coverageGaps(shifts, from, to) };
}
