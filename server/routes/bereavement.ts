/** After death (6.10 逝世善后服务): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BereavementService, type Clock } from '../bereavement/service.ts';
import { centreDateTime } from '../calendar.ts';
import { unauthorized } from '../errors.ts';
import {
  type ListColumn,
  listWorkbook,
  MAX_LIST_EXPORT_ROWS,
  sendWorkbook,
  workbookResponse,
} from '../export/workbook.ts';
import type { User } from '../schemas/auth.ts';
import {
  BereavementStepUpdate,
  Death,
  DeathExportQuery,
  DeathInput,
  DeathQuery,
  DeathResult,
} from '../schemas/bereavement.ts';
import { ErrorResponse, IdParams } from '../schemas/common.ts';
import { retireeOr404 } from '../store/checks.ts';
import { assertInScope, scopeOf } from '../store/scope.ts';
import { benefitRoutes } from './benefits.ts';
import { careRoutes } from './care.ts';
import type { HubContext } from './context.ts';

const tags = ['bereavement'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FLAG_NAMES: Record<Death['flagCovering'], string> = { party: '党旗', army: '军旗', none: '不适用' };
const STEP_STATES: Record<Death['steps'][number]['status'], string> = {
  open: '待办',
  done: '已办',
  not_applicable: '不适用',
};
/** A recorded instant as the centre's date and time. */
const centreTime = (iso: string | null) => (iso ? centreDateTime(iso) : null);

const DEATH_COLUMNS: ListColumn<Death>[] = [
  { header: '老人', value: (d) => d.retireeName, width: 12 },
  { header: '逝世日期', value: (d) => d.diedOn, width: 12 },
  { header: '逝世地点', value: (d) => d.place, width: 20 },
  { header: '原因', value: (d) => d.cause, width: 16 },
  { header: '遗属', value: (d) => d.survivorName, width: 10 },
  { header: '与老人关系', value: (d) => d.survivorRelation, width: 10 },
  { header: '覆盖旗帜', value: (d) => FLAG_NAMES[d.flagCovering], width: 10 },
  { header: '登记时间', value: (d) => centreTime(d.recordedAt), width: 17 },
  {
    header: '已办事项',
    value: (d) => `${d.steps.filter((s) => s.status !== 'open').length}/${d.steps.length}`,
    width: 10,
  },
  {
    header: '待办事项',
    value: (d) =>
      d.steps
        .filter((s) => s.status === 'open')
        .map((s) => `${s.title}（${s.dueOn}${s.overdue ? '，已逾期' : ''}）`)
        .join('；'),
    width: 50,
  },
  {
    header: '办理情况',
    value: (d) =>
      d.steps
        .filter((s) => s.status !== 'open')
        .map((s) => `${s.title}：${STEP_STATES[s.status]}${s.doneOn ? ` ${s.doneOn}` : ''}`)
        .join('；'),
    width: 50,
  },
  { header: '全部办结', value: (d) => centreTime(d.completedAt), width: 17 },
];

export const bereavementRoutes: FastifyPluginAsyncTypebox<{ hub: HubContext; clock?: Clock }> = async (
  app,
  { hub, clock },
) => {
  const bereavement = new BereavementService(hub.db, clock);
  const userId = (request: { user: { id: string } | null }) => {
    if (!request.user) throw unauthorized();
    return request.user.id;
  };
  /** 404 for a retiree outside the caller's scope, as if there were none. */
  const inScope = async (user: User | null, retireeId: string) =>
    assertInScope(hub.db, scopeOf(user!), retireeId);

  app.get(
    '/api/bereavement',
    {
      config: { access: 'bereavement.read' },
      schema: {
        tags,
        summary: 'Deaths recorded with their checklists, latest first',
        querystring: DeathQuery,
        response: { 200: Type.Array(Death), ...errors },
      },
    },
    async (request) => {
      return bereavement.list(request.query, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/bereavement/export.xlsx',
    {
      config: { access: 'bereavement.read' },
      schema: {
        tags,
        summary:
          'Deaths and their checklists as an Excel workbook (same filters as the list, Chinese headers)',
        querystring: DeathExportQuery,
        produces: [XLSX],
        response: { 200: workbookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const rows = await bereavement.list(
        { ...request.query, limit: MAX_LIST_EXPORT_ROWS },
        scopeOf(request.user!),
      );
      return sendWorkbook(reply, await listWorkbook('身后事', DEATH_COLUMNS, rows), 'bereavement', '身后事');
    },
  );

  app.post(
    '/api/bereavement',
    {
      config: { access: 'bereavement.write', retiree: 'body' },
      schema: {
        tags,
        summary:
          'Record a death: opens the checklist of 6.10, marks the retiree deceased (nothing deleted), stops the living benefits (reason death), ends the care arrangement, opens the survivor subsidy for the survivor named; 409 when already recorded',
        body: DeathInput,
        response: { 201: DeathResult, ...writeErrors },
      },
    },
    async (request, reply) => {
      await inScope(request.user, (await retireeOr404(hub.db, request.body.retireeId)).id);
      return reply.code(201).send(await bereavement.record(request.body, userId(request)));
    },
  );

  app.get(
    '/api/bereavement/:id',
    {
      config: { access: 'bereavement.read' },
      schema: {
        tags,
        summary: 'One death and its checklist',
        params: IdParams,
        response: { 200: Death, ...errors },
      },
    },
    async (request) => {
      const death = await bereavement.get(request.params.id);
      await inScope(request.user, death.retireeId);
      return death;
    },
  );

  app.patch(
    '/api/bereavement/steps/:id',
    {
      config: { access: 'bereavement.write' },
      schema: {
        tags,
        summary:
          'Assign, move, or close a step (done with its date, or not applicable with a note); 409 once closed',
        params: IdParams,
        body: BereavementStepUpdate,
        response: { 200: Death, ...writeErrors },
      },
    },
    async (request) => {
      await inScope(request.user, await bereavement.retireeOfStep(request.params.id));
      return bereavement.updateStep(request.params.id, request.body, userId(request));
    },
  );
};

/** 6.3, 6.7 and 6.10 together, registered by the app in one line. */
export const livingCareAfterDeathRoutes: FastifyPluginAsyncTypebox<{
  hub: HubContext;
  clock?: Clock;
}> = async (app, options) => {
  await app.register(benefitRoutes, options);
  await app.register(careRoutes, options);
  await app.register(bereavementRoutes, options);
};
