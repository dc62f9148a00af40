/**
 * The health record (6.5.2.3) and the yearly health check (6.5.2.2): conditions, medication and
 * allergies as rows; check results; the year's plan with its due, overdue and done lists.
 */
import { randomUUID } from 'node:crypto';
import { centreDay } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { User } from '../schemas/auth.ts';
import type {
  HealthCheck,
  HealthCheckPlan,
  HealthItem,
  HealthItemUpdate,
  HealthPlanEntry,
  HealthRecord,
} from '../schemas/medical.ts';
import { assignments, Filter } from '../store/filter.ts';
import { isoRequired } from '../store/rows.ts';
import { inScope, type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import { inList, type PlanList, planState } from './plan.ts';

type ItemKind = HealthItem['kind'];

interface ItemRow {
  id: string;
  kind: ItemKind;
  name: string;
  detail: string;
  since_on: string | null;
  ended_on: string | null;
  recorded_by: string;
  recorded_by_name: string;
  recorded_at: Date;
  updated_at: Date;
}

interface CheckRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  checked_on: string;
  hospital: string;
  summary: string;
  recorded_by: string;
  recorded_by_name: string;
  recorded_at: Date;
}

interface PlanRow {
  id: string;
  name: string;
  last_before: string | null;
  check_id: string | null;
  checked_on: string | null;
  hospital: string | null;
  scheduled_due: string | null;
}

const toItem = (row: ItemRow): HealthItem => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  detail: row.detail,
  since: row.since_on,
  endedOn: row.ended_on,
  current: row.ended_on === null,
  recordedById: row.recorded_by,
  recordedBy: row.recorded_by_name,
  recordedAt: isoRequired(row.recorded_at),
  updatedAt: isoRequired(row.updated_at),
});

const toCheck = (row: CheckRow): HealthCheck => ({
  id: row.id,
  retireeId: row.retiree_id,
  retireeName: row.retiree_name,
  checkedOn: row.checked_on,
  hospital: row.hospital,
  summary: row.summary,
  recordedById: row.recorded_by,
  recordedBy: row.recorded_by_name,
  recordedAt: isoRequired(row.recorded_at),
});

const SELECT_ITEM = `select i.id, i.kind, i.name, i.detail, i.since_on::text as since_on, i.ended_on::text as ended_on,
    i.recorded_by, u.display_name as recorded_by_name, i.recorded_at, i.updated_at
  from health_record_items i join users u on u.id = i.recorded_by`;

const SELECT_CHECK = `select c.id, c.retiree_id, p.name as retiree_name, c.checked_on::text as checked_on, c.hospital,
    c.summary, c.recorded_by, u.display_name as recorded_by_name, c.recorded_at
  from health_checks c join retirees p on p.id = c.retiree_id join users u on u.id = c.recorded_by`;

/**
 * The allergies and the medication taken on `today` (not ended by then) in a retiree's health
 * record, each as `name（detail）`, in the order they were recorded: what the rescue card shows.
 */
export async function cardHealth(
  db: Queryable,
  retireeId: string,
  today: string,
): Promise<{ allergies: string[]; medications: string[] }> {
  const rows = await db.query<{ kind: 'allergy' | 'medication'; name: string; detail: string }>(
    `select kind, name, detail from health_record_items
      where retiree_id = $1 and kind in ('allergy', 'medication') and (ended_on is null or ended_on >= $2::date)
      order by recorded_at, id`,
    [retireeId, today],
  );
  const text = (row: { name: string; detail: string }) =>
    row.detail ? `${row.name}（${row.detail}）` : row.name;
  return {
    allergies: rows.filter((row) => row.kind === 'allergy').map(text),
    medications: rows.filter((row) => row.kind === 'medication').map(text),
  };
}

