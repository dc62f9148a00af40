/**
 * Living treatment (6.3 生活待遇). A benefit — nursing fee 护理费 and survivor subsidy 遗属生活补助
 * (6.3.2.6), home-leave and hospital meal subsidies (6.3.2.2) — goes applied → approved (or
 * rejected) → paid (each payment a row: period and amount in fen) → stopped, every step with who,
 * when and a note. A stop names its reason; nothing is paid on a stopped or rejected benefit.
 * Dates in centre time from the clock. Preferential cards held are ./cards.ts.
 */

import { randomUUID } from 'node:crypto';
import { addMonths } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Benefit,
  BenefitApproval,
  BenefitEvent,
  BenefitInput,
  BenefitKind,
  BenefitPayment,
  BenefitQuery,
  BenefitRejection,
  BenefitStatus,
  BenefitStop,
  CardKind,
  PaymentInput,
  StopReason,
} from '../schemas/benefits.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { checkDate, notAfterToday, retireeOr404, userOr400 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isoRequired, isUniqueViolation } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const BENEFIT_NAMES: Record<BenefitKind, string> = {
  nursing_fee: '护理费',
  survivor_subsidy: '遗属生活补助',
  home_leave_meal: '探亲伙食补助',
  hospital_meal: '住院伙食补助',
};
export const CARD_NAMES: Record<CardKind, string> = {
  veteran_card: '退役军人优待证',
  senior_card: '老年优待证',
  transport_card: '乘车证',
};
export const STOP_REASON_NAMES: Record<StopReason, string> = {
  death: '去世',
  moved: '迁出',
  not_eligible: '不再符合条件',
  other: '其他',
};

/** The benefits of the retiree's own living that end with the retiree (6.10.2.4 opens the survivor's). */
export const LIVING_KINDS: BenefitKind[] = ['nursing_fee', 'home_leave_meal', 'hospital_meal'];
/** An application awaits approval this many days before it shows as overdue on the work list. */
export const APPROVAL_DAYS = dayDeadline('benefits.approval_days', 10, {
  title: '生活待遇申请审批时限（天）',
  clause: '6.3.2.6',
});
/** A benefit being paid is reviewed this many months after approval unless a date is given. */
export const REVIEW_MONTHS = 12;

/** Which step each state allows: the state machine of 6.3.2.6. */
const ALLOWED: Record<'approve' | 'reject' | 'pay' | 'stop', BenefitStatus[]> = {
  approve: ['applied'],
  reject: ['applied'],
  pay: ['approved', 'paid'],
  stop: ['applied', 'approved', 'paid'],
};
export const STATUS_NAMES: Record<BenefitStatus, string> = {
  applied: '已申报',
  approved: '已审批',
  rejected: '未通过',
  paid: '发放中',
  stopped: '已停发',
};

interface BenefitRow {
  id: string;
  retiree_id: string;
  retiree_name: string;
  kind: BenefitKind;
  beneficiary_name: string;
  beneficiary_relation: string;
  monthly_amount_fen: number | null;
  status: BenefitStatus;
  applied_on: string;
  owner_id: string | null;
  review_on: string | null;
  stop_reason: StopReason | null;
  stopped_on: string | null;
  note: string;
  created_at: Date | string;
}

const selectBenefit = `select b.id, b.retiree_id, r.name as retiree_name, b.kind, b.beneficiary_name,
    b.beneficiary_relation, b.monthly_amount_fen, b.status, b.applied_on::text as applied_on, b.owner_id,
    b.review_on::text as review_on, b.stop_reason, b.stopped_on::text as stopped_on, b.note, b.created_at
  from benefits b join retirees r on r.id = b.retiree_id`;

export class BenefitService extends RecordKeeper {
  // ----- benefits -----

