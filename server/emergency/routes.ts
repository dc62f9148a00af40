/**
 * Emergency management (5.1.7) under /api/emergency: the plans in force per kind with who does
 * what, and the drills held, with an Excel register of drills. Staff read and record drills;
 * supervisors and admins write plans.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AreaOptions } from '../context.ts';
import type { ListColumn } from '../export/workbook.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/emergency.ts';

const route = routeOptions('emergency');

const DRILL_COLUMNS: ListColumn<schema.EmergencyDrill>[] = [
  { header: '演练日期', value: (row) => row.heldOn, width: 12 },
  { header: '类别', value: (row) => row.kindName, width: 12 },
  { header: '预案', value: (row) => row.planTitle ?? '', width: 24 },
  { header: '演练情景', value: (row) => row.scenario, width: 36 },
  { header: '地点', value: (row) => row.place, width: 16 },
  { header: '参加人员', value: (row) => row.participants.map((person) => person.name).join('、'), width: 24 },
  { header: '其他参加者', value: (row) => row.others, width: 20 },
  { header: '发现的问题', value: (row) => row.findings, width: 40 },
  { header: '改进措施（项）', value: (row) => row.actionIds.length, width: 12 },
  { header: '记录人', value: (row) => row.recordedBy, width: 12 },
];

export const emergencyRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { emergency } = app;

  const plans = recordKinds(app, route, { read: 'emergency.read', write: 'emergency.plan' })(
    '/api/emergency/plans',
    schema.EmergencyPlan,
  );
  plans.list(
    {
      summary:
        'The emergency plans in force, one per kind, with who does what (`all=true`: retired ones too)',
      query: schema.EmergencyPlanQuery,
    },
    (query) => emergency.plans(query),
  );
  plans.create(
    {
      summary:
        'A plan for its kind, in force from now; the plan before it is retired and kept (supervisor, admin)',
      body: schema.EmergencyPlanInput,
    },
    (body, caller) => emergency.createPlan(body, caller.id),
  );
  plans.one('One emergency plan', (id) => emergency.plan(id));

  const drills = recordKinds(app, route, { read: 'emergency.read', write: 'emergency.drill' })(
    '/api/emergency/drills',
    schema.EmergencyDrill,
  );
  drills.list({ summary: 'Emergency drills, latest first', query: schema.EmergencyDrillQuery }, (query) =>
    emergency.drills(query),
  );
  drills.export(
    {
      summary: 'The register of emergency drills as an Excel workbook (same filters as the list)',
      query: schema.EmergencyDrillQuery,
    },
    (query) => emergency.drills({ ...query, limit: MAX_LIST_EXPORT_ROWS }),
    { sheet: '应急演练记录', columns: DRILL_COLUMNS, file: 'emergency-drills', name: '应急演练记录' },
  );
  drills.create(
    {
      summary:
        'A drill held: its plan or kind, the scenario, the staff who took part and what it found; improvement actions name it (finding kind `drill`)',
      body: schema.EmergencyDrillInput,
    },
    (body, caller) => emergency.createDrill(body, caller.id),
  );
  drills.one('One emergency drill, with the improvement actions it raised', (id) => emergency.drill(id));
};
