/**
 * The alert drawer in Chromium, as the admin on the desk at night: a security alert (a burst of
 * refused device CONNECTs on raw sockets) shows what happened, from where and about which device,
 * with its own actions and none of the elder-care ones; an SOS's call to a named relative, recorded
 * through the call dialog as unanswered, reads in the timeline as "致电 周晓明（儿子）：无人接听".
 */
import { describe, expect, it } from 'vitest';
import { guessSecrets } from '../gateway/mqtt-frames.ts';
import { pressSos } from '../helpers/hub.ts';
import { WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('security-alert', { fullPage: false });
const BURST = 3;

describe.skipIf(browser === null)('the alert drawer', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    signInAsAdmin: true,
    context: { viewport: { width: 1400, height: 900 } },
    env: {
      HUB_SECURITY_AUTH_FAILURES: String(BURST),
      HUB_SECURITY_AUTH_WINDOW_SECONDS: '60',
      HUB_MQTT_FAILED_CONNECTS_PER_IP: '1000',
      HUB_MQTT_FAILED_CONNECTS_PER_USERNAME: '1000',
    },
  });

  it('shows a security alert as the burst it is, without the elder-care actions', async () => {
    const watch = await t.addDevice('wearable.watch', null, 'watch-guessed-07');
    expect(await guessSecrets(t.hub.mqttPort, watch.device.id, BURST)).toEqual(Array(BURST).fill(4));
    const item = page.locator('[data-testid="alert-item"]', { hasText: '安全事件' });
    await item.getByTestId('alert-open-detail').click();
    const detail = page.getByTestId('alert-detail');
    const panel = detail.getByTestId('security-panel');
    await panel.waitFor();
    await expect(panel.getAttribute('data-event')).resolves.toBe('mqtt_auth_failures');
    await expect(panel.getByTestId('security-event').textContent()).resolves.toContain('设备认证失败激增');
    await expect(panel.getByTestId('security-burst').textContent()).resolves.toContain(
      `60 秒内 ${BURST} 次（阈值 ${BURST}）`,
    );
    await expect(panel.getByTestId('security-addresses').textContent()).resolves.toMatch(/127\.0\.0\.1/);
    await expect(panel.getByTestId('security-subject').textContent()).resolves.toContain('watch-guessed-07');
    await expect(panel.getByTestId('security-reasons').textContent()).resolves.toContain(
      '密钥错误或设备未登记',
    );
    await panel.getByTestId('security-revoke-watch-guessed-07').waitFor();
    await panel.getByTestId('security-open-page').waitFor();
    // Acknowledging and resolving stay; nothing meant for a retiree is offered.
    await detail.getByTestId('alert-detail-ack').waitFor();
    for (const elderCare of [
      'action-call-family',
      'action-called-family',
      'action-called-retiree',
      'action-sent-staff',
      'action-handover',
      'help-coming',
      'rescue-card',
    ]) {
      expect(await detail.getByTestId(elderCare).count(), elderCare).toBe(0);
    }
    expect(await detail.getByText('移交120').count()).toBe(0);
    expect(await detail.getByText('致电家属').count()).toBe(0);
    await snap(page, 'security-drawer');

    // Its own action: the guessed device is revoked from here, after a confirmation.
    await panel.getByTestId('security-revoke-watch-guessed-07').click();
    await page.locator('.el-message-box .el-button--primary').click();
    type Overview = { revokedDevices: { deviceId: string; reason: string }[] };
    await expect
      .poll(async () => (await t.api<Overview>('GET', '/api/security/overview')).body.revokedDevices)
      .toContainEqual(
        expect.objectContaining({ deviceId: 'watch-guessed-07', reason: '安全告警：设备认证失败激增' }),
      );
    await detail.getByTestId('alert-detail-close').click();
  });

  it('records a call to a named relative with its outcome and shows it in the timeline', async () => {
    const retiree = await t.addRetiree({
      name: '周建国',
      contacts: [
        { name: '周晓明', relation: '儿子', phone: '13900000001' },
        { name: '周晓红', relation: '女儿', phone: '13900000002' },
      ],
    });
    const alert = await pressSos(t, retiree, 'call-dialog-sos-1');
    const item = page.locator(`[data-testid="alert-item"][data-alert-id="${alert.id}"]`);
    await item.getByTestId('alert-open-detail').click();
    const detail = page.locator(`[data-testid="alert-detail"][data-alert-id="${alert.id}"]`);
    await detail.getByTestId('rescue-card').waitFor();
    expect(await detail.getByTestId('security-panel').count()).toBe(0);

    await detail.getByTestId('action-call-family').click();
    const dialog = page.getByTestId('call-dialog');
    const son = dialog.locator('[data-testid="call-contact"]', { hasText: '周晓明' });
    await son.waitFor();
    await expect(son.locator('a').getAttribute('href')).resolves.toBe('tel:13900000001');
    await son.click();
    await dialog.getByTestId('call-outcome-no_answer').click();
    await dialog.getByTestId('call-note').fill('响铃一分钟无人接');
    await dialog.getByTestId('call-submit').click();

    const step = detail.locator('[data-testid="alert-step"][data-action="called_family"]');
    await step.waitFor();
    await expect(step.textContent()).resolves.toContain('致电 周晓明（儿子）：无人接听');
    await expect(step.textContent()).resolves.toContain('响铃一分钟无人接');
    await detail
      .locator('[data-status="in_progress"]')
      .or(page.locator(`[data-testid="alert-detail"][data-status="in_progress"]`))
      .first()
      .waitFor();
    await snap(page, 'call-recorded');

    // The daughter answers that she is coming: the drawer says so above the steps.
    await detail.getByTestId('action-call-family').click();
    await dialog.locator('[data-testid="call-contact"]', { hasText: '周晓红' }).click();
    await dialog.getByTestId('call-outcome-coming').click();
    await dialog.getByTestId('call-submit').click();
    await detail.getByTestId('alert-family-coming').getByText('周晓红（女儿）正在赶来').waitFor();
    await detail
      .locator('[data-testid="alert-step"][data-outcome="coming"]')
      .getByText('致电 周晓红（女儿）：正在赶来')
      .waitFor();
  });
});
