/**
 * Living treatment (6.3) and after death (6.10) in a real browser. A caseworker applies for a nursing
 * fee through the service-records menu; a supervisor approves it and records the first month's
 * payment — a month before the application is refused by the server under its field, the right
 * month is kept and the total shows in yuan. Recording a death shows first what it will change (the
 * nursing fee stopped, the care arrangement ended, the survivor subsidy opened), then opens the
 * checklist, whose first step is closed. The care page and the cards tab are walked for screenshots,
 * in the dark and the light theme.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Benefit, CareArrangement, Death, Retiree } from '../../server/schemas/index.ts';
import { addUser, centreDate, desktopPage, pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkHub } from './walk.ts';

const { browser, snap } = await walkBrowser('living');

const PASSWORD = 'living-test-password';

describe.skipIf(browser === null)(
  'benefits, care and after death in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const t = walkHub(browser);
    const contexts: BrowserContext[] = [];

    async function signInAs(username: string): Promise<Page> {
      const page = await desktopPage(browser as Browser, { acceptDownloads: true });
      contexts.push(page.context());
      await signIn(page, t.url, username, PASSWORD);
      await page.getByTestId('header-user').waitFor();
      return page;
    }

    beforeAll(async () => {
      for (const [username, displayName, role] of [
        ['wang.caseworker', '王社工', 'caseworker'],
        ['zhao.supervisor', '赵主任', 'supervisor'],
      ] as const) {
        await addUser(t, { username, displayName, role }, PASSWORD);
      }
    }, 180_000);

    afterAll(async () => {
      for (const context of contexts) await context.close();
    });

    it('applies, approves and pays a nursing fee; a death shows its consequences, then its checklist', async () => {
      const today = centreDate();
      const month = today.slice(0, 7);
      const liu: Retiree = await t.addRetiree({ name: '刘建华' });
      const chen: Retiree = await t.addRetiree({ name: '陈光明' });
      // 陈光明 already has a nursing fee being paid and a current care arrangement.
      const nursing = await t.api<Benefit>('POST', '/api/benefits', {
        retireeId: chen.id,
        kind: 'nursing_fee',
        monthlyAmountFen: 150_000,
      });
      await t.api('POST', `/api/benefits/${nursing.body.id}/approve`, {});
      await t.api('POST', `/api/benefits/${nursing.body.id}/payments`, { period: month, amountFen: 150_000 });
      const care = await t.api<CareArrangement>('POST', '/api/care/arrangements', {
        retireeId: chen.id,
        type: 'institution',
        provider: '市第一社会福利院',
        careLevel: 'severe',
        startOn: today,
      });
      expect(care.status).toBe(201);
      await t.api('POST', '/api/care/visits', {
        arrangementId: care.body.id,
        visitedOn: today,
        visitor: '周护士',
        content: '翻身、测量血压，精神尚可',
      });
      await t.api('POST', '/api/benefit-cards', {
        retireeId: liu.id,
        kind: 'veteran_card',
        number: 'SC-2026-0001',
        issuedOn: today,
      });

      // The caseworker finds 生活待遇 in the service-records menu and applies.
      const caseworker = await signInAs('wang.caseworker');
      await caseworker.getByTestId('nav-records').click();
      await caseworker.getByTestId('nav-benefits').click();
      await caseworker.waitForURL(/\/benefits/);
      await caseworker.getByTestId('benefits-table').waitFor();
      await caseworker.getByTestId('benefits-apply').click();
      const apply = caseworker.getByTestId('benefit-apply-dialog');
      await apply.waitFor();
      // Saving without a retiree: the field says what is missing, nothing is sent.
      await caseworker.getByTestId('benefit-apply-save').click();
      await apply.locator('.el-form-item__error', { hasText: '请填写老人' }).waitFor();
      await pickRetiree(caseworker, 'benefit-apply-retiree', '刘建华');
      await caseworker.getByTestId('benefit-apply-kind-nursing_fee').click();
      await caseworker.getByTestId('benefit-apply-amount').locator('input').fill('1200.50');
      await caseworker.getByTestId('benefit-apply-note').fill('重度失能，申请护理费');
      await snap(caseworker, 'apply-dialog');
      await caseworker.getByTestId('benefit-apply-save').click();
      await apply.waitFor({ state: 'hidden' });

      const filed = await t.api<Benefit[]>('GET', `/api/benefits?retireeId=${liu.id}`);
      expect(filed.body).toHaveLength(1);
      const benefit = filed.body[0]!;
      expect(benefit).toMatchObject({ kind: 'nursing_fee', status: 'applied', monthlyAmountFen: 120_050 });
      await caseworker
        .locator(`[data-testid="benefit-status-${benefit.id}"][data-status="applied"]`)
        .waitFor();
      await snap(caseworker, 'benefits-applied');

      // The supervisor approves it and records this month's payment.
      const supervisor = await signInAs('zhao.supervisor');
      await supervisor.goto(`${t.url}/benefits`);
      await supervisor.getByTestId(`benefit-decide-${benefit.id}`).click();
      await supervisor.getByTestId('benefit-decide-dialog').waitFor();
      await snap(supervisor, 'decide-dialog');
      await supervisor.getByTestId('benefit-decide-save').click();
      await supervisor
        .locator(`[data-testid="benefit-status-${benefit.id}"][data-status="approved"]`)
        .waitFor();

      await supervisor.getByTestId(`benefit-pay-${benefit.id}`).click();
      const pay = supervisor.getByTestId('benefit-pay-dialog');
      await pay.waitFor();
      // A month before the application: the server refuses it, under the month.
      const period = supervisor.getByTestId('benefit-pay-period').locator('input');
      await period.fill('2020-01');
      await period.press('Enter');
      await supervisor.getByTestId('benefit-pay-save').click();
      await pay.locator('.el-form-item__error', { hasText: '不能早于申报月份' }).waitFor();
      await snap(supervisor, 'pay-field-error');
      expect((await t.api<Benefit>('GET', `/api/benefits/${benefit.id}`)).body.payments).toHaveLength(0);
      await period.fill(month);
      await period.press('Enter');
      await supervisor.getByTestId('benefit-pay-save').click();
      await pay.waitFor({ state: 'hidden' });
      await supervisor.locator(`[data-testid="benefit-status-${benefit.id}"][data-status="paid"]`).waitFor();
      expect(await supervisor.getByTestId(`benefit-total-${benefit.id}`).textContent()).toBe('¥1,200.50');
      const paid = await t.api<Benefit>('GET', `/api/benefits/${benefit.id}`);
      expect(paid.body.payments).toStrictEqual([
        expect.objectContaining({ period: month, amountFen: 120_050, paidOn: today }),
      ]);
      expect(paid.body.events.map((e) => [e.action, e.byName])).toStrictEqual([
        ['apply', '王社工'],
        ['approve', '赵主任'],
        ['pay', '赵主任'],
      ]);
      await snap(supervisor, 'benefits-paid');
      await supervisor.getByTestId(`benefit-history-${benefit.id}`).click();
      const detail = supervisor.getByTestId('benefit-detail');
      await detail.waitFor();
      expect(await detail.getByTestId('benefit-detail-events').textContent()).toContain('王社工');
      await snap(supervisor, 'benefit-history');
      await supervisor.keyboard.press('Escape');
      await detail.waitFor({ state: 'hidden' });

      // The cards tab and the care page.
      await supervisor.locator('.el-tabs__item', { hasText: '优待证件' }).click();
      await supervisor.getByTestId('cards-table').getByText('SC-2026-0001').waitFor();
      await snap(supervisor, 'cards');
      await supervisor.getByTestId('nav-records').click();
      await supervisor.getByTestId('nav-care').click();
      await supervisor.getByTestId('care-arrangements').getByText('市第一社会福利院').waitFor();
      await snap(supervisor, 'care');
      await supervisor.getByTestId(`care-visit-${care.body.id}`).click();
      await supervisor.getByTestId('care-visit-dialog').waitFor();
      await snap(supervisor, 'care-visit-dialog');
      await supervisor.keyboard.press('Escape');
      await supervisor.locator('.el-tabs__item', { hasText: '探视记录' }).click();
      await supervisor.getByTestId('care-visits').getByText('周护士').waitFor();
      await snap(supervisor, 'care-visits');

      // The caseworker records the death of 陈光明: the consequences first, then the checklist.
      await caseworker.getByTestId('nav-records').click();
      await caseworker.getByTestId('nav-bereavement').click();
      await caseworker.waitForURL(/\/bereavement/);
      await caseworker.getByTestId('bereavement-record').click();
      const dialog = caseworker.getByTestId('death-dialog');
      await dialog.waitFor();
      await pickRetiree(caseworker, 'death-retiree', '陈光明');
      await caseworker.getByTestId('death-place').fill('市第一社会福利院');
      await caseworker.getByTestId('death-survivor').fill('陈淑芬');
      await caseworker.getByTestId('death-relation').fill('配偶');
      await caseworker.getByTestId('death-next').click();
      const effects = caseworker.getByTestId('death-effects');
      await effects.waitFor();
      expect(await effects.textContent()).toContain('陈光明');
      expect(await caseworker.getByTestId('death-effect-benefits').textContent()).toContain('护理费');
      expect(await caseworker.getByTestId('death-effect-care').textContent()).toContain('市第一社会福利院');
      expect(await caseworker.getByTestId('death-effect-subsidy').textContent()).toContain('陈淑芬');
      expect(await caseworker.getByTestId('death-effect-deceased').textContent()).toContain('不删除');
      await snap(caseworker, 'death-effects');
      // Nothing has changed yet.
      expect((await t.api<Benefit>('GET', `/api/benefits/${nursing.body.id}`)).body.status).toBe('paid');
      await caseworker.getByTestId('death-confirm').click();
      await dialog.waitFor({ state: 'hidden' });

      const checklist = caseworker.getByTestId('bereavement-checklist');
      await checklist.waitFor();
      const deaths = await t.api<Death[]>('GET', `/api/bereavement?retireeId=${chen.id}`);
      expect(deaths.body).toHaveLength(1);
      const death = deaths.body[0]!;
      expect(await checklist.getAttribute('data-death')).toBe(death.id);
      expect(await caseworker.getByTestId('bereavement-steps').locator('.el-table__body tr').count()).toBe(
        death.steps.length,
      );
      expect(await caseworker.getByTestId('step-help_family').textContent()).toBe('协助家属处理善后事宜');
      await caseworker.getByTestId('bereavement-subsidy').getByText('陈淑芬').waitFor();
      await snap(caseworker, 'checklist');
      expect((await t.api<Benefit>('GET', `/api/benefits/${nursing.body.id}`)).body).toMatchObject({
        status: 'stopped',
        stopReason: 'death',
      });
      const deceased = await t.api<{ items: { id: string }[] }>(
        'GET',
        '/api/archive/retirees?status=deceased',
      );
      expect(deceased.body.items.map((row) => row.id)).toStrictEqual([chen.id]);

      // Closing the first step.
      await caseworker.getByTestId('step-done-help_family').click();
      await caseworker.getByTestId('step-close-dialog').waitFor();
      await caseworker.getByTestId('step-close-note').fill('已协助家属联系殡仪馆');
      await caseworker.getByTestId('step-close-save').click();
      await caseworker.getByTestId('step-close-dialog').waitFor({ state: 'hidden' });
      await expect.poll(() => caseworker.getByTestId('step-status-help_family').textContent()).toBe('已办');
      await snap(caseworker, 'checklist-step-done');

      // The survivor subsidy opened by the death is one click away, on the benefits page.
      await caseworker.getByTestId('bereavement-subsidy-link').click();
      await caseworker.waitForURL(/\/benefits\?/);
      await expect
        .poll(() => caseworker.getByTestId('benefits-filter-linked').textContent())
        .toContain('陈光明');
      await caseworker.getByTestId('benefits-table').getByText('陈淑芬').waitFor();
      expect(await caseworker.getByTestId('benefits-table').locator('.el-table__body tr').count()).toBe(1);
      await snap(caseworker, 'survivor-subsidy');
      await caseworker.goBack();
      await caseworker.getByTestId('bereavement-checklist').waitFor();

      // The export button hands over a workbook.
      const [download] = await Promise.all([
        caseworker.waitForEvent('download'),
        caseworker.getByTestId('bereavement-export').click(),
      ]);
      expect(download.suggestedFilename()).toBe('身后事.xlsx');

      // A work-list item's link to a step opens its checklist; a link to a benefit opens its record.
      await caseworker.goto(`${t.url}/bereavement?step=${death.steps[1]!.id}`);
      await caseworker.locator(`[data-testid="bereavement-checklist"][data-death="${death.id}"]`).waitFor();
      await caseworker.goto(`${t.url}/benefits?benefit=${benefit.id}`);
      await caseworker.getByTestId('benefit-detail').getByText('赵主任').first().waitFor();

      // The same pages in the light theme.
      if (process.env.HUB_TEST_SCREENSHOTS) {
        await caseworker.evaluate(`localStorage.setItem('junxiu.theme', 'light')`);
        for (const [route, ready, name] of [
          ['/bereavement', 'bereavement-table', 'light-bereavement'],
          ['/benefits', 'benefits-table', 'light-benefits'],
          ['/care', 'care-arrangements', 'light-care'],
        ] as const) {
          await caseworker.goto(`${t.url}${route}`);
          await caseworker.getByTestId(ready).waitFor();
          if (route === '/bereavement') {
            await caseworker.getByTestId('bereavement-filter-open').getByText('全部').click();
            await caseworker.getByTestId(`death-row-${death.id}`).click();
            await caseworker.getByTestId('bereavement-checklist').waitFor();
          }
          await snap(caseworker, name);
        }
        await caseworker.getByTestId('locale-switch').getByText('EN').click();
        await caseworker.goto(`${t.url}/benefits`);
        await caseworker.getByTestId('benefits-table').getByText('Being paid').first().waitFor();
        await snap(caseworker, 'light-benefits-en');
        await caseworker.getByTestId('locale-switch').getByText('中文').click();
        await caseworker.goto(`${t.url}/care`);
        await caseworker.getByTestId('care-arrangements').waitFor();
        await caseworker.getByTestId('care-start').click();
        await caseworker.getByTestId('care-start-save').click();
        await caseworker.getByTestId('care-start-dialog').locator('.el-form-item__error').first().waitFor();
        await snap(caseworker, 'light-care-start-errors');
      }
    });
  },
);
