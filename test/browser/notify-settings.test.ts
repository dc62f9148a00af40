/**
 * The pages that set up escalation to a phone (5.1.7), in a real browser at 1280×800: the
 * administrator sets a Tencent Cloud SMS provider (afterwards the page names the fields set and
 * shows no secret), adds a supervisors' DingTalk group robot as a channel of the role (only stored:
 * nothing is sent), and has the ladder's first step remind every 5 minutes and tell a named member
 * of staff, which a reload shows kept. A supervisor adds their own mobile number for SMS with quiet
 * hours 22:00–07:00 in the account dialog, and reads why a landline number is refused.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { desktopPage, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('notify', { fullPage: false });

const PASSWORD = 'notify-settings-password';
const VIEWPORT = { width: 1280, height: 800 };
const TENCENT = { secretId: 'AKIDnotifysettingstest0123', secretKey: 'tencent-secret-key-never-shown-0123' };
const DINGTALK_TOKEN = 'c0ffee00d1n6ta1k0123456789abcdef0123456789abcdef0123456789abcdef';
const DINGTALK_SECRET = 'SECnotify-settings-dingtalk-signing-secret';

/** Picks `label` in the open dropdown of an Element Plus select (several may exist, one shows). */
async function pickOption(page: Page, label: string): Promise<void> {
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

/** Picks `label` in a single select, then waits for its dropdown to close, so the next one opened is the only one shown. */
async function pickOnly(page: Page, label: string): Promise<void> {
  await pickOption(page, label);
  await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
}

describe.skipIf(browser === null)(
  'escalation to a phone: the settings pages',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      users: [
        { username: 'zhou.supervisor', displayName: '周值班长', role: 'supervisor' },
        { username: 'wang.operator', displayName: '王值班员', role: 'operator' },
      ],
      password: PASSWORD,
      signInAsAdmin: true,
      context: { viewport: VIEWPORT },
    });

    it('lets the administrator set an SMS provider, a role channel and the ladder', async () => {
      await page.getByTestId('nav-settings').click();
      await page.locator('[data-testid="escalation-editor"][data-loaded="true"]').waitFor();

      // ── the SMS provider: its secrets typed once, never shown again ─────────────────────────────
      await page.locator('#tab-providers').click();
      await page.locator('[data-testid="notify-providers"][data-loaded="true"]').waitFor();
      await expect
        .poll(() => page.getByTestId('provider-sms_tencent').getAttribute('data-state'))
        .toBe('unset');
      await snap(page, 'providers-empty');
      await page.getByTestId('provider-sms_tencent-edit').click();
      const dialog = page.getByTestId('provider-dialog');
      await dialog.waitFor();
      // The secret is a password field.
      expect(await dialog.getByTestId('provider-field-secretKey').getAttribute('type')).toBe('password');
      const fields: Record<string, string> = {
        ...TENCENT,
        smsSdkAppId: '1400000001',
        signName: '军休中心',
        templateId: '1000001',
        templateParamOrder: 'name, kind, waited',
      };
      for (const [field, value] of Object.entries(fields)) {
        await dialog.getByTestId(`provider-field-${field}`).fill(value);
      }
      await snap(page, 'provider-dialog');
      await dialog.getByTestId('provider-save').click();
      await dialog.waitFor({ state: 'hidden' });
      const card = page.getByTestId('provider-sms_tencent');
      await expect.poll(() => card.getAttribute('data-state')).toBe('set');
      const shownFields = await card
        .getByTestId('provider-sms_tencent-fields')
        .locator('[data-field]')
        .evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-field')));
      expect(shownFields).toEqual(expect.arrayContaining(['secretId', 'secretKey', 'templateParamOrder']));
      expect(await page.content()).not.toContain(TENCENT.secretKey);
      // Setting it again starts from an empty form: the saved secret is not filled in.
      await page.getByTestId('provider-sms_tencent-edit').click();
      await dialog.waitFor();
      expect(await dialog.getByTestId('provider-field-secretKey').inputValue()).toBe('');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await snap(page, 'providers');
      const providers = await t.api<{ kind: string; fields: string[] }[]>(
        'GET',
        '/api/settings/notify/providers',
      );
      expect(providers.body.find((provider) => provider.kind === 'sms_tencent')?.fields).toContain(
        'secretKey',
      );
      expect(JSON.stringify(providers.body)).not.toContain(TENCENT.secretKey);

      // ── the supervisors' DingTalk group ─────────────────────────────────────────────────────────
      await page.locator('#tab-notify').click();
      await page.locator('[data-testid="notify-channels"][data-loaded="true"]').waitFor();
      await page.getByTestId('notify-channel-add').click();
      const channelDialog = page.getByTestId('notify-channel-dialog');
      await channelDialog.waitFor();
      await channelDialog.getByTestId('notify-channel-audience').getByText('值班长').click();
      await channelDialog.getByTestId('notify-channel-kind').click();
      await pickOnly(page, '钉钉机器人');
      const target = channelDialog.getByTestId('notify-channel-target');
      expect(await target.getAttribute('placeholder')).toContain('oapi.dingtalk.com');
      await target.fill(`https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}`);
      await channelDialog.getByTestId('notify-channel-secret').fill(DINGTALK_SECRET);
      await snap(page, 'role-channel-dialog');
      await channelDialog.getByTestId('notify-channel-save').click();
      await channelDialog.waitFor({ state: 'hidden' });
      const table = page.getByTestId('notify-channel-table');
      await table.locator('tbody tr', { hasText: '钉钉机器人' }).waitFor();
      const row = await table.locator('tbody tr', { hasText: '钉钉机器人' }).textContent();
      expect(row).toContain('值班长');
      expect(row).toContain('oapi.dingtalk.com');
      // The robot's access token is its key: shown masked.
      expect(row).not.toContain(DINGTALK_TOKEN);
      await snap(page, 'role-channels');
      const stored = await t.api<{ audience: string; kind: string; hasSecret: boolean }[]>(
        'GET',
        '/api/settings/notify/channels',
      );
      expect(stored.body).toMatchObject([{ audience: 'supervisor', kind: 'dingtalk', hasSecret: true }]);

      // ── the ladder's first step: a reminder every 5 minutes, and a named member of staff ────────
      await page.locator('#tab-escalation').click();
      await page.getByTestId('escalation-repeat-1').locator('input').fill('5');
      await page.getByTestId('escalation-users-1').click();
      await pickOption(page, '王值班员');
      await page.keyboard.press('Escape');
      await page.getByTestId('escalation-channels-1').click();
      await pickOption(page, '短信');
      await page.keyboard.press('Escape');
      await snap(page, 'ladder-edited');
      const save = page.getByTestId('escalation-save');
      await save.click();
      await expect.poll(() => save.isDisabled()).toBe(true);

      await page.reload();
      await page.locator('[data-testid="escalation-editor"][data-loaded="true"]').waitFor();
      expect(await page.getByTestId('escalation-repeat-1').locator('input').inputValue()).toBe('5');
      expect(await page.getByTestId('escalation-users-1').textContent()).toContain('王值班员');
      expect(await page.getByTestId('escalation-channels-1').textContent()).toContain('短信');
      await snap(page, 'ladder');
      const staff = await t.api<{ id: string; username: string }[]>('GET', '/api/users');
      const wang = staff.body.find((user) => user.username === 'wang.operator');
      const ladder = await t.api<{ repeatMinutes?: number; users?: string[]; channels?: string[] }[]>(
        'GET',
        '/api/settings/escalation',
      );
      expect(ladder.body[0]).toMatchObject({ repeatMinutes: 5, users: [wang?.id], channels: ['sms'] });
    });

    it('lets a supervisor add their own SMS number with quiet hours, and says why a landline is refused', async () => {
      const own = await desktopPage(browser!, { viewport: VIEWPORT });
      try {
        await signInToDashboard(own, t.url, 'zhou.supervisor', PASSWORD);
        await own.getByTestId('header-user').click();
        await own.getByTestId('header-account').click();
        const dialog = own.getByTestId('account-dialog');
        await dialog.waitFor();
        await dialog.locator('[data-testid="my-channels"][data-loaded="true"]').waitFor();
        await dialog.getByTestId('my-channel-add').click();
        // SMS comes first, its target asked as a mobile number.
        const target = dialog.getByTestId('my-channel-target');
        expect(await target.getAttribute('placeholder')).toContain('138');
        await target.fill('13800138000');
        await dialog.getByTestId('my-channel-quiet-from').click();
        await pickOnly(own, '22:00');
        await dialog.getByTestId('my-channel-quiet-to').click();
        await pickOnly(own, '07:00');
        await snap(own, 'my-channel-form');
        await dialog.getByTestId('my-channel-save').click();
        const listed = dialog.getByTestId('my-channel-sms');
        await listed.waitFor();
        expect(await listed.textContent()).toContain('13800138000');
        expect(await listed.textContent()).toContain('22:00–07:00');

        // A landline is not a mobile number: the hub's reason stands under the form, what was typed kept.
        await dialog.getByTestId('my-channel-add').click();
        await dialog.getByTestId('my-channel-target').fill('028-1234567');
        await dialog.getByTestId('my-channel-save').click();
        const problem = dialog.getByTestId('my-channel-problem');
        await problem.waitFor();
        expect(await problem.textContent()).toContain('mobile number');
        expect(await dialog.getByTestId('my-channel-target').inputValue()).toBe('028-1234567');
        await snap(own, 'my-channels');

        const session = await t.api<{ token: string }>(
          'POST',
          '/api/auth/login',
          { username: 'zhou.supervisor', password: PASSWORD },
          null,
        );
        const mine = await t.api('GET', '/api/me/channels', undefined, session.body.token);
        expect(mine.body).toMatchObject([
          { kind: 'sms', target: '13800138000', quietFrom: '22:00', quietTo: '07:00' },
        ]);
      } finally {
        await own.context().close();
      }
    });
  },
);
