/**
 * Service records in a real browser (6.2, 6.4.2, 6.5, 7): a caseworker logs a letter with a reply due
 * date and sees it in the list beside an overdue one, files a travel request for a regiment-level
 * retiree whose chain is the single filing step (6.4.2.3) and takes that step; the evaluation and
 * medical pages are walked on the way (screenshots with HUB_TEST_SCREENSHOTS).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { AbroadRequestList } from '../../server/schemas/abroad.ts';
import type { ReceptionItem } from '../../server/schemas/reception.ts';
import { pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('records');

const PASSWORD = 'records-test-password';

/** The input of an Element Plus field, whichever element carries the test id. */
const inputOf = (page: Page, testid: string): Locator =>
  page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first();

async function fillDate(field: Locator, value: string): Promise<void> {
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

describe.skipIf(browser === null)('service records pages in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [{ username: 'zhao.caseworker', displayName: '赵社工', role: 'caseworker' }],
    password: PASSWORD,
  });
  const today = centreDay(new Date());

  it('logs a letter with its reply due date, and files a regiment-level trip through the filing chain', async () => {
    const regiment = await t.addRetiree({ name: '王建军', rank: '团级' });
    const division = await t.addRetiree({ name: '李振华', rank: '师级' });
    // An older letter, now past its reply due date, to be highlighted.
    const late = await t.api<ReceptionItem>('POST', '/api/reception/items', {
      channel: 'call',
      fromName: '李振华家属',
      retireeId: division.id,
      content: '询问医疗费报销进度',
      receivedOn: addDays(today, -20),
    });
    expect(late.status).toBe(201);

    await signIn(page, t.url, 'zhao.caseworker', PASSWORD);
    await page.waitForURL(/\/worklist/);

    // The records menu lists the four pages, in order.
    await page.getByTestId('nav-records').click();
    const menu = page.locator('.el-dropdown-menu:visible');
    await menu.getByTestId('nav-reception').waitFor();
    const entries = await menu.locator('[data-testid^="nav-"]').allTextContents();
    const ours = entries
      .map((text) => text.trim())
      .filter((text) => ['政治生活与来信来访', '评价与改进', '出国(境)与兼职', '医疗保健'].includes(text));
    expect(ours).toStrictEqual(['政治生活与来信来访', '评价与改进', '出国(境)与兼职', '医疗保健']);
    await menu.getByTestId('nav-reception').click();
    await page.waitForURL(/\/reception/);

    // The overdue call is highlighted.
    const items = page.getByTestId('reception-items');
    await items.getByText('询问医疗费报销进度').waitFor();
    expect(await items.locator('.overdue-row').count()).toBe(1);
    expect(await items.locator('.overdue-row').textContent()).toContain('已逾期');

    // A letter with 10 days to reply: a rejected save shows the error under its field first.
    await page.getByTestId('reception-new-item').click();
    const dialog = page.getByTestId('reception-item-dialog');
    await dialog.waitFor();
    await page.getByTestId('reception-item-save').click();
    await dialog.locator('.el-form-item__error', { hasText: '请填写来信来访来电人' }).waitFor();
    await page.getByTestId('reception-item-from').fill('王建军');
    await pickRetiree(page, 'reception-item-retiree', '王建军');
    await page.getByTestId('reception-item-content').fill('申请参加今年荣誉疗养');
    const days = inputOf(page, 'reception-item-days');
    await days.fill('10');
    await days.press('Tab');
    await expect
      .poll(() => page.getByTestId('reception-item-due').textContent())
      .toContain(addDays(today, 10));
    await snap(page, 'reception-item-dialog');
    await page.getByTestId('reception-item-save').click();
    await dialog.waitFor({ state: 'hidden' });

    const row = items.locator('.el-table__row', { hasText: '申请参加今年荣誉疗养' });
    await row.waitFor();
    expect(await row.textContent()).toContain(addDays(today, 10));
    expect(await row.textContent()).toContain('已登记');
    expect(await row.getAttribute('class')).not.toContain('overdue-row');
    const saved = await t.api<ReceptionItem[]>('GET', `/api/reception/items?retireeId=${regiment.id}`);
    expect(saved.body).toMatchObject([
      { channel: 'letter', replyDays: 10, replyDueOn: addDays(today, 10), handlerName: '赵社工' },
    ]);
    await snap(page, 'reception-items');
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('reception-export').click(),
    ]);
    expect(sheet.suggestedFilename()).toBe('来信来访来电.xlsx');

    await page.locator('.el-tabs__item', { hasText: '政治生活与学习' }).click();
    await page.getByTestId('reception-activities').waitFor();
    await snap(page, 'reception-activities');
    await page.locator('.el-tabs__item', { hasText: '荣誉疗养' }).click();
    await page.getByTestId('reception-batches').waitFor();
    await snap(page, 'reception-convalescence');

    // Travel abroad for a regiment-level retiree: one step, filing with the centre (6.4.2.3).
    await page.goto(`${t.url}/abroad`);
    await page.getByTestId('abroad-requests').waitFor();
    const travel = page.getByTestId('abroad-new-dialog');
    await page.getByTestId('abroad-new-travel').click();
    await travel.waitFor();
    await pickRetiree(page, 'abroad-new-retiree', '王建军');
    await page.getByTestId('abroad-new-destination').fill('新加坡');
    await page.getByTestId('abroad-new-purpose').fill('探亲');
    const dateInputs = travel.locator('.el-date-editor input');
    await fillDate(dateInputs.nth(0), addDays(today, 14));
    await fillDate(dateInputs.nth(1), addDays(today, 10));
    // Back before leaving: the server refuses and the message sits under the return date.
    await page.getByTestId('abroad-new-save').click();
    await travel.locator('.el-form-item__error', { hasText: '返回日期' }).waitFor();
    await snap(page, 'abroad-field-error');
    await fillDate(dateInputs.nth(1), addDays(today, 44));
    await page.getByTestId('abroad-new-save').click();
    await travel.waitFor({ state: 'hidden' });

    const list = await t.api<AbroadRequestList>('GET', `/api/abroad/requests?retireeId=${regiment.id}`);
    expect(list.body.items).toHaveLength(1);
    const request = list.body.items[0]!;
    expect(request.chain.map((step) => step.key)).toStrictEqual(['centre_filing']);
    const chain = page.getByTestId(`abroad-chain-${request.id}`).first();
    await chain.waitFor();
    expect(await chain.textContent()).toContain('向军休机构报备');
    expect(await chain.locator('li').count()).toBe(1);
    expect(await chain.locator('[data-step="centre_filing"]').getAttribute('data-state')).toBe('waiting');
    await snap(page, 'abroad-requests');

    // The caseworker may take the filing step; the request is filed.
    await page.getByTestId(`abroad-step-${request.id}`).click();
    await page.getByTestId('abroad-step-dialog').waitFor();
    await snap(page, 'abroad-step-dialog');
    await page.getByTestId('abroad-step-save').click();
    await page.getByTestId('abroad-step-dialog').waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.getByTestId(`abroad-status-${request.id}`).textContent())
      .toContain('已备案');
    expect(await chain.locator('[data-step="centre_filing"]').getAttribute('data-state')).toBe('taken');
    await page.locator('.el-table__expand-icon').first().click();
    await snap(page, 'abroad-chain-expanded');

    await page.locator('.el-tabs__item', { hasText: '出境人员联系' }).click();
    await page.getByTestId('abroad-stays').waitFor();
    await snap(page, 'abroad-stays');
    await page.locator('.el-tabs__item', { hasText: '暂停发放名单' }).click();
    await page.getByTestId('abroad-suspensions').waitFor();
    await snap(page, 'abroad-suspensions');

    // The evaluation and medical pages open for a caseworker.
    await page.goto(`${t.url}/evaluation`);
    await page.getByTestId('evaluation-surveys').waitFor();
    await snap(page, 'evaluation-surveys');
    await page.locator('.el-tabs__item', { hasText: '投诉与建议' }).click();
    await page.getByTestId('evaluation-feedback').waitFor();
    await snap(page, 'evaluation-feedback');
    await page.locator('.el-tabs__item', { hasText: '改进措施' }).click();
    await page.getByTestId('evaluation-actions').waitFor();
    await snap(page, 'evaluation-actions');

    await page.goto(`${t.url}/medical`);
    await page.getByTestId('medical-plan').getByText('王建军').waitFor();
    await snap(page, 'medical-plan');
    await page.getByTestId('medical-plan').getByText('王建军').click();
    await page.getByTestId('medical-health-record').waitFor();
    await snap(page, 'medical-record');
    await page.locator('.el-tabs__item', { hasText: '外地就医审批' }).click();
    await page.getByTestId('medical-treatments').waitFor();
    await snap(page, 'medical-treatments');
  });
});
