/** Treatment in another city (6.5.2.5): the centre arranges the approval; a supervisor decides. */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { badRequest, conflict } from '../errors.ts';
import type { User } from '../schemas/auth.ts';
import type { Treatment } from '../schemas/medical.ts';
import { Filter } from '../store/filter.ts';
import { iso, isoRequired } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

interface TreatmentRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  hospital: string;
  city: string;
  reason: string;
  from_on: string;
  to_on: string;
  status: Treatment['status'];
  requested_by: string;
  requested_by_name: string;
  requested_at: Date;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

const SELECT = `select t.id, t.retiree_id, p.name as retiree_name, t.hospital, t.city, t.reason,
    t.from_on::text as from_on, t.to_on::text as to_on, t.status, t.requested_by, r.display_name as requested_by_name,
    t.requested_at, t.decided_by, d.display_name as decided_by_name, t.decided_at, t.decision_note
  from out_of_town_treatments t
  join retirees p on p.id = t.retiree_id
  join users r on r.id = t.requested_by
  left join users d on d.id = t.decided_by`;

const toTreatment = (row: TreatmentRow): Treatment => ({
  id: row.id,
  retireeId: row.retiree_id,
  retireeName: row.retiree_name,
  hospital: row.hospital,
  city: row.city,
  reason: row.reason,
  from: row.from_on,
  to: row.to_on,
  status: row.status,
  requestedById: row.requested_by,
  requestedBy: row.requested_by_name,
  requestedAt: isoRequired(row.requested_at),
  decidedById: row.decided_by,
  decidedBy: row.decided_by_name,
  decidedAt: iso(row.decided_at),
  decisionNote: row.decision_note,
});

export class Treatments {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    retireeId: string,
    by: User,
    input: { hospital: string; city: string; reason: string; from: string; to: string },
  ): Promise<Treatment> {
    if (input.to < input.from) throw badRequest('结束日期（to）不能早于开始日期（from）');
    const id = randomUUID();
    await this.db.query(
      `insert into out_of_town_treatments (id, retiree_id, hospital, city, reason, from_on, to_on, requested_by, requested_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, retireeId, input.hospital, input.city, input.reason, input.from, input.to, by.id, this.now()],
    );
    return (await this.byId(id)) as Treatment;
  }

  async byId(id: string): Promise<Treatment | null> {
    const [row] = await this.db.query<TreatmentRow>(`${SELECT} where t.id = $1`, [id]);
    return row ? toTreatment(row) : null;
  }

  async list(
    filter: {
      status?: Treatment['status'] | undefined;
      retireeId?: string | undefined;
      limit: number;
    },
    scope: Scope = WHOLE_CENTRE,
  ): Promise<Treatment[]> {
    const where = new Filter()
      .when('t.status = ?', filter.status)
      .when('t.retiree_id = ?', filter.retireeId)
      .inScope(scope, 't.retiree_id');
    const rows = await this.db.query<TreatmentRow>(
      `${SELECT} where ${where.sql} order by t.requested_at desc, t.id limit ${Number(filter.limit)}`,
      where.params,
    );
    return rows.map(toTreatment);
  }

  /** Approves or rejects a pending request (409 once decided); a rejection gives its reason. */
  async decide(
    id: string,
    by: User,
    decision: 'approve' | 'reject',
    note: string,
  ): Promise<Treatment | null> {
    if (decision === 'reject' && !note) throw badRequest('不批准时须填写理由（note）');
    const updated = await this.db.query<{ id: string }>(
      `update out_of_town_treatments set status = $2, decided_by = $3, decided_at = $4, decision_note = $5
        where id = $1 and status = 'requested' returning id`,
      [id, decision === 'approve' ? 'approved' : 'rejected', by.id, this.now(), note],
    );
    const found = await this.byId(id);
    if (found && !updated.length) throw conflict('该外地就医申请已审批');
    return found;
  }
}
