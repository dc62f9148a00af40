/**
 * Money (资金管理: 6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4) in a real browser. A supervisor opens the page
 * from the records menu, adds a retiree's retirement pay of ¥8,500.00 a month from this month, runs
 * this month's pay and sees the month 已发放 with its total, the pay of a retiree whose pension is
 * suspended withheld beside it; that retiree's arrears cannot be paid back while the suspension
 * stands, and are once it is cleared. A caseworker takes in a medical claim with two receipts and
 * sees their running total, and is offered neither the month's run nor the claim's decision. The
 * supervisor finds the claim on their work list on the day it is due, follows it to the claim,
 * approves part of it and pays it; the month's total then holds it, and the retiree's ledger shows
 * it. The funeral allowance of a retiree who died is recorded. The monitoring desk's operator has
 * no such page in the menu, and the address alone leads back to the wall.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../server/calendar.ts';
import type { PensionSuspension } from '../../server/schemas/abroad.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { LumpSum, MedicalClaim, PayItem, PayMonth } from '../../server/schemas/pay.ts';
import { created, read } from '../helpers/hub.ts';
import {
  centreDate,
  desktopPage,
  pickRetiree,
  signIn,
  signInToDashboard,
  WALK_TIMEOUT_MS,
} from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('pay');

const PASSWORD = 'pay-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const OPERATOR = { username: 'zhao.operator', displayName: '赵值班员', role: 'operator' };
const RETIREE = '陈志远';
/** Abroad seven months without a word: their pension is suspended and their pay withheld. */
const ABROAD = '赵海峰';
/** Died this month: the funeral allowance is paid to his daughter. */
const DECEASED = '孙建军';

const RECEIPTS = [
  { number: 'MZ-2026-0001', issuer: '四川省人民医院', daysAgo: 5, yuan: '320.50', fen: 32_050 },
  { number: 'YF-88231', issuer: '成都大药房', daysAgo: 3, yuan: '128', fen: 12_800 },
];

/** The input of an Element Plus field, whichever element carries the test id. */
const inputOf = (page: Page, testid: string): Locator =>
  page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first();

