import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestColumns, staysColumns, suspensionColumns } from '../abroad/export.ts';
import { AbroadRequests, allChains, type RetireeFacts, retireeFacts } from '../abroad/requests.ts';
import { AbroadStays } from '../abroad/stays.ts';
import type { SuspensionWatch } from '../abroad/watch.ts';
import { centreDay, isDate } from '../calendar.ts';
import { badRequest, HubError } from '../errors.ts';
import { listWorkbook, MAX_LIST_EXPORT_ROWS, sendWorkbook, workbookResponse } from '../export/workbook.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import {
  AbroadContactInput,
  AbroadDepartInput,
  AbroadReasonInput,
  AbroadRequest,
  AbroadRequestList,
  AbroadRequestsQuery,
  AbroadReturnInput,
  AbroadStay,
  AbroadStayDetail,
  AbroadStayInput,
  AbroadStaysQuery,
  AbroadStepInput,
  ApprovalChain,
  PensionSuspension,
  PensionSuspensionsQuery,
  PostRequestInput,
  SuspensionCheckResult,
  TravelRequestInput,
} from '../schemas/abroad.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { assertInScope, type Scope, scopeOf } from '../store/scope.ts';
import type { HubContext } from './context.ts';

export interface AbroadRouteOptions {
  hub: HubContext;
  /** The clock of the rules; the composition root leaves it to the system clock. */
  now?: () => Date;
  /** The scheduled check of 6.4.2.4, so that an on-demand check never overlaps a scheduled one. */
  watch?: SuspensionWatch;
}

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5), and retirees abroad (6.4.2.4). */
export const abroadRoutes: FastifyPluginAsyncTypebox<AbroadRouteOptions> = async (app, options) => {
  const { hub } = options;
  const now = options.now ?? (() => new Date());
  const requests = new AbroadRequests(hub.db, now);
  const stays = new AbroadStays(hub.db, now);

  /**
   * The retiree named in a body: 400 when there is none (the body names nothing), and the same
   * when the retiree is outside the caller's station, which must not learn that it exists.
   */
  async function retireeFromBody(id: string, scope: Scope): Promise<RetireeFacts> {
    const retiree = isUuid(id) ? await retireeFacts(hub.db, id.toLowerCase()) : null;
    if (!retiree || !(await visible(scope, retiree.id))) throw badRequest('retireeId：未找到该军休干部');
    return retiree;
  }

  async function visible(scope: Scope, retireeId: string): Promise<boolean> {
    try {
      await assertInScope(hub.db, scope, retireeId);
      return true;
    } catch {
      return false;
    }
  }

  /** A stay in the caller's scope, or 404. */
  async function stayOr404(id: string, scope: Scope) {
    const stay = await stays.byId(uuidOr404(id, 'stay'));
    if (!stay || !(await visible(scope, stay.retireeId))) {
      throw new HubError(404, 'not_found', '未找到该出境记录');
    }
    return stay;
  }

  function checkDates(fields: [string, string, string | undefined][]): void {
    for (const [name, label, value] of fields) {
      if (value !== undefined && !isDate(value))
        throw badRequest(`${label}（${name}）不是有效日期，应为“年-月-日”`);
    }
  }

  function text(value: string, name: string, label: string): string {
    const trimmed = value.trim();
    if (!trimmed) throw badRequest(`${label}（${name}）不能为空`);
    return trimmed;
  }

  async function requestOr404(id: string, scope: Scope): Promise<AbroadRequest> {
    const found = await requests.byId(uuidOr404(id, 'request'));
    if (!found || !(await visible(scope, found.retireeId))) {
      throw new HubError(404, 'not_found', '未找到该申请');
    }
    return found;
  }

  app.get(
    '/api/abroad/chains',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'The approval chains by request kind and rank level (6.4.2.3, 6.4.2.5)',
        response: { 200: Type.Array(ApprovalChain), 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async () => {
      return allChains();
    },
  );

  app.post(
    '/api/abroad/travel-requests',
    {
      config: { access: 'abroad.write', retiree: 'body' },
      schema: {
        tags: ['abroad'],
        summary: 'Request to travel abroad (出国（境）); the chain follows the rank (6.4.2.3)',
        body: TravelRequestInput,
        response: { 201: AbroadRequest, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkDates([
        ['departDate', '出发日期', body.departDate],
        ['returnDate', '返回日期', body.returnDate],
      ]);
      if (body.returnDate < body.departDate) {
        throw badRequest('返回日期（returnDate）不能早于出发日期（departDate）');
      }
      const retiree = await retireeFromBody(body.retireeId, scopeOf(request.user!));
      const created = await requests.create(
        retiree,
        request.user!,
        {
          kind: 'travel',
          destination: text(body.destination, 'destination', '前往国家（地区）'),
          purpose: text(body.purpose, 'purpose', '出国（境）事由'),
          departDate: body.departDate,
          returnDate: body.returnDate,
        },
        body.note?.trim() ?? '',
      );
      return reply.code(201).send(created);
    },
  );

  app.post(
    '/api/abroad/post-requests',
    {
      config: { access: 'abroad.write', retiree: 'body' },
      schema: {
        tags: ['abroad'],
        summary: 'Request to hold a part-time post in a social organisation (社会组织兼职, 6.4.2.5)',
        body: PostRequestInput,
        response: { 201: AbroadRequest, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkDates([
        ['startDate', '任职开始日期', body.startDate],
        ['endDate', '任职结束日期', body.endDate],
      ]);
      if (body.endDate && body.endDate < body.startDate) {
        throw badRequest('任职结束日期（endDate）不能早于开始日期（startDate）');
      }
      const retiree = await retireeFromBody(body.retireeId, scopeOf(request.user!));
      const created = await requests.create(
        retiree,
        request.user!,
        {
          kind: 'part_time_post',
          organisation: text(body.organisation, 'organisation', '社会组织名称'),
          post: text(body.post, 'post', '兼任职务'),
          startDate: body.startDate,
          endDate: body.endDate ?? null,
        },
        body.note?.trim() ?? '',
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/abroad/requests',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Travel and part-time post requests, newest first',
        querystring: AbroadRequestsQuery,
        response: { 200: AbroadRequestList, ...errors },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, retireeId, ...filter } = request.query;
      if (retireeId !== undefined && !isUuid(retireeId)) return { total: 0, items: [] };
      return requests.list(
        { ...filter, retireeId: retireeId?.toLowerCase() },
        limit,
        offset,
        scopeOf(request.user!),
      );
    },
  );

  app.get(
    '/api/abroad/requests/export.xlsx',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Travel and part-time post requests as an Excel workbook, same filters as the list',
        querystring: Type.Omit(AbroadRequestsQuery, ['limit', 'offset']),
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { retireeId, ...filter } = request.query;
      const rows =
        retireeId !== undefined && !isUuid(retireeId)
          ? []
          : (
              await requests.list(
                { ...filter, retireeId: retireeId?.toLowerCase() },
                MAX_LIST_EXPORT_ROWS,
                0,
                scopeOf(request.user!),
              )
            ).items;
      const body = await listWorkbook('出国（境）与兼职', requestColumns, rows);
      return sendWorkbook(reply, body, 'abroad-requests', '出国（境）与兼职申请');
    },
  );

  app.get(
    '/api/abroad/requests/:id',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'One request with its chain and the steps taken',
        params: IdParams,
        response: { 200: AbroadRequest, ...errors },
      },
    },
    async (request) => {
      return requestOr404(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/abroad/requests/:id/steps',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary:
          'Record the next step of the chain: 403 when the role may not take it, 409 when it is not its turn or the request is closed',
        params: IdParams,
        body: AbroadStepInput,
        response: { 200: AbroadRequest, ...errors },
      },
    },
    async (request) => {
      const id = uuidOr404(request.params.id, 'request');
      const body = request.body;
      checkDates([['documentDate', '批复日期', body.documentDate]]);
      if (body.documentDate && body.documentDate > centreDay(now())) {
        throw badRequest('批复日期（documentDate）不能晚于今天');
      }
      await requestOr404(id, scopeOf(request.user!));
      return requests.recordStep(id, request.user!, {
        step: body.step,
        decision: body.decision,
        note: body.note?.trim() ?? '',
        documentNo: body.documentNo ?? null,
        documentDate: body.documentDate ?? null,
      });
    },
  );

  app.post(
    '/api/abroad/requests/:id/withdraw',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary: 'Withdraw a request still under way',
        params: IdParams,
        body: AbroadReasonInput,
        response: { 200: AbroadRequest, ...errors },
      },
    },
    async (request) => {
      const found = await requestOr404(request.params.id, scopeOf(request.user!));
      return requests.withdraw(found.id, request.user!, text(request.body.reason, 'reason', '撤回理由'));
    },
  );

  app.post(
    '/api/abroad/requests/:id/depart',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary: 'The approved (or filed) trip has begun: mark the retiree abroad from its departure',
        params: IdParams,
        body: AbroadDepartInput,
        response: { 201: AbroadStayDetail, ...errors },
      },
    },
    async (request, reply) => {
      checkDates([['departedOn', '出境日期', request.body.departedOn]]);
      const found = await requestOr404(request.params.id, scopeOf(request.user!));
      const retiree = (await retireeFacts(hub.db, found.retireeId)) as RetireeFacts;
      const stay = await stays.departFromRequest(
        found,
        retiree,
        request.user!,
        request.body.departedOn,
        request.body.note?.trim() ?? '',
      );
      return reply.code(201).send(stay);
    },
  );

  app.post(
    '/api/abroad/stays',
    {
      config: { access: 'abroad.write', retiree: 'body' },
      schema: {
        tags: ['abroad'],
        summary: 'Mark a retiree abroad directly (6.4.2.4)',
        body: AbroadStayInput,
        response: { 201: AbroadStayDetail, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkDates([
        ['departedOn', '出境日期', body.departedOn],
        ['expectedReturnOn', '预计回国日期', body.expectedReturnOn],
      ]);
      const retiree = await retireeFromBody(body.retireeId, scopeOf(request.user!));
      const stay = await stays.markAbroad(retiree, request.user!, {
        departedOn: body.departedOn,
        destination: text(body.destination, 'destination', '前往国家（地区）'),
        expectedReturnOn: body.expectedReturnOn ?? null,
        note: body.note?.trim() ?? '',
        requestId: null,
      });
      return reply.code(201).send(stay);
    },
  );

  app.get(
    '/api/abroad/stays',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Retirees abroad (default) or back, with the next contact due and any suspension',
        querystring: AbroadStaysQuery,
        response: { 200: Type.Array(AbroadStay), ...errors },
      },
    },
    async (request) => {
      const { state, retireeId } = request.query;
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return stays.list({ state, retireeId: retireeId?.toLowerCase() }, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/abroad/stays/export.xlsx',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Retirees abroad (the contact log list) as an Excel workbook, same filters as the list',
        querystring: AbroadStaysQuery,
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { state, retireeId } = request.query;
      const rows =
        retireeId !== undefined && !isUuid(retireeId)
          ? []
          : await stays.list({ state, retireeId: retireeId?.toLowerCase() }, scopeOf(request.user!));
      const body = await listWorkbook('出境人员联系', staysColumns, rows);
      return sendWorkbook(reply, body, 'abroad-stays', '出境人员联系情况');
    },
  );

  app.get(
    '/api/abroad/stays/overdue',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Retirees abroad whose monthly contact is overdue, longest first (6.4.2.4)',
        response: { 200: Type.Array(AbroadStay), ...errors },
      },
    },
    async (request) => {
      return stays.overdue(scopeOf(request.user!));
    },
  );

  app.get(
    '/api/abroad/stays/:id',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'A stay abroad with its contact log and suspension flags',
        params: IdParams,
        response: { 200: AbroadStayDetail, ...errors },
      },
    },
    async (request) => {
      return stayOr404(request.params.id, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/abroad/stays/:id/contacts',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary: 'Log a contact with a retiree abroad; the next is due a calendar month later',
        params: IdParams,
        body: AbroadContactInput,
        response: { 201: AbroadStayDetail, ...errors },
      },
    },
    async (request, reply) => {
      const at = new Date(request.body.at);
      if (Number.isNaN(at.getTime())) throw badRequest('联系时间（at）不是有效时间');
      const { id } = await stayOr404(request.params.id, scopeOf(request.user!));
      const stay = await stays.addContact(id, request.user!, {
        at,
        channel: request.body.channel,
        note: request.body.note?.trim() ?? '',
      });
      return reply.code(201).send(stay);
    },
  );

  app.post(
    '/api/abroad/stays/:id/return',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary: 'The retiree is back: the stay closes (an active suspension stays until a decision)',
        params: IdParams,
        body: AbroadReturnInput,
        response: { 200: AbroadStayDetail, ...errors },
      },
    },
    async (request) => {
      checkDates([['returnedOn', '回国日期', request.body.returnedOn]]);
      const { id } = await stayOr404(request.params.id, scopeOf(request.user!));
      return stays.returnHome(id, request.user!, request.body.returnedOn, request.body.note?.trim() ?? '');
    },
  );

  app.get(
    '/api/abroad/suspensions',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Pension suspension flags (暂停发放离退休费) with their draft reports',
        querystring: PensionSuspensionsQuery,
        response: { 200: Type.Array(PensionSuspension), ...errors },
      },
    },
    async (request) => {
      const { active, retireeId } = request.query;
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return stays.suspensions({ active, retireeId: retireeId?.toLowerCase() }, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/abroad/suspensions/export.xlsx',
    {
      config: { access: 'abroad.read' },
      schema: {
        tags: ['abroad'],
        summary: 'Pension suspension flags as an Excel workbook, same filters as the list',
        querystring: PensionSuspensionsQuery,
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { active, retireeId } = request.query;
      const rows =
        retireeId !== undefined && !isUuid(retireeId)
          ? []
          : await stays.suspensions({ active, retireeId: retireeId?.toLowerCase() }, scopeOf(request.user!));
      const body = await listWorkbook('暂停发放离退休费', suspensionColumns, rows);
      return sendWorkbook(reply, body, 'pension-suspensions', '暂停发放离退休费名单');
    },
  );

  app.post(
    '/api/abroad/suspensions/:id/clear',
    {
      config: { access: 'abroad.clear' },
      schema: {
        tags: ['abroad'],
        summary: 'The decision that clears a suspension flag, with its reason (supervisor or admin)',
        params: IdParams,
        body: AbroadReasonInput,
        response: { 200: PensionSuspension, ...errors },
      },
    },
    async (request) => {
      // Only managers decide, and they see the whole centre: no station scope applies here.
      return stays.clearSuspension(
        uuidOr404(request.params.id, 'suspension'),
        request.user!,
        text(request.body.reason, 'reason', '解除理由'),
      );
    },
  );

  app.post(
    '/api/abroad/check',
    {
      config: { access: 'abroad.write' },
      schema: {
        tags: ['abroad'],
        summary: 'Run the six-month check now (it also runs on a schedule); returns the flags it raised',
        response: { 200: SuspensionCheckResult, ...errors },
      },
    },
    async (request) => {
      const at = now();
      const raised = options.watch ? await options.watch.check(at) : await stays.check(at, hub.centre.name);
      // The check runs for the whole centre; a station caseworker is told only of their own retirees.
      const scope = scopeOf(request.user!);
      const flagged = [];
      for (const flag of raised) if (await visible(scope, flag.retireeId)) flagged.push(flag);
      return { checkedAt: at.toISOString(), today: centreDay(at), flagged };
    },
  );
};
