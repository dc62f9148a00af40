/**
 * Visits and condolences (6.8 走访慰问): holiday campaigns (6.8.2.1), visits raised by a hospital
 * admission (6.8.2.2), the monthly focus visit of the solitary and the long bedridden (6.8.2.3),
 * contact by phone or video for those living elsewhere (6.8.2.4), the visit record with its seven
 * fields (6.8.2.5) and the follow-up of each problem raised until it is answered (6.8.2.6).
 * Every rule that depends on the date takes it from the injected clock, in centre time.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import { iso, isoRequired } from '../records/rows.ts';
import { inScope, type Scope, WHOLE_CENTRE } from '../records/scope.ts';
import type {
  Admission,
  AdmissionInput,
  AdmissionResult,
  Campaign,
  CampaignInput,
  CampaignResult,
  FollowUp,
  FollowUpQuery,
  FollowUpUpdate,
  LivingFlags,
  LivingFlagsInput,
  VisitReason,
  VisitRecord,
  VisitRecordInput,
  VisitRecordQuery,
  VisitSummary,
  VisitTask,
  VisitTaskInput,
  VisitTaskQuery,
  VisitTaskUpdate,
} from '../schemas/visits.ts';
import { addDays, addMonths, HOLIDAY_NAMES, holidayDate, isDate, shanghaiDate } from './calendar.ts';

/** A holiday campaign's tasks open this many days before the holiday (6.8.2.1). */
export const CAMPAIGN_OPENS_DAYS_BEFORE = 14;
/** A hospital admission is visited within this many days (6.8.2.2). */
export const ADMISSION_VISIT_DAYS = 3;
/** The monthly focus visit shows on the work list this many days before it is due (6.8.2.3). */
export const FOCUS_OPENS_DAYS_BEFORE = 7;
/** When a retiree is first flagged and has no visit on record, the first focus visit is due within. */
export const FIRST_FOCUS_VISIT_DAYS = 7;

const MODE_NAMES = { in_person: '上门走访', phone: '电话慰问', video: '视频慰问' } as const;

export type Clock = () => Date;

/** The later of two YYYY-MM-DD dates. */
function laterDate(a: string, b: string): string {
  if (a < b) return b;
  return a;
}

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

interface FollowUpRow {
  id: string;
  record_id: string;
  retiree_id: string;
  retiree_name: string;
  description: string;
  owner_id: string;
  owner_name: string;
  due_on: string;
  status: 'open' | 'done';
  reply: string | null;
  done_at: Date | string | null;
  created_at: Date | string;
}

const selectFollowUp = `select f.id, f.record_id, f.retiree_id, r.name as retiree_name, f.description,
    f.owner_id, u.display_name as owner_name, f.due_on::text as due_on, f.status, f.reply, f.done_at,
    f.created_at
  from visit_follow_ups f join retirees r on r.id = f.retiree_id join users u on u.id = f.owner_id`;

interface RecordRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  task_id: string | null;
  reason: VisitReason;
  visited_on: string;
  mode: 'in_person' | 'phone' | 'video';
  visitors: string[];
  thought: string;
  health: string;
  medical_care: string;
  hobbies: string;
  social_activity: string;
  family: string;
  living_conditions: string;
  recorded_by: string | null;
  created_at: Date | string;
}

const selectRecord = `select v.id, v.retiree_id, r.name as retiree_name, v.task_id, v.reason,
    v.visited_on::text as visited_on, v.mode, v.visitors, v.thought, v.health, v.medical_care, v.hobbies,
    v.social_activity, v.family, v.living_conditions, v.recorded_by, v.created_at
  from visit_records v join retirees r on r.id = v.retiree_id`;

interface CampaignRow {
  id: string;
  holiday: 'spring_festival' | 'army_day' | 'national_day';
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

interface FlagsRow {
  id: string;
  solitary: boolean;
  bedridden: boolean;
  lives_elsewhere: boolean;
}

export class VisitService {
  private activeFilter: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /** Today in centre time. */
  today(): string {
    return shanghaiDate(this.clock());
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
      overdue: row.status === 'open' && row.due_on < this.today(),
      createdAt: isoRequired(row.created_at),
    };
  }

