/** The work list (工作清单): what is due on a day and what is overdue, across every provider. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mayAccess } from '../access/policy.ts';
import { centreDay, isDate } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, forbidden, unauthorized } from '../errors.ts';
import { listWorkbook, sendWorkbook, workbookResponse, XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import { refusals } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import type { User } from '../schemas/auth.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { type WorkItem, WorkList, WorkListQuery } from '../schemas/worklist.ts';
import { inScopeOf, type Scope, scopeOf } from '../store/scope.ts';
import { workItemColumns } from './export.ts';

const route = routeOptions('work list');

export const workListRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  /** A caseworker of a station sees items about that station's retirees, and those about no retiree. */
  const inStation = async (items: WorkItem[], scope: Scope): Promise<WorkItem[]> => {
    const ids = [...new Set(items.flatMap((item) => (item.retireeId ? [item.retireeId] : [])))];
    const mine = await inScopeOf(hub.db, scope, ids);
    return items.filter((item) => !item.retireeId || mine.has(item.retireeId));
  };

  /** The items of `date` (today by default) for the user, or everyone's with `all` (managers). */
  const listFor = async (user: User | null, query: WorkListQuery): Promise<WorkList> => {
    if (!user) throw unauthorized();
    const date = query.date ?? centreDay(new Date());
    if (!isDate(date)) throw badRequest(`date: 日期无效 (not a calendar date): ${date}`);
    const all = query.all === true;
    if (all && !mayAccess('worklist.all', user.role)) {
      throw forbidden('all=true: 仅主管和管理员可查看全部 (supervisor or admin only)');
    }
    const items = await app.workList.items({ date, ownerId: all ? null : user.id, role: user.role });
    return { date, owner: all ? 'all' : 'me', items: await inStation(items, scopeOf(user)) };
  };

  app.get(
    '/api/worklist',
    route('worklist.read', {
      summary:
        "The signed-in user's items due on `date` (today by default) and overdue; `all=true` (supervisor, admin): everyone's",
      querystring: WorkListQuery,
      response: { 200: WorkList, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    }),
    async (request) => {
      return listFor(request.user, request.query);
    },
  );

  app.get(
    '/api/worklist/export.xlsx',
    route('worklist.read', {
      summary: 'The same work list as an Excel workbook',
      querystring: WorkListQuery,
      produces: [XLSX_MEDIA_TYPE],
      response: {
        200: Type.Unsafe<Buffer>(workbookResponse),
        ...refusals(400, 401, 403),
      },
    }),
    async (request, reply) => {
      const list = await listFor(request.user, request.query);
      const body = await listWorkbook(`工作清单 ${list.date}`, workItemColumns, list.items);
      return sendWorkbook(reply, body, `worklist-${list.date}`, `工作清单-${list.date}`);
    },
  );
};
