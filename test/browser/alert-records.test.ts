/**
 * The alert panel as the operator on shift sees it: beside the rescue card, the retiree's current
 * care arrangement, their latest visit with the problem it raised, and the visit still to make.
 */
import { describe, expect, it } from 'vitest';
import { pressSos } from '../helpers/hub.ts';
import { sevenFields } from '../visits/seven-fields.ts';
import { centreDate, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('alert-records', { fullPage: false });

const PASSWORD = 'operator-records-password';

describe.skipIf(browser === null)('visits and care on the alert panel', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [{ username: 'records.operator', displayName: '值班员小陈', role: 'operator' }],
    password: PASSWORD,
  });

  it('shows the care arrangement, the latest visit and the open visit task to the operator', async () => {
    const retiree = await t.addRetiree({ name: '李卫东' });
    const me = await t.api<{ id: string }>('GET', '/api/auth/me');
    const startOn = centreDate(-40);
    const visitedOn = centreDate(-3);

    // The records a caseworker keeps, made through the API before the alert comes in.
    const arrangement = await t.api('POST', '/api/care/arrangements', {
      retireeId: retiree.id,
      type: 'community',
      provider: '青羊区草堂社区养老服务中心',
      careLevel: 'mild',
      startOn,
    });
    expect(arrangement.status).toBe(201);
    const visit = await t.api<{ id: string }>('POST', '/api/visits/records', {
      retireeId: retiree.id,
      visitedOn,
      mode: 'in_person',
      visitors: ['张社工', '刘干事'],
      ...sevenFields,
      problems: [{ description: '卫生间扶手松动，需要更换', ownerId: me.body.id, dueOn: centreDate(7) }],
    });
    expect(visit.status).toBe(201);
    const admission = await t.api<{ task: { id: string; dueOn: string } }>('POST', '/api/visits/admissions', {
      retireeId: retiree.id,
      hospital: '四川省人民医院',
      admittedOn: centreDate(0),
    });
    expect(admission.status).toBe(201);

    await signInToDashboard(page, t.url, 'records.operator', PASSWORD);
    const alert = await pressSos(t, retiree, 'records-sos-1');
    const item = page.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`);
    await item.getByTestId('alert-open-detail').click();
    const detail = page.locator(`[data-testid="alert-detail"][data-alert-id="${alert.id}"]`);
    await detail.waitFor();

    const panel = detail.getByTestId('retiree-records');
    expect(await panel.getAttribute('data-retiree-id')).toBe(retiree.id);
    await panel.locator('[data-testid="retiree-records-care"][data-state="ready"]').waitFor();
    await panel.locator('[data-testid="retiree-records-visits"][data-state="ready"]').waitFor();
    await panel.locator('[data-testid="retiree-records-tasks"][data-state="ready"]').waitFor();

    const care = panel.getByTestId('retiree-records-arrangement');
    expect(await care.getByTestId('retiree-records-provider').textContent()).toBe(
      '青羊区草堂社区养老服务中心',
    );
    expect(await care.textContent()).toContain('社区照料');
    expect(await care.textContent()).toContain(startOn);
    expect(await care.getAttribute('href')).toBe('/care');

    const visits = panel.getByTestId('retiree-records-visit');
    expect(await visits.count()).toBe(1);
    const shown = visits.first();
    expect(await shown.getByTestId('retiree-records-visit-date').textContent()).toBe(visitedOn);
    expect(await shown.textContent()).toContain('张社工、刘干事');
    expect(await shown.getByTestId('retiree-records-visit-problem').textContent()).toContain(
      '卫生间扶手松动',
    );
    expect(await shown.locator('a').getAttribute('href')).toBe(`/archive/${retiree.id}`);

    const task = panel.locator('[data-testid="retiree-records-task"][data-reason="hospital"]');
    expect(await task.getByTestId('retiree-records-task-due').textContent()).toContain(
      admission.body.task.dueOn,
    );
    expect(await task.locator('a').getAttribute('href')).toBe(
      `/visits?tab=tasks&task=${admission.body.task.id}`,
    );
    expect(await panel.getByTestId('retiree-records-all').getAttribute('href')).toBe(
      `/archive/${retiree.id}`,
    );
    await snap(page, 'detail');
  });
});
