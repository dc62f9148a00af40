/**
 * Living treatment (6.3), elderly care (6.7) and after death (6.10) on one real hub: the state
 * machines, the death and what it changes, the work list and the role checks through the HTTP API.
 *
 * Long on purpose: a death changes the benefits and the care recorded earlier in the same hub, so
 * the three areas are tested together.
 */
import { describe, expect, it } from 'vitest';
import { BenefitReviewProvider } from '../../server/benefits/worklist.ts';
import { BereavementStepProvider } from '../../server/bereavement/worklist.ts';
import { addDays, centreDay } from '../../server/calendar.ts';
import type {
  Benefit,
  BenefitCard,
  CareArrangement,
  CareVisit,
  Death,
  DeathResult,
} from '../../server/schemas/index.ts';
import { suiteDesk, suiteHub } from '../helpers/suite.ts';

describe('living treatment, elderly care and after death', () => {
  const t = suiteHub();
  const { a, b, caseworker, operator, family } = suiteDesk(t, 'benefits', ['王振国', '赵志刚'], '王小梅');
  const today = centreDay(new Date());

  const apply = (retireeId: string, kind: string, extra: Record<string, unknown> = {}) =>
    t.api<Benefit>(
      'POST',
      '/api/benefits',
      { retireeId, kind, monthlyAmountFen: 120_000, ...extra },
      caseworker.token,
    );

  it('takes a benefit through applied → approved → paid → stopped, each step with who and when', async () => {
    const filed = await apply(b.id, 'nursing_fee');
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'applied', kindName: '护理费', ownerId: caseworker.id });
    const id = filed.body.id;

    // Not yet approved: no payment, 409.
    const early = await t.api(
      'POST',
      `/api/benefits/${id}/payments`,
      { period: today.slice(0, 7), amountFen: 120_000 },
      caseworker.token,
    );
    expect(early.status).toBe(409);

    const approved = await t.api<Benefit>(
      'POST',
      `/api/benefits/${id}/approve`,
      { note: '符合条件' },
      caseworker.token,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.reviewOn).not.toBeNull();
    expect((await t.api('POST', `/api/benefits/${id}/approve`, {}, caseworker.token)).status).toBe(409);
    expect(
      (await t.api('POST', `/api/benefits/${id}/reject`, { note: '晚了' }, caseworker.token)).status,
    ).toBe(409);

    const paid = await t.api<Benefit>(
      'POST',
      `/api/benefits/${id}/payments`,
      { period: today.slice(0, 7), amountFen: 120_000 },
      caseworker.token,
    );
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paidTotalFen: 120_000 });
    expect(paid.body.payments).toHaveLength(1);
    // The same period twice: 409; a bad amount: 400.
    expect(
      (
        await t.api(
          'POST',
          `/api/benefits/${id}/payments`,
          { period: today.slice(0, 7), amountFen: 1 },
          caseworker.token,
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await t.api(
          'POST',
          `/api/benefits/${id}/payments`,
          { period: '2026-13', amountFen: 1 },
          caseworker.token,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await t.api(
          'POST',
          `/api/benefits/${id}/payments`,
          { period: today.slice(0, 7), amountFen: 1.5 },
          caseworker.token,
        )
      ).status,
    ).toBe(400);

    // A stop requires its reason.
    const noReason = await t.api('POST', `/api/benefits/${id}/stop`, { note: '无' }, caseworker.token);
    expect(noReason.status).toBe(400);
    const otherNoNote = await t.api(
      'POST',
      `/api/benefits/${id}/stop`,
      { reason: 'other' },
      caseworker.token,
    );
    expect(otherNoNote.status).toBe(400);
    const stopped = await t.api<Benefit>(
      'POST',
      `/api/benefits/${id}/stop`,
      { reason: 'not_eligible', note: '复核不再符合' },
      caseworker.token,
    );
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'stopped', stopReason: 'not_eligible', stoppedOn: today });
    expect(stopped.body.events.map((e) => e.action)).toStrictEqual(['apply', 'approve', 'pay', 'stop']);
    expect(stopped.body.events.every((e) => e.byId === caseworker.id && e.at)).toBe(true);

    // A stopped benefit is neither paid nor stopped again.
    const payStopped = await t.api<{ error: string }>(
      'POST',
      `/api/benefits/${id}/payments`,
      { period: addDays(today, 40).slice(0, 7), amountFen: 120_000 },
      caseworker.token,
    );
    expect(payStopped.status).toBe(409);
    expect(
      (await t.api('POST', `/api/benefits/${id}/stop`, { reason: 'moved' }, caseworker.token)).status,
    ).toBe(409);
    const after = await t.api<Benefit>('GET', `/api/benefits/${id}`, undefined, operator.token);
    expect(after.body.payments).toHaveLength(1);
  });

  it('rejects an application with a reason, and a rejected one goes no further', async () => {
    const filed = await apply(b.id, 'home_leave_meal');
    const id = filed.body.id;
    expect((await t.api('POST', `/api/benefits/${id}/reject`, {}, caseworker.token)).status).toBe(400);
    const rejected = await t.api<Benefit>(
      'POST',
      `/api/benefits/${id}/reject`,
      { note: '探亲期间已享受' },
      caseworker.token,
    );
    expect(rejected.body.status).toBe('rejected');
    expect((await t.api('POST', `/api/benefits/${id}/approve`, {}, caseworker.token)).status).toBe(409);
    expect(
      (
        await t.api(
          'POST',
          `/api/benefits/${id}/payments`,
          { period: today.slice(0, 7), amountFen: 100 },
          caseworker.token,
        )
      ).status,
    ).toBe(409);
    expect(
      (await t.api('POST', `/api/benefits/${id}/stop`, { reason: 'moved' }, caseworker.token)).status,
    ).toBe(409);
    // A survivor subsidy names its survivor; a future application date is refused.
    expect((await apply(b.id, 'survivor_subsidy')).status).toBe(400);
    expect((await apply(b.id, 'hospital_meal', { appliedOn: addDays(today, 2) })).status).toBe(400);
  });

  it('keeps preferential cards held, one per kind, until returned', async () => {
    const card = await t.api<BenefitCard>(
      'POST',
      '/api/benefit-cards',
      {
        retireeId: b.id,
        kind: 'veteran_card',
        number: 'YD-001',
        issuedOn: '2024-05-01',
        expiresOn: '2034-05-01',
      },
      caseworker.token,
    );
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({ state: 'held', kindName: '退役军人优待证' });
    const twice = await t.api(
      'POST',
      '/api/benefit-cards',
      { retireeId: b.id, kind: 'veteran_card', issuedOn: '2024-06-01' },
      caseworker.token,
    );
    expect(twice.status).toBe(409);
    const back = await t.api<BenefitCard>(
      'POST',
      `/api/benefit-cards/${card.body.id}/return`,
      { reason: '换发新证' },
      caseworker.token,
    );
    expect(back.body).toMatchObject({ state: 'returned', returnedOn: today });
    expect(
      (await t.api('POST', `/api/benefit-cards/${card.body.id}/return`, { reason: '再交' }, caseworker.token))
        .status,
    ).toBe(409);
    const expired = await t.api<BenefitCard>(
      'POST',
      '/api/benefit-cards',
      { retireeId: b.id, kind: 'transport_card', issuedOn: '2020-01-01', expiresOn: '2021-01-01' },
      caseworker.token,
    );
    expect(expired.body.state).toBe('expired');
  });

  it('keeps one current care arrangement per retiree, with its visit log', async () => {
    const first = await t.api<CareArrangement>(
      'POST',
      '/api/care/arrangements',
      {
        retireeId: b.id,
        type: 'community',
        provider: '锦江区社区养老服务中心',
        careLevel: 'mild',
        startOn: '2025-01-01',
      },
      caseworker.token,
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ current: true, typeName: '社区照料' });
    const second = await t.api(
      'POST',
      '/api/care/arrangements',
      { retireeId: b.id, type: 'home', provider: '家政', careLevel: 'mild', startOn: '2025-02-01' },
      caseworker.token,
    );
    expect(second.status).toBe(409);

    const visit = await t.api<CareVisit>(
      'POST',
      '/api/care/visits',
      {
        arrangementId: first.body.id,
        visitedOn: '2025-03-01',
        visitor: '刘社工',
        content: '上门探视，生活照料良好',
      },
      caseworker.token,
    );
    expect(visit.status).toBe(201);
    const future = await t.api(
      'POST',
      '/api/care/visits',
      { arrangementId: first.body.id, visitedOn: addDays(today, 3), visitor: '刘社工', content: '预约' },
      caseworker.token,
    );
    expect(future.status).toBe(400);
    const before = await t.api(
      'POST',
      '/api/care/visits',
      { arrangementId: first.body.id, visitedOn: '2024-12-01', visitor: '刘社工', content: '早于安排' },
      caseworker.token,
    );
    expect(before.status).toBe(400);

    const ended = await t.api<CareArrangement>(
      'POST',
      `/api/care/arrangements/${first.body.id}/end`,
      { endOn: today, reason: '转机构照护' },
      caseworker.token,
    );
    expect(ended.body).toMatchObject({ current: false, visitCount: 1 });
    expect(
      (
        await t.api(
          'POST',
          `/api/care/arrangements/${first.body.id}/end`,
          { endOn: today, reason: '再结束' },
          caseworker.token,
        )
      ).status,
    ).toBe(409);
    const next = await t.api<CareArrangement>(
      'POST',
      '/api/care/arrangements',
      {
        retireeId: b.id,
        type: 'institution',
        provider: '市第一社会福利院',
        careLevel: 'moderate',
        startOn: today,
      },
      caseworker.token,
    );
    expect(next.status).toBe(201);
    const log = await t.api<CareVisit[]>(
      'GET',
      `/api/care/visits?retireeId=${b.id}`,
      undefined,
      operator.token,
    );
    expect(log.body).toHaveLength(1);
  });

  it('records a death: checklist, benefits stopped, survivor subsidy opened, deceased, nothing deleted', async () => {
    const nursing = await apply(a.id, 'nursing_fee');
    await t.api('POST', `/api/benefits/${nursing.body.id}/approve`, {}, caseworker.token);
    await t.api(
      'POST',
      `/api/benefits/${nursing.body.id}/payments`,
      { period: today.slice(0, 7), amountFen: 120_000 },
      caseworker.token,
    );
    const meal = await apply(a.id, 'hospital_meal');
    const care = await t.api<CareArrangement>(
      'POST',
      '/api/care/arrangements',
      { retireeId: a.id, type: 'home', provider: '居家服务站', careLevel: 'severe', startOn: '2025-01-01' },
      caseworker.token,
    );

    const future = await t.api(
      'POST',
      '/api/bereavement',
      { retireeId: a.id, diedOn: addDays(today, 1), place: '医院' },
      caseworker.token,
    );
    expect(future.status).toBe(400);
    const alive = await t.hub.db.query<{ status: string }>('select status from retirees where id = $1', [
      a.id,
    ]);
    expect(alive[0]?.status).toBe('active');

    const recorded = await t.api<DeathResult>(
      'POST',
      '/api/bereavement',
      {
        retireeId: a.id,
        diedOn: today,
        place: '四川省人民医院',
        survivorName: '李秀英',
        survivorRelation: '配偶',
        flagCovering: 'party',
      },
      caseworker.token,
    );
    expect(recorded.status).toBe(201);
    const { death } = recorded.body;
    expect(death.steps.map((s) => s.step)).toStrictEqual([
      'help_family',
      'condolences',
      'report',
      'obituary',
      'life_story',
      'farewell',
      'flag_covering',
      'funeral_allowance',
      'survivor_pension',
      'survivor_subsidy',
    ]);
    expect(
      death.steps.every((s) => s.status === 'open' && s.ownerId === caseworker.id && s.dueOn > today),
    ).toBe(true);
    expect(recorded.body.stoppedBenefitIds.sort()).toStrictEqual([nursing.body.id, meal.body.id].sort());
    expect(recorded.body.endedCareArrangementId).toBe(care.body.id);

    const stopped = await t.api<Benefit>(
      'GET',
      `/api/benefits/${nursing.body.id}`,
      undefined,
      operator.token,
    );
    expect(stopped.body).toMatchObject({ status: 'stopped', stopReason: 'death', stoppedOn: today });
    expect(stopped.body.payments).toHaveLength(1);
    const survivor = await t.api<Benefit>(
      'GET',
      `/api/benefits/${recorded.body.survivorSubsidyId}`,
      undefined,
      operator.token,
    );
    expect(survivor.body).toMatchObject({
      kind: 'survivor_subsidy',
      status: 'applied',
      beneficiaryName: '李秀英',
    });

    const retiree = await t.api<{ name: string }>('GET', `/api/retirees/${a.id}`);
    expect(retiree.status).toBe(200);
    expect(retiree.body.name).toBe('王振国');
    const status = await t.hub.db.query<{ status: string }>('select status from retirees where id = $1', [
      a.id,
    ]);
    expect(status[0]?.status).toBe('deceased');
    const rows = await t.hub.db.query<{ n: string | number }>(
      'select count(*) as n from contacts where retiree_id = $1',
      [a.id],
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    const history = await t.hub.db.query<{ new_value: string }>(
      `select new_value from archive_changes where retiree_id = $1 and field = 'status'`,
      [a.id],
    );
    expect(history.map((h) => h.new_value)).toContain('deceased');

    // Once: a second record, a new living benefit or care arrangement for the deceased are refused.
    expect(
      (
        await t.api(
          'POST',
          '/api/bereavement',
          { retireeId: a.id, diedOn: today, place: '家中' },
          caseworker.token,
        )
      ).status,
    ).toBe(409);
    expect((await apply(a.id, 'nursing_fee')).status).toBe(409);
    expect(
      (
        await t.api(
          'POST',
          '/api/care/arrangements',
          { retireeId: a.id, type: 'home', provider: 'x', careLevel: 'mild', startOn: today },
          caseworker.token,
        )
      ).status,
    ).toBe(409);

    // Steps close one by one; a closed step is not closed again; the checklist completes.
    const [first, ...rest] = death.steps;
    if (!first) throw new Error('no steps');
    const done = await t.api<Death>(
      'PATCH',
      `/api/bereavement/steps/${first.id}`,
      { status: 'done', doneOn: today },
      caseworker.token,
    );
    expect(done.body.steps[0]).toMatchObject({ status: 'done', doneOn: today });
    expect(
      (await t.api('PATCH', `/api/bereavement/steps/${first.id}`, { status: 'done' }, caseworker.token))
        .status,
    ).toBe(409);
    expect(
      (
        await t.api(
          'PATCH',
          `/api/bereavement/steps/${rest[0]?.id}`,
          { status: 'done', doneOn: addDays(today, 1) },
          caseworker.token,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await t.api(
          'PATCH',
          `/api/bereavement/steps/${rest[0]?.id}`,
          { status: 'not_applicable' },
          caseworker.token,
        )
      ).status,
    ).toBe(400);
    let last: Death | undefined;
    for (const step of rest) {
      last = (
        await t.api<Death>('PATCH', `/api/bereavement/steps/${step.id}`, { status: 'done' }, caseworker.token)
      ).body;
    }
    expect(last?.completedAt).not.toBeNull();
  });

  it('puts bereavement steps and benefit reviews on the work list', async () => {
    const retiree = await t.addRetiree({ name: '孙建军' });
    const filed = await apply(retiree.id, 'nursing_fee');
    const approved = await t.api<Benefit>(
      'POST',
      `/api/benefits/${filed.body.id}/approve`,
      { reviewOn: addDays(today, 30) },
      caseworker.token,
    );
    expect(approved.status).toBe(200);
    const other = await apply(retiree.id, 'home_leave_meal');
    const recorded = await t.api<DeathResult>(
      'POST',
      '/api/bereavement',
      { retireeId: b.id, diedOn: today, place: '家中', ownerId: caseworker.id },
      caseworker.token,
    );
    expect(recorded.status).toBe(201);
    // No survivor named: no survivor subsidy opened; no party flag asked: the step does not apply.
    expect(recorded.body.survivorSubsidyId).toBeNull();
    expect(recorded.body.death.steps.find((s) => s.step === 'flag_covering')?.status).toBe('not_applicable');

    const benefits = new BenefitReviewProvider(t.hub.db);
    const todayItems = await benefits.items({ date: today, ownerId: caseworker.id });
    expect(todayItems.map((i) => i.id)).toContain(other.body.id);
    expect(todayItems.map((i) => i.id)).not.toContain(filed.body.id);
    const later = await benefits.items({ date: addDays(today, 31), ownerId: caseworker.id });
    const review = later.find((i) => i.id === filed.body.id);
    expect(review).toMatchObject({ title: '待遇复核：护理费', overdue: true });
    expect(later.find((i) => i.id === other.body.id)).toMatchObject({ overdue: true });
    expect(await benefits.items({ date: today, ownerId: operator.id })).toStrictEqual([]);

    const steps = new BereavementStepProvider(t.hub.db);
    const stepItems = await steps.items({ date: addDays(today, 2), ownerId: caseworker.id });
    const ofB = stepItems.filter((i) => i.retireeId === b.id);
    expect(ofB).toHaveLength(9);
    expect(ofB.filter((i) => i.overdue).map((i) => i.title)).toContain('逝世善后：向本级安置主管部门报告');

    const list = await t.api<{ items: { source: string }[] }>(
      'GET',
      '/api/worklist',
      undefined,
      caseworker.token,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.source)).toContain('bereavement_step');
  });

  it('lets caseworkers write, operators read, and keeps families out', async () => {
    expect((await t.api('GET', '/api/benefits', undefined, operator.token)).status).toBe(200);
    expect((await t.api('GET', '/api/care/arrangements', undefined, operator.token)).status).toBe(200);
    expect((await t.api('GET', '/api/bereavement', undefined, operator.token)).status).toBe(200);
    expect((await t.api('GET', '/api/benefit-cards', undefined, operator.token)).status).toBe(200);
    const retiree = await t.addRetiree({ name: '周明' });
    expect(
      (await t.api('POST', '/api/benefits', { retireeId: retiree.id, kind: 'nursing_fee' }, operator.token))
        .status,
    ).toBe(403);
    expect(
      (
        await t.api(
          'POST',
          '/api/care/arrangements',
          { retireeId: retiree.id, type: 'home', provider: 'x', careLevel: 'mild', startOn: today },
          operator.token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await t.api(
          'POST',
          '/api/bereavement',
          { retireeId: retiree.id, diedOn: today, place: 'x' },
          operator.token,
        )
      ).status,
    ).toBe(403);
    for (const path of [
      '/api/benefits',
      '/api/benefit-cards',
      '/api/care/arrangements',
      '/api/care/visits',
      '/api/bereavement',
    ]) {
      expect((await t.api('GET', path, undefined, family.token)).status).toBe(403);
      expect((await t.api('GET', path, undefined, null)).status).toBe(401);
    }
    expect(
      (await t.api('POST', '/api/benefits', { retireeId: retiree.id, kind: 'nursing_fee' }, family.token))
        .status,
    ).toBe(403);
    expect((await t.api('GET', '/api/benefits/not-a-uuid', undefined, operator.token)).status).toBe(404);
    const none = await t.api<Benefit[]>(
      'GET',
      `/api/benefits?retireeId=${retiree.id}`,
      undefined,
      operator.token,
    );
    expect(none.body).toStrictEqual([]);
  });
});
