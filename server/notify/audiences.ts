/**
 * Who a step of the escalation ladder reaches, resolved at the moment it is reached (5.1.7, the
 * 24-hour duty): the roster says who is on duty now, so a shift change between the alert and its
 * escalation tells the new shift, not the old one.
 * - `on_duty`: the staff on a shift of the roster now, other than supervisors' shifts;
 * - `supervisor`: whoever is on a supervisor's shift now (the post named `supervisor` on the roster,
 *   or a supervisor's account on any shift); when nobody is, every supervisor;
 * - `manager`: the centre's administrators;
 * - named staff, by id.
 * Disabled accounts are never told, nor anyone whose role may not open the alert (a caseworker on
 * duty is not told of a security alert: that is the desk's).
 * Families are reached through their contacts, not here.
 */
import { type Access, mayAccess, type Role } from '../access/policy.ts';
import type { Queryable } from '../db/database.ts';
import type { Audience } from '../schemas/escalation.ts';

/**
 * What a member of staff needs to see an alert of `kind`: a security alert is about the hub
 * itself (who tried which secret, which accounts were guessed at), for those who work alerts at
 * the desk (the operator on duty at night acknowledges it and calls the administrator), not for a
 * caseworker, who has nothing to do with it; every other alert is about a retiree, for whoever
 * reads alerts. The live channel, the lists and the ladder's staff ask this one rule.
 */
export function alertAccess(kind: string): Access {
  return kind === 'security' ? 'alerts.handle' : 'alerts.read';
}

/** Whether an account of `role` is shown, rung and told of an alert of `kind`. */
export function mayReceiveAlert(kind: string, role: string | null | undefined): boolean {
  // A role the table does not know (a stale row) is admitted nowhere.
  return mayAccess(alertAccess(kind), role as Role | null | undefined);
}

export interface StaffMember {
  id: string;
  displayName: string;
  role: string;
}

interface StaffRow {
  id: string;
  display_name: string;
  role: string;
}

const ACTIVE = 'not u.disabled and u.disabled_at is null';
const toMember = (row: StaffRow): StaffMember => ({
  id: row.id,
  displayName: row.display_name,
  role: row.role,
});

/** The staff on a shift now, with the post the roster names and their account's role. */
async function onShift(db: Queryable, now: Date): Promise<(StaffMember & { post: string })[]> {
  const rows = await db.query<StaffRow & { post: string }>(
    `select distinct u.id, u.display_name, u.role, s.role as post
       from duty_shifts s join users u on u.id = s.user_id
      where s.starts_at <= $1 and s.ends_at > $1 and ${ACTIVE}
      order by u.display_name, u.id`,
    [now],
  );
  return rows.map((row) => ({ ...toMember(row), post: row.post }));
}

/** A supervisor's shift: the roster's `supervisor` post, or any post held by a supervisor's account. */
export const isSupervisorShift = (shift: { post: string; role: string }) =>
  shift.post === 'supervisor' || shift.role === 'supervisor';

/** How far the roster reaches either side of now to count as kept. */
const ROSTER_REACH_MS = 7 * 86_400_000;

/**
 * Whether a centre that keeps its roster has nobody but supervisors on duty now: an alert finding
 * nobody skips to the supervisor's step. A centre with no shift within a week either side keeps no
 * roster, and its alerts climb the ladder as set.
 */
export async function nobodyOnDuty(db: Queryable, now: Date): Promise<boolean> {
  if ((await onShift(db, now)).some((member) => !isSupervisorShift(member))) return false;
  const [kept] = await db.query<{ kept: boolean }>(
    'select exists (select 1 from duty_shifts where starts_at < $2 and ends_at > $1) as kept',
    [new Date(now.getTime() - ROSTER_REACH_MS), new Date(now.getTime() + ROSTER_REACH_MS)],
  );
  return kept?.kept === true;
}

/**
 * The staff members `audiences` and `named` reach now, each once; given the alert's `kind`, only
 * those who may open it.
 */
export async function staffReached(
  db: Queryable,
  audiences: readonly Audience[],
  named: readonly string[],
  now: Date,
  kind?: string,
): Promise<StaffMember[]> {
  const reached = new Map<string, StaffMember>();
  const add = (members: StaffMember[]) => {
    for (const member of members) if (!reached.has(member.id)) reached.set(member.id, member);
  };
  const strip = ({ id, displayName, role }: StaffMember): StaffMember => ({ id, displayName, role });
  if (audiences.includes('on_duty') || audiences.includes('supervisor')) {
    const shift = await onShift(db, now);
    if (audiences.includes('on_duty')) add(shift.filter((member) => !isSupervisorShift(member)).map(strip));
    if (audiences.includes('supervisor')) {
      const onDuty = shift.filter(isSupervisorShift).map(strip);
      add(onDuty.length > 0 ? onDuty : await byRole(db, 'supervisor'));
    }
  }
  if (audiences.includes('manager')) add(await byRole(db, 'admin'));
  if (named.length > 0) {
    const rows = await db.query<StaffRow>(
      `select u.id, u.display_name, u.role from users u
        where u.id = any($1::uuid[]) and u.role <> 'family' and ${ACTIVE} order by u.display_name, u.id`,
      [named],
    );
    add(rows.map(toMember));
  }
  const members = [...reached.values()];
  return kind === undefined ? members : members.filter((member) => mayReceiveAlert(kind, member.role));
}

async function byRole(db: Queryable, role: string): Promise<StaffMember[]> {
  const rows = await db.query<StaffRow>(
    `select u.id, u.display_name, u.role from users u where u.role = $1 and ${ACTIVE} order by u.display_name, u.id`,
    [role],
  );
  return rows.map(toMember);
}
