/**
 * Political life and reception (6.2 政治待遇): organisation life, study sessions and political
 * activities with each retiree's attendance (6.2.2.3–6.2.2.8; party membership and branch are read from
 * the archive, not kept here), honour convalescence batches (6.2.2.11), and letters, visits and calls
 * received (6.2.2.10) with a reply due date and the path received → in_hand → replied.
 */

import { randomUUID } from 'node:crypto';
import { addDays } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Attendance,
  AttendanceInput,
  AttendanceStatus,
  ConvalescenceBatch,
  ConvalescenceBatchInput,
  ParticipantsInput,
  PoliticalActivity,
  PoliticalActivityInput,
  PoliticalActivityQuery,
  ReceptionInput,
  ReceptionItem,
  ReceptionQuery,
  ReceptionReply,
  ReceptionUpdate,
} from '../schemas/reception.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isoRequired } from '../store/rows.ts';
import { assertInScope, inScope, type Scope, WHOLE_CENTRE } from '../store/scope.ts';
import { Checks, REPLY_DAYS } from './checks.ts';
import {
  type ActivityRow,
  type AttendanceRow,
  type BatchRow,
  type ReceptionRow,
  selectReception,
  toReception,
} from './rows.ts';

export class ReceptionService extends RecordKeeper {
  private readonly checks = new Checks(this.db, this.clock);

  // ----- political life: activities, study sessions, attendance -----

  /**
   * Activities are the centre's; a caseworker limited to a station sees on each only the attendance
   * of that station's retirees.
   */
  async activities(query: PoliticalActivityQuery, scope: Scope = WHOLE_CENTRE): Promise<PoliticalActivity[]> {
    const filter = new Filter()
      .when('a.kind = ?', query.kind)
      .when('a.held_on >= ?::date', query.from && this.checks.date(query.from, 'from'))
      .when('a.held_on <= ?::date', query.to && this.checks.date(query.to, 'to'));
    if (query.retireeId) {
      const retireeId = uuidOr404(query.retireeId, 'retiree');
      await assertInScope(this.db, scope, retireeId);
      filter.when(
        'exists (select 1 from political_attendance p where p.activity_id = a.id and p.retiree_id = ?)',
        retireeId,
      );
    }
    const rows = await this.db.query<ActivityRow>(
      `select a.id, a.kind, a.held_on::text as held_on, a.topic, a.place, a.notes, a.created_at
         from political_activities a where ${filter.sql}
        order by a.held_on desc, a.created_at desc limit 500`,
      filter.params,
    );
    return this.withAttendance(rows, this.db, scope);
  }

