/**
 * Elderly care (6.7 养老服务): the care arrangement of each retiree — home 居家照顾, community 社区
 * 照料 or institution 机构照护 (6.7.1 b–d) through a nearby provider (6.7.2.2, 6.7.2.3) — one current
 * at a time, and the log of care visits (走访探视, 6.7.2.2). The archive's `care_arrangement` text
 * follows the current arrangement, with a line in the change history.
 */

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  CareArrangement,
  CareArrangementEnd,
  CareArrangementInput,
  CareArrangementQuery,
  CareType,
  CareVisit,
  CareVisitInput,
  CareVisitQuery,
} from '../schemas/care.ts';
import { checkDate, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { created, insertRow, isUniqueViolation, type Selected } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const CARE_TYPE_NAMES: Record<CareType, string> = {
  home: '居家照顾',
  community: '社区照料',
  institution: '机构照护',
};

type ArrangementRow = Selected<Omit<CareArrangement, 'typeName'>>;

const selectArrangement = `select a.id, a.retiree_id as "retireeId", r.name as "retireeName", a.type, a.provider,
    a.care_level as "careLevel", a.start_on::text as "startOn", a.end_on::text as "endOn", a.end_reason as "endReason",
    a.end_on is null as current, a.note, a.created_at as "createdAt",
    (select count(*)::int from care_visits v where v.arrangement_id = a.id) as "visitCount",
    (select max(v.visited_on)::text from care_visits v where v.arrangement_id = a.id) as "lastVisitOn"
  from care_arrangements a join retirees r on r.id = a.retiree_id`;

const selectVisit = `select v.id, v.arrangement_id as "arrangementId", v.retiree_id as "retireeId", r.name as "retireeName",
    v.visited_on::text as "visitedOn", v.visitor, v.content, v.problems, v.recorded_by as "recordedBy",
    v.created_at as "createdAt"
  from care_visits v join retirees r on r.id = v.retiree_id`;

/** The archive's free-text care arrangement follows the current one; the change goes in its history. */
async function writeArchiveText(db: Queryable, retireeId: string, text: string, userId: string) {
  const [row] = await db.query<{ care_arrangement: string }>(
    'select care_arrangement from retirees where id = $1',
    [retireeId],
  );
  if (!row || row.care_arrangement === text) return;
  await db.query('update retirees set care_arrangement = $2, updated_at = now() where id = $1', [
    retireeId,
    text,
  ]);
  await db.query(
    `insert into archive_changes (retiree_id, changed_by, source, field, old_value, new_value)
     values ($1, $2, 'edit', 'careArrangement', $3, $4)`,
    [retireeId, userId, row.care_arrangement, text],
  );
}

export class CareService extends RecordKeeper {
  private toArrangement(row: ArrangementRow): CareArrangement {
    return created({ ...row, typeName: CARE_TYPE_NAMES[row.type] });
  }

  /** Arrangements in `scope`, latest start first; `limit` may go beyond the query's for an export. */
  async arrangements(query: CareArrangementQuery, scope: Scope = WHOLE_CENTRE): Promise<CareArrangement[]> {
    const filter = new Filter()
      .inScope(scope, 'a.retiree_id')
      .id('a.retiree_id', query.retireeId, 'retiree')
      .when('a.type = ?', query.type)
      .either(query.current, 'a.end_on is null', 'a.end_on is not null');
    const rows = await this.db.query<ArrangementRow>(
      `${selectArrangement} where ${filter.sql}
        order by a.start_on desc, a.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return rows.map((row) => this.toArrangement(row));
  }

  async arrangement(id: string, db: Queryable = this.db): Promise<CareArrangement> {
    const [row] = await db.query<ArrangementRow>(`${selectArrangement} where a.id = $1`, [
      uuidOr404(id, 'care arrangement'),
    ]);
    if (!row) throw notFound('care arrangement');
    return this.toArrangement(row);
  }

  /** A new arrangement; 409 while another is current (end that one first). */
  async create(input: CareArrangementInput, userId: string): Promise<CareArrangement> {
    const startOn = checkDate(input.startOn, 'startOn');
    const endOn = input.endOn ? checkDate(input.endOn, 'endOn') : null;
    if (endOn && endOn < startOn) throw badRequest('endOn: 结束日期不能早于开始日期');
    if (endOn && endOn > this.today()) throw badRequest('endOn: 结束日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const retiree = await retireeOr404(db, input.retireeId);
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能安排养老服务`);
      const id = randomUUID();
      try {
        await insertRow(db, 'care_arrangements', {
          id,
          retiree_id: retiree.id,
          type: input.type,
          provider: input.provider.trim(),
          care_level: input.careLevel,
          start_on: startOn,
          end_on: endOn,
          note: input.note ?? '',
          created_by: userId,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`${retiree.name}已有当前的养老服务安排，请先结束`);
        throw error;
      }
      if (!endOn)
        await writeArchiveText(
          db,
          retiree.id,
          `${CARE_TYPE_NAMES[input.type]}：${input.provider.trim()}`,
          userId,
        );
      return this.arrangement(id, db);
    });
  }

  async end(id: string, input: CareArrangementEnd, userId: string): Promise<CareArrangement> {
    const endOn = checkDate(input.endOn, 'endOn');
    if (endOn > this.today()) throw badRequest('endOn: 结束日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const current = await this.arrangement(id, db);
      if (!current.current) throw conflict('该养老服务安排已结束');
      if (endOn < current.startOn) throw badRequest('endOn: 结束日期不能早于开始日期');
      await this.endRow(db, current.id, current.retireeId, endOn, input.reason.trim(), userId);
      return this.arrangement(id, db);
    });
  }

  private async endRow(
    db: Queryable,
    id: string,
    retireeId: string,
    endOn: string,
    reason: string,
    userId: string,
  ) {
    await db.query('update care_arrangements set end_on = $2, end_reason = $3 where id = $1', [
      id,
      endOn,
      reason,
    ]);
    await writeArchiveText(db, retireeId, '', userId);
  }

  /** On a death (6.10): the current arrangement ends on the day of death. */
  async endOnDeath(tx: Queryable, retireeId: string, diedOn: string, userId: string): Promise<string | null> {
    const [row] = await tx.query<{ id: string; start_on: string }>(
      'select id, start_on::text as start_on from care_arrangements where retiree_id = $1 and end_on is null for update',
      [retireeId],
    );
    if (!row) return null;
    const endOn = diedOn < row.start_on ? row.start_on : diedOn;
    await this.endRow(tx, row.id, retireeId, endOn, '去世', userId);
    return row.id;
  }

  /** The care-visit log in `scope`, newest first. */
  async visits(query: CareVisitQuery, scope: Scope = WHOLE_CENTRE): Promise<CareVisit[]> {
    const filter = new Filter()
      .inScope(scope, 'v.retiree_id')
      .id('v.retiree_id', query.retireeId, 'retiree')
      .id('v.arrangement_id', query.arrangementId, 'care arrangement');
    const rows = await this.db.query<Selected<CareVisit>>(
      `${selectVisit} where ${filter.sql}
        order by v.visited_on desc, v.created_at desc limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return rows.map(created);
  }

  /** A care visit on an arrangement, on a day within it and not in the future. */
  async recordVisit(input: CareVisitInput, userId: string): Promise<CareVisit> {
    const visitedOn = checkDate(input.visitedOn, 'visitedOn');
    if (visitedOn > this.today()) throw badRequest('visitedOn: 探视日期不能晚于今天');
    const arrangement = await this.arrangement(input.arrangementId);
    if (visitedOn < arrangement.startOn || (arrangement.endOn && visitedOn > arrangement.endOn)) {
      throw badRequest('visitedOn: 探视日期不在该养老服务安排的期间内');
    }
    const id = randomUUID();
    await insertRow(this.db, 'care_visits', {
      id,
      arrangement_id: arrangement.id,
      retiree_id: arrangement.retireeId,
      visited_on: visitedOn,
      visitor: input.visitor.trim(),
      content: input.content.trim(),
      problems: (input.problems ?? '').trim(),
      recorded_by: userId,
    });
    const [row] = await this.db.query<Selected<CareVisit>>(`${selectVisit} where v.id = $1`, [id]);
    if (!row) throw notFound('care visit');
    return created(row);
  }
}