  private async hydrate(db: Queryable, rows: BenefitRow[]): Promise<Benefit[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const events = await db.query<{
      benefit_id: string;
      action: BenefitEvent['action'];
      at: Date | string;
      by_user: string | null;
      by_name: string | null;
      note: string;
    }>(
      `select e.benefit_id, e.action, e.at, e.by_user, u.display_name as by_name, e.note
         from benefit_events e left join users u on u.id = e.by_user
        where e.benefit_id = any($1::uuid[]) order by e.id`,
      [ids],
    );
    const payments = await db.query<{
      id: string;
      benefit_id: string;
      period: string;
      amount_fen: number;
      paid_on: string;
      note: string;
    }>(
      `select id, benefit_id, period, amount_fen, paid_on::text as paid_on, note
         from benefit_payments where benefit_id = any($1::uuid[]) order by period`,
      [ids],
    );
    // Grouped once, so a long list (an export) costs one pass over the steps and payments.
    const eventsOf = groupBy(events, (e) => e.benefit_id);
    const paymentsOf = groupBy(payments, (p) => p.benefit_id);
    return rows.map((row) => {
      const own: BenefitPayment[] = (paymentsOf.get(row.id) ?? []).map((p) => ({
        id: p.id,
        period: p.period,
        amountFen: Number(p.amount_fen),
        paidOn: p.paid_on,
        note: p.note,
      }));
      return {
        id: row.id,
        retireeId: row.retiree_id,
        retireeName: row.retiree_name,
        kind: row.kind,
        kindName: BENEFIT_NAMES[row.kind],
        beneficiaryName: row.beneficiary_name,
        beneficiaryRelation: row.beneficiary_relation,
        monthlyAmountFen: row.monthly_amount_fen === null ? null : Number(row.monthly_amount_fen),
        status: row.status,
        appliedOn: row.applied_on,
        ownerId: row.owner_id,
        reviewOn: row.review_on,
        stopReason: row.stop_reason,
        stoppedOn: row.stopped_on,
        note: row.note,
        paidTotalFen: own.reduce((sum, p) => sum + p.amountFen, 0),
        events: (eventsOf.get(row.id) ?? []).map((e) => ({
          action: e.action,
          at: isoRequired(e.at),
          byId: e.by_user,
          byName: e.by_name,
          note: e.note,
        })),
        payments: own,
        createdAt: isoRequired(row.created_at),
      };
    });
  }

