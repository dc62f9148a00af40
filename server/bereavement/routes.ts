/** After death (6.10 逝世善后服务): staff read; caseworkers, supervisors and admins write. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { centreDateTime } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import type { ListColumn } from '../export/workbook.ts';
import { listWithExport } from '../http/records.ts';
import { recordRoutes } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import {
  BereavementStepUpdate,
  Death,
  DeathExportQuery,
  DeathInput,
  DeathQuery,
  DeathResult,
} from '../schemas/bereavement.ts';
import { retireeInScope } from '../store/checks.ts';
import { assertInScope, rowInScope } from '../store/scope.ts';

const route = routeOptions('bereavement');

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

export const bereavementRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { bereavement } = app;
  const deaths = recordRoutes(app, route, {
    url: '/api/bereavement',
    record: Death,
    read: 'bereavement.read',
    write: 'bereavement.write',
    guard: rowInScope(hub.db, 'deaths', 'death record'),
  });

  listWithExport(app, {
    url: '/api/bereavement',
    access: 'bereavement.read',
    tags: route.tags,
    summary: 'Deaths recorded with their checklists, latest first',
    querystring: DeathQuery,
    answer: Type.Array(Death),
    exportSummary:
      'Deaths and their checklists as an Excel workbook (same filters as the list, Chinese headers)',
    exportQuerystring: DeathExportQuery,
    list: (query, scope) => bereavement.list(query, scope),
    workbook: { sheet: '身后事', columns: DEATH_COLUMNS, file: 'bereavement', name: '身后事' },
  });

  deaths.create(
    {
      retiree: 'body',
      summary:
        'Record a death: opens the checklist of 6.10, marks the retiree deceased (nothing deleted), stops the living benefits (reason death), ends the care arrangement, opens the survivor subsidy for the survivor named; 409 when already recorded',
      body: DeathInput,
      answer: DeathResult,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return bereavement.record(body, caller.id);
    },
  );
  deaths.one('One death and its checklist', (id) => bereavement.get(id));

  // A step is a record of its own, answered with the death it belongs to.
  recordRoutes(app, route, {
    url: '/api/bereavement/steps',
    record: Death,
    read: 'bereavement.read',
    write: 'bereavement.write',
    guard: async (id, caller) => assertInScope(hub.db, caller.scope, await bereavement.retireeOfStep(id)),
  }).on(
    '',
    {
      method: 'patch',
      summary:
        'Assign, move, or close a step (done with its date, or not applicable with a note); 409 once closed',
      body: BereavementStepUpdate,
    },
    (id, body, caller) => bereavement.updateStep(id, body, caller.id),
  );
};
