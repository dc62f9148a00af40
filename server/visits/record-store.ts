/**
 * The visit records in SQL (6.8.2.5, 6.8.2.6): each visit with its seven fields, the follow-ups of
 * the problems raised in it, and the summary's counts of both. ./store.ts holds the tasks, campaigns,
 * admissions and living flags; as there, whether a follow-up is overdue is counted against today's
 * centre date, which the store is given, and a transaction is worked through `in(tx)`.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type { FollowUp, FollowUpQuery, VisitMode, VisitReason, VisitRecord } from '../schemas/visits.ts';
import { assignments } from '../store/filter.ts';
import { DayStore } from '../store/keeper.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { inScope, type Scope } from '../store/scope.ts';
import { isOverdue } from './rules.ts';

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
  mode: VisitMode;
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

export interface NewRecord {
  id: string;
  retireeId: string;
  taskId: string | null;
  reason: VisitReason;
  visitedOn: string;
  mode: VisitMode;
  visitors: string[];
  thought: string;
  health: string;
  medicalCare: string;
  hobbies: string;
  socialActivity: string;
  family: string;
  livingConditions: string;
  recordedBy: string;
}

export class VisitRecordStore extends DayStore {
  in(tx: Queryable): VisitRecordStore {
    return new VisitRecordStore(tx, this.today);
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
      overdue: isOverdue(row.status, row.due_on, this.today()),
      createdAt: isoRequired(row.created_at),
    };
  }

  // ----- visit records (6.8.2.5) and follow-ups (6.8.2.6) -----

  async record(id: string): Promise<VisitRecord> {
    const [row] = await this.db.query<RecordRow>(`${selectRecord} where v.id = $1`, [
      uuidOr404(id, 'visit record'),
    ]);
    if (!row) throw notFound('visit record');
    return (await this.withFollowUps([row]))[0] as VisitRecord;
  }

  /** Records of one retiree (or all), visited within [from, to] (either open), newest first. */
  async records(
    query: { retireeId: string | null; from: string | null; to: string | null; limit: number },
    scope: Scope,
  ): Promise<VisitRecord[]> {
    const params: unknown[] = [query.retireeId, query.from, query.to, query.limit];
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

  async addRecord(record: NewRecord): Promise<void> {
    await this.db.query(
      `insert into visit_records (id, retiree_id, task_id, reason, visited_on, mode, visitors, thought, health,
         medical_care, hobbies, social_activity, family, living_conditions, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        record.id,
        record.retireeId,
        record.taskId,
        record.reason,
        record.visitedOn,
        record.mode,
        record.visitors,
        record.thought,
        record.health,
        record.medicalCare,
        record.hobbies,
        record.socialActivity,
        record.family,
        record.livingConditions,
        record.recordedBy,
      ],
    );
  }

  async addFollowUp(followUp: {
    recordId: string;
    retireeId: string;
    description: string;
    ownerId: string;
    dueOn: string;
  }): Promise<void> {
    await this.db.query(
      `insert into visit_follow_ups (id, record_id, retiree_id, description, owner_id, due_on)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        randomUUID(),
        followUp.recordId,
        followUp.retireeId,
        followUp.description,
        followUp.ownerId,
        followUp.dueOn,
      ],
    );
  }

  async followUps(query: FollowUpQuery, scope: Scope): Promise<FollowUp[]> {
    const params: unknown[] = [
      query.status ?? null,
      query.ownerId ? uuidOr404(query.ownerId, 'user') : null,
      query.retireeId ? uuidOr404(query.retireeId, 'retiree') : null,
      query.overdue ?? null,
      this.today(),
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

  /** Reassigns, moves the due date, or closes an open follow-up with its reply. */
  async changeFollowUp(
    id: string,
    change: { ownerId?: string; dueOn?: string; done?: { reply: string | undefined; by: string; at: Date } },
  ): Promise<void> {
    const params: unknown[] = [id];
    const sets = assignments(params, { owner_id: change.ownerId, due_on: change.dueOn });
    if (change.done) {
      params.push(change.done.reply, change.done.by, change.done.at);
      sets.push(
        `status = 'done', reply = $${params.length - 2}, done_by = $${params.length - 1}, done_at = $${params.length}`,
      );
    }
    await this.db.query(
      `update visit_follow_ups set ${sets.join(', ')} where id = $1 and status = 'open'`,
      params,
    );
  }

  // ----- the periodic summary (6.8.2.5 定期汇总分析) -----

  async visitCounts(
    from: string,
    to: string,
    scope: Scope,
  ): Promise<{ mode: string; reason: string; n: number | string }[]> {
    const params: unknown[] = [from, to];
    const scoped = inScope(scope, 'v.retiree_id', params);
    return this.db.query<{ mode: string; reason: string; n: number | string }>(
      `select mode, reason, count(*) as n from visit_records v
        where visited_on between $1 and $2 and ${scoped} group by mode, reason`,
      params,
    );
  }

  async notVisited(
    from: string,
    to: string,
    active: string,
    scope: Scope,
  ): Promise<{ retireeId: string; retireeName: string }[]> {
    const params: unknown[] = [from, to];
    const scoped = inScope(scope, 'r.id', params);
    const rows = await this.db.query<{ id: string; name: string }>(
      `select r.id, r.name from retirees r
        where ${active} and ${scoped}
          and not exists (select 1 from visit_records v where v.retiree_id = r.id and v.visited_on between $1 and $2)
        order by r.name, r.id`,
      params,
    );
    return rows.map((row) => ({ retireeId: row.id, retireeName: row.name }));
  }

  async followUpCounts(scope: Scope): Promise<Record<'open' | 'overdue', number>> {
    const params: unknown[] = [this.today()];
    const scoped = inScope(scope, 'f.retiree_id', params);
    const [followUps] = await this.db.query<Record<'open' | 'overdue', number | string>>(
      `select count(*) filter (where status = 'open') as open,
              count(*) filter (where status = 'open' and due_on < $1) as overdue
         from visit_follow_ups f where ${scoped}`,
      params,
    );
    return { open: Number(followUps?.open ?? 0), overdue: Number(followUps?.overdue ?? 0) };
  }

  /** The follow-ups of problems raised in visits of the period. */
  async problemsRaised(from: string, to: string, scope: Scope): Promise<FollowUp[]> {
    const params: unknown[] = [from, to];
    const scoped = inScope(scope, 'f.retiree_id', params);
    const rows = await this.db.query<FollowUpRow>(
      `${selectFollowUp} join visit_records v on v.id = f.record_id
        where v.visited_on between $1 and $2 and ${scoped} order by v.visited_on, f.created_at, f.id`,
      params,
    );
    return rows.map((row) => this.toFollowUp(row));
  }
}