  /** The benefits in `scope`, newest first; `limit` may go beyond the query's for an export. */
  async list(query: BenefitQuery, scope: Scope = WHOLE_CENTRE): Promise<Benefit[]> {
    const filter = new Filter()
      .inScope(scope, 'b.retiree_id')
      .id('b.retiree_id', query.retireeId, 'retiree')
      .when('b.kind = ?', query.kind)
      .when('b.status = ?', query.status);
    const rows = await this.db.query<BenefitRow>(
      `${selectBenefit} where ${filter.sql}
        order by b.created_at desc, b.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.hydrate(this.db, rows);
  }

  async get(id: string, db: Queryable = this.db): Promise<Benefit> {
    const rows = await db.query<BenefitRow>(`${selectBenefit} where b.id = $1`, [uuidOr404(id, 'benefit')]);
    const [benefit] = await this.hydrate(db, rows);
    if (!benefit) throw notFound('benefit');
    return benefit;
  }

  /** Whose benefit this is, for the scope check before a step; 404 when there is none. */
  async retireeOf(id: string): Promise<string> {
    const [row] = await this.db.query<{ retiree_id: string }>(
      'select retiree_id from benefits where id = $1',
      [uuidOr404(id, 'benefit')],
    );
    if (!row) throw notFound('benefit');
    return row.retiree_id;
  }

  /** Opens an application (申报). Inside `tx` when another step (a death) opens it. */
  async apply(input: BenefitInput, userId: string, tx?: Queryable): Promise<Benefit> {
    const work = async (db: Queryable) => {
      const retiree = await retireeOr404(db, input.retireeId);
      const survivor = input.kind === 'survivor_subsidy';
      if (!survivor && retiree.status === 'deceased') {
        throw conflict(`${retiree.name}已故，不能申报${BENEFIT_NAMES[input.kind]}`);
      }
      const beneficiary = (input.beneficiaryName ?? '').trim();
      if (survivor && !beneficiary) throw badRequest('beneficiaryName: 遗属生活补助须写明遗属姓名');
      const appliedOn = notAfterToday(input.appliedOn ?? this.today(), 'appliedOn', this.today());
      const ownerId = input.ownerId ? await userOr400(db, input.ownerId) : userId;
      const id = randomUUID();
      await db.query(
        `insert into benefits (id, retiree_id, kind, beneficiary_name, beneficiary_relation,
           monthly_amount_fen, applied_on, owner_id, note, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          retiree.id,
          input.kind,
          beneficiary,
          (input.beneficiaryRelation ?? '').trim(),
          input.monthlyAmountFen ?? null,
          appliedOn,
          ownerId,
          input.note ?? '',
          userId,
        ],
      );
      await this.event(db, id, 'apply', userId, input.note ?? '');
      return this.get(id, db);
    };
    return tx ? work(tx) : this.db.transaction(work);
  }

  private async event(
    db: Queryable,
    id: string,
    action: BenefitEvent['action'],
    userId: string,
    note: string,
  ) {
    await db.query('insert into benefit_events (benefit_id, action, by_user, note) values ($1, $2, $3, $4)', [
      id,
      action,
      userId,
      note,
    ]);
  }

  /** The row locked for a step, refused with 409 when its state does not allow the step. */
  private async lockFor(db: Queryable, id: string, step: keyof typeof ALLOWED): Promise<BenefitRow> {
    const [row] = await db.query<BenefitRow>(
      `select b.id, b.status, b.kind, b.applied_on::text as applied_on, b.monthly_amount_fen
         from benefits b where b.id = $1 for update`,
      [uuidOr404(id, 'benefit')],
    );
    if (!row) throw notFound('benefit');
    if (!ALLOWED[step].includes(row.status)) {
      const names = { approve: '审批', reject: '驳回', pay: '发放', stop: '停发' };
      throw conflict(`待遇${STATUS_NAMES[row.status]}，不能${names[step]}`);
    }
    return row;
  }

  async approve(id: string, input: BenefitApproval, userId: string): Promise<Benefit> {
    return this.db.transaction(async (db) => {
      const row = await this.lockFor(db, id, 'approve');
      const today = this.today();
      const reviewOn = input.reviewOn
        ? checkDate(input.reviewOn, 'reviewOn')
        : addMonths(today, REVIEW_MONTHS);
      if (reviewOn < today) throw badRequest('reviewOn: 复核日期不能早于今天');
      await db.query(
        `update benefits set status = 'approved', review_on = $2,
           monthly_amount_fen = coalesce($3, monthly_amount_fen), updated_at = now() where id = $1`,
        [row.id, reviewOn, input.monthlyAmountFen ?? null],
      );
      await this.event(db, row.id, 'approve', userId, input.note ?? '');
      return this.get(row.id, db);
    });
  }

  async reject(id: string, input: BenefitRejection, userId: string): Promise<Benefit> {
    const note = input.note.trim();
    if (!note) throw badRequest('note: 请写明不予通过的理由');
    return this.db.transaction(async (db) => {
      const row = await this.lockFor(db, id, 'reject');
      await db.query(`update benefits set status = 'rejected', updated_at = now() where id = $1`, [row.id]);
      await this.event(db, row.id, 'reject', userId, note);
      return this.get(row.id, db);
    });
  }

  /** A payment for one period (发放); a stopped, rejected or unapproved benefit is refused with 409. */
  async pay(id: string, input: PaymentInput, userId: string): Promise<Benefit> {
    const paidOn = notAfterToday(input.paidOn ?? this.today(), 'paidOn', this.today());
    return this.db.transaction(async (db) => {
      const row = await this.lockFor(db, id, 'pay');
      if (input.period < row.applied_on.slice(0, 7)) {
        throw badRequest('period: 不能早于申报月份');
      }
      try {
        await db.query(
          `insert into benefit_payments (id, benefit_id, period, amount_fen, paid_on, paid_by, note)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [randomUUID(), row.id, input.period, input.amountFen, paidOn, userId, input.note ?? ''],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`${input.period} 已发放`);
        throw error;
      }
      await db.query(`update benefits set status = 'paid', updated_at = now() where id = $1`, [row.id]);
      await this.event(
        db,
        row.id,
        'pay',
        userId,
        `${input.period} ${input.amountFen}分 ${input.note ?? ''}`.trim(),
      );
      return this.get(row.id, db);
    });
  }

  async stop(id: string, input: BenefitStop, userId: string): Promise<Benefit> {
    const note = (input.note ?? '').trim();
    if (input.reason === 'other' && !note) throw badRequest('note: 停发原因为“其他”时须写明理由');
    const stoppedOn = notAfterToday(input.stoppedOn ?? this.today(), 'stoppedOn', this.today());
    return this.db.transaction(async (db) => {
      const row = await this.lockFor(db, id, 'stop');
      await this.stopRow(db, row.id, input.reason, stoppedOn, userId, note);
      return this.get(row.id, db);
    });
  }

  private async stopRow(
    db: Queryable,
    id: string,
    reason: StopReason,
    stoppedOn: string,
    userId: string,
    note: string,
  ) {
    await db.query(
      `update benefits set status = 'stopped', stop_reason = $2, stopped_on = $3, updated_at = now()
        where id = $1`,
      [id, reason, stoppedOn],
    );
    await this.event(db, id, 'stop', userId, `${STOP_REASON_NAMES[reason]}${note ? `：${note}` : ''}`);
  }

  /** On a death (6.10): the retiree's own living benefits still open are stopped, reason death. */
  async stopLivingOnDeath(
    tx: Queryable,
    retireeId: string,
    diedOn: string,
    userId: string,
  ): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `select id from benefits where retiree_id = $1 and kind = any($2::text[])
          and status in ('applied', 'approved', 'paid') for update`,
      [retireeId, LIVING_KINDS],
    );
    for (const row of rows) await this.stopRow(tx, row.id, 'death', diedOn, userId, `逝世日期 ${diedOn}`);
    return rows.map((row) => row.id);
  }
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