/** Types a day into a date picker and takes it. */
async function fillDate(field: Locator, value: string): Promise<void> {
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

/** Opens the money page from the service-records menu, on its first tab. */
async function openPayPage(page: Page): Promise<void> {
  await page.getByTestId('nav-records').click();
  await page.getByTestId('nav-pay').click();
  await page.waitForURL(/\/pay(\?tab=months)?$/);
  await page.getByRole('heading', { name: '资金管理' }).waitFor();
  await page.locator('[data-testid="pay-months"][data-loaded="true"]').waitFor();
}

/** Chooses a tab of the page and waits for its list. */
async function openTab(page: Page, label: string, tab: string, list: string): Promise<void> {
  await page.getByTestId('pay-tabs').getByText(label, { exact: true }).click();
  await page.waitForURL(new RegExp(`tab=${tab}`));
  await page.locator(`[data-testid="${list}"][data-loaded="true"]`).waitFor();
}

describe.skipIf(browser === null)('the money page in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  let retiree: Retiree;
  let abroad: Retiree;
  let deceased: Retiree;
  const month = centreDate(0).slice(0, 7);
  const { t, page } = walkSuite(browser, {
    users: [SUPERVISOR, CASEWORKER, OPERATOR],
    password: PASSWORD,
    prepare: async ({ t }) => {
      retiree = await t.addRetiree({ name: RETIREE });
      abroad = await t.addRetiree({ name: ABROAD });
      deceased = await t.addRetiree({ name: DECEASED });
      await created(t, '/api/pay/items', {
        retireeId: abroad.id,
        kind: 'pension',
        monthlyFen: 720_000,
        fromMonth: month,
      });
      await created(t, '/api/abroad/stays', {
        retireeId: abroad.id,
        departedOn: addMonths(centreDate(0), -7),
        destination: '澳大利亚',
      });
      const check = await t.api('POST', '/api/abroad/check');
      expect(check.status, JSON.stringify(check.body)).toBe(200);
      await created(t, '/api/bereavement', {
        retireeId: deceased.id,
        diedOn: centreDate(0),
        place: '四川省人民医院',
      });
    },
  });
  let claimId = '';

  it('adds a retiree’s retirement pay, runs the month and shows its total', async () => {
    await signInToDashboard(page, t.url, SUPERVISOR.username, PASSWORD);
    await openPayPage(page);
    const state = page.getByTestId(`pay-month-state-${month}`);
    expect(await state.getAttribute('data-state')).toBe('open');
    expect(await state.textContent()).toContain('未发放');

    // The retirement pay, from this month on.
    await openTab(page, '发放项目', 'items', 'pay-items');
    await page.getByTestId('pay-item-new').click();
    const itemDialog = page.getByTestId('pay-item-dialog');
    await itemDialog.waitFor();
    await pickRetiree(page, 'pay-item-retiree', RETIREE);
    await page.getByTestId('pay-item-kind').getByText('离退休费', { exact: true }).click();
    await inputOf(page, 'pay-item-amount').fill('8500');
    expect(await inputOf(page, 'pay-item-from').inputValue()).toBe(month);
    await snap(page, 'item-dialog');
    await page.getByTestId('pay-item-save').click();
    await itemDialog.waitFor({ state: 'hidden' });

    const [item] = await read<PayItem[]>(t, `/api/pay/items?retireeId=${retiree.id}`);
    expect(item).toMatchObject({
      retireeId: retiree.id,
      kind: 'pension',
      name: '离退休费',
      monthlyFen: 850_000,
      fromMonth: month,
      toMonth: null,
      current: true,
    });
    const amount = page.getByTestId(`pay-item-amount-${item?.id}`);
    await amount.waitFor();
    expect(await amount.textContent()).toBe('¥8,500.00');
    expect(await page.getByTestId(`pay-item-state-${item?.id}`).textContent()).toBe('本月在发');
    await snap(page, 'items');

    // A raise from next month: this month keeps the amount, the next item carries on.
    const next = addMonths(centreDate(0), 1).slice(0, 7);
    await page.getByTestId(`pay-item-adjust-${item?.id}`).click();
    const adjustDialog = page.getByTestId('pay-adjust-dialog');
    await adjustDialog.waitFor();
    expect(await inputOf(page, 'pay-adjust-from').inputValue()).toBe(next);
    const raise = inputOf(page, 'pay-adjust-amount');
    expect(await raise.inputValue()).toBe('8500.00');
    await raise.fill('9000');
    await page.getByTestId('pay-adjust-note').fill('2026年调整离退休费标准');
    await snap(page, 'adjust-dialog');
    await page.getByTestId('pay-adjust-save').click();
    await adjustDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('pay-items-filter-current').getByText('全部', { exact: true }).click();
    const raised = (await read<PayItem[]>(t, `/api/pay/items?retireeId=${retiree.id}`)).find(
      (one) => one.fromMonth === next,
    );
    expect(raised).toMatchObject({ monthlyFen: 900_000, toMonth: null, current: false });
    await page.getByTestId(`pay-item-amount-${raised?.id}`).getByText('¥9,000.00').waitFor();
    expect(await page.getByTestId(`pay-item-state-${raised?.id}`).textContent()).toBe('未开始');
    expect(await page.getByTestId(`pay-item-state-${item?.id}`).textContent()).toBe('本月在发');
    expect(await page.getByTestId(`pay-item-adjust-${item?.id}`).count()).toBe(0);
    await snap(page, 'items-adjusted');

    // This month's pay run.
    await openTab(page, '月度汇总', 'months', 'pay-months');
    await page.getByTestId('pay-run-open').click();
    const runDialog = page.getByTestId('pay-run-dialog');
    await runDialog.waitFor();
    expect(await inputOf(page, 'pay-run-period').inputValue()).toBe(month);
    await snap(page, 'run-dialog');
    await page.getByTestId('pay-run-save').click();
    await runDialog.waitFor({ state: 'hidden' });

    await page.locator(`[data-testid="pay-month-state-${month}"][data-state="run"]`).waitFor();
    expect(await state.textContent()).toContain('已发放');
    expect(await state.textContent()).toContain(SUPERVISOR.displayName);
    expect(await page.getByTestId(`pay-month-total-${month}`).textContent()).toBe('¥8,500.00');
    const detail = page.getByTestId('pay-month-detail');
    expect(await detail.getAttribute('data-period')).toBe(month);
    expect(await page.getByTestId('pay-month-detail-total').textContent()).toBe('¥8,500.00');
    const line = page.getByTestId('pay-month-lines').locator('tr', { hasText: '离退休费及津贴补贴' });
    expect(await line.textContent()).toContain('1 人');
    expect(await page.getByTestId('pay-month-detail-withheld').textContent()).toBe('¥7,200.00');
    const now = (await t.api<PayMonth>('GET', `/api/pay/months/${month}`)).body;
    expect(now).toMatchObject({
      payFen: 850_000,
      withheldFen: 720_000,
      totalFen: 850_000,
      run: { runBy: SUPERVISOR.displayName },
    });
    await snap(page, 'months');

    // The month's workbook.
    const [workbook] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`pay-month-export-${month}`).click(),
    ]);
    expect(workbook.suggestedFilename()).toMatch(/\.xlsx$/);

    // The withheld pay waits for the suspension to be cleared.
    await openTab(page, '补发', 'arrears', 'pay-arrears');
    const owed = page.getByTestId(`pay-arrears-state-${abroad.id}`);
    expect(await owed.getAttribute('data-suspended')).toBe('true');
    expect(await owed.textContent()).toContain('暂停发放尚未解除');
    expect(await page.getByTestId(`pay-arrears-amount-${abroad.id}`).textContent()).toBe('¥7,200.00');
    const payBack = page.getByTestId(`pay-arrears-pay-${abroad.id}`);
    expect(await payBack.isDisabled()).toBe(true);
    await snap(page, 'arrears-suspended');

    const [suspension] = await read<PensionSuspension[]>(
      t,
      `/api/abroad/suspensions?active=true&retireeId=${abroad.id}`,
    );
    const cleared = await t.api('POST', `/api/abroad/suspensions/${suspension?.id}/clear`, {
      reason: '已联系上本人，恢复发放',
    });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    await page.getByRole('button', { name: '刷新' }).click();
    await page.locator(`[data-testid="pay-arrears-state-${abroad.id}"][data-suspended="false"]`).waitFor();
    expect(await owed.textContent()).toContain('已联系上本人，恢复发放');
    await payBack.click();
    const arrearsDialog = page.getByTestId('pay-arrears-dialog');
    await arrearsDialog.waitFor();
    expect(await inputOf(page, 'pay-arrears-period').inputValue()).toBe(month);
    await snap(page, 'arrears-dialog');
    await page.getByTestId('pay-arrears-save').click();
    await arrearsDialog.waitFor({ state: 'hidden' });
    await payBack.waitFor({ state: 'detached' });
    await page.getByTestId('pay-arrears').getByText('没有待补发的离退休费').waitFor();

    await openTab(page, '月度汇总', 'months', 'pay-months');
    await page.getByTestId(`pay-month-total-${month}`).getByText('¥15,700.00').waitFor();
  });

  it('lets a caseworker take in a claim with its receipts, and neither run a month nor decide a claim', async () => {
    const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
    await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
    await caseworker.waitForURL(/\/worklist/);
    await openPayPage(caseworker);
    await caseworker.getByTestId(`pay-month-total-${month}`).getByText('¥15,700.00').waitFor();
    expect(await caseworker.getByTestId('pay-run-open').count()).toBe(0);

    await openTab(caseworker, '医疗费报销', 'claims', 'pay-claims');
    await caseworker.getByTestId('pay-claim-new').click();
    const claimDialog = caseworker.getByTestId('pay-claim-dialog');
    await claimDialog.waitFor();
    await pickRetiree(caseworker, 'pay-claim-retiree', RETIREE);
    await caseworker.getByTestId('pay-claim-kind').getByText('门诊医疗费', { exact: true }).click();
    for (const [index, receipt] of RECEIPTS.entries()) {
      if (index > 0) await caseworker.getByTestId('pay-claim-receipt-add').click();
      await caseworker.getByTestId(`pay-claim-receipt-number-${index}`).fill(receipt.number);
      await caseworker.getByTestId(`pay-claim-receipt-issuer-${index}`).fill(receipt.issuer);
      await fillDate(inputOf(caseworker, `pay-claim-receipt-date-${index}`), centreDate(-receipt.daysAgo));
      await inputOf(caseworker, `pay-claim-receipt-amount-${index}`).fill(receipt.yuan);
    }
    const total = caseworker.locator('[data-testid="pay-claim-total"][data-fen="44850"]');
    await total.waitFor();
    expect(await total.textContent()).toBe('共 2 张，合计 ¥448.50');
    await snap(caseworker, 'claim-dialog');
    await caseworker.getByTestId('pay-claim-save').click();
    await claimDialog.waitFor({ state: 'hidden' });

    const [claim] = (await t.api<MedicalClaim[]>('GET', '/api/pay/claims')).body;
    expect(claim).toMatchObject({
      retireeId: retiree.id,
      kind: 'outpatient',
      claimedFen: 44_850,
      status: 'submitted',
      submittedOn: centreDate(0),
      receipts: RECEIPTS.map((receipt) => ({
        number: receipt.number,
        issuer: receipt.issuer,
        issuedOn: centreDate(-receipt.daysAgo),
        amountFen: receipt.fen,
      })),
      recordedBy: CASEWORKER.displayName,
    });
    claimId = claim?.id ?? '';
    const claimed = caseworker.getByTestId(`pay-claim-claimed-${claimId}`);
    await claimed.waitFor();
    expect(await claimed.textContent()).toBe('¥448.50');
    expect(await caseworker.getByTestId(`pay-claim-status-${claimId}`).textContent()).toBe('已受理');
    expect(await caseworker.locator('[data-testid^="pay-claim-approve-"]').count()).toBe(0);
    expect(await caseworker.locator('[data-testid^="pay-claim-reject-"]').count()).toBe(0);
    await snap(caseworker, 'caseworker-claims');
    await caseworker.context().close();
  });

  it('leads the supervisor from the work list to the claim, which they approve in part and pay', async () => {
    // The claim is due to be decided within the centre's 15 days: on that day's list.
    await page.goto(`${t.url}/worklist?date=${centreDate(15)}`);
    const entry = page.getByTestId(`worklist-item-${claimId}`);
    await entry.waitFor();
    expect(await entry.textContent()).toBe('医疗费报销审核（¥448.50）');
    const row = page.getByTestId('worklist-table').locator('tr', { has: entry });
    expect(await row.textContent()).toContain('医疗费报销');
    await entry.click();
    await page.waitForURL(new RegExp(`/pay\\?tab=claims&claim=${claimId}$`));
    await page.locator('[data-testid="pay-claims"][data-loaded="true"]').waitFor();
    await page.locator('tr.picked', { hasText: RETIREE }).waitFor();

    await page.getByTestId(`pay-claim-approve-${claimId}`).click();
    const stepDialog = page.getByTestId('pay-claim-step-dialog');
    await page.locator('[data-testid="pay-claim-step-dialog"][data-step="approve"]').waitFor();
    const approved = inputOf(page, 'pay-claim-approve-amount');
    expect(await approved.inputValue()).toBe('448.50');
    await approved.fill('400');
    await page.getByTestId('pay-claim-approve-note').fill('自费药品不予报销');
    await snap(page, 'approve-dialog');
    await page.getByTestId('pay-claim-step-save').click();
    await stepDialog.waitFor({ state: 'hidden' });
    const status = page.getByTestId(`pay-claim-status-${claimId}`);
    await status.getByText('已审核').waitFor();
    expect(await page.getByTestId(`pay-claim-approved-${claimId}`).textContent()).toBe('¥400.00');

    await page.getByTestId(`pay-claim-pay-${claimId}`).click();
    await page.locator('[data-testid="pay-claim-step-dialog"][data-step="pay"]').waitFor();
    expect(await inputOf(page, 'pay-claim-paid-on').inputValue()).toBe(centreDate(0));
    await page.getByTestId('pay-claim-step-save').click();
    await stepDialog.waitFor({ state: 'hidden' });
    await status.getByText('已支付').waitFor();
    const paid = (await t.api<MedicalClaim>('GET', `/api/pay/claims/${claimId}`)).body;
    expect(paid).toMatchObject({
      status: 'paid',
      approvedFen: 40_000,
      decisionNote: '自费药品不予报销',
      decidedBy: SUPERVISOR.displayName,
      paidOn: centreDate(0),
      paidPeriod: month,
    });
    await page.locator(`[data-testid="pay-claims"] tr.picked .el-table__expand-icon`).click();
    await page
      .getByTestId(`pay-claim-receipts-${claimId}`)
      .getByText(RECEIPTS[1]?.issuer ?? '')
      .waitFor();
    await snap(page, 'claims');

    // The month's total now holds the claim paid.
    await openTab(page, '月度汇总', 'months', 'pay-months');
    await page.getByTestId(`pay-month-total-${month}`).getByText('¥16,100.00').waitFor();
    const claimLine = page.getByTestId('pay-month-lines').locator('tr', { hasText: '医疗费报销' });
    expect(await claimLine.textContent()).toContain('¥400.00');
    await snap(page, 'months-with-claim');

    // The retiree's ledger, from their name in the claims list.
    await openTab(page, '医疗费报销', 'claims', 'pay-claims');
    await page.getByTestId('pay-claims').getByRole('button', { name: RETIREE }).click();
    await page.waitForURL(new RegExp(`tab=ledger&retiree=${retiree.id}`));
    const ledger = page.locator(`[data-testid="pay-ledger"][data-retiree="${retiree.id}"]`);
    await ledger.waitFor();
    expect(await page.getByTestId('pay-ledger-monthly').textContent()).toBe('¥8,500.00');
    expect(await page.getByTestId(`pay-ledger-paid-${month}`).textContent()).toBe('¥8,500.00');
    await page.getByTestId('pay-ledger-claims').getByText('已支付').waitFor();
    await snap(page, 'ledger');

    // The funeral allowance of the retiree who died this month.
    await openTab(page, '一次性支付', 'lump-sums', 'pay-lumps');
    await page.getByTestId('pay-lump-new').click();
    const lumpDialog = page.getByTestId('pay-lump-dialog');
    await lumpDialog.waitFor();
    await pickRetiree(page, 'pay-lump-retiree', DECEASED);
    await page.getByTestId('pay-lump-kind').getByText('丧葬费', { exact: true }).click();
    await page.getByTestId('pay-lump-payee').fill('孙红');
    await page.getByTestId('pay-lump-relation').fill('女儿');
    await inputOf(page, 'pay-lump-amount').fill('12000');
    await snap(page, 'lump-dialog');
    await page.getByTestId('pay-lump-save').click();
    await lumpDialog.waitFor({ state: 'hidden' });
    const [funeral] = await read<LumpSum[]>(t, '/api/pay/lump-sums');
    expect(funeral).toMatchObject({
      retireeId: deceased.id,
      kind: 'funeral_allowance',
      payeeName: '孙红',
      payeeRelation: '女儿',
      amountFen: 1_200_000,
      paidOn: centreDate(0),
    });
    const paidOut = page.getByTestId(`pay-lump-amount-${funeral?.id}`);
    await paidOut.waitFor();
    expect(await paidOut.textContent()).toBe('¥12,000.00');
    await snap(page, 'lump-sums');

    // The same page in English.
    await openTab(page, '月度汇总', 'months', 'pay-months');
    await page.getByTestId('locale-switch').getByText('EN').click();
    await page.getByTestId('pay-tabs').getByText('Monthly totals').waitFor();
    await page.getByTestId(`pay-month-total-${month}`).getByText('¥28,100.00').waitFor();
    await snap(page, 'months-english');
    await page.getByTestId('locale-switch').getByText('中文').click();
    await page.getByTestId('pay-tabs').getByText('月度汇总').waitFor();
  });

  it('keeps the page from the monitoring desk', async () => {
    const operator = await desktopPage(browser as NonNullable<typeof browser>);
    await signInToDashboard(operator, t.url, OPERATOR.username, PASSWORD);
    await operator.getByTestId('nav-records').click();
    await operator.getByTestId('nav-staff').waitFor();
    expect(await operator.getByTestId('nav-pay').count()).toBe(0);
    await snap(operator, 'operator-menu');
    await operator.goto(`${t.url}/pay`);
    await operator.waitForURL((url) => url.pathname === '/');
    expect(await operator.getByTestId('pay-page').count()).toBe(0);
    await operator.context().close();
  });
});
