/**
 * The visit tasks in SQL (6.8): holiday campaigns, hospital admissions, the tasks they raise, and the
 * living flags the monthly focus visit depends on; the visit records and their follow-ups are in
 * ./record-store.ts. Rows become the API's shapes here; whether open work is overdue is counted
 * against today's centre date, which the store is given. Inside a transaction the service works
 * through `in(tx)`.
 */

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { Admission, Campaign, VisitReason, VisitTask, VisitTaskQuery } from '../schemas/visits.ts';
import { staffUser } from '../store/checks.ts';
import { assignments, Filter } from '../store/filter.ts';
import { DayStore } from '../store/keeper.ts';
import { created, insertRecord, isoRequired, type Selected } from '../store/rows.ts';
import { inScope, type Scope } from '../store/scope.ts';
import { HOLIDAY_NAMES, type Holiday } from './calendar.ts';
import { type FocusFlags, isOverdue } from './rules.ts';

interface TaskRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  reason: VisitReason;
  title: string;
  campaign_id: string | null;
  admission_id: string | null;
  opens_on: string;
  due_on: string;
  assignee_id: string | null;
  assignee_name: string | null;
  status: 'open' | 'done' | 'cancelled';
  record_id: string | null;
  created_at: Date | string;
}

const selectTask = `select t.id, t.retiree_id, r.name as retiree_name, t.reason, t.title, t.campaign_id,
    t.admission_id, t.opens_on::text as opens_on, t.due_on::text as due_on, t.assignee_id,
    u.display_name as assignee_name, t.status, t.record_id, t.created_at
  from visit_tasks t join retirees r on r.id = t.retiree_id left join users u on u.id = t.assignee_id`;

interface CampaignRow {
  id: string;
  holiday: Holiday;
  year: number;
  holiday_date: string;
  opens_on: string;
  task_count: number | string;
  open_count: number | string;
  created_at: Date | string;
}

const selectCampaign = `select c.id, c.holiday, c.year, c.holiday_date::text as holiday_date,
    c.opens_on::text as opens_on, c.created_at,
    (select count(*) from visit_tasks t where t.campaign_id = c.id) as task_count,
    (select count(*) from visit_tasks t where t.campaign_id = c.id and t.status = 'open') as open_count
  from visit_campaigns c`;

/** A retiree with the living flags the visits depend on. */
export interface FlaggedRetiree {
  id: string;
  name: string;
  solitary: boolean;
  bedridden: boolean;
  livesElsewhere: boolean;
}

export interface NewTask {
  retireeId: string;
  reason: VisitReason;
  title: string;
  opensOn: string;
  dueOn: string;
  assigneeId: string | null;
  admissionId?: string;
  previousTaskId?: string | null;
}

/** What one shared cache holds across a store and its transactions. */
interface Shared {
  activeFilter?: Promise<string>;
}

export class VisitStore extends DayStore {
  constructor(
    db: Queryable,
    today: () => string,
    private readonly shared: Shared = {},
  ) {
    super(db, today);
  }

  in(tx: Queryable): VisitStore {
    return new VisitStore(tx, this.today, this.shared);
  }

  // ----- mapping -----

  private toTask(row: TaskRow): VisitTask {
    return {
      id: row.id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      reason: row.reason,
      title: row.title,
      campaignId: row.campaign_id,
      admissionId: row.admission_id,
      opensOn: row.opens_on,
      dueOn: row.due_on,
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_name,
      status: row.status,
      recordId: row.record_id,
      overdue: isOverdue(row.status, row.due_on, this.today()),
      createdAt: isoRequired(row.created_at),
    };
  }

  private toCampaign(row: CampaignRow): Campaign {
    return {
      id: row.id,
      holiday: row.holiday,
      holidayName: HOLIDAY_NAMES[row.holiday],
      year: Number(row.year),
      holidayDate: row.holiday_date,
      opensOn: row.opens_on,
      taskCount: Number(row.task_count),
      openCount: Number(row.open_count),
      createdAt: isoRequired(row.created_at),
    };
  }

  // ----- people -----

  /**
   * Active retirees only, where the archive keeps a status (active / abroad / deceased); before it
   * does, every retiree counts. Those abroad keep being contacted through the abroad contact log.
   */
  activeRetirees(alias: string): Promise<string> {
    this.shared.activeFilter ??= this.db
      .query<{ found: number }>(
        `select 1 as found from information_schema.columns
          where table_schema = current_schema() and table_name = 'retirees' and column_name = 'status'`,
      )
      .then((rows) => (rows.length > 0 ? `${alias}.status = 'active'` : 'true'));
    return this.shared.activeFilter.then((filter) => filter.replace(/^\w+\./, `${alias}.`));
  }

