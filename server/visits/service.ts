/**
 * Visits and condolences (6.8 走访慰问): holiday campaigns (6.8.2.1), visits raised by a hospital
 * admission (6.8.2.2), the monthly focus visit of the solitary and the long bedridden (6.8.2.3),
 * contact by phone or video for those living elsewhere (6.8.2.4), the visit record with its seven
 * fields (6.8.2.5) and the follow-up of each problem raised until it is answered (6.8.2.6).
 * The rules are in ./rules.ts, the SQL in ./store.ts; this service orders the checks, holds the
 * transactions and keeps a station's caseworker to the station. Every rule that depends on the date
 * takes it from the injected clock, in centre time.
 */

import { randomUUID } from 'node:crypto';
import type { Clock } from '../calendar.ts';
import { centreDay } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, conflict } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
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
  VisitRecord,
  VisitRecordInput,
  VisitRecordQuery,
  VisitSummary,
  VisitTask,
  VisitTaskInput,
  VisitTaskQuery,
  VisitTaskUpdate,
} from '../schemas/visits.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import { VisitRecordStore } from './record-store.ts';
import {
  admissionVisit,
  campaignPlan,
  checkDate,
  checkFollowUpUpdate,
  checkNewTaskDue,
  checkNotFuture,
  checkPeriod,
  checkProblemDue,
  checkSevenFields,
  checkTaskDueMove,
  checkVisitMode,
  type FocusFlags,
  firstFocusDue,
  flagChanges,
  focusTask,
  needsFocusVisit,
  nextFocusDue,
  tallyVisits,
} from './rules.ts';
import { VisitStore } from './store.ts';