  async activity(
    id: string,
    db: Queryable = this.db,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<PoliticalActivity> {
    const rows = await db.query<ActivityRow>(
      `select id, kind, held_on::text as held_on, topic, place, notes, created_at
         from political_activities where id = $1`,
      [uuidOr404(id, 'political activity')],
    );
    if (rows.length === 0) throw notFound('political activity');
    const [activity] = await this.withAttendance(rows, db, scope);
    if (!activity) throw notFound('political activity');
    return activity;
  }

  async createActivity(input: PoliticalActivityInput, userId: string): Promise<PoliticalActivity> {
    const heldOn = this.checks.date(input.heldOn, 'heldOn');
    const topic = this.checks.text(input.topic, 'topic', '主题');
    const id = randomUUID();
    await this.db.query(
      `insert into political_activities (id, kind, held_on, topic, place, notes, created_by)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, input.kind, heldOn, topic, input.place?.trim() ?? '', input.notes?.trim() ?? '', userId],
    );
    return this.activity(id);
  }

  /**
   * Records attendance, one row per retiree (a second entry for the same retiree replaces the first).
   * Attendance can be recorded only on or after the day the activity is held.
   */
  async recordAttendance(
    id: string,
    input: AttendanceInput,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<PoliticalActivity> {
    const activity = await this.activity(id, this.db, scope);
    if (activity.heldOn > this.today()) {
      throw conflict(`活动尚未举行 (the activity is held on ${activity.heldOn}): attendance comes after`);
    }
    const seen = new Set<string>();
    for (const [index, entry] of input.entries.entries()) {
      const retireeId = await this.checks.retiree(entry.retireeId, `entries[${index}].retireeId`);
      await assertInScope(this.db, scope, retireeId);
      if (seen.has(retireeId)) {
        throw badRequest(`entries[${index}].retireeId: 重复的军休干部 (listed twice)`);
      }
      seen.add(retireeId);
    }
    await this.db.transaction(async (tx) => {
      for (const entry of input.entries) {
        await tx.query(
          `insert into political_attendance (activity_id, retiree_id, status, note) values ($1, $2, $3, $4)
           on conflict (activity_id, retiree_id)
           do update set status = excluded.status, note = excluded.note, recorded_at = now()`,
          [activity.id, entry.retireeId.toLowerCase(), entry.status, entry.note?.trim() ?? ''],
        );
      }
    });
    return this.activity(activity.id, this.db, scope);
  }

  private async withAttendance(
    rows: ActivityRow[],
    db: Queryable = this.db,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<PoliticalActivity[]> {
    if (rows.length === 0) return [];
    const params: unknown[] = [rows.map((row) => row.id)];
    const visible = inScope(scope, 'p.retiree_id', params);
    const attendance = await db.query<AttendanceRow>(
      `select p.activity_id, p.retiree_id, r.name as retiree_name, r.party_branch, p.status, p.note
         from political_attendance p join retirees r on r.id = p.retiree_id
        where p.activity_id = any($1::uuid[]) and ${visible} order by r.name, p.retiree_id`,
      params,
    );
    return rows.map((row) => {
      const list: Attendance[] = attendance
        .filter((a) => a.activity_id === row.id)
        .map((a) => ({
          retireeId: a.retiree_id,
          retireeName: a.retiree_name,
          partyBranch: a.party_branch || null,
          status: a.status,
          note: a.note,
        }));
      const count = (status: AttendanceStatus) => list.filter((a) => a.status === status).length;
      return {
        id: row.id,
        kind: row.kind,
        heldOn: row.held_on,
        topic: row.topic,
        place: row.place,
        notes: row.notes,
        counts: { present: count('present'), absent: count('absent'), excused: count('excused') },
        attendance: list,
        createdAt: isoRequired(row.created_at),
      };
    });
  }

  // ----- honour convalescence (6.2.2.11) -----

  /** Batches are the centre's; a station caseworker sees that station's participants only. */
  async batches(scope: Scope = WHOLE_CENTRE): Promise<ConvalescenceBatch[]> {
    const rows = await this.db.query<BatchRow>(
      `select id, name, level, place, starts_on::text as starts_on, ends_on::text as ends_on, notes, created_at
         from convalescence_batches order by starts_on desc, created_at desc`,
    );
    return this.withParticipants(rows, scope);
  }

  async batch(id: string, scope: Scope = WHOLE_CENTRE): Promise<ConvalescenceBatch> {
    const rows = await this.db.query<BatchRow>(
      `select id, name, level, place, starts_on::text as starts_on, ends_on::text as ends_on, notes, created_at
         from convalescence_batches where id = $1`,
      [uuidOr404(id, 'convalescence batch')],
    );
    const [batch] = await this.withParticipants(rows, scope);
    if (!batch) throw notFound('convalescence batch');
    return batch;
  }

  async createBatch(input: ConvalescenceBatchInput, userId: string): Promise<ConvalescenceBatch> {
    const startsOn = this.checks.date(input.startsOn, 'startsOn');
    const endsOn = this.checks.date(input.endsOn, 'endsOn');
    if (endsOn < startsOn) throw badRequest('endsOn: 结束日期不能早于开始日期 (before startsOn)');
    const id = randomUUID();
    await this.db.query(
      `insert into convalescence_batches (id, name, level, place, starts_on, ends_on, notes, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        this.checks.text(input.name, 'name', '批次名称'),
        input.level?.trim() ?? '',
        this.checks.text(input.place, 'place', '疗养地点'),
        startsOn,
        endsOn,
        input.notes?.trim() ?? '',
        userId,
      ],
    );
    return this.batch(id);
  }

  /** Adds participants; a retiree already in the batch is a conflict, and then none is added. */
  async addParticipants(
    id: string,
    input: ParticipantsInput,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ConvalescenceBatch> {
    const batch = await this.batch(id);
    const ids: string[] = [];
    for (const [index, entry] of input.participants.entries()) {
      const retireeId = await this.checks.retiree(entry.retireeId, `participants[${index}].retireeId`);
      await assertInScope(this.db, scope, retireeId);
      if (ids.includes(retireeId) || batch.participants.some((p) => p.retireeId === retireeId)) {
        throw conflict(`participants[${index}].retireeId: 已在本批次 (already in this batch)`);
      }
      ids.push(retireeId);
    }
    await this.db.transaction(async (tx) => {
      for (const [index, entry] of input.participants.entries()) {
        await tx.query(
          `insert into convalescence_participants (batch_id, retiree_id, reason) values ($1, $2, $3)`,
          [batch.id, ids[index], entry.reason?.trim() ?? ''],
        );
      }
    });
    return this.batch(batch.id, scope);
  }

  async removeParticipant(
    id: string,
    retireeId: string,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ConvalescenceBatch> {
    const batch = await this.batch(id);
    await assertInScope(this.db, scope, uuidOr404(retireeId, 'participant'));
    const rows = await this.db.query<{ retiree_id: string }>(
      `delete from convalescence_participants where batch_id = $1 and retiree_id = $2 returning retiree_id`,
      [batch.id, uuidOr404(retireeId, 'participant')],
    );
    if (rows.length === 0) throw notFound('participant');
    return this.batch(batch.id, scope);
  }

  private async withParticipants(
    rows: BatchRow[],
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ConvalescenceBatch[]> {
    if (rows.length === 0) return [];
    const params: unknown[] = [rows.map((row) => row.id)];
    const visible = inScope(scope, 'p.retiree_id', params);
    const participants = await this.db.query<{
      batch_id: string;
      retiree_id: string;
      retiree_name: string;
      reason: string;
    }>(
      `select p.batch_id, p.retiree_id, r.name as retiree_name, p.reason
         from convalescence_participants p join retirees r on r.id = p.retiree_id
        where p.batch_id = any($1::uuid[]) and ${visible} order by r.name, p.retiree_id`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      level: row.level,
      place: row.place,
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      notes: row.notes,
      participants: participants
        .filter((p) => p.batch_id === row.id)
        .map((p) => ({ retireeId: p.retiree_id, retireeName: p.retiree_name, reason: p.reason })),
      createdAt: isoRequired(row.created_at),
    }));
  }

  // ----- letters, visits and calls (6.2.2.10) -----

  /**
   * Letters, visits and calls, newest first. A station caseworker sees those about the station's
   * retirees and those about no retiree in particular.
   */
  async receptions(query: ReceptionQuery, scope: Scope = WHOLE_CENTRE): Promise<ReceptionItem[]> {
    const filter = new Filter()
      .inScopeOrNone(scope, 'i.retiree_id')
      .when('i.status = ?', query.status)
      .when('i.channel = ?', query.channel)
      .id('i.retiree_id', query.retireeId, 'retiree');
    const rows = await this.db.query<ReceptionRow>(
      `${selectReception} where ${filter.sql}
        order by i.received_on desc, i.created_at desc limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    const today = this.today();
    return rows.map((row) => toReception(row, today));
  }

  /** Not replied and past the reply due date on `date` (today by default), oldest due first. */
  async overdueReceptions(date?: string, scope: Scope = WHOLE_CENTRE): Promise<ReceptionItem[]> {
    const day = date ? this.checks.date(date, 'date') : this.today();
    const params: unknown[] = [day];
    const visible = `(i.retiree_id is null or ${inScope(scope, 'i.retiree_id', params)})`;
    const rows = await this.db.query<ReceptionRow>(
      `${selectReception} where i.status <> 'replied' and i.reply_due_on < $1::date and ${visible}
        order by i.reply_due_on, i.received_on, i.id`,
      params,
    );
    return rows.map((row) => toReception(row, day));
  }

  async reception(id: string, db: Queryable = this.db, scope: Scope = WHOLE_CENTRE): Promise<ReceptionItem> {
    const [row] = await db.query<ReceptionRow>(`${selectReception} where i.id = $1`, [
      uuidOr404(id, 'reception item'),
    ]);
    if (!row) throw notFound('reception item');
    if (row.retiree_id) {
      try {
        await assertInScope(db, scope, row.retiree_id);
      } catch {
        throw notFound('reception item');
      }
    }
    return toReception(row, this.today());
  }

  /**
   * Registers a letter, visit or call: received today unless told (never in the future), to be
   * answered within `replyDays` (the centre's reply deadline by default, 15 days unless changed) counted in centre calendar days; handled by the
   * person who registers it unless another staff member is named.
   */
  async createReception(
    input: ReceptionInput,
    userId: string,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ReceptionItem> {
    const receivedOn = this.checks.notFuture(input.receivedOn ?? this.today(), 'receivedOn');
    const replyDays = input.replyDays ?? (await this.deadlines.days(REPLY_DAYS));
    const retireeId =
      input.retireeId === undefined || input.retireeId === null
        ? null
        : await this.checks.retiree(input.retireeId, 'retireeId');
    if (retireeId) await assertInScope(this.db, scope, retireeId);
    const handlerId = input.handlerId ? await this.checks.staffUser(input.handlerId, 'handlerId') : userId;
    const id = randomUUID();
    await this.db.query(
      `insert into reception_items (id, channel, received_on, from_name, from_contact, retiree_id, content,
         reply_days, reply_due_on, handler_id, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        input.channel,
        receivedOn,
        this.checks.text(input.fromName, 'fromName', '来信来访来电人'),
        input.fromContact?.trim() ?? '',
        retireeId,
        this.checks.text(input.content, 'content', '事项内容'),
        replyDays,
        addDays(receivedOn, replyDays),
        handlerId,
        userId,
      ],
    );
    return this.reception(id, this.db, scope);
  }

  /** Changes the days to reply (the due date follows) or the handler, while not yet replied. */
  async updateReception(
    id: string,
    input: ReceptionUpdate,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ReceptionItem> {
    const item = await this.reception(id, this.db, scope);
    if (item.status === 'replied') throw conflict('已答复的事项不能再修改 (already replied)');
    if (input.replyDays === undefined && input.handlerId === undefined) throw badRequest('nothing to change');
    const replyDays = input.replyDays ?? item.replyDays;
    const handlerId = input.handlerId
      ? await this.checks.staffUser(input.handlerId, 'handlerId')
      : item.handlerId;
    await this.db.query(
      `update reception_items set reply_days = $2, reply_due_on = $3, handler_id = $4 where id = $1`,
      [item.id, replyDays, addDays(item.receivedOn, replyDays), handlerId],
    );
    return this.reception(item.id);
  }

  /** received → in_hand. */
  async takeReception(id: string, scope: Scope = WHOLE_CENTRE): Promise<ReceptionItem> {
    return this.db.transaction(async (tx) => {
      const item = await this.reception(id, tx, scope);
      if (item.status !== 'received') {
        throw conflict(`只有已登记的事项可以开始办理 (status is ${item.status}, expected received)`);
      }
      await tx.query(`update reception_items set status = 'in_hand' where id = $1`, [item.id]);
      return this.reception(item.id, tx);
    });
  }

  /** in_hand → replied, with the reply, its date (today unless told; not before receipt) and who. */
  async replyReception(
    id: string,
    input: ReceptionReply,
    userId: string,
    scope: Scope = WHOLE_CENTRE,
  ): Promise<ReceptionItem> {
    return this.db.transaction(async (tx) => {
      const item = await this.reception(id, tx, scope);
      if (item.status !== 'in_hand') {
        throw conflict(`只有办理中的事项可以答复 (status is ${item.status}, expected in_hand)`);
      }
      const repliedOn = this.checks.notFuture(input.repliedOn ?? this.today(), 'repliedOn');
      if (repliedOn < item.receivedOn) {
        throw badRequest(`repliedOn: 不能早于收到日期 ${item.receivedOn} (before it was received)`);
      }
      await tx.query(
        `update reception_items set status = 'replied', reply = $2, replied_on = $3, replied_by = $4 where id = $1`,
        [item.id, this.checks.text(input.reply, 'reply', '答复内容'), repliedOn, userId],
      );
      return this.reception(item.id, tx);
    });
  }
}
