/**
 * The month's money (6.3): what was paid out in one month — retirement pay and allowances of the
 * month's run, arrears paid back, living-treatment benefits (6.3.2.6), medical reimbursements
 * (6.5.2.1), funeral allowances and survivor pensions (6.10.2.4) — by kind, with the pay withheld
 * under a suspension (6.4.2.4) shown beside it and not counted as paid; and the month's workbook of
 * totals and every payment behind them. Each read keeps to the caller's retirees.
 */

import { BENEFIT_NAMES } from '../benefits/service.ts';
import type { Queryable } from '../db/database.ts';
import { type ListColumn, MONEY_FORMAT, type Sheet, yuanCell } from '../export/workbook.ts';
import type { BenefitKind } from '../schemas/benefits.ts';
import type { MonthLine, PayItemKind, PayMonth } from '../schemas/pay.ts';
import { Filter } from '../store/filter.ts';
import { timed } from '../store/rows.ts';
import { inScope, type Scope } from '../store/scope.ts';
import { CLAIM_NAMES } from './claims.ts';
import { PAY_ITEM_NAMES } from './ledger.ts';

const GROUP_NAMES: Record<MonthLine['group'], string> = {
  pay: '离退休费及津贴补贴',
  withheld: '暂停发放（未支付）',
  arrears: '补发',
  benefit: '生活待遇',
  claim: '医疗费报销',
  lump_sum: '一次性支付',
};

type LineRow = MonthLine & { period: string };

/**
 * Each group's lines of the `periods`: the SQL selecting (period, group, kind, name, count,
 * amountFen) for the months in `$1` and the retirees of the scope (its condition on `retiree`).
 */
const LINE_QUERIES: ReadonlyArray<(retireeIn: (column: string) => string) => string> = [
  (
    scoped,
  ) => `select e.period, case e.state when 'paid' then 'pay' else 'withheld' end as "group", i.kind, i.kind as name,
      count(distinct e.retiree_id)::int as count, sum(e.amount_fen)::float8 as "amountFen"
    from pay_entries e join pay_items i on i.id = e.item_id
    where e.period = any($1::text[]) and ${scoped('e.retiree_id')} group by e.period, e.state, i.kind`,
  (scoped) => `select e.settled_period as period, 'arrears' as "group", i.kind, i.kind as name,
      count(distinct e.retiree_id)::int as count, sum(e.amount_fen)::float8 as "amountFen"
    from pay_entries e join pay_items i on i.id = e.item_id
    where e.settled_period = any($1::text[]) and ${scoped('e.retiree_id')} group by e.settled_period, i.kind`,
  (scoped) => `select p.period, 'benefit' as "group", b.kind, b.kind as name,
      count(*)::int as count, sum(p.amount_fen)::float8 as "amountFen"
    from benefit_payments p join benefits b on b.id = p.benefit_id
    where p.period = any($1::text[]) and ${scoped('b.retiree_id')} group by p.period, b.kind`,
  (scoped) => `select c.paid_period as period, 'claim' as "group", c.kind, c.kind as name,
      count(*)::int as count, sum(c.approved_fen)::float8 as "amountFen"
    from medical_claims c
    where c.paid_period = any($1::text[]) and ${scoped('c.retiree_id')} group by c.paid_period, c.kind`,
  (scoped) => `select l.period, 'lump_sum' as "group", l.kind, l.name,
      count(*)::int as count, sum(l.amount_fen)::float8 as "amountFen"
    from lump_sum_payments l
    where l.period = any($1::text[]) and ${scoped('l.retiree_id')} group by l.period, l.kind, l.name`,
];

const ORDER: MonthLine['group'][] = ['pay', 'arrears', 'benefit', 'claim', 'lump_sum', 'withheld'];

function lineName(row: LineRow): string {
  switch (row.group) {
    case 'pay':
    case 'withheld':
    case 'arrears':
      return PAY_ITEM_NAMES[row.kind as PayItemKind];
    case 'benefit':
      return BENEFIT_NAMES[row.kind as BenefitKind];
    case 'claim':
      return CLAIM_NAMES[row.kind as keyof typeof CLAIM_NAMES];
    case 'lump_sum':
      return row.name;
  }
}

