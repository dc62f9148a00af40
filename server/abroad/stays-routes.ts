/** Retirees abroad (6.4.2.4): their stays, the monthly contact, and the pension suspended after six months without one. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { centreDay } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, HubError } from '../errors.ts';
import { writeErrors } from '../http/records.ts';
import { recordKinds, type SharedKind } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import * as schema from '../schemas/abroad.ts';
import { requiredText } from '../store/checks.ts';
import { type Scope, scopeOf } from '../store/scope.ts';
import { checkDates, retireeFromBody, visible } from './checks.ts';
import { staysColumns, suspensionColumns } from './export.ts';

const route = routeOptions('abroad');
/** What the area's kinds of record share; their reads answer with the refusals of a write too. */
const shared: SharedKind = { read: 'abroad.read', write: 'abroad.write', errors: { read: writeErrors } };

export const abroadStayRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const now = () => new Date();
  const { abroadStays: stays } = app;
  const { db } = hub;

  /** A stay in the caller's scope, or 404. */
  async function stayOr404(id: string, scope: Scope) {
    const stay = await stays.byId(uuidOr404(id, 'stay'));
    if (!stay || !(await visible(db, scope, stay.retireeId))) {
      throw new HubError(404, 'not_found', '未找到该出境记录');
    }
    return stay;
  }

  const kind = recordKinds(app, route, shared);

  const stayRecords = kind('/api/abroad/stays', schema.AbroadStayDetail);
  stayRecords.create(
    {
      retiree: 'body',
      summary: 'Mark a retiree abroad directly (6.4.2.4)',
      body: schema.AbroadStayInput,
    },
    async (body, caller) => {
      checkDates([
        ['departedOn', '出境日期', body.departedOn],
        ['expectedReturnOn', '预计回国日期', body.expectedReturnOn],
      ]);
      const retiree = await retireeFromBody(db, body.retireeId, caller.scope);
      return stays.markAbroad(retiree, caller.user, {
        departedOn: body.departedOn,
        destination: requiredText(body.destination, 'destination', '前往国家（地区）'),
        expectedReturnOn: body.expectedReturnOn ?? null,
        note: body.note?.trim() ?? '',
        requestId: null,
      });
    },
  );
  stayRecords.list(
    {
      summary: 'Retirees abroad (default) or back, with the next contact due and any suspension',
      query: schema.AbroadStaysQuery,
      answer: Type.Array(schema.AbroadStay),
    },
    async ({ state, retireeId }, caller) => {
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return stays.list({ state, retireeId: retireeId?.toLowerCase() }, caller.scope);
    },
  );

  stayRecords.export(
    {
      summary: 'Retirees abroad (the contact log list) as an Excel workbook, same filters as the list',
      query: schema.AbroadStaysQuery,
    },
    async (query, scope) => {
      const { state, retireeId } = query;
      return retireeId !== undefined && !isUuid(retireeId)
        ? []
        : await stays.list({ state, retireeId: retireeId?.toLowerCase() }, scope);
    },
    {
      sheet: '出境人员联系',
      columns: staysColumns,
      file: 'abroad-stays',
      name: '出境人员联系情况',
    },
  );

  app.get(
    '/api/abroad/stays/overdue',
    route('abroad.read', {
      summary: 'Retirees abroad whose monthly contact is overdue, longest first (6.4.2.4)',
      response: { 200: Type.Array(schema.AbroadStay), ...writeErrors },
    }),
    async (request) => {
      return stays.overdue(scopeOf(request.user!));
    },
  );

  stayRecords.one('A stay abroad with its contact log and suspension flags', (id, caller) =>
    stayOr404(id, caller.scope),
  );
  stayRecords.on(
    'contacts',
    {
      summary: 'Log a contact with a retiree abroad; the next is due a calendar month later',
      body: schema.AbroadContactInput,
      code: 201,
    },
    async (rawId, body, caller) => {
      const at = new Date(body.at);
      if (Number.isNaN(at.getTime())) throw badRequest('联系时间（at）不是有效时间');
      const { id } = await stayOr404(rawId, caller.scope);
      return stays.addContact(id, caller.user, { at, channel: body.channel, note: body.note?.trim() ?? '' });
    },
  );
  stayRecords.on(
    'return',
    {
      summary: 'The retiree is back: the stay closes (an active suspension stays until a decision)',
      body: schema.AbroadReturnInput,
    },
    async (rawId, body, caller) => {
      checkDates([['returnedOn', '回国日期', body.returnedOn]]);
      const { id } = await stayOr404(rawId, caller.scope);
      return stays.returnHome(id, caller.user, body.returnedOn, body.note?.trim() ?? '');
    },
  );

  const suspensionRecords = kind('/api/abroad/suspensions', schema.PensionSuspension, {
    write: 'abroad.clear',
  });
  suspensionRecords.list(
    {
      summary: 'Pension suspension flags (暂停发放离退休费) with their draft reports',
      query: schema.PensionSuspensionsQuery,
    },
    async ({ active, retireeId }, caller) => {
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return stays.suspensions({ active, retireeId: retireeId?.toLowerCase() }, caller.scope);
    },
  );

  suspensionRecords.export(
    {
      summary: 'Pension suspension flags as an Excel workbook, same filters as the list',
      query: schema.PensionSuspensionsQuery,
    },
    async (query, scope) => {
      const { active, retireeId } = query;
      return retireeId !== undefined && !isUuid(retireeId)
        ? []
        : await stays.suspensions({ active, retireeId: retireeId?.toLowerCase() }, scope);
    },
    {
      sheet: '暂停发放离退休费',
      columns: suspensionColumns,
      file: 'pension-suspensions',
      name: '暂停发放离退休费名单',
    },
  );

  suspensionRecords.on(
    'clear',
    {
      summary: 'The decision that clears a suspension flag, with its reason (supervisor or admin)',
      body: schema.AbroadReasonInput,
    },
    // Only managers decide, and they see the whole centre: no station scope applies here.
    (id, body, caller) =>
      stays.clearSuspension(
        uuidOr404(id, 'suspension'),
        caller.user,
        requiredText(body.reason, 'reason', '解除理由'),
      ),
  );

  app.post(
    '/api/abroad/check',
    route('abroad.write', {
      summary: 'Run the six-month check now (it also runs on a schedule); returns the flags it raised',
      response: { 200: schema.SuspensionCheckResult, ...writeErrors },
    }),
    async (request) => {
      const at = now();
      const raised = await app.abroadWatch.check(at);
      // The check runs for the whole centre; a station caseworker is told only of their own retirees.
      const scope = scopeOf(request.user!);
      const flagged = [];
      for (const flag of raised) if (await visible(db, scope, flag.retireeId)) flagged.push(flag);
      return { checkedAt: at.toISOString(), today: centreDay(at), flagged };
    },
  );
};
