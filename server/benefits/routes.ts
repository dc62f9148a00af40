/** Living treatment (6.3 生活待遇): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { type ListColumn, MAX_LIST_EXPORT_ROWS, XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import { exportRoute, listWithExport, readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import type { User } from '../schemas/auth.ts';
import {
  Benefit,
  BenefitApproval,
  BenefitCard,
  BenefitExportQuery,
  BenefitInput,
  BenefitQuery,
  BenefitRejection,
  BenefitStop,
  CardInput,
  CardQuery,
  CardReturn,
  PaymentInput,
} from '../schemas/benefits.ts';
import { IdParams } from '../schemas/common.ts';
import { retireeOr404 as findRetiree } from '../store/checks.ts';
import { assertInScope, scopeOf } from '../store/scope.ts';
import { STOP_REASON_NAMES } from './service.ts';

const route = routeOptions('benefits');

const tags = ['benefits'];

const STATUS_NAMES: Record<Benefit['status'], string> = {
  applied: '已申报',
  approved: '已审批',
  rejected: '未通过',
  paid: '发放中',
  stopped: '已停发',
};
const CARD_STATES: Record<BenefitCard['state'], string> = {
  held: '持有',
  expired: '已过期',
  returned: '已交回',
};
/** Fen (分) to yuan (元) for a sheet cell; the sheet shows two decimals. */
const yuan = (fen: number | null) => (fen === null ? null : fen / 100);

const BENEFIT_COLUMNS: ListColumn<Benefit>[] = [
  { header: '老人', value: (b) => b.retireeName, width: 12 },
  { header: '待遇类别', value: (b) => b.kindName, width: 14 },
  { header: '领取人', value: (b) => b.beneficiaryName || b.retireeName, width: 12 },
  {
    header: '与老人关系',
    value: (b) => b.beneficiaryRelation || (b.beneficiaryName ? '' : '本人'),
    width: 10,
  },
  { header: '月标准（元）', value: (b) => yuan(b.monthlyAmountFen), format: '#,##0.00' },
  { header: '状态', value: (b) => STATUS_NAMES[b.status], width: 10 },
  { header: '申报日期', value: (b) => b.appliedOn, width: 12 },
  { header: '复核日期', value: (b) => b.reviewOn, width: 12 },
  { header: '已发放期数', value: (b) => b.payments.length, width: 10 },
  { header: '最近发放月份', value: (b) => b.payments.at(-1)?.period ?? null, width: 12 },
  { header: '累计发放（元）', value: (b) => yuan(b.paidTotalFen), format: '#,##0.00', width: 16 },
  { header: '停发日期', value: (b) => b.stoppedOn, width: 12 },
  { header: '停发原因', value: (b) => (b.stopReason ? STOP_REASON_NAMES[b.stopReason] : null), width: 14 },
  { header: '备注', value: (b) => b.note, width: 30 },
];

