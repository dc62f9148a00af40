/**
 * Requests from anyone and the register of service providers (6.12) in a real browser. A supervisor
 * adds the legal-aid office to the register on the 服务商名录 tab; a caseworker logs a request a
 * retiree made by phone, sees it in the list as 电话 and 法律援助, gives it to that provider from the
 * register, and marks it done with the retiree's rating; the supervisor then sees the provider with
 * one request done and its rating.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ServiceProvider, ServiceRequest } from '../../server/schemas/index.ts';
import {
  centreDate,
  desktopPage,
  pickRetiree,
  signIn,
  signInToDashboard,
  WALK_TIMEOUT_MS,
} from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('service-providers');

const PASSWORD = 'service-providers-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };

const PROVIDER = '锦江区法律援助中心';
const RETIREE = '陈光荣';
const DESCRIPTION = '咨询房屋继承公证';

/** Takes the option `label` of the open select list. */
async function choose(page: Page, label: string): Promise<void> {
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

/** Types a day into a date picker and takes it. */
async function fillDate(page: Page, testid: string, value: string): Promise<void> {
  const field = page.locator(`[data-testid="${testid}"] input`).first();
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

describe.skipIf(browser === null)(
  'requests logged by staff and the register of providers in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      users: [SUPERVISOR, CASEWORKER],
      password: PASSWORD,
      prepare: ({ t }) => t.addRetiree({ name: RETIREE }),
    });

    it('adds a provider, logs a phone request, gives it to the provider and sees its rating', async () => {
      // The supervisor adds the legal-aid office to the register.
      await signInToDashboard(page, t.url, SUPERVISOR.username, PASSWORD);
      await page.getByTestId('nav-requests').click();
      await page.waitForURL(/\/requests$/);
      await page.getByRole('heading', { name: '服务请求' }).waitFor();
      await page.getByTestId('requests-tabs').getByText('服务商名录').click();
      await page.waitForURL(/tab=providers/);
      await page.locator('[data-testid="providers-table"][data-loaded="true"]').waitFor();
      await page.getByTestId('provider-new').click();
      const providerDialog = page.getByTestId('provider-dialog');
      await providerDialog.waitFor();
      await page.getByTestId('provider-name').fill(PROVIDER);
      await page.getByTestId('provider-services').getByText('法律援助').click();
      await page.getByTestId('provider-contact').fill('刘律师');
      await page.getByTestId('provider-phone').fill('028-86612345');
      await page.getByTestId('provider-address').fill('成都市锦江区东大街 88 号');
      await fillDate(page, 'provider-contract-from', centreDate(-30));
      await fillDate(page, 'provider-contract-to', centreDate(335));
      await snap(page, 'provider-dialog');
      await page.getByTestId('provider-save').click();
      await providerDialog.waitFor({ state: 'hidden' });

      const [provider] = (await t.api<ServiceProvider[]>('GET', '/api/service-providers')).body;
      expect(provider).toMatchObject({
        name: PROVIDER,
        services: ['legal'],
        contactPerson: '刘律师',
        phone: '028-86612345',
        contractFrom: centreDate(-30),
        contractTo: centreDate(335),
        inContract: true,
        requests: 0,
      });
      const providerId = provider?.id ?? '';
      await page.getByTestId(`provider-row-${providerId}`).getByText(PROVIDER).waitFor();
      expect(await page.getByTestId(`provider-services-${providerId}`).textContent()).toBe('法律援助');
      expect(await page.getByTestId(`provider-standing-${providerId}`).textContent()).toBe('合同期内');
      await snap(page, 'providers');

      // The register goes to Excel.
      const [register] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('providers-export').click(),
      ]);
      expect(register.suggestedFilename()).toMatch(/\.xlsx$/);

      // The caseworker logs what the retiree asked on the phone.
      const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
      await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
      await caseworker.waitForURL(/\/worklist/);
      await caseworker.getByTestId('nav-requests').click();
      await caseworker.locator('[data-testid="requests-table"][data-loaded="true"]').waitFor();
      await caseworker.getByTestId('requests-log-new').click();
      const logDialog = caseworker.getByTestId('requests-log-dialog');
      await logDialog.waitFor();
      await pickRetiree(caseworker, 'requests-log-retiree', RETIREE);
      await caseworker.getByTestId('requests-log-channel').getByText('电话').click();
      await caseworker.getByTestId('requests-log-category').getByText('法律援助').click();
      await caseworker.getByTestId('requests-log-description').fill(DESCRIPTION);
      await snap(caseworker, 'log-dialog');
      await caseworker.getByTestId('requests-log-save').click();
      await logDialog.waitFor({ state: 'hidden' });

      const [logged] = (await t.api<ServiceRequest[]>('GET', '/api/service-requests')).body;
      expect(logged).toMatchObject({
        retireeName: RETIREE,
        channel: 'phone',
        category: 'legal',
        description: DESCRIPTION,
        loggedBy: CASEWORKER.displayName,
        status: 'requested',
        deviceId: null,
      });
      const requestId = logged?.id ?? '';
      await caseworker.getByTestId(`request-description-${requestId}`).getByText(DESCRIPTION).waitFor();
      expect(await caseworker.getByTestId(`request-channel-${requestId}`).textContent()).toBe('电话');
      expect(await caseworker.getByTestId(`request-category-${requestId}`).textContent()).toBe('法律援助');
      await snap(caseworker, 'requests-logged');

      // It goes to the legal-aid office of the register, offered first for a legal request.
      await caseworker.getByTestId(`request-assign-${requestId}`).click();
      const requestDialog = caseworker.getByTestId('request-dialog');
      await requestDialog.waitFor();
      await caseworker.getByTestId('requests-provider-select').click();
      await caseworker
        .locator('.el-select-group__title:visible', { hasText: '提供“法律援助”服务' })
        .waitFor();
      await choose(caseworker, PROVIDER);
      expect(await caseworker.getByTestId('request-provider').inputValue()).toBe(PROVIDER);
      await snap(caseworker, 'assign-dialog');
      await requestDialog.getByTestId('request-save').click();
      await requestDialog.waitFor({ state: 'hidden' });

      // Done, and the retiree gives it five stars.
      await caseworker.getByTestId('requests-filter-assigned').click();
      await caseworker.getByTestId(`request-provider-${requestId}`).getByText(PROVIDER).waitFor();
      await caseworker.getByTestId(`request-done-${requestId}`).click();
      await requestDialog.waitFor();
      await requestDialog.getByTestId('request-rating').locator('.el-rate__item').nth(4).click();
      await requestDialog.getByTestId('request-save').click();
      await requestDialog.waitFor({ state: 'hidden' });
      await caseworker.getByTestId('requests-filter-done').click();
      await caseworker
        .locator(`[data-testid="request-status-${requestId}"][data-status="done"]`)
        .getByText('已完成')
        .waitFor();
      await snap(caseworker, 'requests-done');

      const done = await t.api<ServiceRequest[]>('GET', '/api/service-requests?status=done');
      expect(done.body.find((request) => request.id === requestId)).toMatchObject({
        providerId,
        provider: PROVIDER,
        status: 'done',
        rating: 5,
        handlerName: CASEWORKER.displayName,
      });
      await caseworker.context().close();

      // The supervisor sees the provider's request done and its rating.
      await page.locator('.filters').getByRole('button', { name: '刷新' }).click();
      await page.getByTestId(`provider-requests-${providerId}`).getByText('1').waitFor();
      expect(await page.getByTestId(`provider-done-${providerId}`).textContent()).toBe('1');
      expect(await page.getByTestId(`provider-rating-${providerId}`).textContent()).toContain('5.0');
      await snap(page, 'providers-rated');
    });
  },
);
