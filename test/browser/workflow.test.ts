/**
 * The night-shift desk in a real browser, walked from an SOS to a resolved alert: the operator
 * opens the alert beside the retiree's Emergency Rescue Card, acknowledges, records the call to the
 * family and the hand-over to 120, and resolves; a family member in a second browser context
 * watches the status go from alert to being handled to well.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, publish } from '../helpers/hub.ts';
import { desktopContext, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('', { fullPage: false });

const FAMILY_PASSWORD = 'family-test-password';

describe.skipIf(browser === null)('alert workflow in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page: desk } = walkSuite(browser, { signInAsAdmin: true });
  let family: Page;

  it('walks an SOS from open to resolved beside the rescue card, and the family sees it change', async () => {
    const retiree = await t.addRetiree({
      name: '王建国',
      bloodType: 'O',
      address: '成都市青羊区军休路8号3栋2单元501',
      medicalHistory: '冠心病，装有心脏支架',
      contacts: [
        { name: '王晓红', relation: '女儿', phone: '13912345678' },
        { name: '王晓军', relation: '儿子', phone: '13698765432' },
      ],
    });
    const account = await t.api('POST', `/api/retirees/${retiree.id}/family-accounts`, {
      username: 'wang.xiaohong',
      password: FAMILY_PASSWORD,
      displayName: '王晓红',
    });
    expect(account.status).toBe(201);

    // The family member, on a phone-sized screen in a context of their own.
    const phone = await desktopContext(browser as Browser, { viewport: { width: 390, height: 844 } });
    family = await phone.newPage();
    await family.goto(`${t.url}/login`);
    await family.getByTestId('login-username').fill('wang.xiaohong');
    await family.getByTestId('login-password').fill(FAMILY_PASSWORD);
    await family.getByTestId('login-submit').click();
    const familyState = (state: string) => family.locator(`[data-test="family-state"].${state}`);
    await familyState('well').waitFor();

    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    const commands: { type: string; alertId: string }[] = [];
    await client.subscribeAsync(`eldercare/v1/${pendant.device.id}/cmd`, { qos: 1 });
    client.on('message', (_topic, payload) => commands.push(JSON.parse(payload.toString())));
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'desk-sos-1', type: 'sos' });

    const item = desk.locator('[data-testid="alert-item"][data-status="open"]', { hasText: '王建国' });
    await item.waitFor();
    const alertId = await item.getAttribute('data-alert-id');
    expect(alertId).toMatch(/^[0-9a-f-]{36}$/);
    await familyState('alert_open').waitFor();
    await snap(family, 'family-alert-open');

    // The detail panel, with the rescue card beside the alert.
    await item.getByTestId('alert-open-detail').click();
    const detail = desk.locator(`[data-testid="alert-detail"][data-alert-id="${alertId}"]`);
    await detail.waitFor();
    const card = detail.getByTestId('rescue-card');
    await expect.poll(() => card.getByTestId('rescue-card-name').textContent()).toContain('王建国');
    await expect(card.getByTestId('rescue-card-blood').textContent()).resolves.toContain('O');
    const firstPhone = card.getByTestId('rescue-card-phone').first();
    expect(await firstPhone.textContent()).toContain('13912345678');
    expect(await firstPhone.getAttribute('href')).toBe('tel:13912345678');
    await expect(card.getByTestId('rescue-card-print').isVisible()).resolves.toBe(true);
    await detail.locator('[data-testid="alert-step"][data-action="opened"]').waitFor();
    await snap(desk, 'desk-detail-open');

    await detail.getByTestId('alert-detail-ack').click();
    await desk.locator('[data-testid="alert-detail"][data-status="acknowledged"]').waitFor();
    await eventually(() => commands.find((command) => command.type === 'ack'));
    await detail.locator('[data-testid="alert-step"][data-action="acknowledged"]').waitFor();
    await familyState('being_handled').waitFor();
    await snap(family, 'family-being-handled');

    // "I'm on my way" from the family reaches the open panel without a reload.
    await family.getByText("15'", { exact: true }).click();
    await family.locator('[data-test="family-coming"]').click();
    await family.locator('[data-test="family-answered"]').waitFor();
    const onWay = detail.locator('[data-testid="alert-step"][data-action="family_on_way"]');
    await onWay.waitFor();
    expect(await onWay.textContent()).toContain('家属正在赶来');
    expect(await onWay.textContent()).toContain('15');

    await detail.getByTestId('action-called-family').click();
    await desk.locator('[data-testid="alert-detail"][data-status="in_progress"]').waitFor();
    await detail.locator('[data-testid="alert-step"][data-action="called_family"]').waitFor();

    // The 120 hand-over form starts from the rescue card.
    await detail.getByTestId('action-handover').click();
    const address = desk.getByTestId('handover-address');
    await address.waitFor();
    expect(await address.inputValue()).toBe('成都市青羊区军休路8号3栋2单元501');
    expect(await desk.getByTestId('handover-history').inputValue()).toBe('冠心病，装有心脏支架');
    await desk.getByTestId('handover-condition').fill('胸痛十分钟，意识清醒，已含服硝酸甘油');
    await snap(desk, 'desk-handover');
    await desk.getByTestId('handover-submit').click();
    const handover = detail.locator('[data-testid="alert-step"][data-action="handed_to_120"]');
    await handover.waitFor();
    expect(await handover.textContent()).toContain('胸痛十分钟');

    await detail.getByTestId('comment-input').fill('120 已出车，预计 8 分钟到达');
    await detail.getByTestId('comment-submit').click();
    await detail.locator('[data-testid="alert-step"][data-action="comment"]').waitFor();
    await snap(desk, 'desk-in-progress');

    // The queue tells everyone else on shift that the alert is being handled, and by whom.
    await detail.getByTestId('alert-detail-close').click();
    await detail.waitFor({ state: 'hidden' });
    const handled = desk.locator(
      `[data-testid="alert-item"][data-alert-id="${alertId}"][data-status="in_progress"]`,
    );
    await handled.waitFor();
    expect(await handled.getByTestId('alert-status').textContent()).toContain('处理中');
    expect(await handled.getByTestId('alert-assigned').textContent()).toContain('系统管理员');
    await snap(desk, 'desk-queue-in-progress');
    await handled.getByTestId('alert-open-detail').click();
    await detail.waitFor();

    await detail.getByTestId('alert-detail-resolve').click();
    await desk.getByTestId('resolve-outcome').selectOption('genuine');
    await desk.getByTestId('resolve-note').fill('已移交120送医，家属陪同');
    await desk.getByTestId('resolve-submit').click();
    await desk.locator('[data-testid="alert-detail"][data-status="resolved"]').waitFor();
    await detail.locator('[data-testid="alert-step"][data-action="resolved"]').waitFor();
    await desk
      .locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`)
      .waitFor({ state: 'detached' });
    await snap(desk, 'desk-resolved');
    await familyState('well').waitFor();
    await snap(family, 'family-well');

    const stored = await t.api<{ status: string; outcome: string }>('GET', `/api/alerts/${alertId}`);
    expect(stored.body).toMatchObject({ status: 'resolved', outcome: 'genuine' });
    const steps = await t.api<{ action: string }[]>('GET', `/api/alerts/${alertId}/steps`);
    expect(steps.body.map((step) => step.action)).toEqual(
      expect.arrayContaining([
        'opened',
        'acknowledged',
        'called_family',
        'handed_to_120',
        'comment',
        'resolved',
      ]),
    );
  });
});
