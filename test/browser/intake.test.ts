/**
 * Intake (6.1) in a real browser: a caseworker finds the intake page in the service-records menu, opens
 * a case for a newly transferred retiree, ticks "核对移交档案材料" and sees it done with the day and their
 * name — and the server has it too; then records the three-party meeting, which ticks its own step. Screenshots of the list and the case when HUB_TEST_SCREENSHOTS is set.
 */
import { describe, expect, it } from 'vitest';
import type { IntakeCase, IntakeCaseList } from '../../server/schemas/intake.ts';
import { centreDate, pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('intake');

const PASSWORD = 'caseworker-test-password';
describe.skipIf(browser === null)('intake in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [{ username: 'zhou.caseworker', displayName: '周社工', role: 'caseworker' }],
    password: PASSWORD,
    prepare: (walk) => walk.t.addRetiree({ name: '张建军' }),
  });

  it('a caseworker opens an intake case, ticks a step and sees it done', async () => {
    await signIn(page, t.url, 'zhou.caseworker', PASSWORD);
    await page.waitForURL(/\/worklist/);

    // The page is in the service-records menu.
    await page.getByTestId('nav-records').click();
    await page.locator('[data-testid="nav-intake"]').click();
    await page.waitForURL(/\/intake$/);
    await page.getByRole('heading', { name: '接收安置' }).waitFor();

    // A new case: pick the retiree, the sending unit; received today.
    await page.getByTestId('intake-new').click();
    await page.getByTestId('intake-new-dialog').waitFor();
    await pickRetiree(page, 'intake-new-retiree', '张建军');
    await page.getByTestId('intake-new-unit').fill('某部队政治工作部');
    await page.getByTestId('intake-new-save').click();
    await page.waitForURL(/\/intake\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="intake-case"][data-status="open"]').waitFor();
    const caseId = page.url().split('/').pop() as string;

    const step = page.getByTestId('intake-step-files_verified');
    expect(await step.locator('input').isChecked()).toBe(false);
    await snap(page, 'case-open');
    await step.click();
    await expect
      .poll(() => page.getByTestId('intake-done-files_verified').textContent())
      .toContain(`${centreDate()} · 周社工`);
    expect(await step.locator('input').isChecked()).toBe(true);
    await snap(page, 'case-ticked');

    // The server agrees: done today, by the caseworker, in the history.
    const saved = await t.api<IntakeCase>('GET', `/api/intake/cases/${caseId}`);
    const files = saved.body.steps.find((s) => s.step === 'files_verified');
    expect(files).toMatchObject({ status: 'done', doneOn: centreDate(), doneByName: '周社工' });
    expect(saved.body.history.map((e) => e.action)).toStrictEqual(['opened', 'step_done']);
    expect(saved.body.meeting).toBeNull();

    // The three-party meeting (6.1.2.4): recorded on its tab, it ticks its own step.
    await page.getByRole('tab', { name: '“三方”见面会（6.1.2.4）' }).click();
    await page.getByTestId('intake-meeting-place').fill('中心二楼会议室');
    await page.getByTestId('intake-meeting-centre').fill('成都市第一军休服务管理中心');
    await page.getByTestId('intake-attendee-0').fill('李主任');
    await page.getByTestId('intake-attendee-1').fill('王干事');
    await snap(page, 'meeting');
    await page.getByTestId('intake-meeting-save').click();
    await page.locator('.el-message--success').waitFor();
    await page.getByRole('tab', { name: '“三方”移交安置协议书（6.1.2.4、6.1.2.6）' }).click();
    await page.getByTestId('intake-agreement').waitFor();
    await snap(page, 'agreement');
    await page.getByRole('tab', { name: '工作清单（6.1.1 a–e）' }).click();
    expect(await page.getByTestId('intake-step-three_party_meeting').locator('input').isChecked()).toBe(true);

    // The list shows the case with two steps done.
    await page.getByText('← 返回列表').click();
    await page.waitForURL(/\/intake$/);
    await page.getByTestId(`intake-case-${caseId}`).waitFor();
    const list = await t.api<IntakeCaseList>('GET', '/api/intake/cases?status=open');
    expect(list.body.items[0]?.stepsDone).toBe(2);
    await snap(page, 'list');

    // Two months on, the open steps are on the caseworker's work list and lead back to the case.
    await page.goto(`${t.url}/worklist?date=${centreDate(60)}`);
    const item = page.locator('[data-testid^="worklist-item-"]', { hasText: '接收安置' }).first();
    await item.waitFor();
    await item.click();
    await page.getByTestId('intake-step-files_verified').waitFor();
    expect(page.url()).toMatch(new RegExp(`/intake/${caseId}$`));
  });
});
