import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { centreYear } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { badRequest, conflict, HubError } from '../errors.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { exportRoute, writeErrors } from '../http/records.ts';
import { recordKinds, type SharedKind } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import { isUuid, uuidOr404 } from '../ids.ts';
import {
  HealthCheck,
  HealthCheckInput,
  HealthCheckPlan,
  HealthChecksQuery,
  HealthItem,
  HealthItemInput,
  HealthItemParams,
  HealthItemUpdate,
  HealthPlanQuery,
  HealthRecord,
  HealthScheduleInput,
  HealthScheduleParams,
  Treatment,
  TreatmentDecision,
  TreatmentInput,
  TreatmentsQuery,
} from '../schemas/medical.ts';
import { checkLabelledDate, requiredText, retireeOr404 } from '../store/checks.ts';
import { assertInScope, type Scope, scopeOf } from '../store/scope.ts';
import { checkColumns, planColumns, treatmentColumns } from './export.ts';

const route = routeOptions('medical');
/** What the area's kinds of record share; their reads answer with the refusals of a write too. */
const shared: SharedKind = { read: 'medical.read', write: 'medical.write', errors: { read: writeErrors } };

/** The earliest check date the record accepts: older papers are history, not this record. */
const EARLIEST = '1950-01-01';

const retireeNotFound = () => new HubError(404, 'not_found', '未找到该军休干部');

