/**
 * Culture and sport events (6.6.1 b): an event is planned, gets the staff on duty and its medical
 * cover, and only then is confirmed (6.6.2.5: 配备必要的工作人员，做好安全和医疗等服务保障). Retirees sign
 * up before it starts, within its capacity; attendance is recorded once it has started.
 */

import { randomUUID } from 'node:crypto';
import type { Clock } from '../calendar.ts';
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  ActivityEvent,
  ActivityEventInput,
  ActivityKind,
  Attendance,
  AttendanceInput,
  EventCancelInput,
  EventCoverInput,
  EventQuery,
  EventStatus,
  SignUp,
  StaffInput,
} from '../schemas/activities.ts';
import { retireeOr404, userOr400 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { assertInScope, inScope, type Scope } from '../store/scope.ts';
import { ACTIVITY_KIND_NAMES } from './names.ts';

interface EventRow {
  id: string;
  title: string;
  kind: ActivityKind;
  starts_at: Date | string;
  ends_at: Date | string;
  place: string;
  capacity: number;
  medical_cover: string;
  owner_id: string;
  owner_name: string;
  status: EventStatus;
  confirmed_at: Date | string | null;
  cancelled_reason: string | null;
  attendance_recorded_at: Date | string | null;
  plan_item_id: string | null;
  group_id: string | null;
  group_name: string | null;
  notes: string;
  signed_up: number | string;
  created_at: Date | string;
}

const selectEvent = `select e.id, e.title, e.kind, e.starts_at, e.ends_at, e.place, e.capacity, e.medical_cover,
    e.owner_id, u.display_name as owner_name, e.status, e.confirmed_at, e.cancelled_reason,
    e.attendance_recorded_at, e.plan_item_id, e.group_id, g.name as group_name, e.notes, e.created_at,
    (select count(*) from activity_signups s where s.event_id = e.id and s.status = 'signed_up') as signed_up
  from activity_events e join users u on u.id = e.owner_id left join activity_groups g on g.id = e.group_id`;

interface StaffRow {
  event_id: string;
  user_id: string;
  name: string;
  duty: string;
}

interface SignUpRow {
  event_id: string;
  retiree_id: string;
  retiree_name: string;
  status: 'signed_up' | 'withdrawn';
  signed_up_at: Date | string;
  attendance: Attendance | null;
  attendance_note: string;
}

/** A timestamp from the API as a Date; 400 naming the field when it is not one. */
function instant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${field}: 不是有效的时间`);
  return date;
}

/** What 6.6.2.5 still needs before the event may go ahead. */
export function missingCover(staffCount: number, medicalCover: string): ('staff' | 'medical')[] {
  const missing: ('staff' | 'medical')[] = [];
  if (staffCount === 0) missing.push('staff');
  if (medicalCover.trim() === '') missing.push('medical');
  return missing;
}

const MISSING_TEXT = { staff: '尚未配备值守工作人员', medical: '尚未落实医疗保障' } as const;

/** What an event may be linked to: the table, the record's name in a 404, the field and the 400 naming it. */
const LINKS = {
  planItem: { table: 'activity_plan_items', what: 'plan item', refusal: 'planItemId: 没有这个计划项目' },
  group: { table: 'activity_groups', what: 'group', refusal: 'groupId: 没有这个兴趣小组' },
} as const;

/** The id of the plan item or group an event is linked to; null when none is named, 400 when there is none such. */
async function linkedId(
  db: Queryable,
  link: (typeof LINKS)[keyof typeof LINKS],
  id: string | null | undefined,
): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.query<{ id: string }>(`select id from ${link.table} where id = $1`, [
    uuidOr404(id, link.what),
  ]);
  if (!row) throw badRequest(link.refusal);
  return row.id;
}

export class ActivityEvents {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
  ) {}

  private async staffOf(db: Queryable, ids: string[]): Promise<Map<string, StaffRow[]>> {
    const map = new Map<string, StaffRow[]>();
    if (ids.length === 0) return map;
    const rows = await db.query<StaffRow>(
      `select s.event_id, s.user_id, u.display_name as name, s.duty
         from activity_event_staff s join users u on u.id = s.user_id
        where s.event_id = any($1::uuid[]) order by u.display_name, s.user_id`,
      [ids],
    );
    for (const row of rows) map.set(row.event_id, [...(map.get(row.event_id) ?? []), row]);
    return map;
  }

  private async signupsOf(db: Queryable, ids: string[], scope: Scope): Promise<Map<string, SignUpRow[]>> {
    const map = new Map<string, SignUpRow[]>();
    if (ids.length === 0) return map;
    const params: unknown[] = [ids];
    const rows = await db.query<SignUpRow>(
      `select s.event_id, s.retiree_id, r.name as retiree_name, s.status, s.signed_up_at, s.attendance,
              s.attendance_note
         from activity_signups s join retirees r on r.id = s.retiree_id
        where s.event_id = any($1::uuid[]) and ${inScope(scope, 's.retiree_id', params)}
        order by s.signed_up_at, r.name, s.retiree_id`,
      params,
    );
    for (const row of rows) map.set(row.event_id, [...(map.get(row.event_id) ?? []), row]);
    return map;
  }

  private async toEvents(db: Queryable, rows: EventRow[], scope: Scope): Promise<ActivityEvent[]> {
    const ids = rows.map((row) => row.id);
    const [staff, signups] = await Promise.all([this.staffOf(db, ids), this.signupsOf(db, ids, scope)]);
    return rows.map((row) => {
      const onDuty = staff.get(row.id) ?? [];
      return {
        id: row.id,
        title: row.title,
        kind: row.kind,
        kindName: ACTIVITY_KIND_NAMES[row.kind],
        startsAt: isoRequired(row.starts_at),
        endsAt: isoRequired(row.ends_at),
        place: row.place,
        capacity: Number(row.capacity),
        signedUp: Number(row.signed_up),
        medicalCover: row.medical_cover,
        staff: onDuty.map((s) => ({ userId: s.user_id, name: s.name, duty: s.duty })),
        missingCover: missingCover(onDuty.length, row.medical_cover),
        ownerId: row.owner_id,
        ownerName: row.owner_name,
        status: row.status,
        confirmedAt: iso(row.confirmed_at),
        cancelledReason: row.cancelled_reason,
        attendanceRecordedAt: iso(row.attendance_recorded_at),
        planItemId: row.plan_item_id,
        groupId: row.group_id,
        groupName: row.group_name,
        notes: row.notes,
        signups: (signups.get(row.id) ?? []).map(
          (s): SignUp => ({
            retireeId: s.retiree_id,
            retireeName: s.retiree_name,
            status: s.status,
            signedUpAt: isoRequired(s.signed_up_at),
            attendance: s.attendance,
            attendanceNote: s.attendance_note,
          }),
        ),
        createdAt: isoRequired(row.created_at),
      };
    });
  }

  async list(query: EventQuery, scope: Scope): Promise<ActivityEvent[]> {
    // Days are centre days: an event belongs to the Beijing day it starts on.
    const filter = new Filter()
      .when(`e.starts_at >= (?::date)::timestamp at time zone '${CENTRE_TIME_ZONE}'`, query.from)
      .when(`e.starts_at < (?::date + 1)::timestamp at time zone '${CENTRE_TIME_ZONE}'`, query.to)
      .when('e.status = ?', query.status);
    const rows = await this.db.query<EventRow>(
      `${selectEvent} where ${filter.sql}
        order by e.starts_at desc, e.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.toEvents(this.db, rows, scope);
  }

  async byId(id: string, scope: Scope, db: Queryable = this.db): Promise<ActivityEvent> {
    const [row] = await db.query<EventRow>(`${selectEvent} where e.id = $1`, [uuidOr404(id, 'event')]);
    if (!row) throw notFound('event');
    const [event] = await this.toEvents(db, [row], scope);
    return event as ActivityEvent;
  }

  private async writeStaff(db: Queryable, eventId: string, staff: readonly StaffInput[]) {
    const seen = new Set<string>();
    for (const [index, entry] of staff.entries()) {
      const userId = await userOr400(db, entry.userId).catch(() => {
        throw badRequest(`staff[${index}].userId: 没有这名工作人员`);
      });
      if (seen.has(userId)) throw badRequest(`staff[${index}].userId: 同一名工作人员重复`);
      seen.add(userId);
    }
    await db.query('delete from activity_event_staff where event_id = $1', [eventId]);
    for (const entry of staff) {
      await db.query('insert into activity_event_staff (event_id, user_id, duty) values ($1, $2, $3)', [
        eventId,
        entry.userId.toLowerCase(),
        (entry.duty ?? '').trim(),
      ]);
    }
  }

  /** A new event, planned; it starts in the future and ends after it starts. */
  async create(input: ActivityEventInput, userId: string, scope: Scope): Promise<ActivityEvent> {
    const startsAt = instant(input.startsAt, 'startsAt');
    const endsAt = instant(input.endsAt, 'endsAt');
    if (endsAt <= startsAt) throw badRequest('endsAt: 结束时间必须晚于开始时间');
    if (startsAt <= this.clock()) throw badRequest('startsAt: 开始时间必须晚于现在');
    return this.db.transaction(async (db) => {
      const ownerId = input.ownerId ? await userOr400(db, input.ownerId) : userId;
      const planItemId = await linkedId(db, LINKS.planItem, input.planItemId);
      const groupId = await linkedId(db, LINKS.group, input.groupId);
      const id = randomUUID();
      await db.query(
        `insert into activity_events (id, plan_item_id, group_id, title, kind, starts_at, ends_at, place, capacity,
           medical_cover, owner_id, notes, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          planItemId,
          groupId,
          input.title.trim(),
          input.kind,
          startsAt,
          endsAt,
          input.place.trim(),
          input.capacity,
          (input.medicalCover ?? '').trim(),
          ownerId,
          (input.notes ?? '').trim(),
          userId,
        ],
      );
      await this.writeStaff(db, id, input.staff ?? []);
      return this.byId(id, scope, db);
    });
  }

  /** Locks the event row for the rest of the transaction: sign-ups against one event queue here. */
  private async lock(
    db: Queryable,
    id: string,
  ): Promise<{ id: string; status: EventStatus; starts_at: Date | string; capacity: number; title: string }> {
    const [row] = await db.query<{
      id: string;
      status: EventStatus;
      starts_at: Date | string;
      capacity: number;
      title: string;
    }>('select id, status, starts_at, capacity, title from activity_events where id = $1 for update', [
      uuidOr404(id, 'event'),
    ]);
    if (!row) throw notFound('event');
    return row;
  }

  private started(startsAt: Date | string): boolean {
    return new Date(startsAt).getTime() <= this.clock().getTime();
  }

  /** The staff on duty and the medical cover; a confirmed event must keep both (6.6.2.5). */
  async setCover(id: string, input: EventCoverInput, scope: Scope): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      if (event.status === 'cancelled') throw conflict('活动已取消');
      if (this.started(event.starts_at)) throw conflict('活动已开始，不能再调整保障安排');
      const missing = missingCover(input.staff.length, input.medicalCover);
      if (event.status === 'confirmed' && missing.length > 0) {
        throw conflict(
          `已确认的活动必须保留工作人员和医疗保障：${missing.map((m) => MISSING_TEXT[m]).join('；')}`,
        );
      }
      await this.writeStaff(db, event.id, input.staff);
      await db.query('update activity_events set medical_cover = $2 where id = $1', [
        event.id,
        input.medicalCover.trim(),
      ]);
      return this.byId(event.id, scope, db);
    });
  }

  /** 6.6.2.5: only with staff on duty and medical cover in place; 409 naming what is missing. */
  async confirm(id: string, userId: string, scope: Scope): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      if (event.status !== 'planned') {
        throw conflict(event.status === 'confirmed' ? '活动已确认' : '活动已取消');
      }
      if (this.started(event.starts_at)) throw conflict('活动已开始，不能再确认');
      const current = await this.byId(event.id, scope, db);
      if (current.missingCover.length > 0) {
        throw conflict(
          `不能确认活动（6.6.2.5）：${current.missingCover.map((m) => MISSING_TEXT[m]).join('；')}`,
        );
      }
      await db.query(
        `update activity_events set status = 'confirmed', confirmed_at = $2, confirmed_by = $3 where id = $1`,
        [event.id, this.clock(), userId],
      );
      return this.byId(event.id, scope, db);
    });
  }

  async cancel(id: string, input: EventCancelInput, scope: Scope): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      if (event.status === 'cancelled') throw conflict('活动已取消');
      if (this.started(event.starts_at)) throw conflict('活动已开始，不能取消');
      await db.query(`update activity_events set status = 'cancelled', cancelled_reason = $2 where id = $1`, [
        event.id,
        input.reason.trim(),
      ]);
      return this.byId(event.id, scope, db);
    });
  }

  /**
   * Signs a retiree up before the event starts: 409 when it is full, when the retiree already is
   * signed up, when the retiree has died, or when the event is cancelled or under way.
   */
  async signUp(id: string, retireeId: string, userId: string, scope: Scope): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      const retiree = await retireeOr404(db, retireeId);
      await assertInScope(db, scope, retiree.id);
      if (event.status === 'cancelled') throw conflict('活动已取消，不能报名');
      if (this.started(event.starts_at)) throw conflict('活动已开始，报名已截止');
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能报名`);
      const [existing] = await db.query<{ status: string }>(
        'select status from activity_signups where event_id = $1 and retiree_id = $2',
        [event.id, retiree.id],
      );
      if (existing?.status === 'signed_up') throw conflict(`${retiree.name}已报名该活动`);
      const [count] = await db.query<{ n: number | string }>(
        `select count(*) as n from activity_signups where event_id = $1 and status = 'signed_up'`,
        [event.id],
      );
      if (Number(count?.n ?? 0) >= Number(event.capacity)) {
        throw conflict(`活动名额已满（${event.capacity}人）`);
      }
      if (existing) {
        await db.query(
          `update activity_signups set status = 'signed_up', signed_up_at = $3, signed_up_by = $4
            where event_id = $1 and retiree_id = $2`,
          [event.id, retiree.id, this.clock(), userId],
        );
      } else {
        await db.query(
          `insert into activity_signups (event_id, retiree_id, signed_up_at, signed_up_by) values ($1, $2, $3, $4)`,
          [event.id, retiree.id, this.clock(), userId],
        );
      }
      return this.byId(event.id, scope, db);
    });
  }

  /** Withdraws a sign-up before the event starts; the place is freed. */
  async withdraw(id: string, retireeId: string, scope: Scope): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      const retiree = uuidOr404(retireeId, 'retiree');
      await assertInScope(db, scope, retiree);
      if (this.started(event.starts_at)) throw conflict('活动已开始，不能取消报名');
      const rows = await db.query(
        `update activity_signups set status = 'withdrawn'
          where event_id = $1 and retiree_id = $2 and status = 'signed_up' returning retiree_id`,
        [event.id, retiree],
      );
      if (rows.length === 0) throw notFound('sign-up');
      return this.byId(event.id, scope, db);
    });
  }

  /**
   * Attendance of the signed-up retirees, once the event has started (never for an event still in
   * the future) and only for a confirmed one: an unconfirmed event had no cover and did not go ahead.
   */
  async recordAttendance(
    id: string,
    input: AttendanceInput,
    userId: string,
    scope: Scope,
  ): Promise<ActivityEvent> {
    return this.db.transaction(async (db) => {
      const event = await this.lock(db, id);
      if (event.status !== 'confirmed') {
        throw conflict(
          event.status === 'cancelled' ? '活动已取消' : '活动未确认（未落实保障），不能登记出勤',
        );
      }
      if (!this.started(event.starts_at)) throw conflict('活动尚未开始，不能登记出勤');
      const seen = new Set<string>();
      for (const [index, entry] of input.entries.entries()) {
        const retireeId = uuidOr404(entry.retireeId, 'retiree');
        if (seen.has(retireeId)) throw badRequest(`entries[${index}].retireeId: 重复`);
        seen.add(retireeId);
        await assertInScope(db, scope, retireeId);
        const [signup] = await db.query(
          `select 1 from activity_signups where event_id = $1 and retiree_id = $2 and status = 'signed_up'`,
          [event.id, retireeId],
        );
        if (!signup) throw badRequest(`entries[${index}].retireeId: 该军休干部未报名此活动`);
      }
      for (const entry of input.entries) {
        await db.query(
          `update activity_signups set attendance = $3, attendance_note = $4 where event_id = $1 and retiree_id = $2`,
          [event.id, entry.retireeId.toLowerCase(), entry.attendance, (entry.note ?? '').trim()],
        );
      }
      await db.query(
        'update activity_events set attendance_recorded_at = $2, attendance_recorded_by = $3 where id = $1',
        [event.id, this.clock(), userId],
      );
      return this.byId(event.id, scope, db);
    });
  }
}
