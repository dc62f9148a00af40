/**
 * Medical reimbursements and subsidies (6.5.2.1 医疗费报销): a claim is the receipts (票据) a
 * retiree hands in, each with its number, issuer, day and amount; the claim's amount is their sum.
 * A receipt already on a claim that was not refused cannot be claimed again. An out-of-town claim
 * names the out-of-town treatment approved for it (6.5.2.3). A manager approves the claim (the
 * whole or a part) or refuses it with the reason; approved, it is paid, in the month of its day.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  ClaimApproval,
  ClaimKind,
  ClaimPayment,
  ClaimRejection,
  ClaimStatus,
  MedicalClaim,
  MedicalClaimInput,
  MedicalClaimQuery,
  Receipt,
} from '../schemas/pay.ts';
import { notAfterToday, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { childrenBy, timed } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const CLAIM_NAMES: Record<ClaimKind, string> = {
  outpatient: '门诊医疗费',
  inpatient: '住院医疗费',
  out_of_town: '异地就医医疗费',
  subsidy: '医疗补助',
};

export const CLAIM_STATUS_NAMES: Record<ClaimStatus, string> = {
  submitted: '已受理',
  approved: '已审核',
  rejected: '不予报销',
  paid: '已支付',
};

const SELECT_CLAIM = `select c.id, c.retiree_id as "retireeId", r.name as "retireeName", c.kind,
    c.treatment_id as "treatmentId", c.submitted_on::text as "submittedOn", c.claimed_fen as "claimedFen", c.status,
    c.approved_fen as "approvedFen", d.display_name as "decidedBy", c.decided_at as "decidedAt",
    c.decision_note as "decisionNote", c.paid_on::text as "paidOn", c.paid_period as "paidPeriod", c.note,
    u.display_name as "recordedBy", c.recorded_at as "recordedAt"
  from medical_claims c join retirees r on r.id = c.retiree_id join users u on u.id = c.recorded_by
  left join users d on d.id = c.decided_by`;

type ClaimRow = Omit<MedicalClaim, 'kindName' | 'receipts' | 'decidedAt' | 'recordedAt'> & {
  decidedAt: Date | string | null;
  recordedAt: Date | string;
};

export class MedicalClaims extends RecordKeeper {
  async list(query: MedicalClaimQuery, scope: Scope = WHOLE_CENTRE): Promise<MedicalClaim[]> {
    const filter = new Filter()
      .inScope(scope, 'c.retiree_id')
      .id('c.retiree_id', query.retireeId, 'retiree')
      .when('c.kind = ?', query.kind)
      .when('c.status = ?', query.status)
      .when('c.paid_period = ?', query.period);
    const rows = await this.db.query<ClaimRow>(
      `${SELECT_CLAIM} where ${filter.sql} order by c.submitted_on desc, c.recorded_at desc
        limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.hydrate(this.db, rows);
  }

  async one(id: string, db: Queryable = this.db): Promise<MedicalClaim> {
    const rows = await db.query<ClaimRow>(`${SELECT_CLAIM} where c.id = $1`, [
      uuidOr404(id, 'medical claim'),
    ]);
    if (rows.length === 0) throw notFound('medical claim');
    return (await this.hydrate(db, rows))[0] as MedicalClaim;
  }

  private async hydrate(db: Queryable, rows: ClaimRow[]): Promise<MedicalClaim[]> {
    if (rows.length === 0) return [];
    const receipts = await db.query<Receipt & { claimId: string }>(
      `select claim_id as "claimId", number, issuer, issued_on::text as "issuedOn", amount_fen as "amountFen"
         from medical_claim_receipts where claim_id = any($1::uuid[]) order by seq`,
      [rows.map((row) => row.id)],
    );
    const receiptsOf = childrenBy(receipts, 'claimId');
    return rows.map((row) => ({
      ...timed<Omit<MedicalClaim, 'kindName' | 'receipts'>, 'decidedAt' | 'recordedAt'>(
        row,
        'decidedAt',
        'recordedAt',
      ),
      kindName: CLAIM_NAMES[row.kind],
      receipts: receiptsOf(row.id),
    }));
  }

  /** A claim handed in, with its receipts (受理). */
  async submit(input: MedicalClaimInput, by: string): Promise<MedicalClaim> {
    const today = this.today();
    const retiree = await retireeOr404(this.db, input.retireeId);
    const submittedOn = notAfterToday(input.submittedOn ?? today, 'submittedOn', today);
    const receipts = input.receipts.map((receipt, index) => {
      const field = `receipts/${index}`;
      notAfterToday(receipt.issuedOn, `${field}/issuedOn`, today);
      if (receipt.issuedOn > submittedOn)
        throw badRequest(`${field}/issuedOn: 票据日期应不晚于受理日期 (not after submittedOn)`);
      const number = receipt.number.trim();
      const issuer = receipt.issuer.trim();
      if (!number || !issuer) throw badRequest(`${field}: 请填写票据号码和开具单位`);
      return { ...receipt, number, issuer };
    });
    const keys = receipts.map((receipt) => `${receipt.issuer}\u0000${receipt.number}`);
    const twice = keys.findIndex((key, index) => keys.indexOf(key) !== index);
    if (twice >= 0) throw badRequest(`receipts/${twice}: 同一张票据重复填写 (the same receipt twice)`);
    const treatmentId = await this.treatmentFor(input, retiree.id);
    const claimed = receipts.reduce((sum, receipt) => sum + receipt.amountFen, 0);
    if (claimed > 100_000_000) throw badRequest('receipts: 合计金额过大 (the total is too large)');
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      for (const receipt of receipts) {
        const [used] = await tx.query<{ submitted_on: string }>(
          `select c.submitted_on::text as submitted_on from medical_claim_receipts x join medical_claims c on c.id = x.claim_id
            where x.issuer = $1 and x.number = $2 and c.status <> 'rejected' limit 1`,
          [receipt.issuer, receipt.number],
        );
        if (used)
          throw conflict(
            `票据 ${receipt.issuer} ${receipt.number} 已于 ${used.submitted_on} 申请报销 (the receipt is on another claim)`,
          );
      }
      await tx.query(
        `insert into medical_claims (id, retiree_id, kind, treatment_id, submitted_on, claimed_fen, note, recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          retiree.id,
          input.kind,
          treatmentId,
          submittedOn,
          claimed,
          input.note?.trim() ?? '',
          by,
          this.clock(),
        ],
      );
      for (const [seq, receipt] of receipts.entries()) {
        await tx.query(
          `insert into medical_claim_receipts (id, claim_id, seq, number, issuer, issued_on, amount_fen)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [randomUUID(), id, seq, receipt.number, receipt.issuer, receipt.issuedOn, receipt.amountFen],
        );
      }
    });
    return this.one(id);
  }

  /** The out-of-town treatment an out-of-town claim names: the retiree's, and approved (6.5.2.3). */
  private async treatmentFor(input: MedicalClaimInput, retireeId: string): Promise<string | null> {
    if (!input.treatmentId) {
      if (input.kind === 'out_of_town')
        throw badRequest('treatmentId: 异地就医报销须关联已批准的异地就医申请 (name the approved treatment)');
      return null;
    }
    const [treatment] = await this.db.query<{ retiree_id: string; status: string }>(
      'select retiree_id, status from out_of_town_treatments where id = $1',
      [uuidOr404(input.treatmentId, 'out-of-town treatment')],
    );
    if (!treatment || treatment.retiree_id !== retireeId)
      throw badRequest('treatmentId: 不是这位老人的异地就医申请 (not this retiree’s treatment)');
    if (treatment.status !== 'approved')
      throw conflict('异地就医申请尚未批准，不能报销 (the out-of-town treatment is not approved)');
    return input.treatmentId;
  }

  private async step(
    id: string,
    from: ClaimStatus,
    refusal: string,
    change: (tx: Queryable, claim: MedicalClaim) => Promise<unknown>,
  ): Promise<MedicalClaim> {
    return this.db.transaction(async (tx) => {
      const claim = await this.one(id, tx);
      if (claim.status !== from) throw conflict(refusal);
      await change(tx, claim);
      return this.one(claim.id, tx);
    });
  }

  async approve(id: string, approval: ClaimApproval, by: string): Promise<MedicalClaim> {
    return this.step(
      id,
      'submitted',
      '只能审核已受理的报销 (only a submitted claim is approved)',
      (tx, claim) => {
        const amount = approval.approvedFen ?? claim.claimedFen;
        if (amount > claim.claimedFen)
          throw badRequest('approvedFen: 核准金额不能超过票据合计 (not more than the receipts)');
        return tx.query(
          `update medical_claims set status = 'approved', approved_fen = $2, decided_by = $3, decided_at = $4,
           decision_note = $5 where id = $1`,
          [claim.id, amount, by, this.clock(), approval.note?.trim() ?? ''],
        );
      },
    );
  }

  async reject(id: string, rejection: ClaimRejection, by: string): Promise<MedicalClaim> {
    if (!rejection.note.trim()) throw badRequest('note: 请写明不予报销的理由');
    return this.step(
      id,
      'submitted',
      '只能退回已受理的报销 (only a submitted claim is refused)',
      (tx, claim) =>
        tx.query(
          `update medical_claims set status = 'rejected', decided_by = $2, decided_at = $3, decision_note = $4
          where id = $1`,
          [claim.id, by, this.clock(), rejection.note.trim()],
        ),
    );
  }

  async pay(id: string, payment: ClaimPayment, by: string): Promise<MedicalClaim> {
    const today = this.today();
    const paidOn = notAfterToday(payment.paidOn ?? today, 'paidOn', today);
    return this.step(id, 'approved', '只能支付已审核的报销 (only an approved claim is paid)', (tx, claim) => {
      if (paidOn < claim.submittedOn)
        throw badRequest('paidOn: 支付日期应不早于受理日期 (not before submittedOn)');
      return tx.query(
        `update medical_claims set status = 'paid', paid_on = $2, paid_period = $3, paid_by = $4 where id = $1`,
        [claim.id, paidOn, paidOn.slice(0, 7), by],
      );
    });
  }
}
