/**
 * Travel abroad, part-time posts and retirees abroad through a real hub (6.4.2.3–6.4.2.5): the chain
 * follows the rank, each step by its role and in its order, and the contact check raises a flag that
 * only a decision clears.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addMonths, centreDay } from '../../server/calendar.ts';
import type {
  AbroadRequest,
  AbroadRequestList,
  AbroadStay,
  AbroadStayDetail,
  PensionSuspension,
  SuspensionCheckResult,
} from '../../server/schemas/abroad.ts';
import { created } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('travel abroad and part-time posts (6.4.2.3–6.4.2.5)', () => {
  const t = suiteHub({ HUB_CENTRE_NAME: '成都市第一军休服务管理中心' });
  const tokens: Record<string, string> = {};
  const as = (username: string) => tokens[username] as string;

  beforeAll(async () => {
    for (const [username, role] of [
      ['cw', 'caseworker'],
      ['sup', 'supervisor'],
      ['op', 'operator'],
    ] as const) {
      await created(t, '/api/users', {
        username,
        displayName: { cw: '王经办', sup: '刘主任', op: '值班员' }[username],
        role,
        password: 'password-123',
      });
      const login = await t.api<{ token: string }>('POST', '/api/auth/login', {
        username,
        password: 'password-123',
      });
      tokens[username] = login.body.token;
    }
    tokens.admin = t.token;
  });

  const travel = (retireeId: string, overrides: Record<string, unknown> = {}) => ({
    retireeId,
    destination: '加拿大',
    purpose: '探亲',
    departDate: '2026-07-01',
    returnDate: '2026-09-30',
    ...overrides,
  });

  it('division level: the head’s opinion, then the superior department’s approval, each by its role and in order', async () => {
    const retiree = await t.addRetiree({ name: '李振国', rank: '师级' });
    const request = await created<AbroadRequest>(
      t,
      '/api/abroad/travel-requests',
      travel(retiree.id),
      as('cw'),
    );
    expect(request).toMatchObject({
      kind: 'travel',
      rank: '师级',
      status: 'requested',
      requestedBy: '王经办',
      nextStep: 'centre_opinion',
    });
    expect(request.chain.map((step) => step.key)).toStrictEqual(['centre_opinion', 'superior_approval']);
    const steps = `/api/abroad/requests/${request.id}/steps`;
    const approval = {
      step: 'superior_approval',
      decision: 'approve',
      documentNo: '川退役军人函〔2026〕21号',
      documentDate: '2026-01-10',
    };

    // A caseworker may not give the head's opinion; the department's approval waits for the opinion.
    expect((await t.api('POST', steps, { step: 'centre_opinion', decision: 'agree' }, as('cw'))).status).toBe(
      403,
    );
    expect((await t.api('POST', steps, approval, as('sup'))).status).toBe(403);
    const early = await t.api<{ message: string }>('POST', steps, approval, as('admin'));
    expect(early.status).toBe(409);
    expect(early.body.message).toContain('军休机构主要负责人签署意见');

    const opinion = await t.api<AbroadRequest>(
      'POST',
      steps,
      { step: 'centre_opinion', decision: 'agree', note: '同意出境探亲' },
      as('sup'),
    );
    expect(opinion.status).toBe(200);
    expect(opinion.body).toMatchObject({ status: 'opinion_given', nextStep: 'superior_approval' });
    expect(
      (await t.api('POST', steps, { step: 'centre_opinion', decision: 'agree' }, as('sup'))).status,
    ).toBe(409);
    expect((await t.api('POST', steps, { ...approval, documentNo: undefined }, as('admin'))).status).toBe(
      400,
    );

    const approved = await t.api<AbroadRequest>('POST', steps, approval, as('admin'));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', nextStep: null });
    expect(approved.body.closedAt).not.toBeNull();
    expect(
      approved.body.steps.map((step) => [step.step, step.decision, step.by, step.note, step.documentNo]),
    ).toStrictEqual([
      ['centre_opinion', 'agree', '刘主任', '同意出境探亲', null],
      ['superior_approval', 'approve', '系统管理员', '', '川退役军人函〔2026〕21号'],
    ]);
    expect((await t.api('POST', steps, approval, as('admin'))).status).toBe(409);
  });

  it('regiment level and below: one filing with the centre, by a caseworker', async () => {
    const retiree = await t.addRetiree({ name: '何志强', rank: '营级及以下' });
    const request = await created<AbroadRequest>(
      t,
      '/api/abroad/travel-requests',
      travel(retiree.id),
      as('cw'),
    );
    expect(request.chain.map((step) => step.key)).toStrictEqual(['centre_filing']);
    expect(
      (
        await t.api(
          'POST',
          `/api/abroad/requests/${request.id}/steps`,
          { step: 'centre_filing', decision: 'file' },
          as('op'),
        )
      ).status,
    ).toBe(403);
    const filed = await t.api<AbroadRequest>(
      'POST',
      `/api/abroad/requests/${request.id}/steps`,
      { step: 'centre_filing', decision: 'file', note: '已报备' },
      as('cw'),
    );
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ status: 'filed', nextStep: null });
    expect(filed.body.steps).toHaveLength(1);

    // A request under way may be withdrawn, once; then no step is taken on it.
    const other = await t.api<AbroadRequest>(
      'POST',
      '/api/abroad/travel-requests',
      travel(retiree.id),
      as('cw'),
    );
    const withdraw = `/api/abroad/requests/${other.body.id}/withdraw`;
    const withdrawn = await t.api<AbroadRequest>('POST', withdraw, { reason: '本人取消行程' }, as('cw'));
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', nextStep: null });
    expect(withdrawn.body.steps.map((step) => [step.decision, step.note])).toStrictEqual([
      ['withdraw', '本人取消行程'],
    ]);
    expect((await t.api('POST', withdraw, { reason: '再次' }, as('cw'))).status).toBe(409);
    const late = { step: 'centre_filing', decision: 'file' };
    expect((await t.api('POST', `/api/abroad/requests/${other.body.id}/steps`, late, as('cw'))).status).toBe(
      409,
    );
    const open = await t.api<AbroadRequestList>(
      'GET',
      `/api/abroad/requests?open=true&retireeId=${retiree.id}`,
      undefined,
      as('cw'),
    );
    expect(open.body.total).toBe(0);
  });

  it('part-time posts: division level by the centre then the province; regiment level by the superior department', async () => {
    const division = await t.addRetiree({ name: '罗德胜', rank: '师级' });
    const post = await t.api<AbroadRequest>(
      'POST',
      '/api/abroad/post-requests',
      {
        retireeId: division.id,
        organisation: '四川省老年书画协会',
        post: '名誉会长',
        startDate: '2026-06-01',
      },
      as('cw'),
    );
    expect(post.status).toBe(201);
    const steps = `/api/abroad/requests/${post.body.id}/steps`;
    expect(
      (await t.api<AbroadRequest>('POST', steps, { step: 'centre_approval', decision: 'approve' }, as('sup')))
        .body.status,
    ).toBe('centre_approved');
    const province = await t.api<AbroadRequest>(
      'POST',
      steps,
      {
        step: 'province_approval',
        decision: 'reject',
        documentNo: '川退役军人〔2026〕5号',
        documentDate: '2026-01-05',
      },
      as('admin'),
    );
    expect(province.body.status).toBe('rejected');

    const regiment = await t.addRetiree({ name: '邓小兵', rank: '团级' });
    const second = await t.api<AbroadRequest>(
      'POST',
      '/api/abroad/post-requests',
      { retireeId: regiment.id, organisation: '社区老年协会', post: '理事', startDate: '2026-06-01' },
      as('cw'),
    );
    expect(second.body.chain.map((step) => step.key)).toStrictEqual(['superior_approval']);
    expect(second.body.nextStep).toBe('superior_approval');
  });

  it('refuses an unknown rank, bad dates and the wrong roles, and changes nothing', async () => {
    const before = await t.api<AbroadRequestList>('GET', '/api/abroad/requests?limit=1', undefined, as('cw'));
    const unranked = await t.addRetiree({ name: '无职级', rank: '' });
    const unknown = await t.api<{ message: string }>(
      'POST',
      '/api/abroad/travel-requests',
      travel(unranked.id),
      as('cw'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('职级未填写');
    const odd = await t.addRetiree({ name: '军级者', rank: '军级' });
    const oddAnswer = await t.api<{ message: string }>(
      'POST',
      '/api/abroad/travel-requests',
      travel(odd.id),
      as('cw'),
    );
    expect(oddAnswer.status).toBe(400);
    expect(oddAnswer.body.message).toContain('“军级”');
    const ranked = await t.addRetiree({ rank: '团级' });
    for (const body of [
      travel(ranked.id, { returnDate: '2026-06-30' }),
      travel(ranked.id, { departDate: '2026-02-30' }),
      travel(ranked.id, { destination: '   ' }),
      travel('00000000-0000-4000-8000-000000000000'),
    ]) {
      expect((await t.api('POST', '/api/abroad/travel-requests', body, as('cw'))).status).toBe(400);
    }
    expect((await t.api('POST', '/api/abroad/travel-requests', travel(ranked.id), as('op'))).status).toBe(
      403,
    );
    expect((await t.api('GET', '/api/abroad/requests', undefined, as('op'))).status).toBe(403);
    expect((await t.api('GET', '/api/abroad/requests', undefined, null)).status).toBe(401);
    const after = await t.api<AbroadRequestList>('GET', '/api/abroad/requests?limit=1', undefined, as('cw'));
    expect(after.body.total).toBe(before.body.total);
  });

  it('a trip begun long ago: overdue for contact, flagged at six months, cleared only by a decision', async () => {
    const today = centreDay(new Date());
    const departed = addMonths(today, -7);
    const retiree = await t.addRetiree({ name: '张国华', rank: '团级' });
    const request = await t.api<AbroadRequest>(
      'POST',
      '/api/abroad/travel-requests',
      travel(retiree.id, { departDate: departed, returnDate: addMonths(today, 2) }),
      as('cw'),
    );
    await t.api(
      'POST',
      `/api/abroad/requests/${request.body.id}/steps`,
      { step: 'centre_filing', decision: 'file' },
      as('cw'),
    );
    const stay = await t.api<AbroadStayDetail>(
      'POST',
      `/api/abroad/requests/${request.body.id}/depart`,
      {},
      as('cw'),
    );
    expect(stay.status).toBe(201);
    expect(stay.body).toMatchObject({
      departedOn: departed,
      requestId: request.body.id,
      nextContactDue: addMonths(departed, 1),
      overdue: true,
    });
    expect((await t.api('POST', `/api/abroad/requests/${request.body.id}/depart`, {}, as('cw'))).status).toBe(
      409,
    );
    const overdue = await t.api<AbroadStay[]>('GET', '/api/abroad/stays/overdue', undefined, as('cw'));
    expect(overdue.body.map((entry) => entry.id)).toContain(stay.body.id);

    const check = await t.api<SuspensionCheckResult>('POST', '/api/abroad/check', undefined, as('cw'));
    expect(check.status).toBe(200);
    // The scheduled pass at start may have run first; either way the flag is there, once.
    const flags = await t.api<PensionSuspension[]>(
      'GET',
      `/api/abroad/suspensions?active=true&retireeId=${retiree.id}`,
      undefined,
      as('cw'),
    );
    expect(flags.body).toHaveLength(1);
    const [flag] = flags.body as [PensionSuspension];
    expect(flag).toMatchObject({ active: true, months: 7, stayId: stay.body.id });
    expect(flag.report).toContain('张国华（团级）');
    expect(flag.report).toContain('成都市第一军休服务管理中心');

    const contact = await t.api<AbroadStayDetail>(
      'POST',
      `/api/abroad/stays/${stay.body.id}/contacts`,
      { at: new Date().toISOString(), channel: 'phone', note: '已联系上本人' },
      as('cw'),
    );
    expect(contact.status).toBe(201);
    expect(contact.body).toMatchObject({ overdue: false, nextContactDue: addMonths(today, 1) });
    expect(contact.body.suspension).toMatchObject({ id: flag.id, active: true });

    const clear = `/api/abroad/suspensions/${flag.id}/clear`;
    expect((await t.api('POST', clear, { reason: '已联系上本人' }, as('cw'))).status).toBe(403);
    expect((await t.api('POST', clear, { reason: ' ' }, as('sup'))).status).toBe(400);
    const cleared = await t.api<PensionSuspension>(
      'POST',
      clear,
      { reason: '已联系上本人，经研究恢复发放' },
      as('sup'),
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({
      active: false,
      clearedBy: '刘主任',
      clearReason: '已联系上本人，经研究恢复发放',
    });
    expect((await t.api('POST', clear, { reason: '再次' }, as('sup'))).status).toBe(409);

    const back = await t.api<AbroadStayDetail>(
      'POST',
      `/api/abroad/stays/${stay.body.id}/return`,
      { returnedOn: today },
      as('cw'),
    );
    expect(back.body).toMatchObject({ state: 'returned', returnedOn: today, suspension: null });
    expect(back.body.suspensions).toHaveLength(1);
  });

  it('marks a retiree abroad directly and refuses a departure in the future', async () => {
    const today = centreDay(new Date());
    const retiree = await t.addRetiree({ name: '黄明', rank: '士官' });
    const future = await t.api(
      'POST',
      '/api/abroad/stays',
      { retireeId: retiree.id, departedOn: addMonths(today, 1), destination: '泰国' },
      as('cw'),
    );
    expect(future.status).toBe(400);
    const stay = await t.api<AbroadStayDetail>(
      'POST',
      '/api/abroad/stays',
      { retireeId: retiree.id, departedOn: today, destination: '泰国' },
      as('cw'),
    );
    expect(stay.status).toBe(201);
    expect(stay.body).toMatchObject({ state: 'abroad', nextContactDue: addMonths(today, 1), overdue: false });
    const list = await t.api<AbroadStay[]>('GET', '/api/abroad/stays', undefined, as('sup'));
    expect(list.body.map((entry) => entry.id)).toContain(stay.body.id);
    expect((await t.api('GET', `/api/abroad/stays/${stay.body.id}`, undefined, as('cw'))).status).toBe(200);
    expect((await t.api('GET', '/api/abroad/stays/not-an-id', undefined, as('cw'))).status).toBe(404);
  });
});
