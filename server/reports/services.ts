/**
 * The service figures of clause 7.1, month by month, beside the alert figures: visits done on time
 * (6.8), service requests done and how retirees rated them (6.12), health checks done (6.5.2.2),
 * complaints answered in time (7.1) and letters and calls replied to in time (6.2). Months and days
 * are the centre's (Asia/Shanghai); a station's caseworker counts the station's retirees only
 * (complaints and letters naming no retiree count for the whole centre only).
 */
import type { Queryable } from '../db/database.ts';
import type { ServiceMonth } from '../schemas/reports.ts';
import { inScope, type Scope } from '../store/scope.ts';

const CENTRE = `'Asia/Shanghai'`;
const monthOf = (expression: string) => `to_char(${expression}, 'YYYY-MM')`;
const dayOf = (instant: string) => `(${instant} at time zone ${CENTRE})::date`;

type Figure = Exclude<keyof ServiceMonth, 'period'>;

/** What a query is built with: `scoped(column)` keeps rows of the scope's retirees (all for the whole centre); `today()` is today's placeholder. */
interface Builder {
  scoped: (column: string) => string;
  today: () => string;
}

/** Each query selects `month` and some figures for the months of the year `$1` (YYYY). */
const QUERIES: ReadonlyArray<(build: Builder) => string> = [
  ({ scoped, today }) => `select ${monthOf('t.due_on')} as month,
      count(*) filter (where t.status <> 'cancelled')::int as "visitsDue",
      count(*) filter (where t.status = 'done' and coalesce(v.visited_on, ${dayOf('t.closed_at')}) <= t.due_on)::int as "visitsOnTime",
      count(*) filter (where t.status = 'done' and coalesce(v.visited_on, ${dayOf('t.closed_at')}) > t.due_on)::int as "visitsLate",
      count(*) filter (where t.status = 'open' and t.due_on < ${today()}::date)::int as "visitsOverdue"
    from visit_tasks t left join visit_records v on v.id = t.record_id
    where ${monthOf('t.due_on')} like $1 || '-%' and ${scoped('t.retiree_id')} group by 1`,
  ({ scoped }) => `select ${monthOf('v.visited_on')} as month, count(*)::int as "visitsRecorded"
    from visit_records v where ${monthOf('v.visited_on')} like $1 || '-%' and ${scoped('v.retiree_id')} group by 1`,
  ({
    scoped,
  }) => `select ${monthOf(`q.requested_at at time zone ${CENTRE}`)} as month, count(*)::int as "requestsOpened"
    from service_requests q
    where ${monthOf(`q.requested_at at time zone ${CENTRE}`)} like $1 || '-%' and ${scoped('q.retiree_id')} group by 1`,
  ({
    scoped,
  }) => `select ${monthOf(`q.done_at at time zone ${CENTRE}`)} as month, count(*)::int as "requestsDone",
      count(q.rating)::int as "requestsRated", round(avg(q.rating), 2)::float8 as "averageRating"
    from service_requests q
    where q.status = 'done' and ${monthOf(`q.done_at at time zone ${CENTRE}`)} like $1 || '-%' and ${scoped('q.retiree_id')}
    group by 1`,
  ({ scoped }) => `select ${monthOf('h.checked_on')} as month, count(*)::int as "healthChecks"
    from health_checks h where ${monthOf('h.checked_on')} like $1 || '-%' and ${scoped('h.retiree_id')} group by 1`,
  ({ scoped, today }) => `select ${monthOf('f.received_on')} as month, count(*)::int as complaints,
      count(*) filter (where f.answered_on is not null and f.answered_on <= f.answer_due_on)::int as "complaintsAnsweredInTime",
      count(*) filter (where f.answered_on is null and f.status <> 'closed' and f.answer_due_on < ${today()}::date)::int as "complaintsOverdue"
    from feedback_items f
    where f.kind = 'complaint' and ${monthOf('f.received_on')} like $1 || '-%' and ${scoped('f.retiree_id')} group by 1`,
  ({ scoped }) => `select ${monthOf('i.received_on')} as month, count(*)::int as letters,
      count(*) filter (where i.replied_on is not null and i.replied_on <= i.reply_due_on)::int as "lettersRepliedInTime"
    from reception_items i where ${monthOf('i.received_on')} like $1 || '-%' and ${scoped('i.retiree_id')} group by 1`,
  ({ scoped }) => `select ${monthOf(`a.opened_at at time zone ${CENTRE}`)} as month, count(*)::int as alerts
    from alerts a where ${monthOf(`a.opened_at at time zone ${CENTRE}`)} like $1 || '-%' and ${scoped('a.retiree_id')} group by 1`,
];

const EMPTY: Omit<ServiceMonth, 'period'> = {
  visitsDue: 0,
  visitsOnTime: 0,
  visitsLate: 0,
  visitsOverdue: 0,
  visitsRecorded: 0,
  requestsOpened: 0,
  requestsDone: 0,
  requestsRated: 0,
  averageRating: null,
  healthChecks: 0,
  complaints: 0,
  complaintsAnsweredInTime: 0,
  complaintsOverdue: 0,
  letters: 0,
  lettersRepliedInTime: 0,
  alerts: 0,
};

/** Each month of `year` up to `today`'s month, January first. */
export async function serviceFigures(
  db: Queryable,
  year: number,
  today: string,
  scope: Scope,
): Promise<ServiceMonth[]> {
  const months: ServiceMonth[] = [];
  for (let month = 1; month <= 12; month += 1) {
    const period = `${year}-${String(month).padStart(2, '0')}`;
    if (period > today.slice(0, 7)) break;
    months.push({ period, ...EMPTY });
  }
  const byPeriod = new Map(months.map((month) => [month.period, month]));
  const answers = await Promise.all(
    QUERIES.map((query) => {
      const params: unknown[] = [String(year)];
      let todayAt: string | undefined;
      const sql = query({
        scoped: (column) => inScope(scope, column, params),
        today: () => {
          if (todayAt === undefined) {
            params.push(today);
            todayAt = `$${params.length}`;
          }
          return todayAt;
        },
      });
      return db.query<{ month: string } & Partial<Record<Figure, number | null>>>(sql, params);
    }),
  );
  for (const rows of answers)
    for (const { month, ...figures } of rows) {
      const target = byPeriod.get(month);
      if (target) Object.assign(target, figures);
    }
  return months;
}
