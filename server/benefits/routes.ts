/** Living treatment (6.3 生活待遇): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { type ListColumn, MAX_LIST_EXPORT_ROWS, MONEY_FORMAT, yuanCell } from '../export/workbook.ts';
import { listWithExport } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/benefits.ts';
import { retireeInScope } from '../store/checks.ts';
import { assertInScope, rowInScope } from '../store/scope.ts';
import { STATUS_NAMES, STOP_REASON_NAMES } from './service.ts';

const route = routeOptions('benefits');

const CARD_STATES: Record<schema.BenefitCard['state'], string> = {
  held: '持有',
  expired: '已过期',
  returned: '已交回',
};

const BENEFIT_COLUMNS: ListColumn<schema.Benefit>[] = [
  { header: '老人', value: (b) => b.retireeName, width: 12 },
  { header: '待遇类别', value: (b) => b.kindName, width: 14 },
  { header: '领取人', value: (b) => b.beneficiaryName || b.retireeName, width: 12 },
  {
    header: '与老人关系',
    value: (b) => b.beneficiaryRelation || (b.beneficiaryName ? '' : '本人'),
    width: 10,
  },
  { header: '月标准（元）', value: (b) => yuanCell(b.monthlyAmountFen), format: MONEY_FORMAT },
  { header: '状态', value: (b) => STATUS_NAMES[b.status], width: 10 },
  { header: '申报日期', value: (b) => b.appliedOn, width: 12 },
  { header: '复核日期', value: (b) => b.reviewOn, width: 12 },
  { header: '已发放期数', value: (b) => b.payments.length, width: 10 },
  { header: '最近发放月份', value: (b) => b.payments.at(-1)?.period ?? null, width: 12 },
  { header: '累计发放（元）', value: (b) => yuanCell(b.paidTotalFen), format: MONEY_FORMAT, width: 16 },
  { header: '停发日期', value: (b) => b.stoppedOn, width: 12 },
  { header: '停发原因', value: (b) => (b.stopReason ? STOP_REASON_NAMES[b.stopReason] : null), width: 14 },
  { header: '备注', value: (b) => b.note, width: 30 },
];

const CARD_COLUMNS: ListColumn<schema.BenefitCard>[] = [
  { header: '老人', value: (c) => c.retireeName, width: 12 },
  { header: '证件', value: (c) => c.kindName, width: 16 },
  { header: '证号', value: (c) => c.number, width: 20 },
  { header: '发证日期', value: (c) => c.issuedOn, width: 12 },
  { header: '有效期至', value: (c) => c.expiresOn, width: 12 },
  { header: '状态', value: (c) => CARD_STATES[c.state], width: 10 },
  { header: '交回日期', value: (c) => c.returnedOn, width: 12 },
  { header: '交回原因', value: (c) => c.returnReason, width: 24 },
];

export const benefitRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { benefits, benefitCards: cards } = app;
  const benefitRecords = recordRoutes(app, route, {
    url: '/api/benefits',
    record: schema.Benefit,
    read: 'benefits.read',
    write: 'benefits.write',
    // A benefit of a retiree outside the caller's scope is answered 404, as if it did not exist.
    guard: async (id, caller) => assertInScope(hub.db, caller.scope, await benefits.retireeOf(id)),
  });

  listWithExport(app, {
    url: '/api/benefits',
    access: 'benefits.read',
    tags: route.tags,
    summary: 'Benefits (护理费, 遗属生活补助, 伙食补助), newest first',
    querystring: schema.BenefitQuery,
    answer: Type.Array(schema.Benefit),
    exportSummary: 'The benefits list as an Excel workbook (same filters as the list, Chinese headers)',
    exportQuerystring: schema.BenefitExportQuery,
    list: (query, scope) => benefits.list(query, scope),
    workbook: { sheet: '生活待遇', columns: BENEFIT_COLUMNS, file: 'benefits', name: '生活待遇' },
  });

  benefitRecords.create(
    { retiree: 'body', summary: 'File an application (申报, 6.3.2.6)', body: schema.BenefitInput },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return benefits.apply(body, caller.id);
    },
  );
  benefitRecords.one('One benefit with its steps and payments', (id) => benefits.get(id));
  benefitRecords.on(
    'approve',
    { summary: 'Approve an application; 409 unless applied', body: schema.BenefitApproval },
    (id, body, caller) => benefits.approve(id, body, caller.id),
  );
  benefitRecords.on(
    'reject',
    { summary: 'Refuse an application, with the reason; 409 unless applied', body: schema.BenefitRejection },
    (id, body, caller) => benefits.reject(id, body, caller.id),
  );
  benefitRecords.on(
    'payments',
    {
      summary:
        'Record a payment for a period (amount in fen); 409 unless approved or paid, or when the period is paid',
      body: schema.PaymentInput,
    },
    (id, body, caller) => benefits.pay(id, body, caller.id),
  );
  benefitRecords.on(
    'stop',
    {
      summary: 'Stop a benefit (停发) with its reason; 409 when rejected or already stopped',
      body: schema.BenefitStop,
    },
    (id, body, caller) => benefits.stop(id, body, caller.id),
  );

  const cardRecords = recordRoutes(app, route, {
    url: '/api/benefit-cards',
    record: schema.BenefitCard,
    read: 'benefits.read',
    write: 'benefits.write',
    guard: rowInScope(hub.db, 'benefit_cards', 'card'),
  });
  cardRecords.list(
    {
      summary: 'Preferential cards (优待证, 乘车证) held, expired and returned (6.3.2.3)',
      query: schema.CardQuery,
    },
    (query, caller) => cards.list(query, caller.scope),
  );

  cardRecords.export(
    {
      summary: 'The preferential cards as an Excel workbook (same filters as the list, Chinese headers)',
      query: schema.CardQuery,
    },
    (query, scope) => cards.list(query, scope, MAX_LIST_EXPORT_ROWS),
    { sheet: '优待证件', columns: CARD_COLUMNS, file: 'benefit-cards', name: '优待证件' },
  );

  cardRecords.create(
    {
      retiree: 'body',
      summary: 'Record a card issued; 409 while the same kind is held',
      body: schema.CardInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return cards.issue(body, caller.id);
    },
  );
  cardRecords.on(
    'return',
    { summary: 'Record a card returned, with the reason', body: schema.CardReturn },
    (id, body) => cards.return(id, body),
  );
};
