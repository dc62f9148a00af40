/**
 * The culture-and-sport side of the work list (6.6): events soon to start still without staff on
 * duty or medical cover (6.6.2.5), and past events whose attendance is not recorded yet. Each item
 * goes to the event's organiser.
 */
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { type DueRow, QueryProvider, type WorkListScope } from '../worklist/provider.ts';

/** How many days ahead an event without cover shows on the organiser's list. */
export const COVER_LOOKAHEAD_DAYS = 7;

interface Row extends DueRow {
  title: string;
  no_staff?: boolean;
  no_medical?: boolean;
}

const day = (column: string) => `(${column} at time zone '${CENTRE_TIME_ZONE}')::date`;

/** Planned events starting within the next days that still lack staff or medical cover. */
export class EventCoverProvider extends QueryProvider<Row> {
  readonly source = 'activity_cover';
  constructor(
    db: Queryable,
    private readonly lookaheadDays = COVER_LOOKAHEAD_DAYS,
  ) {
    super(db);
  }

  protected query(scope: WorkListScope) {
    return {
      sql: `select e.id, e.title, ${day('e.starts_at')}::text as due_on,
                   not exists (select 1 from activity_event_staff s where s.event_id = e.id) as no_staff,
                   btrim(e.medical_cover) = '' as no_medical
              from activity_events e
             where e.status = 'planned'
               and ${day('e.starts_at')} between $1::date and $1::date + $2::int
               and ($3::uuid is null or e.owner_id = $3::uuid)
               and (not exists (select 1 from activity_event_staff s where s.event_id = e.id)
                    or btrim(e.medical_cover) = '')`,
      params: [scope.date, this.lookaheadDays, scope.ownerId],
    };
  }

  protected override title(row: Row): string {
    const missing = [row.no_staff ? '值守工作人员' : '', row.no_medical ? '医疗保障' : '']
      .filter(Boolean)
      .join('、');
    return `文体活动待落实${missing}：${row.title}`;
  }

  /** Cover still missing is work to do before the event, never late. */
  protected override overdue(): boolean {
    return false;
  }
}

/** Confirmed events that have ended (by the day asked for) without attendance recorded. */
export class EventAttendanceProvider extends QueryProvider<Row> {
  readonly source = 'activity_attendance';

  protected query(scope: WorkListScope) {
    return {
      sql: `select e.id, e.title, ${day('e.ends_at')}::text as due_on
              from activity_events e
             where e.status = 'confirmed' and e.attendance_recorded_at is null
               and ${day('e.ends_at')} <= $1::date
               and ($2::uuid is null or e.owner_id = $2::uuid)`,
      params: [scope.date, scope.ownerId],
    };
  }

  protected override title(row: Row): string {
    return `文体活动待登记出勤：${row.title}`;
  }
}