/** The money of each of `periods` (YYYY-MM), in the order given. */
export async function monthsOf(db: Queryable, periods: string[], scope: Scope): Promise<PayMonth[]> {
  const lines = (
    await Promise.all(
      LINE_QUERIES.map((query) => {
        const params: unknown[] = [periods];
        return db.query<LineRow>(
          query((column) => inScope(scope, column, params)),
          params,
        );
      }),
    )
  ).flat();
  const runs = await db.query<{ period: string; runAt: Date | string; runBy: string }>(
    `select p.period, p.run_at as "runAt", u.display_name as "runBy"
       from pay_runs p join users u on u.id = p.run_by where p.period = any($1::text[])`,
    [periods],
  );
  return periods.map((period) => {
    const own = lines
      .filter((line) => line.period === period)
      .map(({ period: _, ...line }) => ({ ...line, name: lineName({ period, ...line }) }))
      .sort(
        (a, b) => ORDER.indexOf(a.group) - ORDER.indexOf(b.group) || a.name.localeCompare(b.name, 'zh-CN'),
      );
    const sum = (group: MonthLine['group']) =>
      own.filter((line) => line.group === group).reduce((total, line) => total + line.amountFen, 0);
    const run = runs.find((row) => row.period === period);
    const month = {
      period,
      run: run ? timed<{ runAt: string; runBy: string }, 'runAt'>(run, 'runAt') : null,
      payFen: sum('pay'),
      withheldFen: sum('withheld'),
      arrearsFen: sum('arrears'),
      benefitsFen: sum('benefit'),
      claimsFen: sum('claim'),
      lumpSumsFen: sum('lump_sum'),
      lines: own,
    };
    return {
      ...month,
      totalFen: month.payFen + month.arrearsFen + month.benefitsFen + month.claimsFen + month.lumpSumsFen,
    };
  });
}

/** The months of `year` up to `current` (YYYY-MM), January first. */
export function monthsOfYear(year: number, current: string): string[] {
  const months: string[] = [];
  for (let month = 1; month <= 12; month += 1) {
    const period = `${year}-${String(month).padStart(2, '0')}`;
    if (period > current) break;
    months.push(period);
  }
  return months;
}

// ----- the month's workbook -----

interface DetailRow {
  retireeName: string;
  station: string;
  what: string;
  period: string;
  payee: string;
  amountFen: number;
  day: string | null;
  note: string;
}

const DETAIL_COLUMNS: ListColumn<DetailRow>[] = [
  { header: '老人', value: (row) => row.retireeName, width: 12 },
  { header: '服务站', value: (row) => row.station, width: 12 },
  { header: '项目', value: (row) => row.what, width: 20 },
  { header: '所属月份', value: (row) => row.period, width: 10 },
  { header: '领款人', value: (row) => row.payee, width: 12 },
  { header: '金额（元）', value: (row) => yuanCell(row.amountFen), format: MONEY_FORMAT, width: 14 },
  { header: '发放日期', value: (row) => row.day, width: 12 },
  { header: '备注', value: (row) => row.note, width: 30 },
];

/** The kind of the sheet's last line, the month's total. */
const TOTAL = 'total';

const TOTAL_COLUMNS: ListColumn<MonthLine>[] = [
  { header: '类别', value: (line) => (line.kind === TOTAL ? '合计' : GROUP_NAMES[line.group]), width: 20 },
  { header: '项目', value: (line) => line.name, width: 20 },
  { header: '人数/笔数', value: (line) => line.count, width: 10 },
  { header: '金额（元）', value: (line) => yuanCell(line.amountFen), format: MONEY_FORMAT, width: 16 },
];

