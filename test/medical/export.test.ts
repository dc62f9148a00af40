/**
 * Excel exports of medical care (6.5) through a real hub: the yearly health-check plan (due, overdue,
 * done), the checks recorded, out-of-town treatment approvals; the list's filters and roles; a
 * station caseworker's scope on the plan, the health record and the requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { HealthCheckPlan, Treatment } from '../../server/schemas/medical.ts';
import { addStations, created, startTestHub, type TestHub } from '../helpers/hub.ts';
import { downloadWorkbook, readWorkbook } from '../reception/workbook.ts';

describe('medical exports (6.5)', () => {
  let t: TestHub;
  let caseworker: string;
  let supervisor: string;
  let operator: string;
  let stationCaseworker: string;
  let east: Retiree;
  let west: Retiree;
  const today = centreDay(new Date());
  const year = Number(today.slice(0, 4));
  let treatment: Treatment;

  beforeAll(async () => {
    t = await startTestHub();
    caseworker = (await t.addStaff('md-cw', 'caseworker')).token;
    supervisor = (await t.addStaff('md-sup', 'supervisor')).token;
    operator = (await t.addStaff('md-op', 'operator')).token;
    const stations = await addStations(t, 'md-east');
    ({ east, west } = stations);
    stationCaseworker = stations.stationCaseworker.token;

    await created(
      t,
      '/api/medical/health-checks',
      { retireeId: east.id, checkedOn: today, hospital: '市一医院', summary: '血压偏高' },
      caseworker,
    );
    treatment = await created<Treatment>(
      t,
      '/api/medical/out-of-town',
      {
        retireeId: west.id,
        hospital: '华西医院',
        city: '成都',
        reason: '心脏搭桥复查',
        from: addDays(today, 3),
        to: addDays(today, 10),
      },
      caseworker,
    );
  });
  afterAll(() => t?.stop());

  it('exports the yearly plan with its states and the list chosen', async () => {
    const all = await downloadWorkbook(
      t,
      `/api/medical/health-checks/plan/export.xlsx?year=${year}&list=all`,
      caseworker,
      `${year}年健康体检计划.xlsx`,
    );
    expect(all.headers).toStrictEqual([
      '军休干部',
      '状态',
      '应检日期',
      '计划安排',
      '上次体检',
      '本年体检日期',
      '体检医院',
    ]);
    expect(all.rows.find((row) => row.军休干部 === '东站老人')).toMatchObject({
      状态: '已体检',
      本年体检日期: today,
      体检医院: '市一医院',
    });
    expect(all.rows.find((row) => row.军休干部 === '西站老人')).toMatchObject({
      状态: '待体检',
      应检日期: `${year}-12-31`,
    });
    const due = await readWorkbook(t, `/api/medical/health-checks/plan/export.xlsx?year=${year}`, caseworker);
    expect(due.rows.map((row) => row.军休干部)).toStrictEqual(['西站老人']);
    const done = await readWorkbook(t, `/api/medical/health-checks/plan/export.xlsx?list=done`, caseworker);
    expect(done.rows.map((row) => row.军休干部)).toStrictEqual(['东站老人']);
    expect(
      (await readWorkbook(t, '/api/medical/health-checks/plan/export.xlsx?list=soon', caseworker)).status,
    ).toBe(400);
  });

  it('exports the checks recorded and the out-of-town requests, filtered as the lists', async () => {
    const checks = await readWorkbook(t, `/api/medical/health-checks/export.xlsx?year=${year}`, caseworker);
    expect(checks.rows).toStrictEqual([
      {
        体检日期: today,
        军休干部: '东站老人',
        体检医院: '市一医院',
        结果摘要: '血压偏高',
        录入人: 'md-cw 同志',
      },
    ]);
    expect(
      (await readWorkbook(t, `/api/medical/health-checks/export.xlsx?year=${year - 1}`, caseworker)).rows,
    ).toHaveLength(0);

    const requested = await readWorkbook(
      t,
      '/api/medical/out-of-town/export.xlsx?status=requested',
      supervisor,
    );
    expect(requested.rows).toMatchObject([
      { 军休干部: '西站老人', 就医城市: '成都', 就医医院: '华西医院', 状态: '待审批', 审批人: '' },
    ]);
    const decided = await t.api(
      'POST',
      `/api/medical/out-of-town/${treatment.id}/decision`,
      { decision: 'approve', note: '同意' },
      supervisor,
    );
    expect(decided.status).toBe(200);
    expect(
      (await readWorkbook(t, '/api/medical/out-of-town/export.xlsx?status=requested', supervisor)).rows,
    ).toHaveLength(0);
    expect(
      (await readWorkbook(t, '/api/medical/out-of-town/export.xlsx?status=approved', caseworker)).rows,
    ).toMatchObject([{ 状态: '已批准', 审批人: 'md-sup 同志', 审批日期: today, 审批意见: '同意' }]);
  });

  it('keeps the monitoring desk and strangers out, as the lists do', async () => {
    for (const path of [
      '/api/medical/health-checks/plan/export.xlsx',
      '/api/medical/health-checks/export.xlsx',
      '/api/medical/out-of-town/export.xlsx',
    ]) {
      expect((await readWorkbook(t, path, operator)).status).toBe(403);
      expect((await readWorkbook(t, path, null)).status).toBe(401);
    }
  });

  it("shows a station caseworker that station's retirees only", async () => {
    const plan = await t.api<HealthCheckPlan>(
      'GET',
      '/api/medical/health-checks/plan?list=all',
      undefined,
      stationCaseworker,
    );
    expect(plan.body.items.map((entry) => entry.retireeName)).toStrictEqual(['东站老人']);
    expect(plan.body.counts).toStrictEqual({ due: 0, overdue: 0, done: 1 });
    const book = await readWorkbook(
      t,
      '/api/medical/health-checks/plan/export.xlsx?list=all',
      stationCaseworker,
    );
    expect(book.rows.map((row) => row.军休干部)).toStrictEqual(['东站老人']);
    expect(
      (await readWorkbook(t, '/api/medical/out-of-town/export.xlsx', stationCaseworker)).rows,
    ).toHaveLength(0);

    expect((await t.api('GET', `/api/medical/records/${west.id}`, undefined, stationCaseworker)).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/medical/records/${east.id}`, undefined, stationCaseworker)).status).toBe(
      200,
    );
    expect(
      (await t.api('GET', `/api/medical/out-of-town/${treatment.id}`, undefined, stationCaseworker)).status,
    ).toBe(404);
    const item = await t.api(
      'POST',
      `/api/medical/records/${west.id}/items`,
      { kind: 'allergy', name: '青霉素' },
      stationCaseworker,
    );
    expect(item.status).toBe(404);
    const check = await t.api(
      'POST',
      '/api/medical/health-checks',
      { retireeId: west.id, checkedOn: today, hospital: '市二医院', summary: '正常' },
      stationCaseworker,
    );
    expect(check.status).toBe(400);
    const record = await t.api<{ allergies: unknown[]; checks: unknown[] }>(
      'GET',
      `/api/medical/records/${west.id}`,
    );
    expect(record.body.allergies).toHaveLength(0);
    expect(record.body.checks).toHaveLength(0);
  });
});
