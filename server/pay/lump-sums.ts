/**
 * The one-off payments after a death (6.10.2.4): the funeral allowance (丧葬费) and the survivor
 * pension (一次性抚恤金), each paid once for a retiree whose death is recorded, to the payee named,
 * with the amount; and other one-off payments by name. Recording the funeral allowance or the
 * survivor pension closes the bereavement step that asks for it, when it is still open.
 */
import { randomUUID } from 'node:crypto';
import { closeStepDone } from '../bereavement/service.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { yuanText } from '../export/workbook.ts';
import { uuidOr404 } from '../ids.ts';
import type { LumpSum, LumpSumInput, LumpSumKind, LumpSumQuery } from '../schemas/pay.ts';
import { notAfterToday, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isUniqueViolation, timed } from '../store/rows.ts';
import { type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const LUMP_SUM_NAMES: Record<LumpSumKind, string> = {
  funeral_allowance: '丧葬费',
  survivor_pension: '一次性抚恤金',
  other: '其他',
};

const SELECT_LUMP_SUM = `select p.id, p.retiree_id as "retireeId", r.name as "retireeName", p.kind, p.name,
    p.payee_name as "payeeName", p.payee_relation as "payeeRelation", p.amount_fen as "amountFen",
    p.paid_on::text as "paidOn", p.period, p.note, u.display_name as "recordedBy", p.recorded_at as "recordedAt"
  from lump_sum_payments p join retirees r on r.id = p.retiree_id join users u on u.id = p.recorded_by`;

type LumpSumRow = Omit<LumpSum, 'kindName' | 'recordedAt'> & { recordedAt: Date | string };

export class LumpSums extends RecordKeeper {
  async list(query: LumpSumQuery, scope: Scope = WHOLE_CENTRE): Promise<LumpSum[]> {
    const filter = new Filter()
      .inScope(scope, 'p.retiree_id')
      .id('p.retiree_id', query.retireeId, 'retiree')
      .when('p.kind = ?', query.kind)
      .when('p.period = ?', query.period);
    const rows = await this.db.query<LumpSumRow>(
      `${SELECT_LUMP_SUM} where ${filter.sql} order by p.paid_on desc, p.recorded_at desc
        limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return rows.map(toLumpSum);
  }

  async one(id: string): Promise<LumpSum> {
    const [row] = await this.db.query<LumpSumRow>(`${SELECT_LUMP_SUM} where p.id = $1`, [
      uuidOr404(id, 'payment'),
    ]);
    if (!row) throw notFound('payment');
    return toLumpSum(row);
  }

  /** A one-off payment made; 409 for a second funeral allowance or survivor pension, or before a death is recorded. */
  async record(input: LumpSumInput, by: string): Promise<LumpSum> {
    const today = this.today();
    const retiree = await retireeOr404(this.db, input.retireeId);
    const paidOn = notAfterToday(input.paidOn ?? today, 'paidOn', today);
    const name =
      input.kind === 'other' ? input.name?.trim() : input.name?.trim() || LUMP_SUM_NAMES[input.kind];
    if (!name) throw badRequest('name: 请填写款项名称 (a payment of kind other is named)');
    const payeeName = input.payeeName.trim();
    if (!payeeName) throw badRequest('payeeName: 请填写领款人');
    const id = randomUUID();
    await this.db
      .transaction(async (tx) => {
        if (input.kind !== 'other') {
          const [death] = await tx.query<{ died_on: string }>(
            'select died_on::text as died_on from deaths where retiree_id = $1',
            [retiree.id],
          );
          if (!death) throw conflict(`${retiree.name}未登记逝世，不能发放${name} (no death is recorded)`);
          if (paidOn < death.died_on)
            throw badRequest('paidOn: 发放日期应不早于逝世日期 (not before the death)');
        }
        await tx.query(
          `insert into lump_sum_payments (id, retiree_id, kind, name, payee_name, payee_relation, amount_fen, paid_on,
             period, note, recorded_by, recorded_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            id,
            retiree.id,
            input.kind,
            name,
            payeeName,
            input.payeeRelation?.trim() ?? '',
            input.amountFen,
            paidOn,
            paidOn.slice(0, 7),
            input.note?.trim() ?? '',
            by,
            this.clock(),
          ],
        );
        if (input.kind !== 'other')
          await closeStepDone(tx, retiree.id, input.kind, {
            on: paidOn,
            by,
            note: `已发放${name} ${yuanText(input.amountFen)}（${payeeName}）`,
          });
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`${retiree.name}的${name}已发放 (paid once)`);
        throw error;
      });
    return this.one(id);
  }
}

function toLumpSum(row: LumpSumRow): LumpSum {
  return {
    ...timed<Omit<LumpSum, 'kindName'>, 'recordedAt'>(row, 'recordedAt'),
    kindName: LUMP_SUM_NAMES[row.kind],
  };
}