/** The rows behind each group of the month, as the workbook's detail sheets list them. */
const DETAIL_QUERIES: ReadonlyArray<{ sheet: string; sql: string; order: string }> = [
  {
    sheet: '离退休费发放',
    sql: `select r.name as "retireeName", r.station, i.name as what, e.period, '' as payee, e.amount_fen as "amountFen",
        null as day, case e.state when 'withheld' then '暂停发放' else '' end as note, e.retiree_id
      from pay_entries e join pay_items i on i.id = e.item_id join retirees r on r.id = e.retiree_id
      where e.period = $1`,
    order: '"retireeName", retiree_id, what',
  },
  {
    sheet: '补发',
    sql: `select r.name as "retireeName", r.station, i.name as what, e.period, '' as payee, e.amount_fen as "amountFen",
        to_char(e.settled_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, '' as note, e.retiree_id
      from pay_entries e join pay_items i on i.id = e.item_id join retirees r on r.id = e.retiree_id
      where e.settled_period = $1`,
    order: '"retireeName", retiree_id, period, what',
  },
  {
    sheet: '生活待遇',
    sql: `select r.name as "retireeName", r.station, b.kind as what, p.period,
        case when b.beneficiary_name = '' then r.name else b.beneficiary_name end as payee, p.amount_fen as "amountFen",
        p.paid_on::text as day, p.note, b.retiree_id
      from benefit_payments p join benefits b on b.id = p.benefit_id join retirees r on r.id = b.retiree_id
      where p.period = $1`,
    order: '"retireeName", retiree_id, what',
  },
  {
    sheet: '医疗费报销',
    sql: `select r.name as "retireeName", r.station, c.kind as what, c.paid_period as period, r.name as payee,
        c.approved_fen as "amountFen", c.paid_on::text as day,
        '票据 ' || (select count(*) from medical_claim_receipts x where x.claim_id = c.id) || ' 张，合计 '
          || to_char(c.claimed_fen / 100.0, 'FM999999990.00') || ' 元' as note, c.retiree_id
      from medical_claims c join retirees r on r.id = c.retiree_id
      where c.paid_period = $1`,
    order: 'day, "retireeName", retiree_id',
  },
  {
    sheet: '一次性支付',
    sql: `select r.name as "retireeName", r.station, l.name as what, l.period,
        l.payee_name || case when l.payee_relation = '' then '' else '（' || l.payee_relation || '）' end as payee,
        l.amount_fen as "amountFen", l.paid_on::text as day, l.note, l.retiree_id
      from lump_sum_payments l join retirees r on r.id = l.retiree_id
      where l.period = $1`,
    order: 'day, "retireeName", retiree_id',
  },
];

/** The sheets of the month's workbook: the totals, then each kind of payment, one row per payment. */
export async function monthSheets(db: Queryable, month: PayMonth, scope: Scope): Promise<Sheet<unknown>[]> {
  const details = await Promise.all(
    DETAIL_QUERIES.map(async ({ sheet, sql, order }) => {
      const filter = new Filter();
      filter.param(month.period);
      filter.inScope(scope, 'scoped.retiree_id');
      const rows = await db.query<DetailRow & { retiree_id: string }>(
        `select * from (${sql}) scoped where ${filter.sql} order by ${order}`,
        filter.params,
      );
      const named = rows.map((row) => ({
        ...row,
        station: row.station ?? '',
        what: detailName(sheet, row.what),
      }));
      return { name: sheet, columns: DETAIL_COLUMNS, rows: named } as Sheet<DetailRow>;
    }),
  );
  const total: MonthLine = {
    group: 'pay',
    kind: TOTAL,
    name: '合计支付',
    count: 0,
    amountFen: month.totalFen,
  };
  const totals: Sheet<MonthLine> = {
    name: `${month.period} 汇总`,
    columns: TOTAL_COLUMNS,
    rows: [...month.lines, total],
  };
  return [totals, ...details] as Sheet<unknown>[];
}

function detailName(sheet: string, what: string): string {
  if (sheet === '生活待遇') return BENEFIT_NAMES[what as BenefitKind] ?? what;
  if (sheet === '医疗费报销') return CLAIM_NAMES[what as keyof typeof CLAIM_NAMES] ?? what;
  return what;
}
