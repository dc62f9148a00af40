/**
 * Emergency management (5.1.7) through the HTTP API, on both record engines: a plan per kind with
 * who does what, a new plan retiring the one before it, drills with the staff who took part and
 * their findings, the improvement actions a drill raises (7.2), the Excel register of drills, and
 * who may do what. A refused request changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, centreDay } from '../../server/calendar.ts';
import type { EmergencyDrill, EmergencyPlan } from '../../server/schemas/emergency.ts';
import type { ImprovementAction } from '../../server/schemas/evaluation.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

for (const engine of engines)
  describe.skipIf(engine.skip)(`emergency plans and drills on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let operator: SignedIn;
    let firePlan: EmergencyPlan;
    let drill: EmergencyDrill;

    const firePlanInput = (title: string) => ({
      kind: 'fire',
      title,
      summary: '发现火情立即报警、疏散、初期扑救',
      duties: [
        { who: '值班员', userId: operator.id, action: '拨打119，启动广播，通知值班领导' },
        { who: '社工', action: '按楼层疏散老人，清点人数' },
      ],
      contacts: '119；社区消防站',
      effectiveOn: today,
    });

    it('keeps one plan in force per kind, with who does what; a new one retires the one before', async () => {
      supervisor = await t.addStaff('sup.emergency', 'supervisor');
      caseworker = await t.addStaff('cw.emergency', 'caseworker');
      operator = await t.addStaff('op.emergency', 'operator');

      firePlan = await created<EmergencyPlan>(
        t,
        '/api/emergency/plans',
        firePlanInput('消防应急预案'),
        supervisor.token,
      );
      expect(firePlan).toMatchObject({
        kind: 'fire',
        kindName: '火灾',
        current: true,
        retiredAt: null,
        reviewOn: addMonths(today, 12),
        drills: 0,
        lastDrillOn: null,
      });
      expect(firePlan.duties).toEqual([
        expect.objectContaining({ who: '值班员', userId: operator.id, userName: expect.any(String) }),
        { who: '社工', userId: null, userName: null, action: '按楼层疏散老人，清点人数' },
      ]);
      await created(
        t,
        '/api/emergency/plans',
        {
          kind: 'wandering',
          title: '走失应急预案',
          duties: [{ who: '值班员', action: '查看定位，联系家属与派出所' }],
          effectiveOn: today,
        },
        supervisor.token,
      );

      const revised = await created<EmergencyPlan>(
        t,
        '/api/emergency/plans',
        firePlanInput('消防应急预案（修订）'),
        supervisor.token,
      );
      const inForce = await read<EmergencyPlan[]>(t, '/api/emergency/plans', caseworker.token);
      expect(inForce.map((plan) => plan.title).sort()).toStrictEqual(
        ['走失应急预案', '消防应急预案（修订）'].sort(),
      );
      const fire = await read<EmergencyPlan[]>(t, '/api/emergency/plans?kind=fire&all=true');
      expect(fire.map((plan) => [plan.id, plan.current])).toStrictEqual([
        [revised.id, true],
        [firePlan.id, false],
      ]);
      expect(fire[1]?.retiredAt).not.toBeNull();
      firePlan = revised;
    });

    it('refuses a plan from a caseworker, naming no staff member, or reviewed before it starts', async () => {
      const before = await read<EmergencyPlan[]>(t, '/api/emergency/plans?all=true');
      const refusals: [Record<string, unknown>, string, number][] = [
        [firePlanInput('社工的预案'), caseworker.token, 403],
        [
          {
            ...firePlanInput('无效人员'),
            duties: [{ who: '值班员', userId: '00000000-0000-4000-8000-000000000000', action: '报警' }],
          },
          supervisor.token,
          400,
        ],
        [{ ...firePlanInput('复审过早'), reviewOn: addDays(today, -1) }, supervisor.token, 400],
        [{ ...firePlanInput('没有职责'), duties: [] }, supervisor.token, 400],
      ];
      for (const [body, token, status] of refusals) {
        const answer = await t.api('POST', '/api/emergency/plans', body, token);
        expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      }
      expect(await read<EmergencyPlan[]>(t, '/api/emergency/plans?all=true')).toStrictEqual(before);
    });

    it('records a drill of a plan with who took part and what it found, counted on the plan', async () => {
      drill = await created<EmergencyDrill>(
        t,
        '/api/emergency/drills',
        {
          planId: firePlan.id,
          heldOn: today,
          scenario: '三楼厨房夜间起火，疏散卧床老人',
          place: '3号楼',
          participantIds: [operator.id, caseworker.id],
          others: '老人12名，社区消防站2人',
          findings: '三楼疏散通道堆放杂物；卧床老人转运担架不足',
        },
        operator.token,
      );
      expect(drill).toMatchObject({
        planId: firePlan.id,
        planTitle: '消防应急预案（修订）',
        kind: 'fire',
        kindName: '火灾',
        heldOn: today,
        actionIds: [],
      });
      expect(drill.participants.map((person) => person.userId).sort()).toStrictEqual(
        [operator.id, caseworker.id].sort(),
      );
      const plan = await read<EmergencyPlan>(t, `/api/emergency/plans/${firePlan.id}`);
      expect(plan).toMatchObject({ drills: 1, lastDrillOn: today });

      // A drill of a kind with no plan names the kind.
      const outage = await created<EmergencyDrill>(t, '/api/emergency/drills', {
        kind: 'outage',
        heldOn: addDays(today, -3),
        scenario: '市电中断，监护主机切换备用电源',
        participantIds: [operator.id],
      });
      expect(outage).toMatchObject({ planId: null, kind: 'outage', kindName: '停电断网' });
      const fires = await read<EmergencyDrill[]>(t, '/api/emergency/drills?kind=fire');
      expect(fires.map((entry) => entry.id)).toStrictEqual([drill.id]);
    });

    it('refuses a drill in the future, with no plan or kind, of another kind than its plan, or with no staff', async () => {
      const before = await read<EmergencyDrill[]>(t, '/api/emergency/drills');
      const base = { heldOn: today, scenario: '演练', participantIds: [operator.id] };
      const refusals: Record<string, unknown>[] = [
        { ...base, kind: 'fire', heldOn: addDays(today, 1) },
        { ...base },
        { ...base, planId: firePlan.id, kind: 'fall' },
        { ...base, planId: '00000000-0000-4000-8000-000000000000' },
        { ...base, kind: 'fire', participantIds: ['00000000-0000-4000-8000-000000000000'] },
        { ...base, kind: 'fire', participantIds: [] },
      ];
      for (const body of refusals) {
        const answer = await t.api('POST', '/api/emergency/drills', body);
        expect(answer.status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(400);
      }
      expect(await read<EmergencyDrill[]>(t, '/api/emergency/drills')).toStrictEqual(before);
    });

    it('links the improvement actions a drill raises to it (7.2)', async () => {
      const action = await created<ImprovementAction>(t, '/api/evaluation/actions', {
        title: '清理疏散通道，增配转运担架',
        finding: { kind: 'drill', drillId: drill.id, text: '疏散通道堆放杂物' },
        dueOn: addDays(today, 14),
      });
      expect(action.finding).toMatchObject({ kind: 'drill', drillId: drill.id });
      expect(action.finding.summary).toContain('三楼厨房夜间起火');
      expect((await read<EmergencyDrill>(t, `/api/emergency/drills/${drill.id}`)).actionIds).toStrictEqual([
        action.id,
      ]);
      expect(
        (await read<ImprovementAction[]>(t, `/api/evaluation/actions?drillId=${drill.id}`)).map(
          (entry) => entry.id,
        ),
      ).toStrictEqual([action.id]);

      for (const finding of [
        { kind: 'drill' },
        { kind: 'drill', drillId: '00000000-0000-4000-8000-000000000000' },
        { kind: 'text', text: '文字', drillId: drill.id },
      ]) {
        const answer = await t.api('POST', '/api/evaluation/actions', {
          title: '无效',
          finding,
          dueOn: addDays(today, 14),
        });
        expect(answer.status, JSON.stringify(finding)).toBe(400);
      }
    });

    it('exports the register of drills to Excel, with who took part and what was found', async () => {
      const response = await fetch(`${t.url}/api/emergency/drills/export.xlsx?kind=fire`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(response.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      const rows: string[][] = [];
      sheet?.eachRow((row) => {
        rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
      });
      expect(rows[0]).toContain('演练情景');
      expect(rows).toHaveLength(2);
      const line = rows[1]?.join('|') ?? '';
      expect(line).toContain('三楼厨房夜间起火');
      expect(line).toContain('卧床老人转运担架不足');
      expect(line).toContain('消防应急预案（修订）');
    });

    it('keeps one plan in force when two are made for a kind at once', async () => {
      const body = (title: string) => ({
        kind: 'medical',
        title,
        duties: [{ who: '医护人员', action: '初步急救，拨打120' }],
        effectiveOn: today,
      });
      const answers = await Promise.all(
        ['突发疾病预案甲', '突发疾病预案乙'].map((title) =>
          t.api('POST', '/api/emergency/plans', body(title), supervisor.token),
        ),
      );
      for (const answer of answers) expect([201, 409], JSON.stringify(answer.body)).toContain(answer.status);
      const current = await read<EmergencyPlan[]>(t, '/api/emergency/plans?kind=medical');
      expect(current).toHaveLength(1);
    });
  });