  async retiree(id: string): Promise<FlaggedRetiree> {
    const [row] = await this.db.query<FlaggedRetiree>(
      'select id, name, solitary, bedridden, lives_elsewhere as "livesElsewhere" from retirees where id = $1',
      [uuidOr404(id, 'retiree')],
    );
    if (!row) throw notFound('retiree');
    return row;
  }

  /** A signed-in staff user who can own work: exists, not disabled, not a family account. */
  staffUser(id: string, field: string): Promise<string> {
    return staffUser(this.db, id, field);
  }

  // ----- campaigns (6.8.2.1) -----

  async campaigns(): Promise<Campaign[]> {
    const rows = await this.db.query<CampaignRow>(`${selectCampaign} order by c.holiday_date desc`);
    return rows.map((row) => this.toCampaign(row));
  }

  /** The campaign of `holiday` and `year`, created when there is none yet; its id. */
  async ensureCampaign(
    holiday: Holiday,
    year: number,
    holidayDate: string,
    opensOn: string,
    userId: string,
  ): Promise<string> {
    await this.db.query(
      `insert into visit_campaigns (id, holiday, year, holiday_date, opens_on, created_by)
       values ($1, $2, $3, $4, $5, $6) on conflict (holiday, year) do nothing`,
      [randomUUID(), holiday, year, holidayDate, opensOn, userId],
    );
    const [campaign] = await this.db.query<{ id: string }>(
      'select id from visit_campaigns where holiday = $1 and year = $2',
      [holiday, year],
    );
    if (!campaign) throw new Error('campaign vanished after insert');
    return campaign.id;
  }

  /** One task per retiree matching `active` who has none in the campaign yet; how many were made. */
  async addCampaignTasks(
    campaignId: string,
    task: { reason: Holiday; title: string; opensOn: string; dueOn: string; assigneeId: string | null },
    active: string,
  ): Promise<number> {
    const created = await this.db.query(
      `insert into visit_tasks (id, retiree_id, reason, title, campaign_id, opens_on, due_on, assignee_id)
       select gen_random_uuid(), r.id, $2, $3, $1, $4, $5, $6
         from retirees r
        where ${active}
          and not exists (select 1 from visit_tasks t where t.campaign_id = $1 and t.retiree_id = r.id)
       returning id`,
      [campaignId, task.reason, task.title, task.opensOn, task.dueOn, task.assigneeId],
    );
    return created.length;
  }

  async campaign(id: string): Promise<Campaign> {
    const [row] = await this.db.query<CampaignRow>(`${selectCampaign} where c.id = $1`, [id]);
    return this.toCampaign(row as CampaignRow);
  }

  // ----- admissions (6.8.2.2) -----

  async admissions(retireeId: string | undefined, scope: Scope): Promise<Admission[]> {
    const params: unknown[] = [retireeId === undefined ? null : uuidOr404(retireeId, 'retiree')];
    const scoped = inScope(scope, 'retiree_id', params);
    const rows = await this.db.query<Selected<Admission>>(
      `select id, retiree_id as "retireeId", hospital, admitted_on::text as "admittedOn", note, created_at as "createdAt"
         from hospital_admissions where ($1::uuid is null or retiree_id = $1::uuid) and ${scoped}
        order by admitted_on desc, created_at desc limit 500`,
      params,
    );
    return rows.map(created);
  }

  async addAdmission(admission: Omit<Admission, 'createdAt'> & { recordedBy: string }): Promise<void> {
    await insertRecord(this.db, 'hospital_admissions', admission);
  }

  // ----- living flags and the focus visit (6.8.2.3, 6.8.2.4) -----

  /** Sets the flags; 孤老 is the archive's living situation `alone` (clearing it leaves it unknown). */
  async setFlags(
    retireeId: string,
    flags: FocusFlags & { livesElsewhere: boolean },
    userId: string,
  ): Promise<void> {
    await this.db.query(
      `update retirees
          set living_situation = case when $2::boolean then 'alone'
                                      when living_situation = 'alone' then '' else living_situation end,
              bedridden = $3, lives_elsewhere = $4, updated_at = now(), updated_by = $5
        where id = $1`,
      [retireeId, flags.solitary, flags.bedridden, flags.livesElsewhere, userId],
    );
  }

  /** One entry of the archive's change history (6.11.1 a). */
  async addArchiveChange(
    retireeId: string,
    userId: string,
    change: { field: string; from: string; to: string },
  ): Promise<void> {
    await this.db.query(
      `insert into archive_changes (retiree_id, changed_by, source, field, old_value, new_value)
       values ($1, $2, 'edit', $3, $4, $5)`,
      [retireeId, userId, change.field, change.from || null, change.to || null],
    );
  }

  async focusFlags(retireeId: string): Promise<FocusFlags> {
    const [flags] = await this.db.query<FocusFlags>(
      'select solitary, bedridden from retirees where id = $1',
      [retireeId],
    );
    if (!flags) throw notFound('retiree');
    return flags;
  }