export class HealthRecordStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  today(): string {
    return centreDay(this.now());
  }

  /** The retiree's health record, or null when there is no such retiree. */
  async record(retireeId: string): Promise<HealthRecord | null> {
    // The archive's text fields come from its own migration; read them through to_jsonb so that the
    // record answers (with empty text) on a schema without them.
    const [retiree] = await this.db.query<{
      name: string;
      blood_type: string;
      conditions: string | null;
      medication: string | null;
      allergies: string | null;
    }>(
      `select p.name, p.blood_type, p.medical_history as conditions, to_jsonb(p) ->> 'medication' as medication,
              to_jsonb(p) ->> 'allergies' as allergies
         from retirees p where p.id = $1`,
      [retireeId],
    );
    if (!retiree) return null;
    const items = (
      await this.db.query<ItemRow>(
        `${SELECT_ITEM} where i.retiree_id = $1 order by i.ended_on is not null, i.recorded_at, i.id`,
        [retireeId],
      )
    ).map(toItem);
    const checks = await this.checks({ retireeId, limit: 500 });
    return {
      retireeId,
      retireeName: retiree.name,
      bloodType: retiree.blood_type,
      archive: {
        conditions: retiree.conditions ?? '',
        medication: retiree.medication ?? '',
        allergies: retiree.allergies ?? '',
      },
      conditions: items.filter((item) => item.kind === 'condition'),
      medication: items.filter((item) => item.kind === 'medication'),
      allergies: items.filter((item) => item.kind === 'allergy'),
      checks,
    };
  }

  async addItem(
    retireeId: string,
    by: User,
    input: { kind: ItemKind; name: string; detail: string; since: string | null },
  ): Promise<HealthItem> {
    const id = randomUUID();
    const at = this.now();
    await this.db.query(
      `insert into health_record_items (id, retiree_id, kind, name, detail, since_on, recorded_by, recorded_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [id, retireeId, input.kind, input.name, input.detail, input.since, by.id, at],
    );
    return (await this.item(retireeId, id)) as HealthItem;
  }

  async item(retireeId: string, id: string): Promise<HealthItem | null> {
    const [row] = await this.db.query<ItemRow>(`${SELECT_ITEM} where i.retiree_id = $1 and i.id = $2`, [
      retireeId,
      id,
    ]);
    return row ? toItem(row) : null;
  }

  /** Changes the fields given; an item is ended (endedOn), never deleted. */
  async updateItem(retireeId: string, id: string, change: HealthItemUpdate): Promise<HealthItem | null> {
    const params: unknown[] = [retireeId, id, this.now()];
    const sets = assignments(params, {
      name: change.name,
      detail: change.detail,
      since_on: change.since,
      ended_on: change.endedOn,
    });
    const updated = await this.db.query(
      `update health_record_items set ${[...sets, 'updated_at = $3'].join(', ')}
        where retiree_id = $1 and id = $2 returning id`,
      params,
    );
    return updated.length ? this.item(retireeId, id) : null;
  }

  async addCheck(
    retireeId: string,
    by: User,
    input: { checkedOn: string; hospital: string; summary: string },
  ): Promise<HealthCheck> {
    const id = randomUUID();
    await this.db.query(
      `insert into health_checks (id, retiree_id, checked_on, hospital, summary, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, retireeId, input.checkedOn, input.hospital, input.summary, by.id, this.now()],
    );
    const [row] = await this.db.query<CheckRow>(`${SELECT_CHECK} where c.id = $1`, [id]);
    return toCheck(row as CheckRow);
  }

  async checks(
    filter: {
      retireeId?: string | undefined;
      year?: number | undefined;
      limit: number;
    },
    scope: Scope = WHOLE_CENTRE,
  ): Promise<HealthCheck[]> {
    const where = new Filter().when('c.retiree_id = ?', filter.retireeId);
    if (filter.year !== undefined) {
      const from = where.param(`${filter.year}-01-01`);
      where.where(`c.checked_on between ${from}::date and ${where.param(`${filter.year}-12-31`)}::date`);
    }
    where.inScope(scope, 'c.retiree_id');
    const rows = await this.db.query<CheckRow>(
      `${SELECT_CHECK} where ${where.sql} order by c.checked_on desc, c.recorded_at desc limit ${Number(filter.limit)}`,
      where.params,
    );
    return rows.map(toCheck);
  }

  /** Sets the due date of one retiree in the year's plan (a group check day, an appointment). */
  async schedule(year: number, retireeId: string, dueOn: string, note: string, by: User): Promise<void> {
    await this.db.query(
      `insert into health_check_schedule (year, retiree_id, due_on, note, set_by, set_at)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (year, retiree_id) do update
         set due_on = excluded.due_on, note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at`,
      [year, retireeId, dueOn, note, by.id, this.now()],
    );
  }

  /**
   * The plan of `year` (6.5.2.2): every active retiree, plus anyone checked that year, with the due
   * date and state; one list of it, paged, and the counts of all three.
   */
  async plan(
    year: number,
    list: PlanList,
    limit: number,
    offset: number,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<HealthCheckPlan> {
    const today = this.today();
    const start = `${year}-01-01`;
    const end = `${year}-12-31`;
    const params: unknown[] = [start, end, year];
    const visible = inScope(scope, 'p.id', params);
    const rows = await this.db.query<PlanRow>(
      `with before as (
         select retiree_id, max(checked_on) as last_on from health_checks where checked_on < $1::date group by retiree_id
       ), within as (
         select distinct on (retiree_id) retiree_id, id, checked_on, hospital
           from health_checks where checked_on between $1::date and $2::date
          order by retiree_id, checked_on desc, recorded_at desc
       )
       select p.id, p.name, b.last_on::text as last_before, w.id as check_id, w.checked_on::text as checked_on,
              w.hospital, s.due_on::text as scheduled_due
         from retirees p
         left join before b on b.retiree_id = p.id
         left join within w on w.retiree_id = p.id
         left join health_check_schedule s on s.retiree_id = p.id and s.year = $3
        where (p.status = 'active' or w.id is not null) and ${visible}`,
      params,
    );
    const entries: HealthPlanEntry[] = rows.map((row) => {
      const { state, dueOn } = planState({
        year,
        today,
        checkedInYear: row.checked_on,
        lastCheckBefore: row.last_before,
        scheduledDue: row.scheduled_due,
      });
      return {
        retireeId: row.id,
        retireeName: row.name,
        state,
        dueOn,
        scheduled: row.scheduled_due !== null,
        overdue: state === 'overdue',
        lastCheckOn: row.last_before,
        check:
          row.check_id && row.checked_on
            ? { id: row.check_id, checkedOn: row.checked_on, hospital: row.hospital ?? '' }
            : null,
      };
    });
    const counts = { due: 0, overdue: 0, done: 0 };
    for (const entry of entries) {
      if (entry.state === 'done') counts.done += 1;
      else counts.due += 1;
      if (entry.state === 'overdue') counts.overdue += 1;
    }
    const chosen = entries.filter((entry) => inList(list, entry.state));
    // Done: latest check first. Otherwise: soonest (or longest overdue) due date first.
    chosen.sort((a, b) => {
      const byDate =
        list === 'done'
          ? (b.check?.checkedOn ?? '').localeCompare(a.check?.checkedOn ?? '')
          : a.dueOn.localeCompare(b.dueOn);
      return (
        byDate ||
        a.retireeName.localeCompare(b.retireeName, 'zh-CN') ||
        a.retireeId.localeCompare(b.retireeId)
      );
    });
    return { year, today, counts, total: chosen.length, items: chosen.slice(offset, offset + limit) };
  }
}
