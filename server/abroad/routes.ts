import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { centreDay } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, HubError } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { writeErrors } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import {
  AbroadDepartInput,
  AbroadReasonInput,
  AbroadRequest,
  AbroadRequestList,
  AbroadRequestsQuery,
  AbroadStayDetail,
  AbroadStepInput,
  ApprovalChain,
  PostRequestInput,
  TravelRequestInput,
} from '../schemas/abroad.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { requiredText } from '../store/checks.ts';
import type { Scope } from '../store/scope.ts';
import { checkDates, retireeFromBody, visible } from './checks.ts';
import { requestColumns } from './export.ts';
import { allChains, type RetireeFacts, retireeFacts } from './requests.ts';

const route = routeOptions('abroad');

/** Travel abroad and part-time posts (6.4.2.3–6.4.2.5): the requests and their approval chains. */
export const abroadRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const now = () => new Date();
  const { abroadRequests: requests, abroadStays: stays } = app;
  const { db } = hub;

  async function requestOr404(id: string, scope: Scope): Promise<AbroadRequest> {
    const found = await requests.byId(uuidOr404(id, 'request'));
    if (!found || !(await visible(db, scope, found.retireeId))) {
      throw new HubError(404, 'not_found', '未找到该申请');
    }
    return found;
  }

  const kind = recordKinds(app, route, { read: 'abroad.read', write: 'abroad.write' });

  app.get(
    '/api/abroad/chains',
    route('abroad.read', {
      summary: 'The approval chains by request kind and rank level (6.4.2.3, 6.4.2.5)',
      response: { 200: Type.Array(ApprovalChain), 401: ErrorResponse, 403: ErrorResponse },
    }),
    async () => {
      return allChains();
    },
  );

  kind('/api/abroad/travel-requests', AbroadRequest).create(
    {
      retiree: 'body',
      summary: 'Request to travel abroad (出国（境）); the chain follows the rank (6.4.2.3)',
      body: TravelRequestInput,
    },
    async (body, caller) => {
      checkDates([
        ['departDate', '出发日期', body.departDate],
        ['returnDate', '返回日期', body.returnDate],
      ]);
      if (body.returnDate < body.departDate) {
        throw badRequest('返回日期（returnDate）不能早于出发日期（departDate）');
      }
      const retiree = await retireeFromBody(db, body.retireeId, caller.scope);
      return requests.create(
        retiree,
        caller.user,
        {
          kind: 'travel',
          destination: requiredText(body.destination, 'destination', '前往国家（地区）'),
          purpose: requiredText(body.purpose, 'purpose', '出国（境）事由'),
          departDate: body.departDate,
          returnDate: body.returnDate,
        },
        body.note?.trim() ?? '',
      );
    },
  );

  kind('/api/abroad/post-requests', AbroadRequest).create(
    {
      retiree: 'body',
      summary: 'Request to hold a part-time post in a social organisation (社会组织兼职, 6.4.2.5)',
      body: PostRequestInput,
    },
    async (body, caller) => {
      checkDates([
        ['startDate', '任职开始日期', body.startDate],
        ['endDate', '任职结束日期', body.endDate],
      ]);
      if (body.endDate && body.endDate < body.startDate) {
        throw badRequest('任职结束日期（endDate）不能早于开始日期（startDate）');
      }
      const retiree = await retireeFromBody(db, body.retireeId, caller.scope);
      return requests.create(
        retiree,
        caller.user,
        {
          kind: 'part_time_post',
          organisation: requiredText(body.organisation, 'organisation', '社会组织名称'),
          post: requiredText(body.post, 'post', '兼任职务'),
          startDate: body.startDate,
          endDate: body.endDate ?? null,
        },
        body.note?.trim() ?? '',
      );
    },
  );

  // A request's reads answer with the refusals of a write too.
  const requestRecords = kind('/api/abroad/requests', AbroadRequest, { errors: { read: writeErrors } });
  requestRecords.list(
    {
      summary: 'Travel and part-time post requests, newest first',
      query: AbroadRequestsQuery,
      answer: AbroadRequestList,
    },
    async (query, caller) => {
      const { limit = 50, offset = 0, retireeId, ...filter } = query;
      if (retireeId !== undefined && !isUuid(retireeId)) return { total: 0, items: [] };
      return requests.list({ ...filter, retireeId: retireeId?.toLowerCase() }, limit, offset, caller.scope);
    },
  );

  requestRecords.export(
    {
      summary: 'Travel and part-time post requests as an Excel workbook, same filters as the list',
      query: Type.Omit(AbroadRequestsQuery, ['limit', 'offset']),
    },
    async ({ retireeId, ...filter }, scope) => {
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      const listed = await requests.list(
        { ...filter, retireeId: retireeId?.toLowerCase() },
        MAX_LIST_EXPORT_ROWS,
        0,
        scope,
      );
      return listed.items;
    },
    {
      sheet: '出国（境）与兼职',
      columns: requestColumns,
      file: 'abroad-requests',
      name: '出国（境）与兼职申请',
    },
  );

  requestRecords.one('One request with its chain and the steps taken', (id, caller) =>
    requestOr404(id, caller.scope),
  );
  requestRecords.on(
    'steps',
    {
      summary:
        'Record the next step of the chain: 403 when the role may not take it, 409 when it is not its turn or the request is closed',
      body: AbroadStepInput,
    },
    async (rawId, body, caller) => {
      const id = uuidOr404(rawId, 'request');
      checkDates([['documentDate', '批复日期', body.documentDate]]);
      if (body.documentDate && body.documentDate > centreDay(now())) {
        throw badRequest('批复日期（documentDate）不能晚于今天');
      }
      await requestOr404(id, caller.scope);
      return requests.recordStep(id, caller.user, {
        step: body.step,
        decision: body.decision,
        note: body.note?.trim() ?? '',
        documentNo: body.documentNo ?? null,
        documentDate: body.documentDate ?? null,
      });
    },
  );
  requestRecords.on(
    'withdraw',
    { summary: 'Withdraw a request still under way', body: AbroadReasonInput },
    async (id, body, caller) => {
      const found = await requestOr404(id, caller.scope);
      return requests.withdraw(found.id, caller.user, requiredText(body.reason, 'reason', '撤回理由'));
    },
  );
  requestRecords.on(
    'depart',
    {
      summary: 'The approved (or filed) trip has begun: mark the retiree abroad from its departure',
      body: AbroadDepartInput,
      answer: AbroadStayDetail,
      code: 201,
    },
    async (id, body, caller) => {
      checkDates([['departedOn', '出境日期', body.departedOn]]);
      const found = await requestOr404(id, caller.scope);
      const retiree = (await retireeFacts(hub.db, found.retireeId)) as RetireeFacts;
      return stays.departFromRequest(found, retiree, caller.user, body.departedOn, body.note?.trim() ?? '');
    },
  );
};
