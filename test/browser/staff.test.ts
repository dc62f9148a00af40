/**
 * Staff records (人员管理: 5.2.2, 5.2.3, 6.11.2.2) in a real browser. A supervisor opens the page from
 * the records menu, adds a caseworker's elderly-care certificate that expires in 20 days and sees it
 * marked 将到期; records a data-protection training the caseworker attended and sees it listed; on
 * the data-protection tab sees the caseworker no longer overdue while the operator, who never
 * attended one, is 已逾期; renews the certificate for two more years and sees it 有效. A caseworker
 * sees the page but is offered neither the certificate nor the training dialog.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { User } from '../../server/schemas/index.ts';
import type { Qualification, Training } from '../../server/schemas/staff.ts';
import { centreDate, desktopPage, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('staff');

const PASSWORD = 'staff-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const OPERATOR = { username: 'zhao.operator', displayName: '赵值班员', role: 'operator' };

const CERTIFICATE = '养老护理员职业技能等级证书';
const TOPIC = '《个人信息保护法》与老干部档案保密制度';

/** Takes the option `label` of the open select list. */
async function choose(page: Page, label: string): Promise<void> {
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

/** The input of an Element Plus field, whichever element carries the test id. */
const inputOf = (page: Page, testid: string): Locator =>
  page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first();

/** Types a day into a date picker and takes it. */
async function fillDate(field: Locator, value: string): Promise<void> {
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

/** The same day `years` later (28 February for a 29th that year lacks). */
function yearsLater(day: string, years: number): string {
  const [year, month, date] = day.split('-');
  const later = `${Number(year) + years}-${month}-${date}`;
  return month === '02' && date === '29' ? later.replace(/-29$/, '-28') : later;
}

describe.skipIf(browser === null)(
  'staff certificates and training in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      users: [SUPERVISOR, CASEWORKER, OPERATOR],
      password: PASSWORD,
      // The caseworker and the operator have had their accounts for two months: their first
      // data-protection training, due from the day each account was made, is overdue.
      prepare: ({ t }) =>
        t.hub.db.query(
          `update users set created_at = now() - interval '60 days' where username = any($1::text[])`,
          [[CASEWORKER.username, OPERATOR.username]],
        ),
    });

    async function userId(username: string): Promise<string> {
      const users = (await t.api<User[]>('GET', '/api/users')).body;
      const user = users.find((one) => one.username === username);
      if (!user) throw new Error(`no account ${username}`);
      return user.id;
    }

    it('adds a certificate about to expire, records a data-protection training and renews the certificate', async () => {
      const caseworkerId = await userId(CASEWORKER.username);
      const operatorId = await userId(OPERATOR.username);
      await signInToDashboard(page, t.url, SUPERVISOR.username, PASSWORD);

      // The page is in the service-records menu.
      await page.getByTestId('nav-records').click();
      await page.getByTestId('nav-staff').click();
      await page.waitForURL(/\/staff(\?tab=qualifications)?$/);
      await page.getByRole('heading', { name: '人员管理' }).waitFor();
      await page.locator('[data-testid="staff-qualifications"][data-loaded="true"]').waitFor();

      // The caseworker's certificate, expiring in 20 days: its name comes from the kind.
      await page.getByTestId('staff-qualification-new').click();
      const qualificationDialog = page.getByTestId('staff-qualification-dialog');
      await qualificationDialog.waitFor();
      await page.getByTestId('staff-qualification-user').click();
      await choose(page, CASEWORKER.displayName);
      await page.getByTestId('staff-qualification-kind').click();
      await choose(page, '养老护理员');
      expect(await inputOf(page, 'staff-qualification-name').inputValue()).toBe(CERTIFICATE);
      await page.getByTestId('staff-qualification-number').fill('YL-2024-000381');
      await page.getByTestId('staff-qualification-issuer').fill('四川省人力资源和社会保障厅');
      await fillDate(inputOf(page, 'staff-qualification-issued'), centreDate(-345));
      const expiresOn = centreDate(20);
      await fillDate(inputOf(page, 'staff-qualification-expires'), expiresOn);
      await snap(page, 'qualification-dialog');
      await page.getByTestId('staff-qualification-save').click();
      await qualificationDialog.waitFor({ state: 'hidden' });

      const [certificate] = (await t.api<Qualification[]>('GET', '/api/staff/qualifications')).body;
      expect(certificate).toMatchObject({
        userId: caseworkerId,
        kind: 'care_worker',
        name: CERTIFICATE,
        number: 'YL-2024-000381',
        issuedOn: centreDate(-345),
        expiresOn,
        status: 'expiring',
        daysLeft: 20,
      });
      const certificateId = certificate?.id ?? '';
      const status = page.getByTestId(`staff-qualification-status-${certificateId}`);
      await page
        .locator(`[data-testid="staff-qualification-status-${certificateId}"][data-status="expiring"]`)
        .waitFor();
      expect(await status.textContent()).toBe('将到期 20 天');
      await snap(page, 'qualifications');

      // The register goes to Excel with the filters on screen.
      const [register] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('staff-qualifications-export').click(),
      ]);
      expect(register.suggestedFilename()).toMatch(/\.xlsx$/);

      // A data-protection training the caseworker attended.
      await page.getByTestId('staff-tabs').getByText('培训记录').click();
      await page.waitForURL(/tab=trainings/);
      await page.locator('[data-testid="staff-trainings"][data-loaded="true"]').waitFor();
      await page.getByTestId('staff-training-new').click();
      const trainingDialog = page.getByTestId('staff-training-dialog');
      await trainingDialog.waitFor();
      await page.getByTestId('staff-training-kind').click();
      await choose(page, '个人信息保护与档案保密');
      await page.getByTestId('staff-training-topic').fill(TOPIC);
      const hours = inputOf(page, 'staff-training-hours');
      await hours.fill('1.5');
      await page.getByTestId('staff-training-trainer').fill('王律师');
      await page.getByTestId('staff-training-place').fill('三楼会议室');
      await page.getByTestId('staff-training-attendees').click();
      await choose(page, CASEWORKER.displayName);
      // A click above the open multi-select closes its list.
      await page.getByTestId('staff-training-place').click();
      expect(await hours.inputValue()).toBe('1.5');
      await snap(page, 'training-dialog');
      await page.getByTestId('staff-training-save').click();
      await trainingDialog.waitFor({ state: 'hidden' });

      const [training] = (await t.api<Training[]>('GET', '/api/staff/trainings')).body;
      expect(training).toMatchObject({
        kind: 'data_protection',
        topic: TOPIC,
        heldOn: centreDate(0),
        hours: 1.5,
        trainer: '王律师',
        attendees: [{ userId: caseworkerId, name: CASEWORKER.displayName }],
        recordedBy: SUPERVISOR.displayName,
      });
      const trainingId = training?.id ?? '';
      await page.getByTestId(`staff-training-topic-${trainingId}`).getByText(TOPIC).waitFor();
      expect(await page.getByTestId(`staff-training-people-${trainingId}`).textContent()).toBe(
        CASEWORKER.displayName,
      );
      await snap(page, 'trainings');

      // The caseworker is trained; the operator never was and is overdue.
      await page.getByTestId('staff-tabs').getByText('个人信息保护培训').click();
      await page.waitForURL(/tab=data-protection/);
      await page.locator('[data-testid="staff-data-protection"][data-loaded="true"]').waitFor();
      expect(await page.getByTestId('staff-dp-intro').textContent()).toContain('每 365 天');
      const caseworkerRow = page.getByTestId(`staff-dp-row-${caseworkerId}`);
      const operatorRow = page.getByTestId(`staff-dp-row-${operatorId}`);
      await operatorRow.getByText('已逾期').waitFor();
      expect(await caseworkerRow.getAttribute('data-overdue')).toBe('false');
      expect(await caseworkerRow.textContent()).not.toContain('已逾期');
      expect(await caseworkerRow.textContent()).toContain(centreDate(365));
      expect(await operatorRow.getAttribute('data-overdue')).toBe('true');
      await snap(page, 'data-protection');

      // The certificate renewed for two more years.
      await page.getByTestId('staff-tabs').getByText('资质证书').click();
      await page.locator('[data-testid="staff-qualifications"][data-loaded="true"]').waitFor();
      await page.getByTestId(`staff-qualification-renew-${certificateId}`).click();
      const renewDialog = page.getByTestId('staff-renew-dialog');
      await renewDialog.waitFor();
      expect(await page.getByTestId('staff-renew-number').inputValue()).toBe('YL-2024-000381');
      await page.getByTestId('staff-renew-number').fill('YL-2026-000412');
      await fillDate(inputOf(page, 'staff-renew-issued'), centreDate(0));
      const renewedUntil = yearsLater(expiresOn, 2);
      await fillDate(inputOf(page, 'staff-renew-expires'), renewedUntil);
      await snap(page, 'renew-dialog');
      await page.getByTestId('staff-renew-save').click();
      await renewDialog.waitFor({ state: 'hidden' });

      await page
        .locator(`[data-testid="staff-qualification-status-${certificateId}"][data-status="valid"]`)
        .waitFor();
      expect(await status.textContent()).toBe('有效');
      expect(await page.getByTestId(`staff-qualification-expires-${certificateId}`).textContent()).toBe(
        renewedUntil,
      );
      const renewed = await t.api<Qualification>('GET', `/api/staff/qualifications/${certificateId}`);
      expect(renewed.body).toMatchObject({
        number: 'YL-2026-000412',
        issuedOn: centreDate(0),
        expiresOn: renewedUntil,
        status: 'valid',
      });
      await snap(page, 'qualification-renewed');

      // A certificate entered by mistake is taken out, once confirmed.
      const mistaken = (
        await t.api<Qualification>('POST', '/api/staff/qualifications', {
          userId: operatorId,
          kind: 'other',
          name: '录错的证书',
        })
      ).body;
      await page.getByRole('button', { name: '刷新' }).click();
      await page.getByTestId(`staff-qualification-remove-${mistaken.id}`).click();
      await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
      await page.getByTestId(`staff-qualification-remove-${mistaken.id}`).waitFor({ state: 'detached' });
      expect((await t.api('GET', `/api/staff/qualifications/${mistaken.id}`)).status).toBe(404);
      await page.getByTestId(`staff-qualification-status-${certificateId}`).waitFor();

      // The year: the caseworker's hours and training.
      await page.getByTestId('staff-tabs').getByText('年度汇总').click();
      await page.waitForURL(/tab=summary/);
      await page.locator('[data-testid="staff-summary"][data-loaded="true"]').waitFor();
      expect(await page.getByTestId(`staff-summary-hours-${caseworkerId}`).textContent()).toBe('1.5');
      await snap(page, 'summary');
    });

    it('shows a caseworker the records without the buttons that change them', async () => {
      const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
      await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
      await caseworker.waitForURL(/\/worklist/);
      await caseworker.getByTestId('nav-records').click();
      await caseworker.getByTestId('nav-staff').click();
      await caseworker.locator('[data-testid="staff-qualifications"][data-loaded="true"]').waitFor();
      await caseworker.getByTestId('staff-qualifications').getByText(CERTIFICATE).waitFor();
      expect(await caseworker.getByTestId('staff-qualification-new').count()).toBe(0);
      expect(await caseworker.locator('[data-testid^="staff-qualification-renew-"]').count()).toBe(0);
      // A caseworker may not list the accounts; the filter still offers every active member of staff.
      await caseworker.getByTestId('staff-qualification-filter-user').click();
      await caseworker
        .locator('.el-select-dropdown__item:visible', { hasText: OPERATOR.displayName })
        .waitFor();
      await caseworker.keyboard.press('Escape');
      await snap(caseworker, 'caseworker-qualifications');

      await caseworker.getByTestId('staff-tabs').getByText('培训记录').click();
      await caseworker.locator('[data-testid="staff-trainings"][data-loaded="true"]').waitFor();
      await caseworker.getByTestId('staff-trainings').getByText(TOPIC).waitFor();
      expect(await caseworker.getByTestId('staff-training-new').count()).toBe(0);
      await snap(caseworker, 'caseworker-trainings');
      await caseworker.context().close();
    });
  },
);