/** Medical care (6.5): the yearly health check, the health record, out-of-town treatment. */
export const medicalRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const now = () => new Date();
  const { healthRecords: health, treatments } = app;

  /** The retiree, when it exists and is in the caller's scope (a station caseworker's station). */
  async function retiree(
    id: string,
    scope: Scope,
  ): Promise<{ id: string; name: string; status: string } | null> {
    if (!isUuid(id)) return null;
    try {
      const row = await retireeOr404(hub.db, id.toLowerCase());
      await assertInScope(hub.db, scope, row.id);
      return row;
    } catch (error) {
      if (error instanceof HubError && error.statusCode === 404) return null;
      throw error;
    }
  }

  /** The retiree named in a body: 400 when there is none. */
  async function retireeFromBody(id: string, scope: Scope) {
    const found = await retiree(id, scope);
    if (!found) throw badRequest('retireeId：未找到该军休干部');
    return found;
  }

  app.get(
    '/api/medical/health-checks/plan',
    route('medical.read', {
      summary: 'The yearly health-check plan (6.5.2.2): due, overdue or done, with the counts of each',
      querystring: HealthPlanQuery,
      response: { 200: HealthCheckPlan, ...writeErrors },
    }),
    async (request) => {
      const { year = centreYear(now()), list = 'due', limit = 100, offset = 0 } = request.query;
      return health.plan(year, list, limit, offset, scopeOf(request.user!));
    },
  );

  /** The plan's year: this year in the centre unless the query names one. */
  const planYear = (query: { year?: number }) => query.year ?? centreYear(now());
  exportRoute(app, '/api/medical/health-checks/plan/export.xlsx', {
    access: 'medical.read',
    schema: {
      summary: 'The yearly health-check plan as an Excel workbook, same year and list as the plan',
      querystring: Type.Omit(HealthPlanQuery, ['limit', 'offset']),
      tags: route.tags,
    },
    errors: writeErrors,
    rows: async (query, scope) =>
      (await health.plan(planYear(query), query.list ?? 'due', MAX_LIST_EXPORT_ROWS, 0, scope)).items,
    workbook: (query) => {
      const year = planYear(query);
      return {
        sheet: `${year}年健康体检计划`,
        columns: planColumns,
        file: `health-check-plan-${year}`,
        name: `${year}年健康体检计划`,
      };
    },
  });

  app.put(
    '/api/medical/health-checks/plan/:year/:retireeId',
    route('medical.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'Set one retiree’s due date in the year’s plan (e.g. the group check day)',
      params: HealthScheduleParams,
      body: HealthScheduleInput,
      response: { 204: Type.Null(), ...writeErrors },
    }),
    async (request, reply) => {
      const { year, retireeId } = request.params;
      const found = await retiree(retireeId, scopeOf(request.user!));
      if (!found) throw retireeNotFound();
      checkLabelledDate(request.body.dueOn, 'dueOn', '计划体检日期');
      if (!request.body.dueOn.startsWith(`${year}-`)) {
        throw badRequest(`计划体检日期（dueOn）应在${year}年内`);
      }
      await health.schedule(
        year,
        found.id,
        request.body.dueOn,
        request.body.note?.trim() ?? '',
        request.user!,
      );
      return reply.code(204).send(null);
    },
  );

  const kind = recordKinds(app, route, shared);

  const checkRecords = kind('/api/medical/health-checks', HealthCheck);
  checkRecords.list(
    { summary: 'Health checks recorded, newest first', query: HealthChecksQuery },
    async ({ retireeId, year, limit = 100 }, caller) => {
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return health.checks({ retireeId: retireeId?.toLowerCase(), year, limit }, caller.scope);
    },
  );

  checkRecords.export(
    {
      summary: 'Health checks recorded as an Excel workbook, same filters as the list',
      query: Type.Omit(HealthChecksQuery, ['limit']),
    },
    async (query, scope) => {
      const { retireeId, year } = query;
      return retireeId !== undefined && !isUuid(retireeId)
        ? []
        : await health.checks(
            { retireeId: retireeId?.toLowerCase(), year, limit: MAX_LIST_EXPORT_ROWS },
            scope,
          );
    },
    { sheet: '健康体检结果', columns: checkColumns, file: 'health-checks', name: '健康体检结果' },
  );

  checkRecords.create(
    {
      retiree: 'body',
      summary: 'Record a health check with its results; it goes into the health record',
      body: HealthCheckInput,
    },
    async (body, caller) => {
      checkLabelledDate(body.checkedOn, 'checkedOn', '体检日期');
      if (body.checkedOn > health.today()) throw badRequest('体检日期（checkedOn）不能晚于今天');
      if (body.checkedOn < EARLIEST) throw badRequest('体检日期（checkedOn）不能早于1950年');
      const found = await retireeFromBody(body.retireeId, caller.scope);
      return health.addCheck(found.id, caller.user, {
        checkedOn: body.checkedOn,
        hospital: requiredText(body.hospital, 'hospital', '体检医院'),
        summary: requiredText(body.summary, 'summary', '体检结果摘要'),
      });
    },
  );

  // A retiree's health record: `:id` is the retiree's.
  const healthRecordRoutes = kind('/api/medical/records', HealthRecord, { retiree: 'path' });
  healthRecordRoutes.one(
    'A retiree’s health record: conditions, medication, allergies and check results',
    async (rawId, caller) => {
      const id = uuidOr404(rawId, 'retiree');
      if (!(await retiree(id, caller.scope))) throw retireeNotFound();
      const record = await health.record(id);
      if (!record) throw retireeNotFound();
      return record;
    },
  );
  healthRecordRoutes.on(
    'items',
    {
      summary: 'Add a condition, a medication or an allergy to the health record',
      body: HealthItemInput,
      answer: HealthItem,
      code: 201,
    },
    async (id, body, caller) => {
      const found = await retiree(id, caller.scope);
      if (!found) throw retireeNotFound();
      checkLabelledDate(body.since, 'since', '开始日期');
      if (body.since && body.since > health.today()) throw badRequest('开始日期（since）不能晚于今天');
      return health.addItem(found.id, caller.user, {
        kind: body.kind,
        name: requiredText(body.name, 'name', '名称'),
        detail: body.detail?.trim() ?? '',
        since: body.since ?? null,
      });
    },
  );

  app.patch(
    '/api/medical/records/:id/items/:itemId',
    route('medical.write', {
      retiree: 'path',
      summary: 'Change an item of the health record, or end it (endedOn); items are never deleted',
      params: HealthItemParams,
      body: HealthItemUpdate,
      response: { 200: HealthItem, ...writeErrors },
    }),
    async (request) => {
      const retireeId = uuidOr404(request.params.id, 'retiree');
      const itemId = uuidOr404(request.params.itemId, 'item');
      if (!(await retiree(retireeId, scopeOf(request.user!)))) throw retireeNotFound();
      const body = request.body;
      checkLabelledDate(body.since, 'since', '开始日期');
      checkLabelledDate(body.endedOn, 'endedOn', '结束日期');
      const today = health.today();
      if (body.since && body.since > today) throw badRequest('开始日期（since）不能晚于今天');
      if (body.endedOn && body.endedOn > today) throw badRequest('结束日期（endedOn）不能晚于今天');
      const current = await health.item(retireeId, itemId);
      if (!current) throw new HubError(404, 'not_found', '未找到该健康档案条目');
      const since = body.since !== undefined ? body.since : current.since;
      const endedOn = body.endedOn !== undefined ? body.endedOn : current.endedOn;
      if (since && endedOn && endedOn < since)
        throw badRequest('结束日期（endedOn）不能早于开始日期（since）');
      const change = {
        ...body,
        ...(body.name !== undefined ? { name: requiredText(body.name, 'name', '名称') } : {}),
      };
      return (await health.updateItem(retireeId, itemId, change)) as HealthItem;
    },
  );

  const treatmentRecords = kind('/api/medical/out-of-town', Treatment);
  treatmentRecords.list(
    { summary: 'Out-of-town treatment requests (6.5.2.5), newest first', query: TreatmentsQuery },
    async ({ status, retireeId, limit = 100 }, caller) => {
      if (retireeId !== undefined && !isUuid(retireeId)) return [];
      return treatments.list({ status, retireeId: retireeId?.toLowerCase(), limit }, caller.scope);
    },
  );

  treatmentRecords.export(
    {
      summary: 'Out-of-town treatment requests as an Excel workbook, same filters as the list',
      query: Type.Omit(TreatmentsQuery, ['limit']),
    },
    async (query, scope) => {
      const { status, retireeId } = query;
      return retireeId !== undefined && !isUuid(retireeId)
        ? []
        : await treatments.list(
            { status, retireeId: retireeId?.toLowerCase(), limit: MAX_LIST_EXPORT_ROWS },
            scope,
          );
    },
    {
      sheet: '外地就医审批',
      columns: treatmentColumns,
      file: 'out-of-town-treatment',
      name: '外地就医审批',
    },
  );

  treatmentRecords.one('One out-of-town treatment request', async (id, caller) => {
    const found = await treatments.byId(uuidOr404(id, 'treatment'));
    if (!found || !(await retiree(found.retireeId, caller.scope))) {
      throw new HubError(404, 'not_found', '未找到该外地就医申请');
    }
    return found;
  });
  treatmentRecords.create(
    {
      retiree: 'body',
      summary: 'Request approval for treatment in another city (6.5.2.5)',
      body: TreatmentInput,
    },
    async (body, caller) => {
      checkLabelledDate(body.from, 'from', '开始日期');
      checkLabelledDate(body.to, 'to', '结束日期');
      const found = await retireeFromBody(body.retireeId, caller.scope);
      if (found.status === 'deceased') throw conflict(`${found.name}已故，不能申请外地就医`);
      return treatments.create(found.id, caller.user, {
        hospital: requiredText(body.hospital, 'hospital', '就医医院'),
        city: requiredText(body.city, 'city', '就医城市'),
        reason: requiredText(body.reason, 'reason', '外地就医理由'),
        from: body.from,
        to: body.to,
      });
    },
  );
  treatmentRecords.on(
    'decision',
    {
      summary: 'Approve or reject an out-of-town treatment request (supervisor or admin)',
      access: 'medical.decide',
      body: TreatmentDecision,
    },
    async (id, body, caller) => {
      // Only managers decide, and they see the whole centre: no station scope applies here.
      const decided = await treatments.decide(
        uuidOr404(id, 'treatment'),
        caller.user,
        body.decision,
        body.note?.trim() ?? '',
      );
      if (!decided) throw new HubError(404, 'not_found', '未找到该外地就医申请');
      return decided;
    },
  );
};
