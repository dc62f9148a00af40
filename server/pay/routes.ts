/**
 * Money under /api/pay (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): pay items, the month's run, arrears, a
 * retiree's ledger, medical reimbursements, one-off payments after a death, and the month's totals
 * with their workbook. Those who keep the records read and enter them; the managers run the month,
 * pay arrears and decide reimbursements. A station's caseworker sees its station's retirees only.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import {
  type ListColumn,
  MAX_LIST_EXPORT_ROWS,
  MONEY_FORMAT,
  sendWorkbook,
  sheetsWorkbook,
  workbookResponse,
  XLSX_MEDIA_TYPE,
  yuanCell,
  yuanText,
} from '../export/workbook.ts';
import { callerScope, readErrors, refusals, userId, writeErrors } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/pay.ts';
import { retireeInScope, retireeOr404 } from '../store/checks.ts';
import { rowInScope } from '../store/scope.ts';
import { CLAIM_STATUS_NAMES } from './claims.ts';
import { monthSheets, monthsOf, monthsOfYear } from './months.ts';

const route = routeOptions('pay');

const END_NAMES: Record<schema.PayItemEnd, string> = { adjusted: '调整标准', death: '去世', stopped: '停发' };

const ITEM_COLUMNS: ListColumn<schema.PayItem>[] = [
  { header: '老人', value: (item) => item.retireeName, width: 12 },
  { header: '项目类别', value: (item) => item.kindName, width: 14 },
  { header: '项目名称', value: (item) => item.name, width: 18 },
  { header: '月标准（元）', value: (item) => yuanCell(item.monthlyFen), format: MONEY_FORMAT, width: 14 },
  { header: '起始月份', value: (item) => item.fromMonth, width: 10 },
  { header: '截止月份', value: (item) => item.toMonth ?? '', width: 10 },
  { header: '截止原因', value: (item) => (item.endReason ? END_NAMES[item.endReason] : ''), width: 10 },
  { header: '本月发放', value: (item) => (item.current ? '是' : '否'), width: 10 },
  { header: '备注', value: (item) => item.note, width: 24 },
];

const CLAIM_COLUMNS: ListColumn<schema.MedicalClaim>[] = [
  { header: '老人', value: (claim) => claim.retireeName, width: 12 },
  { header: '类别', value: (claim) => claim.kindName, width: 14 },
  { header: '受理日期', value: (claim) => claim.submittedOn, width: 12 },
  { header: '票据张数', value: (claim) => claim.receipts.length, width: 10 },
  { header: '票据合计（元）', value: (claim) => yuanCell(claim.claimedFen), format: MONEY_FORMAT, width: 16 },
  {
    header: '核准金额（元）',
    value: (claim) => yuanCell(claim.approvedFen),
    format: MONEY_FORMAT,
    width: 16,
  },
  { header: '状态', value: (claim) => CLAIM_STATUS_NAMES[claim.status], width: 10 },
  { header: '审核人', value: (claim) => claim.decidedBy ?? '', width: 10 },
  { header: '审核意见', value: (claim) => claim.decisionNote, width: 20 },
  { header: '支付日期', value: (claim) => claim.paidOn ?? '', width: 12 },
  {
    header: '票据',
    value: (claim) =>
      claim.receipts.map((r) => `${r.issuer} ${r.number} ${yuanText(r.amountFen)}`).join('；'),
    width: 40,
  },
];

const LUMP_SUM_COLUMNS: ListColumn<schema.LumpSum>[] = [
  { header: '老人', value: (row) => row.retireeName, width: 12 },
  { header: '款项', value: (row) => row.name, width: 14 },
  { header: '领款人', value: (row) => row.payeeName, width: 12 },
  { header: '与老人关系', value: (row) => row.payeeRelation, width: 10 },
  { header: '金额（元）', value: (row) => yuanCell(row.amountFen), format: MONEY_FORMAT, width: 14 },
  { header: '发放日期', value: (row) => row.paidOn, width: 12 },
  { header: '备注', value: (row) => row.note, width: 24 },
];

export const payRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { payLedger: ledger, medicalClaims: claims, lumpSums } = app;
  const kinds = recordKinds(app, route, { read: 'pay.read', write: 'pay.write' });
  // ----- items -----
  const items = kinds('/api/pay/items', schema.PayItem, {
    guard: rowInScope(hub.db, 'pay_items', 'pay item'),
  });
  items.list(
    {
      summary: 'Pay items (离退休费, 津贴补贴) by retiree, each with its monthly amount and months',
      query: schema.PayItemQuery,
    },
    (query, caller) => ledger.items(query, caller.scope),
  );
  items.export(
    { summary: 'The pay items as an Excel workbook (same filters as the list)', query: schema.PayItemQuery },
    (query, scope) => ledger.items({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '离退休费项目', columns: ITEM_COLUMNS, file: 'pay-items', name: '离退休费及津贴补贴项目' },
  );
  items.create(
    {
      retiree: 'body',
      summary: 'A pay item of a retiree from a month; 409 when the retiree died before it',
      body: schema.PayItemInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return ledger.addItem(body, caller.id);
    },
  );
  items.one('One pay item', (id) => ledger.item(id));
  items.on(
    'adjust',
    {
      summary:
        'A new monthly amount from a month (调整标准): the item ends the month before and a new one carries on (201); 409 when that month is already paid',
      body: schema.PayItemAdjustment,
      code: 201,
    },
    (id, body, caller) => ledger.adjustItem(id, body, caller.id),
  );
  items.on(
    'stop',
    {
      summary: 'Stop an item after a month (停发), with the reason; 409 when a later month is already paid',
      body: schema.PayItemStop,
    },
    (id, body) => ledger.stopItem(id, body),
  );

  // ----- the month's run -----
  app.get(
    '/api/pay/runs',
    route('pay.read', {
      summary: 'The months of a year whose pay was run, newest first, with the amounts paid and withheld',
      querystring: schema.YearQuery,
      response: { 200: Type.Array(schema.PayRun), ...readErrors },
    }),
    (request) => ledger.runs(request.query.year, callerScope(request)),
  );
  app.post(
    '/api/pay/runs',
    route('pay.decide', {
      summary:
        'Run a month’s pay (发放): an entry per item due, withheld while a pension suspension stands (6.4.2.4); a second run adds only missing entries (supervisor, admin)',
      body: schema.PayRunInput,
      response: { 201: schema.PayRun, ...writeErrors },
    }),
    async (request, reply) => reply.code(201).send(await ledger.runMonth(request.body, userId(request))),
  );

  // ----- arrears -----
  app.get(
    '/api/pay/arrears',
    route('pay.read', {
      summary: 'Retirees with pay withheld and not yet paid back, and whether a suspension still stands',
      response: { 200: Type.Array(schema.Arrears), ...readErrors },
    }),
    (request) => ledger.arrears(callerScope(request)),
  );
  app.post(
    '/api/pay/arrears/:retireeId',
    route('pay.decide', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary:
        'Pay back a retiree’s withheld months (补发) in a month; 409 while a suspension stands or when nothing is withheld (supervisor, admin)',
      params: schema.RetireeParams,
      body: schema.ArrearsPayment,
      response: { 200: schema.ArrearsPaid, ...writeErrors },
    }),
    (request) => ledger.payArrears(request.params.retireeId, request.body, userId(request)),
  );

  // ----- a retiree's ledger -----
  app.get(
    '/api/pay/ledger/:retireeId',
    route('pay.read', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary:
        'A retiree’s money: pay items, each month’s entries (paid, withheld, arrears paid back), reimbursements and one-off payments',
      params: schema.RetireeParams,
      response: { 200: schema.Ledger, ...readErrors },
    }),
    async (request) => {
      const retiree = await retireeOr404(hub.db, request.params.retireeId);
      const [own, claimList, lumps] = await Promise.all([
        ledger.ledgerOf(retiree.id),
        claims.list({ retireeId: retiree.id, limit: 5000 }),
        lumpSums.list({ retireeId: retiree.id, limit: 5000 }),
      ]);
      return { retireeId: retiree.id, retireeName: retiree.name, ...own, claims: claimList, lumpSums: lumps };
    },
  );

  // ----- medical reimbursements -----
  const claimRoutes = kinds('/api/pay/claims', schema.MedicalClaim, {
    guard: rowInScope(hub.db, 'medical_claims', 'medical claim'),
  });
  claimRoutes.list(
    {
      summary: 'Medical reimbursements (医疗费报销), newest first; `period`: those paid in that month',
      query: schema.MedicalClaimQuery,
    },
    (query, caller) => claims.list(query, caller.scope),
  );
  claimRoutes.export(
    {
      summary: 'The reimbursements as an Excel workbook (same filters as the list)',
      query: schema.MedicalClaimQuery,
    },
    (query, scope) => claims.list({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '医疗费报销', columns: CLAIM_COLUMNS, file: 'medical-claims', name: '医疗费报销' },
  );
  claimRoutes.create(
    {
      retiree: 'body',
      summary:
        'A claim handed in with its receipts (受理); 409 when a receipt is on another claim or the out-of-town treatment is not approved',
      body: schema.MedicalClaimInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return claims.submit(body, caller.id);
    },
  );
  claimRoutes.one('One reimbursement with its receipts', (id) => claims.one(id));
  claimRoutes.on(
    'approve',
    {
      access: 'pay.decide',
      summary: 'Approve a claim, the whole or a part (supervisor, admin); 409 unless submitted',
      body: schema.ClaimApproval,
    },
    (id, body, caller) => claims.approve(id, body, caller.id),
  );
  claimRoutes.on(
    'reject',
    {
      access: 'pay.decide',
      summary: 'Refuse a claim with the reason (supervisor, admin); its receipts may be claimed again',
      body: schema.ClaimRejection,
    },
    (id, body, caller) => claims.reject(id, body, caller.id),
  );
  claimRoutes.on(
    'pay',
    {
      access: 'pay.decide',
      summary: 'Record an approved claim paid (supervisor, admin); 409 unless approved',
      body: schema.ClaimPayment,
    },
    (id, body, caller) => claims.pay(id, body, caller.id),
  );

  // ----- one-off payments after a death -----
  const lumpRoutes = kinds('/api/pay/lump-sums', schema.LumpSum, {
    guard: rowInScope(hub.db, 'lump_sum_payments', 'payment'),
  });
  lumpRoutes.list(
    {
      summary: 'Funeral allowances, survivor pensions and other one-off payments, newest first',
      query: schema.LumpSumQuery,
    },
    (query, caller) => lumpSums.list(query, caller.scope),
  );
  lumpRoutes.export(
    { summary: 'The one-off payments as an Excel workbook', query: schema.LumpSumQuery },
    (query, scope) => lumpSums.list({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '一次性支付', columns: LUMP_SUM_COLUMNS, file: 'lump-sums', name: '丧葬费抚恤金等一次性支付' },
  );
  lumpRoutes.create(
    {
      retiree: 'body',
      summary:
        'A one-off payment made (丧葬费, 一次性抚恤金: once, after the death is recorded; closes the bereavement step)',
      body: schema.LumpSumInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return lumpSums.record(body, caller.id);
    },
  );
  lumpRoutes.one('One one-off payment', (id) => lumpSums.one(id));

  // ----- the month's totals -----
  app.get(
    '/api/pay/months',
    route('pay.read', {
      summary:
        'Each month of a year up to the current one: what was paid out, by kind, and what was withheld',
      querystring: schema.YearQuery,
      response: { 200: Type.Array(schema.PayMonth), ...readErrors },
    }),
    (request) => {
      const current = ledger.month();
      const year = request.query.year ?? Number(current.slice(0, 4));
      return monthsOf(hub.db, monthsOfYear(year, current), callerScope(request));
    },
  );
  app.get(
    '/api/pay/months/:period',
    route('pay.read', {
      summary: 'One month’s money by kind',
      params: schema.PeriodParams,
      response: { 200: schema.PayMonth, ...readErrors },
    }),
    async (request) =>
      (await monthsOf(hub.db, [request.params.period], callerScope(request)))[0] as schema.PayMonth,
  );
  app.get(
    '/api/pay/months/:period/export.xlsx',
    {
      config: { access: 'pay.read' },
      schema: {
        tags: route.tags,
        summary:
          'One month’s workbook: the totals, then every payment behind them (pay, arrears, benefits, reimbursements, one-off payments)',
        params: schema.PeriodParams,
        produces: [XLSX_MEDIA_TYPE],
        response: { 200: workbookResponse, ...refusals(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { period } = request.params as schema.PeriodParams;
      const scope = callerScope(request);
      const [month] = (await monthsOf(hub.db, [period], scope)) as [schema.PayMonth];
      const body = await sheetsWorkbook(await monthSheets(hub.db, month, scope));
      return sendWorkbook(reply, body, `pay-${period}`, `${period} 月度支付汇总`);
    },
  );
};
