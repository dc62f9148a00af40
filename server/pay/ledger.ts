/**
 * The pay ledger (6.3 生活待遇, 6.4.2.4). Each retiree's retirement pay and allowances are items: a
 * monthly amount from one month to another (a raise ends the item and opens the next; a death ends
 * them with the month of death). The month's pay run (`runMonth`) writes one entry per item due that
 * month: paid, or withheld while a pension suspension for silence abroad stands, so the suspension
 * stops the pay for real. Once every suspension of the retiree is cleared, the withheld months are
 * the retiree's arrears (补发), paid back in one month by a manager (`payArrears`).
 */
import { randomUUID } from 'node:crypto';
import { centreMonth } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  Arrears,
  ArrearsPaid,
  ArrearsPayment,
  Ledger,
  LedgerMonth,
  PayEntry,
  PayItem,
  PayItemAdjustment,
  PayItemInput,
  PayItemKind,
  PayItemQuery,
  PayItemStop,
  PayRun,
  PayRunInput,
} from '../schemas/pay.ts';
import { retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { timed } from '../store/rows.ts';
import { inScope, type Scope, WHOLE_CENTRE } from '../store/scope.ts';

export const PAY_ITEM_NAMES: Record<PayItemKind, string> = {
  pension: '离退休费',
  living_allowance: '生活补贴',
  post_allowance: '职级津贴',
  heating: '取暖补贴',
  property: '物业服务补贴',
  other: '其他',
};

/** The month before `period` (YYYY-MM). */
export function monthBefore(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

const SELECT_ITEM = `select i.id, i.retiree_id as "retireeId", r.name as "retireeName", i.kind, i.name,
    i.monthly_fen as "monthlyFen", i.from_month as "fromMonth", i.to_month as "toMonth", i.end_reason as "endReason",
    i.note, u.display_name as "recordedBy", i.recorded_at as "recordedAt"
  from pay_items i join retirees r on r.id = i.retiree_id join users u on u.id = i.recorded_by`;

type ItemRow = Omit<PayItem, 'kindName' | 'current' | 'recordedAt'> & { recordedAt: Date | string };

/** The pay runs with their totals; the query goes on with the condition on the entries joined (`e`). */
const SELECT_RUN = `select p.period, p.run_at as "runAt", u.display_name as "runBy", p.note,
    count(distinct e.retiree_id)::int as retirees,
    coalesce(sum(e.amount_fen) filter (where e.state = 'paid'), 0)::float8 as "paidFen",
    coalesce(sum(e.amount_fen) filter (where e.state = 'withheld'), 0)::float8 as "withheldFen"
  from pay_runs p join users u on u.id = p.run_by left join pay_entries e on e.period = p.period and`;

/** Each retiree's withheld months not yet paid back, with whether a suspension still stands. */
const SELECT_ARREARS = `select e.retiree_id as "retireeId", r.name as "retireeName",
    array_agg(distinct e.period order by e.period) as months, sum(e.amount_fen)::float8 as "amountFen",
    exists (select 1 from pension_suspensions s where s.retiree_id = e.retiree_id and s.cleared_at is null) as suspended,
    (select max(s.cleared_at) from pension_suspensions s where s.retiree_id = e.retiree_id) as "clearedAt",
    (select s.clear_reason from pension_suspensions s where s.retiree_id = e.retiree_id and s.cleared_at is not null
      order by s.cleared_at desc limit 1) as "clearReason"
  from pay_entries e join retirees r on r.id = e.retiree_id
  where e.state = 'withheld' and e.settled_period is null`;

type ArrearsRow = Omit<Arrears, 'clearedAt'> & { clearedAt: Date | string | null };

export class PayLedger extends RecordKeeper {
  /** The current month in the centre. */
  month(): string {
    return centreMonth(this.clock());
  }

  private toItem(row: ItemRow): PayItem {
    const month = this.month();
    return {
      ...timed<Omit<PayItem, 'kindName' | 'current'>, 'recordedAt'>(row, 'recordedAt'),
      kindName: PAY_ITEM_NAMES[row.kind],
      current: row.fromMonth <= month && (row.toMonth === null || row.toMonth >= month),
    };
  }

  // ----- items -----

  async items(query: PayItemQuery, scope: Scope = WHOLE_CENTRE): Promise<PayItem[]> {
    const month = this.month();
    const filter = new Filter()
      .inScope(scope, 'i.retiree_id')
      .id('i.retiree_id', query.retireeId, 'retiree')
      .when('i.kind = ?', query.kind);
    if (query.current !== undefined) {
      const now = filter.param(month);
      const current = `(i.from_month <= ${now} and (i.to_month is null or i.to_month >= ${now}))`;
      filter.where(query.current ? current : `not ${current}`);
    }
    const rows = await this.db.query<ItemRow>(
      `${SELECT_ITEM} where ${filter.sql}
        order by r.name, i.retiree_id, i.kind, i.from_month desc limit ${filter.param(query.limit ?? 500)}`,
      filter.params,
    );
    return rows.map((row) => this.toItem(row));
  }

  async item(id: string, db: Queryable = this.db): Promise<PayItem> {
    const [row] = await db.query<ItemRow>(`${SELECT_ITEM} where i.id = $1`, [uuidOr404(id, 'pay item')]);
    if (!row) throw notFound('pay item');
    return this.toItem(row);
  }

  /** A new item of the retiree's pay; the retiree must be living in its first month. */
  async addItem(input: PayItemInput, by: string): Promise<PayItem> {
    const retiree = await retireeOr404(this.db, input.retireeId);
    const name =
      input.kind === 'other' ? input.name?.trim() : input.name?.trim() || PAY_ITEM_NAMES[input.kind];
    if (!name) throw badRequest('name: 请填写项目名称 (an item of kind other is named)');
    if (input.toMonth && input.toMonth < input.fromMonth)
      throw badRequest('toMonth: 截止月份应不早于起始月份 (not before fromMonth)');
    await this.livingIn(retiree.id, input.fromMonth);
    const id = randomUUID();
    await this.db.query(
      `insert into pay_items (id, retiree_id, kind, name, monthly_fen, from_month, to_month, end_reason, note,
         recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        retiree.id,
        input.kind,
        name,
        input.monthlyFen,
        input.fromMonth,
        input.toMonth ?? null,
        input.toMonth ? 'stopped' : null,
        input.note?.trim() ?? '',
        by,
        this.clock(),
      ],
    );
    return this.item(id);
  }

  /**
   * A new monthly amount from `fromMonth` (调整标准): the item ends the month before and a new item
   * of the same kind and name carries on. Months already run keep the amounts they were paid.
   */
  async adjustItem(id: string, change: PayItemAdjustment, by: string): Promise<PayItem> {
    const newId = randomUUID();
    await this.db.transaction(async (tx) => {
      const item = await this.item(id, tx);
      if (item.toMonth !== null && item.toMonth < change.fromMonth)
        throw conflict('该项目已在此月份之前截止，不能调整 (the item ended before that month)');
      const [run] = await tx.query('select 1 from pay_entries where item_id = $1 and period >= $2 limit 1', [
        item.id,
        change.fromMonth,
      ]);
      if (run)
        throw conflict(
          '该月份的工资已按原标准发放，请从下一个未发放月份调整 (that month is paid at the old amount)',
        );
      if (change.fromMonth <= item.fromMonth)
        throw badRequest('fromMonth: 调整月份应晚于项目起始月份 (after the item’s first month)');
      await tx.query(`update pay_items set to_month = $2, end_reason = 'adjusted' where id = $1`, [
        item.id,
        monthBefore(change.fromMonth),
      ]);
      await tx.query(
        `insert into pay_items (id, retiree_id, kind, name, monthly_fen, from_month, to_month, end_reason, note,
           recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          newId,
          item.retireeId,
          item.kind,
          item.name,
          change.monthlyFen,
          change.fromMonth,
          item.endReason === 'adjusted' ? null : item.toMonth,
          item.endReason === 'adjusted' || item.toMonth === null ? null : item.endReason,
          change.note?.trim() ?? '',
          by,
          this.clock(),
        ],
      );
    });
    return this.item(newId);
  }

  /** The item is paid through `toMonth` and no later (停发), with the reason. */
  async stopItem(id: string, stop: PayItemStop): Promise<PayItem> {
    const item = await this.item(id);
    if (stop.toMonth < item.fromMonth)
      throw badRequest('toMonth: 停发月份应不早于起始月份 (not before fromMonth)');
    if (item.toMonth !== null && item.toMonth <= stop.toMonth)
      throw conflict('该项目已截止 (the item already ends by then)');
    const [paid] = await this.db.query<{ period: string }>(
      'select max(period) as period from pay_entries where item_id = $1 and period > $2',
      [item.id, stop.toMonth],
    );
    if (paid?.period)
      throw conflict(`${paid.period} 已发放，停发月份不能早于已发放月份 (a later month is already paid)`);
    await this.db.query(
      `update pay_items set to_month = $2, end_reason = 'stopped',
         note = case when note = '' then $3 else note || '；' || $3 end where id = $1`,
      [item.id, stop.toMonth, stop.note.trim()],
    );
    return this.item(item.id);
  }

  /** 409 when the retiree died before `month`: nothing is paid after the month of death. */
  private async livingIn(retireeId: string, month: string): Promise<void> {
    const [death] = await this.db.query<{ month: string }>(
      `select to_char(died_on, 'YYYY-MM') as month from deaths where retiree_id = $1`,
      [retireeId],
    );
    if (death && death.month < month)
      throw conflict(`老人已于 ${death.month} 去世，此后不再发放 (nothing is paid after the month of death)`);
  }

  // ----- the month's run -----

  /** The runs of `year`, with the entries of the scope's retirees. */
  async runs(year: number | undefined, scope: Scope = WHOLE_CENTRE): Promise<PayRun[]> {
    const params: unknown[] = [`${year ?? Number(this.month().slice(0, 4))}-%`];
    const rows = await this.db.query<PayRun & { runAt: Date | string }>(
      `${SELECT_RUN} ${inScope(scope, 'e.retiree_id', params)} where p.period like $1
        group by p.period, p.run_at, u.display_name, p.note order by p.period desc`,
      params,
    );
    return rows.map((row) => timed<PayRun, 'runAt'>(row, 'runAt'));
  }

  async run(period: string): Promise<PayRun> {
    const [row] = await this.db.query<PayRun & { runAt: Date | string }>(
      `${SELECT_RUN} true where p.period = $1 group by p.period, p.run_at, u.display_name, p.note`,
      [period],
    );
    if (!row) throw notFound('pay run');
    return timed<PayRun, 'runAt'>(row, 'runAt');
  }

  /**
   * The month's pay (发放): an entry for every item due in `period` that has none yet, of every
   * retiree living in that month — paid, or withheld while a suspension stands (6.4.2.4). A second
   * run of the month adds only what the first lacked (an item entered late). Not for a future month.
   */
  async runMonth(input: PayRunInput, by: string): Promise<PayRun> {
    if (input.period > this.month()) throw badRequest('period: 不能发放未来月份 (a month not yet come)');
    const added = await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into pay_runs (period, run_by, run_at, note) values ($1, $2, $3, $4) on conflict (period) do nothing`,
        [input.period, by, this.clock(), input.note?.trim() ?? ''],
      );
      const due = await tx.query<{
        item_id: string;
        retiree_id: string;
        amount: number;
        suspension_id: string | null;
      }>(
        `select i.id as item_id, i.retiree_id, i.monthly_fen as amount,
            (select s.id from pension_suspensions s where s.retiree_id = i.retiree_id and s.cleared_at is null
              order by s.flagged_at limit 1) as suspension_id
           from pay_items i
          where i.from_month <= $1 and (i.to_month is null or i.to_month >= $1)
            and not exists (select 1 from pay_entries e where e.item_id = i.id and e.period = $1)
            and not exists (select 1 from deaths d where d.retiree_id = i.retiree_id and to_char(d.died_on, 'YYYY-MM') < $1)`,
        [input.period],
      );
      for (const entry of due) {
        await tx.query(
          `insert into pay_entries (id, period, retiree_id, item_id, amount_fen, state, suspension_id)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [
            randomUUID(),
            input.period,
            entry.retiree_id,
            entry.item_id,
            entry.amount,
            entry.suspension_id ? 'withheld' : 'paid',
            entry.suspension_id,
          ],
        );
      }
      return due.length;
    });
    return { ...(await this.run(input.period)), added };
  }

  // ----- arrears -----

  async arrears(scope: Scope = WHOLE_CENTRE, retireeId?: string): Promise<Arrears[]> {
    const filter = new Filter().inScope(scope, 'e.retiree_id').id('e.retiree_id', retireeId, 'retiree');
    const rows = await this.db.query<ArrearsRow>(
      `${SELECT_ARREARS} and ${filter.sql} group by e.retiree_id, r.name order by r.name, e.retiree_id`,
      filter.params,
    );
    return rows.map((row) => timed<Arrears, 'clearedAt'>(row, 'clearedAt'));
  }

  /**
   * Pays back the retiree's withheld months in `period` (the current month by default): 409 while a
   * suspension stands or when nothing is withheld.
   */
  async payArrears(retireeId: string, payment: ArrearsPayment, by: string): Promise<ArrearsPaid> {
    const retiree = await retireeOr404(this.db, retireeId);
    const period = payment.period ?? this.month();
    if (period > this.month()) throw badRequest('period: 不能在未来月份补发 (a month not yet come)');
    return this.db.transaction(async (tx) => {
      const [owed] = await tx.query<ArrearsRow>(
        `${SELECT_ARREARS} and e.retiree_id = $1 group by e.retiree_id, r.name`,
        [retiree.id],
      );
      if (!owed) throw conflict('没有待补发的离退休费 (nothing withheld to pay back)');
      if (owed.suspended) throw conflict('暂停发放尚未解除，不能补发 (the suspension still stands)');
      const last = owed.months.at(-1) as string;
      if (period < last)
        throw badRequest(`period: 补发月份应不早于 ${last} (not before the last month withheld)`);
      await tx.query(
        `update pay_entries set settled_period = $2, settled_at = $3, settled_by = $4
          where retiree_id = $1 and state = 'withheld' and settled_period is null`,
        [retiree.id, period, this.clock(), by],
      );
      return {
        retireeId: retiree.id,
        retireeName: retiree.name,
        period,
        months: owed.months,
        amountFen: owed.amountFen,
      };
    });
  }

  // ----- a retiree's ledger -----

  /** The retiree's items, and each month's entries, newest first. */
  async ledgerOf(retireeId: string): Promise<Pick<Ledger, 'items' | 'months' | 'arrears'>> {
    const items = await this.items({ retireeId, limit: 5000 });
    const entries = await this.db.query<PayEntry & { retiree_id: string }>(
      `select e.id, e.period, e.item_id as "itemId", i.kind, i.name, e.amount_fen as "amountFen", e.state,
          e.settled_period as "settledPeriod"
         from pay_entries e join pay_items i on i.id = e.item_id
        where e.retiree_id = $1
        order by e.period desc, i.kind, i.name`,
      [retireeId],
    );
    const months = new Map<string, LedgerMonth>();
    const monthOf = (period: string): LedgerMonth => {
      let month = months.get(period);
      if (!month) {
        month = { period, paidFen: 0, withheldFen: 0, arrearsFen: 0, entries: [] };
        months.set(period, month);
      }
      return month;
    };
    for (const entry of entries) {
      const month = monthOf(entry.period);
      month.entries.push(entry);
      if (entry.state === 'paid') month.paidFen += entry.amountFen;
      else month.withheldFen += entry.amountFen;
      if (entry.settledPeriod) monthOf(entry.settledPeriod).arrearsFen += entry.amountFen;
    }
    const [arrears] = await this.arrears(WHOLE_CENTRE, retireeId);
    return {
      items,
      months: [...months.values()].sort((a, b) => (a.period < b.period ? 1 : -1)),
      arrears: arrears ?? null,
    };
  }
}

/** The items still open at a death end with the month of death (6.10): used by the death's transaction. */
export async function endPayAtDeath(tx: Queryable, retireeId: string, diedOn: string): Promise<void> {
  const month = diedOn.slice(0, 7);
  await tx.query(
    `update pay_items set to_month = greatest(from_month, $2), end_reason = 'death'
      where retiree_id = $1 and (to_month is null or to_month > $2)`,
    [retireeId, month],
  );
}
