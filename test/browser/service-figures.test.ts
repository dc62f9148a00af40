/**
 * 统计报表 (clause 7.1) in a real browser, for each kind of reader. A visit task due today is done by
 * a visit recorded through the API. A caseworker opens the page from the header and sees the service
 * figures alone, the visit in this month's row, the year's shares, last year's twelve months, and
 * downloads the Excel sheet; a supervisor sees both parts, one tab each; an operator on the desk
 * sees the alert figures and nothing of the service figures, and the page never asks the hub for them.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { VisitTask } from '../../server/schemas/visits.ts';
import { sevenFields } from '../visits/seven-fields.ts';
import { centreDate, desktopPage, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('service-figures');

const PASSWORD = 'figures-walk-password';
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const OPERATOR = { username: 'zhao.operator', displayName: '赵值班员', role: 'operator' };

const today = centreDate(0);
const month = today.slice(0, 7);
const year = Number(today.slice(0, 4));

/** The page's service figures once the year `shown` is on screen. */
async function serviceFigures(page: Page, shown = year): Promise<void> {
  await page.locator(`[data-testid="service-figures"][data-loaded="true"][data-year="${shown}"]`).waitFor();
}

/** The text of one figure of a month's row. */
const cell = (page: Page, period: string, figure: string) =>
  page.getByTestId(`service-${period}-${figure}`).textContent();

describe.skipIf(browser === null)(
  '统计报表 for each reader in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      users: [CASEWORKER, SUPERVISOR, OPERATOR],
      password: PASSWORD,
      prepare: async ({ t }) => {
        const retiree = await t.addRetiree({ name: '张卫国' });
        const task = await t.api<VisitTask>('POST', '/api/visits/tasks', {
          retireeId: retiree.id,
          title: '季度走访',
          dueOn: today,
        });
        if (task.status !== 201) throw new Error(`visit task: ${JSON.stringify(task.body)}`);
        const visit = await t.api('POST', '/api/visits/records', {
          retireeId: retiree.id,
          taskId: task.body.id,
          visitedOn: today,
          mode: 'in_person',
          visitors: [CASEWORKER.displayName],
          ...sevenFields,
        });
        if (visit.status !== 201) throw new Error(`visit record: ${JSON.stringify(visit.body)}`);
      },
    });

    it('shows a caseworker the service figures and not the alert figures', async () => {
      await signIn(page, t.url, CASEWORKER.username, PASSWORD);
      await page.waitForURL(/\/worklist/);
      await page.getByTestId('nav-reports').click();
      await page.waitForURL(/\/reports$/);
      await page.getByRole('heading', { name: '统计报表' }).waitFor();
      await serviceFigures(page);

      // The visit made today, on the day it was due, in this month's row.
      expect(await cell(page, month, 'visitsDue')).toBe('1');
      expect(await cell(page, month, 'visitsOnTime')).toBe('1');
      expect(await cell(page, month, 'visitsShare')).toBe('100.0%');
      expect(await cell(page, month, 'visitsRecorded')).toBe('1');
      expect(await cell(page, month, 'complaintsShare')).toBe('—');
      expect(await cell(page, month, 'averageRating')).toBe('—');
      expect(await page.getByTestId('service-total-visits').textContent()).toBe('100.0%');
      // The months of this year up to this one, and no further.
      expect(await page.locator('[data-testid^="service-month-"]').count()).toBe(Number(month.slice(5)));
      expect(await page.getByTestId(`service-month-${month}`).textContent()).toBe(month);

      // Neither the alert figures nor a tab to them.
      expect(await page.getByTestId('alert-figures').count()).toBe(0);
      expect(await page.getByTestId('reports-parts').count()).toBe(0);
      expect(await page.getByTestId('report-range').count()).toBe(0);
      await snap(page, 'caseworker');

      // The year's sheet, under the name the hub gives it.
      const [sheet] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('service-download').click(),
      ]);
      expect(sheet.suggestedFilename()).toBe(`${year}年服务指标.xlsx`);

      // Last year: twelve months, none with a visit.
      const picker = page.getByTestId('service-year').locator('input');
      await picker.click();
      await picker.fill(String(year - 1));
      await picker.press('Enter');
      await serviceFigures(page, year - 1);
      expect(await page.locator('[data-testid^="service-month-"]').count()).toBe(12);
      expect(await cell(page, `${year - 1}-12`, 'visitsRecorded')).toBe('0');
      expect(await cell(page, `${year - 1}-12`, 'visitsShare')).toBe('—');
      await snap(page, 'caseworker-last-year');
    });

    it('shows a supervisor both parts, one tab each', async () => {
      const supervisor = await desktopPage(browser as NonNullable<typeof browser>);
      await signInToDashboard(supervisor, t.url, SUPERVISOR.username, PASSWORD);
      await supervisor.getByTestId('nav-reports').click();
      await supervisor.waitForURL(/\/reports$/);
      await supervisor.getByTestId('reports-parts').waitFor();

      // The alert figures first, as the desk knows the page.
      await supervisor.getByTestId('report-totals').waitFor();
      await supervisor.getByTestId('alert-figures').getByText('60 秒内确认率').first().waitFor();
      expect(await supervisor.getByTestId('service-figures').count()).toBe(0);
      await snap(supervisor, 'supervisor-alerts');

      await supervisor.getByTestId('reports-parts').getByText('服务指标').click();
      await supervisor.waitForURL(/\/reports\?tab=services$/);
      await serviceFigures(supervisor);
      expect(await cell(supervisor, month, 'visitsRecorded')).toBe('1');
      expect(await supervisor.getByTestId('alert-figures').count()).toBe(0);
      await snap(supervisor, 'supervisor-services');

      // In daylight and in English.
      await supervisor.getByRole('button', { name: '日间' }).click();
      await supervisor.getByTestId('locale-switch').getByText('EN').click();
      await supervisor.getByTestId('reports-parts').getByText('Service figures').waitFor();
      await supervisor.getByTestId('service-table').getByText('Visits made').waitFor();
      await snap(supervisor, 'supervisor-services-en');
      await supervisor.getByTestId('locale-switch').getByText('中文').click();
      await supervisor.getByTestId('reports-parts').getByText('服务指标').waitFor();

      // The address keeps the part: a reload opens it again.
      await supervisor.reload();
      await serviceFigures(supervisor);
      await supervisor.getByTestId('reports-parts').getByText('告警响应').click();
      await supervisor.waitForURL(/\/reports$/);
      await supervisor.getByTestId('report-totals').waitFor();
      await supervisor.context().close();
    });

    it('shows an operator the alert figures and nothing of the service figures', async () => {
      const operator = await desktopPage(browser as NonNullable<typeof browser>);
      const asked: string[] = [];
      operator.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path.startsWith('/api/reports/')) asked.push(path);
      });
      await signInToDashboard(operator, t.url, OPERATOR.username, PASSWORD);
      await operator.getByTestId('nav-reports').click();
      await operator.waitForURL(/\/reports$/);
      await operator.getByTestId('report-totals').waitFor();
      await operator.getByTestId('report-table').waitFor();
      expect(await operator.getByTestId('service-figures').count()).toBe(0);
      expect(await operator.getByTestId('reports-parts').count()).toBe(0);

      // Asking for the services part in the address shows the alert figures all the same.
      await operator.goto(`${t.url}/reports?tab=services`);
      await operator.getByTestId('report-totals').waitFor();
      expect(await operator.getByTestId('service-figures').count()).toBe(0);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((path) => path.startsWith('/api/reports/services'))).toEqual([]);
      await snap(operator, 'operator');
      await operator.context().close();
    });
  },
);