export class VisitService {
  private readonly store: VisitStore;
  private readonly recordStore: VisitRecordStore;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock = () => new Date(),
  ) {
    this.store = new VisitStore(db, () => this.today());
    this.recordStore = new VisitRecordStore(db, () => this.today());
  }

  /** Today in centre time. */
  today(): string {
    return centreDay(this.clock());
  }

  task(id: string): Promise<VisitTask> {
    return this.store.task(id);
  }

  // ----- campaigns (6.8.2.1) -----

  campaigns(): Promise<Campaign[]> {
    return this.store.campaigns();
  }

  /**
   * One visit task per active retiree, due on the holiday and open 14 days before. Generating again
   * for the same holiday and year creates nothing for those who have their task; a retiree who joined
   * since gets theirs.
   */
  async generateCampaign(input: CampaignInput, userId: string): Promise<CampaignResult> {
    const plan = campaignPlan(input.holiday, input.year, this.today());
    const assignee = input.assigneeId ? await this.store.staffUser(input.assigneeId, 'assigneeId') : null;
    const active = await this.store.activeRetirees('r');
    return this.db.transaction(async (tx) => {
      const store = this.store.in(tx);
      const id = await store.ensureCampaign(
        input.holiday,
        input.year,
        plan.holidayDate,
        plan.opensOn,
        userId,
      );
      const created = await store.addCampaignTasks(
        id,
        {
          reason: input.holiday,
          title: plan.title,
          opensOn: plan.opensOn,
          dueOn: plan.holidayDate,
          assigneeId: assignee,
        },
        active,
      );
      return { campaign: await store.campaign(id), created };
    });
  }

  // ----- admissions (6.8.2.2) -----

  admissions(retireeId: string | undefined, scope: Scope = WHOLE_CENTRE): Promise<Admission[]> {
    return this.store.admissions(retireeId, scope);
  }

  /** An admission raises a visit due within 3 days of it, open from the day of admission. */
  async recordAdmission(input: AdmissionInput, userId: string): Promise<AdmissionResult> {
    const retiree = await this.store.retiree(input.retireeId);
    const admittedOn = checkNotFuture(input.admittedOn, 'admittedOn', this.today());
    const assignee = await this.assignee(input.assigneeId, userId);
    const admissionId = randomUUID();
    const taskId = randomUUID();
    const hospital = input.hospital.trim();
    await this.db.transaction(async (tx) => {
      const store = this.store.in(tx);
      await store.addAdmission({
        id: admissionId,
        retireeId: retiree.id,
        hospital,
        admittedOn,
        note: input.note ?? '',
        recordedBy: userId,
      });
      await store.addTask(
        {
          retireeId: retiree.id,
          reason: 'hospital',
          title: `住院慰问：${hospital}`,
          admissionId,
          ...admissionVisit(admittedOn),
          assigneeId: assignee,
        },
        taskId,
      );
    });
    const [admission] = (await this.admissions(retiree.id)).filter((a) => a.id === admissionId);
    return { admission: admission as Admission, task: await this.task(taskId) };
  }

  /** The assignee given (null: nobody), else the user acting. */
  private async assignee(assigneeId: string | null | undefined, userId: string): Promise<string | null> {
    if (assigneeId === null) return null;
    return this.store.staffUser(assigneeId ?? userId, 'assigneeId');
  }

  // ----- living flags and the monthly focus visit (6.8.2.3, 6.8.2.4) -----

  async flags(retireeId: string): Promise<LivingFlags> {
    const row = await this.store.retiree(retireeId);
    return {
      retireeId: row.id,
      solitary: row.solitary,
      bedridden: row.bedridden,
      livesElsewhere: row.livesElsewhere,
      focusTask: await this.store.openFocusTask(row.id),
    };
  }

  /**
   * Sets 孤老 / 长期卧床 / living elsewhere. 孤老 is the archive's living situation `alone`: setting it
   * writes `alone`, clearing it leaves the situation unknown. The focus visit follows (syncFocusVisit).
   */
  async setFlags(retireeId: string, input: LivingFlagsInput, userId: string): Promise<LivingFlags> {
    const current = await this.store.retiree(retireeId);
    const assignee = await this.assignee(input.assigneeId, userId);
    const next = {
      solitary: input.solitary ?? current.solitary,
      bedridden: input.bedridden ?? current.bedridden,
      livesElsewhere: input.livesElsewhere ?? current.livesElsewhere,
    };
    await this.db.transaction(async (tx) => {
      const store = this.store.in(tx);
      await store.setFlags(current.id, next, userId);
      // The archive's change history shows these like any other edit of the record (6.11.1 a).
      for (const change of flagChanges(current, next)) {
        await store.addArchiveChange(current.id, userId, change);
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
    const store = this.store.in(tx);
    const flags = await store.focusFlags(retireeId);
    if (!needsFocusVisit(flags)) {
      await store.cancelFocusTasks(retireeId);
      return;
    }
    if (await store.hasOpenFocusTask(retireeId)) return;
    const today = this.today();
    const dueOn = firstFocusDue(await store.lastVisitedOn(retireeId), today);
    await this.addFocusTask(store, retireeId, flags, dueOn, assignee, null);
  }

  private async addFocusTask(
    store: VisitStore,
    retireeId: string,
    flags: FocusFlags,
    dueOn: string,
    assignee: string | null,
    previous: string | null,
  ): Promise<void> {
    await store.addTask({
      retireeId,
      reason: 'focus',
      ...focusTask(flags, dueOn),
      assigneeId: assignee,
      previousTaskId: previous,
    });
  }

  // ----- tasks -----

  tasks(query: VisitTaskQuery, scope: Scope = WHOLE_CENTRE): Promise<VisitTask[]> {
    return this.store.tasks(query, scope);
  }

  /** A visit planned by hand (reason `other`), open from today. */
  async createTask(input: VisitTaskInput, userId: string): Promise<VisitTask> {
    const retiree = await this.store.retiree(input.retireeId);
    const today = this.today();
    const dueOn = checkNewTaskDue(input.dueOn, today);
    const assignee = await this.assignee(input.assigneeId, userId);
    const id = await this.store.addTask({
      retireeId: retiree.id,
      reason: 'other',
      title: input.title.trim(),
      opensOn: today,
      dueOn,
      assigneeId: assignee,
    });
    return this.task(id);
  }

  async updateTask(id: string, input: VisitTaskUpdate): Promise<VisitTask> {
    const task = await this.task(id);
    if (task.status !== 'open') throw conflict(`visit task is ${task.status}; only an open task can change`);
    const change: { assigneeId?: string | null; dueOn?: string; cancel?: boolean } = {};
    if (input.assigneeId !== undefined) {
      change.assigneeId =
        input.assigneeId === null ? null : await this.store.staffUser(input.assigneeId, 'assigneeId');
    }
    if (input.dueOn !== undefined) change.dueOn = checkTaskDueMove(input.dueOn, task.opensOn);
    if (input.status === 'cancelled') change.cancel = true;
    if (Object.keys(change).length === 0) throw badRequest('nothing to change');
    await this.store.changeTask(task.id, change);
    return this.task(task.id);
  }

  // ----- visit records (6.8.2.5) and follow-ups (6.8.2.6) -----

  record(id: string): Promise<VisitRecord> {
    return this.recordStore.record(id);
  }

  records(query: VisitRecordQuery, scope: Scope = WHOLE_CENTRE): Promise<VisitRecord[]> {
    const retireeId = query.retireeId ? uuidOr404(query.retireeId, 'retiree') : null;
    const from = query.from ? checkDate(query.from, 'from') : null;
    const to = query.to ? checkDate(query.to, 'to') : null;
    return this.recordStore.records({ retireeId, from, to, limit: query.limit ?? 200 }, scope);
  }

  /**
   * Records a visit with its seven fields; with `taskId` it completes that task (a task is done only
   * through a record). Phone or video completes a task only for a retiree living elsewhere (6.8.2.4).
   * A completed focus visit raises the next one, due one calendar month after this visit, while the
   * retiree is still solitary or bedridden. Each problem raised becomes a follow-up.
   */
  async createRecord(input: VisitRecordInput, userId: string): Promise<VisitRecord> {
    const retiree = await this.store.retiree(input.retireeId);
    const visitedOn = checkNotFuture(input.visitedOn, 'visitedOn', this.today());
    checkSevenFields(input);
    const problems: { description: string; ownerId: string; dueOn: string }[] = [];
    for (const [index, problem] of (input.problems ?? []).entries()) {
      const dueOn = checkProblemDue(problem.dueOn, index, visitedOn);
      problems.push({
        description: problem.description.trim(),
        ownerId: await this.store.staffUser(problem.ownerId, `problems[${index}].ownerId`),
        dueOn,
      });
    }
    let task: VisitTask | undefined;
    if (input.taskId !== undefined) {
      task = await this.task(input.taskId);
      if (task.retireeId !== retiree.id)
        throw badRequest('taskId: 该任务属于另一位军休干部 (the task is for another retiree)');
      if (task.status !== 'open') throw conflict(`visit task is ${task.status}`);
      checkVisitMode(input.mode, retiree.livesElsewhere);
    }
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const store = this.store.in(tx);
      const records = this.recordStore.in(tx);
      await records.addRecord({
        id,
        retireeId: retiree.id,
        taskId: task?.id ?? null,
        reason: task?.reason ?? 'other',
        visitedOn,
        mode: input.mode,
        visitors: input.visitors.map((v) => v.trim()),
        thought: input.thought.trim(),
        health: input.health.trim(),
        medicalCare: input.medicalCare.trim(),
        hobbies: input.hobbies.trim(),
        socialActivity: input.socialActivity.trim(),
        family: input.family.trim(),
        livingConditions: input.livingConditions.trim(),
        recordedBy: userId,
      });
      for (const problem of problems) {
        await records.addFollowUp({ recordId: id, retireeId: retiree.id, ...problem });
      }
      if (task) {
        if (!(await store.completeTask(task.id, id))) throw conflict('visit task was closed meanwhile');
        if (task.reason === 'focus' && needsFocusVisit(retiree)) {
          const dueOn = nextFocusDue(visitedOn);
          await this.addFocusTask(store, retiree.id, retiree, dueOn, task.assigneeId ?? userId, task.id);
        }
      }
    });
    return this.record(id);
  }

  followUps(query: FollowUpQuery, scope: Scope = WHOLE_CENTRE): Promise<FollowUp[]> {
    return this.recordStore.followUps(query, scope);
  }

  followUp(id: string): Promise<FollowUp> {
    return this.recordStore.followUp(id);
  }

  /** Reassign, move the due date, or close with the answer given (open → done, with a reply). */
  async updateFollowUp(id: string, input: FollowUpUpdate, userId: string): Promise<FollowUp> {
    const current = await this.followUp(id);
    if (current.status === 'done') throw conflict('follow-up is done; its answer stands');
    checkFollowUpUpdate(input);
    const change: Parameters<VisitRecordStore['changeFollowUp']>[1] = {};
    if (input.ownerId !== undefined) change.ownerId = await this.store.staffUser(input.ownerId, 'ownerId');
    if (input.dueOn !== undefined) change.dueOn = checkDate(input.dueOn, 'dueOn');
    if (input.status === 'done') change.done = { reply: input.reply?.trim(), by: userId, at: this.clock() };
    await this.recordStore.changeFollowUp(current.id, change);
    return this.followUp(current.id);
  }

  // ----- the periodic summary (6.8.2.5 定期汇总分析) -----

  /** Across the centre, or across one station's retirees for a caseworker of that station. */
  async summary(fromValue: string, toValue: string, scope: Scope = WHOLE_CENTRE): Promise<VisitSummary> {
    const { from, to } = checkPeriod(fromValue, toValue);
    const today = this.today();
    const active = await this.store.activeRetirees('r');
    const tallies = tallyVisits(await this.recordStore.visitCounts(from, to, scope));
    const activeRetirees = await this.store.activeCount(active, scope);
    const notVisited = await this.recordStore.notVisited(from, to, active, scope);
    const tasks = await this.store.taskCounts(from, to, scope);
    const followUps = await this.recordStore.followUpCounts(scope);
    const problems = await this.recordStore.problemsRaised(from, to, scope);
    return {
      from,
      to,
      asOf: today,
      ...tallies,
      activeRetirees,
      notVisited,
      tasks,
      followUps: {
        raised: problems.length,
        done: problems.filter((p) => p.status === 'done').length,
        open: followUps.open,
        overdue: followUps.overdue,
      },
      problems,
    };
  }
}
