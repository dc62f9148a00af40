/** Medical care through a real hub (6.5): health checks and the plan, the health record, out-of-town approvals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, centreDay } from '../../server/calendar.ts';
import type {
  HealthCheck,
  HealthCheckPlan,
  HealthItem,
  HealthRecord,
  Treatment,
} from '../../server/schemas/medical.ts';
import { created, startTestHub, type TestHub } from '../helpers/hub.ts';

describe('medical care (6.5)', () => {
  let t: TestHub;
  const tokens: Record<string, string> = {};
  const as = (username: string) => tokens[username] as string;

  beforeAll(async () => {
    t = await startTestHub();
    for (const [username, role] of [
      ['cw', 'caseworker'],
      ['sup', 'supervisor'],
      ['op', 'operator'],
    ] as const) {
      await t.api('POST', '/api/users', { username, displayName: username, role, password: 'password-123' });
      const login = await t.api<{ token: string }>('POST', '/api/auth/login', {
        username,
        password: 'password-123',
      });
      tokens[username] = login.body.token;
    }
  });
  afterAll(() => t?.stop());

  it('records a yearly check into the health record and moves the retiree to the done list', async () => {
    const today = centreDay(new Date());
    const year = Number(today.slice(0, 4));
    const retiree = await t.addRetiree({ name: '体检老人' });
    const planBefore = await t.api<HealthCheckPlan>(
      'GET',
      '/api/medical/health-checks/plan',
      undefined,
      as('cw'),
    );
    expect(planBefore.status).toBe(200);
    expect(planBefore.body.year).toBe(year);
    expect(planBefore.body.items.find((entry) => entry.retireeId === retiree.id)).toMatchObject({
      state: 'due',
      dueOn: `${year}-12-31`,
    });

    const bad = [
      { checkedOn: addMonths(today, 1) },
      { checkedOn: `${year}-02-30` },
      { hospital: '  ' },
      { retireeId: '00000000-0000-4000-8000-000000000000' },
    ];
    for (const change of bad) {
      const answer = await t.api(
        'POST',
        '/api/medical/health-checks',
        { retireeId: retiree.id, checkedOn: today, hospital: '市一医院', summary: '正常', ...change },
        as('cw'),
      );
      expect(answer.status).toBe(400);
    }
    const check = await t.api<HealthCheck>(
      'POST',
      '/api/medical/health-checks',
      { retireeId: retiree.id, checkedOn: today, hospital: '市一医院', summary: '血脂偏高，建议低脂饮食' },
      as('cw'),
    );
    expect(check.status).toBe(201);
    expect(check.body).toMatchObject({ checkedOn: today, hospital: '市一医院', recordedBy: 'cw' });

    const done = await t.api<HealthCheckPlan>(
      'GET',
      `/api/medical/health-checks/plan?year=${year}&list=done`,
      undefined,
      as('sup'),
    );
    expect(done.body.items.find((entry) => entry.retireeId === retiree.id)).toMatchObject({
      state: 'done',
      check: { id: check.body.id, checkedOn: today },
    });
    const record = await t.api<HealthRecord>(
      'GET',
      `/api/medical/records/${retiree.id}`,
      undefined,
      as('cw'),
    );
    expect(record.body.checks.map((entry) => entry.summary)).toStrictEqual(['血脂偏高，建议低脂饮食']);
    expect(record.body.archive.conditions).toBe('高血压');
  });

  it('keeps conditions, medication and allergies as rows, ended rather than deleted', async () => {
    const retiree = await t.addRetiree();
    const items = `/api/medical/records/${retiree.id}/items`;
    const allergy = await t.api<HealthItem>('POST', items, { kind: 'allergy', name: '青霉素' }, as('cw'));
    expect(allergy.status).toBe(201);
    expect((await t.api('POST', items, { kind: 'habit', name: 'x' }, as('cw'))).status).toBe(400);
    expect((await t.api('POST', items, { kind: 'allergy', name: 'x' }, as('op'))).status).toBe(403);
    const medication = await t.api<HealthItem>(
      'POST',
      items,
      { kind: 'medication', name: '阿司匹林', detail: '100mg 每日一次', since: '2020-01-01' },
      as('cw'),
    );
    const stopped = await t.api<HealthItem>(
      'PATCH',
      `${items}/${medication.body.id}`,
      { endedOn: centreDay(new Date()) },
      as('cw'),
    );
    expect(stopped.body).toMatchObject({ current: false, name: '阿司匹林' });
    expect(
      (await t.api('PATCH', `${items}/${medication.body.id}`, { endedOn: '2019-01-01' }, as('cw'))).status,
    ).toBe(400);
    const record = await t.api<HealthRecord>(
      'GET',
      `/api/medical/records/${retiree.id}`,
      undefined,
      as('cw'),
    );
    expect(record.body.allergies.map((item) => item.name)).toStrictEqual(['青霉素']);
    expect(record.body.medication[0]).toMatchObject({ name: '阿司匹林', current: false });
    expect(
      (await t.api('GET', '/api/medical/records/00000000-0000-4000-8000-000000000000', undefined, as('cw')))
        .status,
    ).toBe(404);
  });

  it('sets a due date in the year’s plan within that year only', async () => {
    const retiree = await t.addRetiree();
    const year = Number(centreDay(new Date()).slice(0, 4)) + 1;
    const path = `/api/medical/health-checks/plan/${year}/${retiree.id}`;
    expect((await t.api('PUT', path, { dueOn: `${year + 1}-01-05` }, as('cw'))).status).toBe(400);
    expect((await t.api('PUT', path, { dueOn: `${year}-04-15`, note: '集体体检' }, as('cw'))).status).toBe(
      204,
    );
    const plan = await t.api<HealthCheckPlan>(
      'GET',
      `/api/medical/health-checks/plan?year=${year}&list=all&limit=500`,
      undefined,
      as('cw'),
    );
    expect(plan.body.items.find((entry) => entry.retireeId === retiree.id)).toMatchObject({
      dueOn: `${year}-04-15`,
      scheduled: true,
      state: 'due',
    });
  });

  it('out-of-town treatment: requested by a caseworker, decided once by a supervisor with a note', async () => {
    const retiree = await t.addRetiree({ name: '外地就医老人' });
    const body = {
      retireeId: retiree.id,
      hospital: '华西医院',
      city: '成都',
      reason: '心脏搭桥',
      from: '2026-12-01',
      to: '2026-12-20',
    };
    expect(
      (await t.api('POST', '/api/medical/out-of-town', { ...body, to: '2026-11-30' }, as('cw'))).status,
    ).toBe(400);
    expect((await t.api('POST', '/api/medical/out-of-town', body, as('op'))).status).toBe(403);
    const treatment = await created<Treatment>(t, '/api/medical/out-of-town', body, as('cw'));
    expect(treatment).toMatchObject({
      status: 'requested',
      city: '成都',
      from: '2026-12-01',
      to: '2026-12-20',
    });
    const decision = `/api/medical/out-of-town/${treatment.id}/decision`;
    expect((await t.api('POST', decision, { decision: 'approve' }, as('cw'))).status).toBe(403);
    expect((await t.api('POST', decision, { decision: 'reject' }, as('sup'))).status).toBe(400);
    const approved = await t.api<Treatment>(
      'POST',
      decision,
      { decision: 'approve', note: '同意转诊' },
      as('sup'),
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'sup', decisionNote: '同意转诊' });
    expect((await t.api('POST', decision, { decision: 'reject', note: '撤销' }, as('sup'))).status).toBe(409);
    const pending = await t.api<Treatment[]>(
      'GET',
      '/api/medical/out-of-town?status=requested',
      undefined,
      as('cw'),
    );
    expect(pending.body.map((entry) => entry.id)).not.toContain(treatment.id);
    expect(
      (await t.api('GET', `/api/medical/out-of-town/${treatment.id}`, undefined, as('cw'))).body,
    ).toMatchObject({
      status: 'approved',
    });
  });
});