const CARD_COLUMNS: ListColumn<BenefitCard>[] = [
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
  const retireeOr404 = async (id: string) => (await findRetiree(hub.db, id)).id;
  /** 404 for a benefit of a retiree outside the caller's scope, as if it did not exist. */
  const ownBenefit = async (request: { user: User | null; params: { id: string } }) =>
    assertInScope(hub.db, scopeOf(request.user!), await benefits.retireeOf(request.params.id));

  listWithExport(app, {
    url: '/api/benefits',
    access: 'benefits.read',
    tags,
    summary: 'Benefits (护理费, 遗属生活补助, 伙食补助), newest first',
    querystring: BenefitQuery,
    answer: Type.Array(Benefit),
    exportSummary: 'The benefits list as an Excel workbook (same filters as the list, Chinese headers)',
    exportQuerystring: BenefitExportQuery,
    list: (query, scope) => benefits.list(query, scope),
    workbook: { sheet: '生活待遇', columns: BENEFIT_COLUMNS, file: 'benefits', name: '生活待遇' },
  });

  app.post(
    '/api/benefits',
    route('benefits.write', {
      retiree: 'body',
      summary: 'File an application (申报, 6.3.2.6)',
      body: BenefitInput,
      response: { 201: Benefit, ...writeErrors },
    }),
    async (request, reply) => {
      await assertInScope(hub.db, scopeOf(request.user!), await retireeOr404(request.body.retireeId));
      return reply.code(201).send(await benefits.apply(request.body, userId(request)));
    },
  );

  app.get(
    '/api/benefits/:id',
    route('benefits.read', {
      summary: 'One benefit with its steps and payments',
      params: IdParams,
      response: { 200: Benefit, ...readErrors },
    }),
    async (request) => {
      await ownBenefit(request);
      return benefits.get(request.params.id);
    },
  );

  app.post(
    '/api/benefits/:id/approve',
    route('benefits.write', {
      summary: 'Approve an application; 409 unless applied',
      params: IdParams,
      body: BenefitApproval,
      response: { 200: Benefit, ...writeErrors },
    }),
    async (request) => {
      await ownBenefit(request);
      return benefits.approve(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/reject',
    route('benefits.write', {
      summary: 'Refuse an application, with the reason; 409 unless applied',
      params: IdParams,
      body: BenefitRejection,
      response: { 200: Benefit, ...writeErrors },
    }),
    async (request) => {
      await ownBenefit(request);
      return benefits.reject(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/payments',
    route('benefits.write', {
      summary:
        'Record a payment for a period (amount in fen); 409 unless approved or paid, or when the period is paid',
      params: IdParams,
      body: PaymentInput,
      response: { 200: Benefit, ...writeErrors },
    }),
    async (request) => {
      await ownBenefit(request);
      return benefits.pay(request.params.id, request.body, userId(request));
    },
  );

  app.post(
    '/api/benefits/:id/stop',
    route('benefits.write', {
      summary: 'Stop a benefit (停发) with its reason; 409 when rejected or already stopped',
      params: IdParams,
      body: BenefitStop,
      response: { 200: Benefit, ...writeErrors },
    }),
    async (request) => {
      await ownBenefit(request);
      return benefits.stop(request.params.id, request.body, userId(request));
    },
  );

  app.get(
    '/api/benefit-cards',
    route('benefits.read', {
      summary: 'Preferential cards (优待证, 乘车证) held, expired and returned (6.3.2.3)',
      querystring: CardQuery,
      response: { 200: Type.Array(BenefitCard), ...readErrors },
    }),
    async (request) => {
      return cards.list(request.query, scopeOf(request.user!));
    },
  );

  exportRoute(app, '/api/benefit-cards/export.xlsx', {
    access: 'benefits.read',
    schema: {
      tags,
      summary: 'The preferential cards as an Excel workbook (same filters as the list, Chinese headers)',
      querystring: CardQuery,
      produces: [XLSX_MEDIA_TYPE],
    },
    rows: (query, scope) => cards.list(query, scope, MAX_LIST_EXPORT_ROWS),
    workbook: { sheet: '优待证件', columns: CARD_COLUMNS, file: 'benefit-cards', name: '优待证件' },
  });

  app.post(
    '/api/benefit-cards',
    route('benefits.write', {
      retiree: 'body',
      summary: 'Record a card issued; 409 while the same kind is held',
      body: CardInput,
      response: { 201: BenefitCard, ...writeErrors },
    }),
    async (request, reply) => {
      await assertInScope(hub.db, scopeOf(request.user!), await retireeOr404(request.body.retireeId));
      return reply.code(201).send(await cards.issue(request.body, userId(request)));
    },
  );

  app.post(
    '/api/benefit-cards/:id/return',
    route('benefits.write', {
      summary: 'Record a card returned, with the reason',
      params: IdParams,
      body: CardReturn,
      response: { 200: BenefitCard, ...writeErrors },
    }),
    async (request) => {
      const card = await cards.get(request.params.id);
      await assertInScope(hub.db, scopeOf(request.user!), card.retireeId);
      return cards.return(request.params.id, request.body);
    },
  );
};
