/**
 * The register of what retirees contribute (6.9): volunteers (6.9.2.1 公益和志愿服务), the retiree think tank
 * (6.9.2.2 军休智库) and community political commissars (6.9.2.3 社区政委), each with skills and
 * availability, active from a day until ended with a reason; and the service hours logged for it.
 */

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Contribution,
  ContributionEnd,
  ContributionInput,
  ContributionKind,
  ContributionQuery,
  ServiceHours,
  ServiceHoursInput,
} from '../schemas/contributions.ts';
import { checkDate, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { created, insertRow, isUniqueViolation, type Selected } from '../store/rows.ts';
import { assertInScope, type Scope } from '../store/scope.ts';

export const KIND_NAMES: Record<ContributionKind, string> = {
  volunteer: '志愿者',
  think_tank: '军休智库',
  community_commissar: '社区政治指导员',
};

type EntryRow = Selected<Omit<Contribution, 'kindName'>>;

const selectEntry = `select e.id, e.retiree_id as "retireeId", r.name as "retireeName", e.role as kind, e.skills,
    e.availability, e.started_on::text as "startedOn", e.ended_on::text as "endedOn", e.end_reason as "endReason",
    e.ended_on is null as active, e.notes, e.created_at as "createdAt",
    (select coalesce(sum(h.hours), 0)::float8 from role_service_hours h where h.role_id = e.id) as "totalHours"
  from retiree_roles e join retirees r on r.id = e.retiree_id`;

/** The columns of service hours, under the API's names. */
const hoursColumns = `id, role_id as "contributionId", retiree_id as "retireeId", served_on::text as "servedOn",
  hours::float8 as hours, activity, recorded_by as "recordedBy", created_at as "createdAt"`;

function toEntry(row: EntryRow): Contribution {
  return created({ ...row, kindName: KIND_NAMES[row.kind], skills: row.skills ?? [] });
}

/** Skills trimmed, blanks and repeats dropped, in the order given. */
export function cleanSkills(skills: readonly string[]): string[] {
  return [...new Set(skills.map((skill) => skill.trim()).filter(Boolean))];
}

export class ContributionRegister extends RecordKeeper {
  async list(query: ContributionQuery, scope: Scope): Promise<Contribution[]> {
    const filter = new Filter()
      .inScope(scope, 'e.retiree_id')
      .id('e.retiree_id', query.retireeId, 'retiree')
      .when('e.role = ?', query.kind)
      .either(query.active, 'e.ended_on is null', 'e.ended_on is not null')
      .when('? = any(e.skills)', query.skill?.trim());
    const rows = await this.db.query<EntryRow>(
      `${selectEntry} where ${filter.sql}
        order by e.ended_on nulls first, r.name, e.role, e.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return rows.map(toEntry);
  }

  async byId(id: string, scope: Scope, db: Queryable = this.db): Promise<Contribution> {
    const [row] = await db.query<EntryRow>(`${selectEntry} where e.id = $1`, [
      uuidOr404(id, 'register entry'),
    ]);
    if (!row) throw notFound('register entry');
    await assertInScope(db, scope, row.retireeId);
    return toEntry(row);
  }

  /** A retiree takes on a role; 409 while the same role is active, or when the retiree has died. */
  async create(input: ContributionInput, userId: string, scope: Scope): Promise<Contribution> {
    const startedOn = checkDate(input.startedOn, 'startedOn');
    if (startedOn > this.today()) throw badRequest('startedOn: 开始日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const retiree = await retireeOr404(db, input.retireeId);
      await assertInScope(db, scope, retiree.id);
      if (retiree.status === 'deceased') throw conflict(`${retiree.name}已故，不能登记`);
      const id = randomUUID();
      try {
        await insertRow(db, 'retiree_roles', {
          id,
          retiree_id: retiree.id,
          role: input.kind,
          skills: cleanSkills(input.skills ?? []),
          availability: (input.availability ?? '').trim(),
          started_on: startedOn,
          notes: (input.notes ?? '').trim(),
          created_by: userId,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`${retiree.name}已登记为${KIND_NAMES[input.kind]}`);
        throw error;
      }
      return this.byId(id, scope, db);
    });
  }

  async end(id: string, input: ContributionEnd, scope: Scope): Promise<Contribution> {
    const endedOn = checkDate(input.endedOn, 'endedOn');
    if (endedOn > this.today()) throw badRequest('endedOn: 结束日期不能晚于今天');
    return this.db.transaction(async (db) => {
      const entry = await this.byId(id, scope, db);
      if (!entry.active) throw conflict('该登记已结束');
      if (endedOn < entry.startedOn) throw badRequest('endedOn: 结束日期不能早于开始日期');
      const [late] = await db.query<{ served_on: string }>(
        'select max(served_on)::text as served_on from role_service_hours where role_id = $1',
        [entry.id],
      );
      if (late?.served_on && endedOn < late.served_on) {
        throw badRequest(`endedOn: 结束日期不能早于已登记的服务日期 ${late.served_on}`);
      }
      await db.query('update retiree_roles set ended_on = $2, end_reason = $3 where id = $1', [
        entry.id,
        endedOn,
        input.reason.trim(),
      ]);
      return this.byId(entry.id, scope, db);
    });
  }

  async hours(id: string, scope: Scope): Promise<ServiceHours[]> {
    const entry = await this.byId(id, scope);
    const rows = await this.db.query<Selected<ServiceHours>>(
      `select ${hoursColumns} from role_service_hours where role_id = $1 order by served_on desc, created_at desc`,
      [entry.id],
    );
    return rows.map(created);
  }

  /** Hours served on a day within the role's period, never in the future. */
  async logHours(id: string, input: ServiceHoursInput, userId: string, scope: Scope): Promise<ServiceHours> {
    const servedOn = checkDate(input.servedOn, 'servedOn');
    if (servedOn > this.today()) throw badRequest('servedOn: 服务日期不能晚于今天');
    const entry = await this.byId(id, scope);
    if (servedOn < entry.startedOn || (entry.endedOn && servedOn > entry.endedOn)) {
      throw badRequest('servedOn: 服务日期不在该登记的有效期内');
    }
    const hoursId = randomUUID();
    const [row] = await insertRow<Selected<ServiceHours>>(
      this.db,
      'role_service_hours',
      {
        id: hoursId,
        role_id: entry.id,
        retiree_id: entry.retireeId,
        served_on: servedOn,
        hours: input.hours,
        activity: input.activity.trim(),
        recorded_by: userId,
      },
      `returning ${hoursColumns}`,
    );
    if (!row) throw notFound('service hours');
    return created(row);
  }
}