  private toFollowUp(row: FollowUpRow): FollowUp {
    return {
      id: row.id,
      recordId: row.record_id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      description: row.description,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      dueOn: row.due_on,
      status: row.status,
      reply: row.reply,
      doneAt: iso(row.done_at),
      overdue: row.status === 'open' && row.due_on < this.today(),
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

  // ----- checks -----

  /**
   * Active retirees only, where the archive keeps a status (active / abroad / deceased); before it
   * does, every retiree counts. Those abroad keep being contacted through the abroad contact log.
   */
  private activeRetirees(alias: string): Promise<string> {
    this.activeFilter ??= this.db
      .query<{ found: number }>(
        `select 1 as found from information_schema.columns
          where table_schema = current_schema() and table_name = 'retirees' and column_name = 'status'`,
      )
      .then((rows) => (rows.length > 0 ? `${alias}.status = 'active'` : 'true'));
    return this.activeFilter.then((filter) => filter.replace(/^\w+\./, `${alias}.`));
  }

  private async retiree(db: Queryable, id: string): Promise<FlagsRow & { name: string }> {
    const [row] = await db.query<FlagsRow & { name: string }>(
      'select id, name, solitary, bedridden, lives_elsewhere from retirees where id = $1',
      [uuidOr404(id, 'retiree')],
    );
    if (!row) throw notFound('retiree');
    return row;
  }

  /** A signed-in staff user who can own work: exists, not disabled, not a family account. */
  private async staffUser(db: Queryable, id: string, field: string): Promise<string> {
    const message = `${field}: 不是有效的工作人员账号 (not an active staff user)`;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw badRequest(message);
    const [row] = await db.query<{ id: string }>(
      `select id from users where id = $1 and not disabled and role <> 'family'`,
      [id.toLowerCase()],
    );
    if (!row) throw badRequest(message);
    return row.id;
  }

  private date(value: string, field: string): string {
    if (!isDate(value)) throw badRequest(`${field}: 日期无效 (not a calendar date): ${value}`);
    return value;
  }

  private notFuture(value: string, field: string): string {
    this.date(value, field);
    if (value > this.today())
      throw badRequest(`${field}: 不能是将来的日期 (cannot be in the future): ${value}`);
    return value;
  }

  async task(id: string, db: Queryable = this.db): Promise<VisitTask> {
    const [row] = await db.query<TaskRow>(`${selectTask} where t.id = $1`, [uuidOr404(id, 'visit task')]);
    if (!row) throw notFound('visit task');
    return this.toTask(row);
  }

  // ----- campaigns (6.8.2.1) -----

  async campaigns(): Promise<Campaign[]> {
    const rows = await this.db.query<CampaignRow>(`${selectCampaign} order by c.holiday_date desc`);
    return rows.map((row) => this.toCampaign(row));
  }

  /**
   * One visit task per active retiree, due on the holiday and open 14 days before. Generating again
   * for the same holiday and year creates nothing for those who have their task; a retiree who joined
   * since gets theirs.
   */
  async generateCampaign(input: CampaignInput, userId: string): Promise<CampaignResult> {
    const date = holidayDate(input.holiday, input.year);
    if (!date)
      throw badRequest(`year: 没有${input.year}年春节的日期 (no Spring Festival date for ${input.year})`);
    if (date < this.today()) {
      throw badRequest(`year: ${input.year}年${HOLIDAY_NAMES[input.holiday]}已过 (the holiday has passed)`);
    }
    const assignee = input.assigneeId ? await this.staffUser(this.db, input.assigneeId, 'assigneeId') : null;
    const opensOn = addDays(date, -CAMPAIGN_OPENS_DAYS_BEFORE);
    const title = `${input.year}年${HOLIDAY_NAMES[input.holiday]}走访慰问`;
    const active = await this.activeRetirees('r');
    return this.db.transaction(async (tx) => {
      await tx.query(
        `insert into visit_campaigns (id, holiday, year, holiday_date, opens_on, created_by)
         values ($1, $2, $3, $4, $5, $6) on conflict (holiday, year) do nothing`,
        [randomUUID(), input.holiday, input.year, date, opensOn, userId],
      );
      const [campaign] = await tx.query<{ id: string }>(
        'select id from visit_campaigns where holiday = $1 and year = $2',
        [input.holiday, input.year],
      );
      if (!campaign) throw new Error('campaign vanished after insert');
      const created = await tx.query(
        `insert into visit_tasks (id, retiree_id, reason, title, campaign_id, opens_on, due_on, assignee_id)
         select gen_random_uuid(), r.id, $2, $3, $1, $4, $5, $6
           from retirees r
          where ${active}
            and not exists (select 1 from visit_tasks t where t.campaign_id = $1 and t.retiree_id = r.id)
         returning id`,
        [campaign.id, input.holiday, title, opensOn, date, assignee],
      );
      const [row] = await tx.query<CampaignRow>(`${selectCampaign} where c.id = $1`, [campaign.id]);
      return { campaign: this.toCampaign(row as CampaignRow), created: created.length };
    });
  }

  // ----- admissions (6.8.2.2) -----

  async admissions(retireeId: string | undefined, scope: Scope = WHOLE_CENTRE): Promise<Admission[]> {
    const params: unknown[] = [retireeId === undefined ? null : uuidOr404(retireeId, 'retiree')];
    const scoped = inScope(scope, 'retiree_id', params);
    const rows = await this.db.query<{
      id: string;
      retiree_id: string;
      hospital: string;
      admitted_on: string;
      note: string;
      created_at: Date | string;
    }>(
      `select id, retiree_id, hospital, admitted_on::text as admitted_on, note, created_at
         from hospital_admissions where ($1::uuid is null or retiree_id = $1::uuid) and ${scoped}
        order by admitted_on desc, created_at desc limit 500`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      retireeId: row.retiree_id,
      hospital: row.hospital,
      admittedOn: row.admitted_on,
      note: row.note,
      createdAt: isoRequired(row.created_at),
    }));
  }