  async openFocusTask(retireeId: string): Promise<VisitTask | null> {
    const [open] = await this.db.query<TaskRow>(
      `${selectTask} where t.retiree_id = $1 and t.reason = 'focus' and t.status = 'open'`,
      [retireeId],
    );
    return open ? this.toTask(open) : null;
  }

  async hasOpenFocusTask(retireeId: string): Promise<boolean> {
    const [open] = await this.db.query(
      `select id from visit_tasks where retiree_id = $1 and reason = 'focus' and status = 'open'`,
      [retireeId],
    );
    return open !== undefined;
  }

  async lastVisitedOn(retireeId: string): Promise<string | null> {
    const [last] = await this.db.query<{ visited_on: string | null }>(
      'select max(visited_on)::text as visited_on from visit_records where retiree_id = $1',
      [retireeId],
    );
    return last?.visited_on ?? null;
  }

  async cancelFocusTasks(retireeId: string): Promise<void> {
    await this.db.query(
      `update visit_tasks set status = 'cancelled', closed_at = now()
        where retiree_id = $1 and reason = 'focus' and status = 'open'`,
      [retireeId],
    );
  }

  // ----- tasks -----

  async addTask(task: NewTask, id: string = randomUUID()): Promise<string> {
    await this.db.query(
      `insert into visit_tasks (id, retiree_id, reason, title, admission_id, opens_on, due_on, assignee_id,
         previous_task_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        task.retireeId,
        task.reason,
        task.title,
        task.admissionId ?? null,
        task.opensOn,
        task.dueOn,
        task.assigneeId,
        task.previousTaskId ?? null,
      ],
    );
    return id;
  }

  async task(id: string): Promise<VisitTask> {
    const [row] = await this.db.query<TaskRow>(`${selectTask} where t.id = $1`, [
      uuidOr404(id, 'visit task'),
    ]);
    if (!row) throw notFound('visit task');
    return this.toTask(row);
  }

  async tasks(query: VisitTaskQuery, scope: Scope): Promise<VisitTask[]> {
    const unassigned = query.assigneeId === 'none';
    const filter = new Filter()
      .when('t.status = ?', query.status)
      .when('t.reason = ?', query.reason)
      .id('t.retiree_id', query.retireeId, 'retiree')
      .id('t.campaign_id', query.campaignId, 'campaign')
      .where(unassigned && 't.assignee_id is null')
      .id('t.assignee_id', unassigned ? undefined : query.assigneeId, 'user')
      .inScope(scope, 't.retiree_id');
    const rows = await this.db.query<TaskRow>(
      `${selectTask} where ${filter.sql}
        order by t.due_on, r.name, t.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return rows.map((row) => this.toTask(row));
  }

  /** Reassigns (null: nobody), moves the due date, or cancels an open task. */
  async changeTask(
    id: string,
    change: { assigneeId?: string | null; dueOn?: string; cancel?: boolean },
  ): Promise<void> {
    const params: unknown[] = [id];
    const sets = assignments(params, { assignee_id: change.assigneeId, due_on: change.dueOn });
    if (change.cancel) sets.push(`status = 'cancelled', closed_at = now()`);
    await this.db.query(`update visit_tasks set ${sets.join(', ')} where id = $1`, params);
  }

  /** Marks an open task done by `recordId`; false when it was closed meanwhile. */
  async completeTask(id: string, recordId: string): Promise<boolean> {
    const closed = await this.db.query(
      `update visit_tasks set status = 'done', record_id = $2, closed_at = now()
        where id = $1 and status = 'open' returning id`,
      [id, recordId],
    );
    return closed.length === 1;
  }

  // ----- the periodic summary (6.8.2.5 定期汇总分析) -----

  async activeCount(active: string, scope: Scope): Promise<number> {
    const params: unknown[] = [];
    const scoped = inScope(scope, 'r.id', params);
    const [row] = await this.db.query<{ n: number | string }>(
      `select count(*) as n from retirees r where ${active} and ${scoped}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  async taskCounts(
    from: string,
    to: string,
    scope: Scope,
  ): Promise<Record<'due' | 'done' | 'open' | 'overdue', number>> {
    const params: unknown[] = [from, to, this.today()];
    const scoped = inScope(scope, 't.retiree_id', params);
    const [tasks] = await this.db.query<Record<'due' | 'done' | 'open' | 'overdue', number | string>>(
      `select count(*) filter (where status <> 'cancelled') as due,
              count(*) filter (where status = 'done') as done,
              count(*) filter (where status = 'open') as open,
              count(*) filter (where status = 'open' and due_on < $3) as overdue
         from visit_tasks t where due_on between $1 and $2 and ${scoped}`,
      params,
    );
    return {
      due: Number(tasks?.due ?? 0),
      done: Number(tasks?.done ?? 0),
      open: Number(tasks?.open ?? 0),
      overdue: Number(tasks?.overdue ?? 0),
    };
  }
}