  /** An admission raises a visit due within 3 days of it, open from the day of admission. */
  async recordAdmission(input: AdmissionInput, userId: string): Promise<AdmissionResult> {
    const retiree = await this.retiree(this.db, input.retireeId);
    const admittedOn = this.notFuture(input.admittedOn, 'admittedOn');
    const assignee =
      input.assigneeId === null
        ? null
        : await this.staffUser(this.db, input.assigneeId ?? userId, 'assigneeId');
    const admissionId = randomUUID();
    const taskId = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into hospital_admissions (id, retiree_id, hospital, admitted_on, note, recorded_by)
         values ($1, $2, $3, $4, $5, $6)`,
        [admissionId, retiree.id, input.hospital.trim(), admittedOn, input.note ?? '', userId],
      );
      await tx.query(
        `insert into visit_tasks (id, retiree_id, reason, title, admission_id, opens_on, due_on, assignee_id)
         values ($1, $2, 'hospital', $3, $4, $5, $6, $7)`,
        [
          taskId,
          retiree.id,
          `住院慰问：${input.hospital.trim()}`,
          admissionId,
          admittedOn,
          addDays(admittedOn, ADMISSION_VISIT_DAYS),
          assignee,
        ],
      );
    });
    const [admission] = (await this.admissions(retiree.id)).filter((a) => a.id === admissionId);
    return { admission: admission as Admission, task: await this.task(taskId) };
  }

  // ----- living flags and the monthly focus visit (6.8.2.3, 6.8.2.4) -----

  async flags(retireeId: string): Promise<LivingFlags> {
    const row = await this.retiree(this.db, retireeId);
    const [open] = await this.db.query<TaskRow>(
      `${selectTask} where t.retiree_id = $1 and t.reason = 'focus' and t.status = 'open'`,
      [row.id],
    );
    return {
      retireeId: row.id,
      solitary: row.solitary,
      bedridden: row.bedridden,
      livesElsewhere: row.lives_elsewhere,
      focusTask: open ? this.toTask(open) : null,
    };
  }

  /**
   * Sets 孤老 / 长期卧床 / living elsewhere. 孤老 is the archive's living situation `alone`: setting it
   * writes `alone`, clearing it leaves the situation unknown. The focus visit follows (syncFocusVisit).
   */
  async setFlags(retireeId: string, input: LivingFlagsInput, userId: string): Promise<LivingFlags> {
    const current = await this.retiree(this.db, retireeId);
    const assignee =
      input.assigneeId === null
        ? null
        : await this.staffUser(this.db, input.assigneeId ?? userId, 'assigneeId');
    const next = {
      solitary: input.solitary ?? current.solitary,
      bedridden: input.bedridden ?? current.bedridden,
      livesElsewhere: input.livesElsewhere ?? current.lives_elsewhere,
    };
    await this.db.transaction(async (tx) => {
      await tx.query(
        `update retirees
            set living_situation = case when $2::boolean then 'alone'
                                        when living_situation = 'alone' then '' else living_situation end,
                bedridden = $3, lives_elsewhere = $4, updated_at = now(), updated_by = $5
          where id = $1`,
        [current.id, next.solitary, next.bedridden, next.livesElsewhere, userId],
      );
      // The archive's change history shows these like any other edit of the record (6.11.1 a).
      const changes = [
        ...(next.solitary !== current.solitary
          ? [
              {
                field: 'livingSituation',
                from: current.solitary ? 'alone' : '',
                to: next.solitary ? 'alone' : '',
              },
            ]
          : []),
        ...(next.bedridden !== current.bedridden
          ? [{ field: 'bedridden', from: String(current.bedridden), to: String(next.bedridden) }]
          : []),
      ];
      for (const change of changes) {
        await tx.query(
          `insert into archive_changes (retiree_id, changed_by, source, field, old_value, new_value)
           values ($1, $2, 'edit', $3, $4, $5)`,
          [current.id, userId, change.field, change.from || null, change.to || null],
        );
      }
      await this.syncFocusVisit(tx, current.id, assignee);
    });
    return this.flags(current.id);
  }

  /**
   * Keeps the monthly focus visit (6.8.2.3) in step with the record, in the caller's transaction:
   * solitary (living alone) or long bedridden without an open focus visit: the first is due one month
   * after the last visit (not before today), or within 7 days when there was none. Neither any more:
   * the open focus visit is cancelled. Called by the flags above and by every archive edit of
   * the living situation or bedridden.
   */
  async syncFocusVisit(tx: Queryable, retireeId: string, assignee: string | null): Promise<void> {
    const [flags] = await tx.query<{ solitary: boolean; bedridden: boolean }>(
      'select solitary, bedridden from retirees where id = $1',
      [retireeId],
    );
    if (!flags) throw notFound('retiree');
    if (flags.solitary || flags.bedridden) {
      const [open] = await tx.query(
        `select id from visit_tasks where retiree_id = $1 and reason = 'focus' and status = 'open'`,
        [retireeId],
      );
      if (open) return;
      const today = this.today();
      const [last] = await tx.query<{ visited_on: string | null }>(
        'select max(visited_on)::text as visited_on from visit_records where retiree_id = $1',
        [retireeId],
      );
      const fromLast = last?.visited_on
        ? addMonths(last.visited_on, 1)
        : addDays(today, FIRST_FOCUS_VISIT_DAYS);
      await this.insertFocusTask(tx, retireeId, flags, laterDate(fromLast, today), assignee, null);
    } else {
      await tx.query(
        `update visit_tasks set status = 'cancelled', closed_at = now()
          where retiree_id = $1 and reason = 'focus' and status = 'open'`,
        [retireeId],
      );
    }
  }

  private async insertFocusTask(
    tx: Queryable,
    retireeId: string,
    flags: { solitary: boolean; bedridden: boolean },
    dueOn: string,
    assignee: string | null,
    previous: string | null,
  ): Promise<void> {
    const who = [flags.solitary ? '孤老' : '', flags.bedridden ? '长期卧床' : ''].filter(Boolean).join('、');
    await tx.query(
      `insert into visit_tasks (id, retiree_id, reason, title, opens_on, due_on, assignee_id, previous_task_id)
       values ($1, $2, 'focus', $3, $4, $5, $6, $7)`,
      [
        randomUUID(),
        retireeId,
        `重点走访（${who}，每月）`,
        addDays(dueOn, -FOCUS_OPENS_DAYS_BEFORE),
        dueOn,
        assignee,
        previous,
      ],
    );
  }

  // ----- tasks -----

  async tasks(query: VisitTaskQuery, scope: Scope = WHOLE_CENTRE): Promise<VisitTask[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.status) add('t.status = ?', query.status);
    if (query.reason) add('t.reason = ?', query.reason);
    if (query.retireeId) add('t.retiree_id = ?', uuidOr404(query.retireeId, 'retiree'));
    if (query.campaignId) add('t.campaign_id = ?', uuidOr404(query.campaignId, 'campaign'));
    if (query.assigneeId === 'none') where.push('t.assignee_id is null');
    else if (query.assigneeId) add('t.assignee_id = ?', uuidOr404(query.assigneeId, 'user'));
    if (scope.station !== null) where.push(inScope(scope, 't.retiree_id', params));
    params.push(query.limit ?? 200);
    const rows = await this.db.query<TaskRow>(
      `${selectTask} ${where.length ? `where ${where.join(' and ')}` : ''}
        order by t.due_on, r.name, t.id limit $${params.length}`,
      params,
    );
    return rows.map((row) => this.toTask(row));
  }

  /** A visit planned by hand (reason `other`), open from today. */
  async createTask(input: VisitTaskInput, userId: string): Promise<VisitTask> {
    const retiree = await this.retiree(this.db, input.retireeId);
    const dueOn = this.date(input.dueOn, 'dueOn');
    const today = this.today();
    if (dueOn < today) throw badRequest(`dueOn: 不能早于今天 (cannot be before today): ${dueOn}`);
    const assignee =
      input.assigneeId === null
        ? null
        : await this.staffUser(this.db, input.assigneeId ?? userId, 'assigneeId');
    const id = randomUUID();
    await this.db.query(
      `insert into visit_tasks (id, retiree_id, reason, title, opens_on, due_on, assignee_id)
       values ($1, $2, 'other', $3, $4, $5, $6)`,
      [id, retiree.id, input.title.trim(), today, dueOn, assignee],
    );
    return this.task(id);
  }

  async updateTask(id: string, input: VisitTaskUpdate): Promise<VisitTask> {
    const task = await this.task(id);
    if (task.status !== 'open') throw conflict(`visit task is ${task.status}; only an open task can change`);
    const sets: string[] = [];
    const params: unknown[] = [task.id];
    if (input.assigneeId !== undefined) {
      params.push(
        input.assigneeId === null ? null : await this.staffUser(this.db, input.assigneeId, 'assigneeId'),
      );
      sets.push(`assignee_id = $${params.length}`);
    }
    if (input.dueOn !== undefined) {
      const dueOn = this.date(input.dueOn, 'dueOn');
      if (dueOn < task.opensOn)
        throw badRequest(`dueOn: 不能早于开始日期 ${task.opensOn} (before the task opens)`);
      params.push(dueOn);
      sets.push(`due_on = $${params.length}`);
    }
    if (input.status === 'cancelled') sets.push(`status = 'cancelled', closed_at = now()`);
    if (sets.length === 0) throw badRequest('nothing to change');
    await this.db.query(`update visit_tasks set ${sets.join(', ')} where id = $1`, params);
    return this.task(task.id);
  }

  // ----- visit records (6.8.2.5) and follow-ups (6.8.2.6) -----

  async record(id: string): Promise<VisitRecord> {
    const [row] = await this.db.query<RecordRow>(`${selectRecord} where v.id = $1`, [
      uuidOr404(id, 'visit record'),
    ]);
    if (!row) throw notFound('visit record');
    return (await this.withFollowUps([row]))[0] as VisitRecord;
  }

  async records(query: VisitRecordQuery, scope: Scope = WHOLE_CENTRE): Promise<VisitRecord[]> {
    const params: unknown[] = [
      query.retireeId ? uuidOr404(query.retireeId, 'retiree') : null,
      query.from ? this.date(query.from, 'from') : null,
      query.to ? this.date(query.to, 'to') : null,
      query.limit ?? 200,
    ];
    const scoped = inScope(scope, 'v.retiree_id', params);
    const rows = await this.db.query<RecordRow>(
      `${selectRecord}
        where ($1::uuid is null or v.retiree_id = $1::uuid)
          and ($2::date is null or v.visited_on >= $2::date)
          and ($3::date is null or v.visited_on <= $3::date)
          and ${scoped}
        order by v.visited_on desc, v.created_at desc limit $4`,
      params,
    );
    return this.withFollowUps(rows);
  }

  private async withFollowUps(rows: RecordRow[]): Promise<VisitRecord[]> {
    if (rows.length === 0) return [];
    const followUps = await this.db.query<FollowUpRow>(
      `${selectFollowUp} where f.record_id = any($1::uuid[]) order by f.created_at, f.id`,
      [rows.map((row) => row.id)],
    );
    return rows.map((row) => ({
      id: row.id,
      retireeId: row.retiree_id,
      retireeName: row.retiree_name,
      taskId: row.task_id,
      reason: row.reason,
      visitedOn: row.visited_on,
      mode: row.mode,
      visitors: row.visitors,
      thought: row.thought,
      health: row.health,
      medicalCare: row.medical_care,
      hobbies: row.hobbies,
      socialActivity: row.social_activity,
      family: row.family,
      livingConditions: row.living_conditions,
      recordedBy: row.recorded_by,
      createdAt: isoRequired(row.created_at),
      followUps: followUps.filter((f) => f.record_id === row.id).map((f) => this.toFollowUp(f)),
    }));
  }

  /**
   * Records a visit with its seven fields; with `taskId` it completes that task (a task is done only
   * through a record). Phone or video completes a task only for a retiree living elsewhere (6.8.2.4).
   * A completed focus visit raises the next one, due one calendar month after this visit, while the
   * retiree is still solitary or bedridden. Each problem raised becomes a follow-up.
   */
  async createRecord(input: VisitRecordInput, userId: string): Promise<VisitRecord> {
    const retiree = await this.retiree(this.db, input.retireeId);
    const visitedOn = this.notFuture(input.visitedOn, 'visitedOn');
    const blank = (
      [
        ['thought', '思想'],
        ['health', '身体'],
        ['medicalCare', '医疗保健'],
        ['hobbies', '个人爱好'],
        ['socialActivity', '参与社会活动'],
        ['family', '家庭'],
        ['livingConditions', '现实生活状况'],
      ] as const
    ).filter(([key]) => !input[key]?.trim());
    if (blank.length > 0) {
      throw badRequest(
        `走访记录须填写：${blank.map(([, name]) => name).join('、')} (required: ${blank.map(([key]) => key).join(', ')})`,
      );
    }
    const problems: { description: string; ownerId: string; dueOn: string }[] = [];
    for (const [index, problem] of (input.problems ?? []).entries()) {
      const dueOn = this.date(problem.dueOn, `problems[${index}].dueOn`);
      if (dueOn < visitedOn) {
        throw badRequest(`problems[${index}].dueOn: 不能早于走访日期 (before the visit): ${dueOn}`);
      }
      problems.push({
        description: problem.description.trim(),
        ownerId: await this.staffUser(this.db, problem.ownerId, `problems[${index}].ownerId`),
        dueOn,
      });
    }
    let task: VisitTask | undefined;
    if (input.taskId !== undefined) {
      task = await this.task(input.taskId);
      if (task.retireeId !== retiree.id)
        throw badRequest('taskId: 该任务属于另一位军休干部 (the task is for another retiree)');
      if (task.status !== 'open') throw conflict(`visit task is ${task.status}`);
      if (input.mode !== 'in_person' && !retiree.lives_elsewhere) {
        throw badRequest(
          `mode: ${MODE_NAMES[input.mode]}只适用于长期不在本地生活的军休干部，本任务须上门走访 (phone or video completes a visit only for a retiree living elsewhere)`,
        );
      }
    }
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into visit_records (id, retiree_id, task_id, reason, visited_on, mode, visitors, thought, health,
           medical_care, hobbies, social_activity, family, living_conditions, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          id,
          retiree.id,
          task?.id ?? null,
          task?.reason ?? 'other',
          visitedOn,
          input.mode,
          input.visitors.map((v) => v.trim()),
          input.thought.trim(),
          input.health.trim(),
          input.medicalCare.trim(),
          input.hobbies.trim(),
          input.socialActivity.trim(),
          input.family.trim(),
          input.livingConditions.trim(),
          userId,
        ],
      );
      for (const problem of problems) {
        await tx.query(
          `insert into visit_follow_ups (id, record_id, retiree_id, description, owner_id, due_on)
           values ($1, $2, $3, $4, $5, $6)`,
          [randomUUID(), id, retiree.id, problem.description, problem.ownerId, problem.dueOn],
        );
      }
      if (task) {
        const closed = await tx.query(
          `update visit_tasks set status = 'done', record_id = $2, closed_at = now()
            where id = $1 and status = 'open' returning id`,
          [task.id, id],
        );
        if (closed.length !== 1) throw conflict('visit task was closed meanwhile');
        if (task.reason === 'focus' && (retiree.solitary || retiree.bedridden)) {
          await this.insertFocusTask(
            tx,
            retiree.id,
            retiree,
            addMonths(visitedOn, 1),
            task.assigneeId ?? userId,
            task.id,
          );
        }
      }
    });
    return this.record(id);
  }

  async followUps(query: FollowUpQuery, scope: Scope = WHOLE_CENTRE): Promise<FollowUp[]> {
    const today = this.today();
    const params: unknown[] = [
      query.status ?? null,
      query.ownerId ? uuidOr404(query.ownerId, 'user') : null,
      query.retireeId ? uuidOr404(query.retireeId, 'retiree') : null,
      query.overdue ?? null,
      today,
      query.limit ?? 200,
    ];
    const scoped = inScope(scope, 'f.retiree_id', params);
    const rows = await this.db.query<FollowUpRow>(
      `${selectFollowUp}
        where ($1::text is null or f.status = $1::text)
          and ($2::uuid is null or f.owner_id = $2::uuid)
          and ($3::uuid is null or f.retiree_id = $3::uuid)
          and ($4::boolean is null or (f.status = 'open' and f.due_on < $5::date) = $4::boolean)
          and ${scoped}
        order by f.due_on, f.created_at, f.id limit $6`,
      params,
    );
    return rows.map((row) => this.toFollowUp(row));
  }

  async followUp(id: string): Promise<FollowUp> {
    const [row] = await this.db.query<FollowUpRow>(`${selectFollowUp} where f.id = $1`, [
      uuidOr404(id, 'follow-up'),
    ]);
    if (!row) throw notFound('follow-up');
    return this.toFollowUp(row);
  }

  /** Reassign, move the due date, or close with the answer given (open → done, with a reply). */
  async updateFollowUp(id: string, input: FollowUpUpdate, userId: string): Promise<FollowUp> {
    const current = await this.followUp(id);
    if (current.status === 'done') throw conflict('follow-up is done; its answer stands');
    if (input.status === 'done' && !input.reply?.trim()) {
      throw badRequest('reply: 办结须填写处理结果或答复 (a reply is required to close a follow-up)');
    }
    if (input.reply !== undefined && input.status !== 'done') {
      throw badRequest('reply: 答复随办结一起提交 (send the reply with status "done")');
    }
    const sets: string[] = [];
    const params: unknown[] = [current.id];
    if (input.ownerId !== undefined) {
      params.push(await this.staffUser(this.db, input.ownerId, 'ownerId'));
      sets.push(`owner_id = $${params.length}`);
    }
    if (input.dueOn !== undefined) {
      params.push(this.date(input.dueOn, 'dueOn'));
      sets.push(`due_on = $${params.length}`);
    }
    if (input.status === 'done') {
      params.push(input.reply?.trim(), userId, this.clock());
      sets.push(
        `status = 'done', reply = $${params.length - 2}, done_by = $${params.length - 1}, done_at = $${params.length}`,
      );
    }
    await this.db.query(
      `update visit_follow_ups set ${sets.join(', ')} where id = $1 and status = 'open'`,
      params,
    );
    return this.followUp(current.id);
  }

  // ----- the periodic summary (6.8.2.5 定期汇总分析) -----

  /** Across the centre, or across one station's retirees for a caseworker of that station. */
  async summary(fromValue: string, toValue: string, scope: Scope = WHOLE_CENTRE): Promise<VisitSummary> {
    const from = this.date(fromValue, 'from');
    const to = this.date(toValue, 'to');
    if (to < from) throw badRequest('to: 结束日期不能早于开始日期 (before from)');
    const today = this.today();
    const active = await this.activeRetirees('r');
    const station = (alias: string, params: unknown[]) => inScope(scope, `${alias}.retiree_id`, params);
    const countParams: unknown[] = [from, to];
    const countScope = station('v', countParams);
    const counts = await this.db.query<{ mode: string; reason: string; n: number | string }>(
      `select mode, reason, count(*) as n from visit_records v
        where visited_on between $1 and $2 and ${countScope} group by mode, reason`,
      countParams,
    );
    const byMode = { in_person: 0, phone: 0, video: 0 };
    const byReason: Record<string, number> = {};
    let visits = 0;
    for (const row of counts) {
      const n = Number(row.n);
      visits += n;
      byMode[row.mode as keyof typeof byMode] += n;
      byReason[row.reason] = (byReason[row.reason] ?? 0) + n;
    }
    const activeParams: unknown[] = [];
    const activeStation = inScope(scope, 'r.id', activeParams);
    const [activeCount] = await this.db.query<{ n: number | string }>(
      `select count(*) as n from retirees r where ${active} and ${activeStation}`,
      activeParams,
    );
    const notVisitedParams: unknown[] = [from, to];
    const notVisitedStation = inScope(scope, 'r.id', notVisitedParams);
    const notVisited = await this.db.query<{ id: string; name: string }>(
      `select r.id, r.name from retirees r
        where ${active} and ${notVisitedStation}
          and not exists (select 1 from visit_records v where v.retiree_id = r.id and v.visited_on between $1 and $2)
        order by r.name, r.id`,
      notVisitedParams,
    );
    const taskParams: unknown[] = [from, to, today];
    const taskScope = station('t', taskParams);
    const [tasks] = await this.db.query<Record<'due' | 'done' | 'open' | 'overdue', number | string>>(
      `select count(*) filter (where status <> 'cancelled') as due,
              count(*) filter (where status = 'done') as done,
              count(*) filter (where status = 'open') as open,
              count(*) filter (where status = 'open' and due_on < $3) as overdue
         from visit_tasks t where due_on between $1 and $2 and ${taskScope}`,
      taskParams,
    );
    const followParams: unknown[] = [today];
    const followScope = station('f', followParams);
    const [followUps] = await this.db.query<Record<'open' | 'overdue', number | string>>(
      `select count(*) filter (where status = 'open') as open,
              count(*) filter (where status = 'open' and due_on < $1) as overdue
         from visit_follow_ups f where ${followScope}`,
      followParams,
    );
    const problemParams: unknown[] = [from, to];
    const problemScope = station('f', problemParams);
    const problemRows = await this.db.query<FollowUpRow>(
      `${selectFollowUp} join visit_records v on v.id = f.record_id
        where v.visited_on between $1 and $2 and ${problemScope} order by v.visited_on, f.created_at, f.id`,
      problemParams,
    );
    const problems = problemRows.map((row) => this.toFollowUp(row));
    return {
      from,
      to,
      asOf: today,
      visits,
      byMode,
      byReason,
      activeRetirees: Number(activeCount?.n ?? 0),
      notVisited: notVisited.map((row) => ({ retireeId: row.id, retireeName: row.name })),
      tasks: {
        due: Number(tasks?.due ?? 0),
        done: Number(tasks?.done ?? 0),
        open: Number(tasks?.open ?? 0),
        overdue: Number(tasks?.overdue ?? 0),
      },
      followUps: {
        raised: problems.length,
        done: problems.filter((p) => p.status === 'done').length,
        open: Number(followUps?.open ?? 0),
        overdue: Number(followUps?.overdue ?? 0),
      },
      problems,
    };
  }
}
