/**
 * Compliance (合规管理: the archive access log 6.1.2.8, the audit log 6.11.2.2, consents and a
 * person's data under the PIPL) in a real browser. The admin opens the page from the records menu
 * and sees a caseworker's reading of a retiree's record, with its reason, in the access log; checks
 * the audit chain and finds it intact; records a retiree's consent and sees it in force and in the
 * history; exports another retiree's data (the ZIP comes down), runs retention and sees what it
 * removed, and deletes a third's on a recorded decision, confirmed by typing the name, and sees the
 * receipt listed. A supervisor sees the access
 * log and may export, but has no audit tab and no delete button; a caseworker sees only consents.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ConsentOverview } from '../../server/schemas/consents.ts';
import { ADMIN_PASSWORD } from '../helpers/hub.ts';
import { desktopPage, pickRetiree, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('compliance');

const PASSWORD = 'compliance-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };

/** Whose record the caseworker reads, whose consent is recorded, whose data is exported, whose deleted. */
const READ = '王建国';
const CONSENTING = '刘志强';
const EXPORTED = '陈德明';
const DELETED = '赵秀兰';

const READING_REASON = '走访前了解健康状况';
const BASIS = '本人签署《个人信息处理知情同意书》';
const DECISION_REF = '军休〔2026〕12号';

/** The tabs the page shows, in order. */
async function tabsOf(page: Page, first: string): Promise<string[]> {
  const tabs = page.getByTestId('compliance-tabs').locator('.el-tabs__item');
  await tabs.filter({ hasText: first }).waitFor();
  return (await tabs.allTextContents()).map((text) => text.trim());
}

/** Opens 合规管理 from the service-records menu. */
async function openCompliance(page: Page): Promise<void> {
  await page.getByTestId('nav-records').click();
  await page.getByTestId('nav-compliance').click();
  await page.waitForURL(/\/compliance/);
  await page.getByRole('heading', { name: '合规管理' }).waitFor();
}

describe.skipIf(browser === null)('compliance in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const ids: Record<string, string> = {};
  const { t, page } = walkSuite(browser, {
    users: [SUPERVISOR, CASEWORKER],
    password: PASSWORD,
    // Four retirees in the archive, and the caseworker's reading of the first one's full record.
    prepare: async ({ t }) => {
      for (const name of [READ, CONSENTING, EXPORTED, DELETED]) {
        ids[name] = await t.addArchiveRetiree(name, '一站');
      }
      const login = await t.api<{ token: string }>(
        'POST',
        '/api/auth/login',
        { username: CASEWORKER.username, password: PASSWORD },
        null,
      );
      const read = await t.api(
        'GET',
        `/api/archive/retirees/${ids[READ]}?reason=${encodeURIComponent(READING_REASON)}`,
        undefined,
        login.body.token,
      );
      if (read.status !== 200) throw new Error(`the caseworker’s reading: ${read.status}`);
    },
  });

  it('shows the admin the access log and the audit chain, records a consent, exports and deletes a person’s data', async () => {
    await signInToDashboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await openCompliance(page);
    expect(await tabsOf(page, '档案查阅记录')).toStrictEqual([
      '档案查阅记录',
      '审计日志',
      '知情同意',
      '个人信息导出与删除',
    ]);

    // The access log: the caseworker's reading of the full record, with the reason given.
    const log = page.getByTestId('compliance-access-log');
    await page.locator('[data-testid="compliance-access-log"][data-loaded="true"]').waitFor();
    const reading = log.locator('tr', { hasText: READING_REASON });
    await reading.waitFor();
    const line = await reading.textContent();
    expect(line).toContain(CASEWORKER.displayName);
    expect(line).toContain(READ);
    expect(line).toContain('档案全文');
    // Filtered by the retiree, it is the one reading.
    await pickRetiree(page, 'compliance-access-retiree', READ);
    await page.getByTestId('compliance-access-total').getByText('共 1 条').waitFor();
    await snap(page, 'access-log');

    // The audit log and its chain, intact.
    await page.getByTestId('compliance-tabs').getByText('审计日志').click();
    await page.waitForURL(/tab=audit/);
    await page.locator('[data-testid="compliance-audit"][data-loaded="true"]').waitFor();
    await page.getByTestId('compliance-audit').getByText(CASEWORKER.username).first().waitFor();
    const status = page.getByTestId('compliance-audit-status');
    expect(await status.getAttribute('data-status')).toBe('unchecked');
    await page.getByTestId('compliance-audit-verify').click();
    await page.locator('[data-testid="compliance-audit-status"][data-status="ok"]').waitFor();
    expect(await status.textContent()).toBe('完整');
    expect(await page.getByTestId('compliance-audit-checked').textContent()).toMatch(/已校验 \d+ 条/);
    expect(await page.getByTestId('compliance-audit-first-bad').count()).toBe(0);
    await snap(page, 'audit');

    // A consent to the processing of the health data, recorded with its basis.
    await page.getByTestId('compliance-tabs').getByText('知情同意').click();
    await page.waitForURL(/tab=consents/);
    await page.getByTestId('compliance-consent-choose').waitFor();
    await pickRetiree(page, 'compliance-consent-retiree', CONSENTING);
    await page.locator('[data-testid="compliance-consents"][data-loaded="true"]').waitFor();
    const health = page.getByTestId('compliance-consent-state-health_processing');
    expect(await health.getAttribute('data-recorded')).toBe('false');
    expect(await health.textContent()).toBe('未记录（视为同意）');
    await page.getByTestId('compliance-consent-new').click();
    const consentDialog = page.getByTestId('compliance-consent-dialog');
    await consentDialog.waitFor();
    await page.getByTestId('compliance-consent-basis').fill(BASIS);
    await snap(page, 'consent-dialog');
    await page.getByTestId('compliance-consent-save').click();
    await consentDialog.waitFor({ state: 'hidden' });
    await page
      .locator(
        '[data-testid="compliance-consent-state-health_processing"][data-recorded="true"][data-state="given"]',
      )
      .waitFor();
    expect(await health.textContent()).toBe('同意');
    const consents = (await t.api<ConsentOverview>('GET', `/api/retirees/${ids[CONSENTING]}/consents`)).body;
    expect(consents.history).toMatchObject([
      { kind: 'health_processing', state: 'given', version: 1, basis: BASIS, recordedByName: '系统管理员' },
    ]);
    const version = consents.history[0]?.id ?? '';
    await page.getByTestId(`compliance-consent-basis-${version}`).getByText(BASIS).waitFor();
    expect(await page.getByTestId('compliance-consents').textContent()).toContain(BASIS);
    await snap(page, 'consents');

    // A person's data exported, with the reason: the ZIP comes down.
    await page.getByTestId('compliance-tabs').getByText('个人信息导出与删除').click();
    await page.waitForURL(/tab=privacy/);
    await page.locator('[data-testid="compliance-receipts"][data-loaded="true"]').waitFor();
    await pickRetiree(page, 'compliance-privacy-retiree', EXPORTED);
    await page.getByTestId('compliance-privacy-person').getByText(EXPORTED).waitFor();
    await page.getByTestId('compliance-privacy-export').click();
    await page.getByTestId('compliance-export-dialog').waitFor();
    await page.getByTestId('compliance-export-reason').fill('本人申请查阅复制个人信息');
    await snap(page, 'export-dialog');
    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('compliance-export-confirm').click(),
    ]);
    expect(zip.suggestedFilename()).toMatch(new RegExp(`^retiree-${ids[EXPORTED]}-\\d{8}\\.zip$`));
    const bytes = await readFile(await zip.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await page.getByTestId('compliance-export-dialog').waitFor({ state: 'hidden' });

    // Retention run now, once confirmed: it says what it removed (nothing is old enough here).
    await page.getByTestId('compliance-retention-run').click();
    await page.locator('.el-message-box').getByRole('button', { name: '执行保留期清理' }).click();
    const retention = page.getByTestId('compliance-retention-result');
    await retention.waitFor();
    expect(await retention.textContent()).toContain('0 个读数、0 条已结束记录');

    // Another's deleted on a recorded decision, once the name is typed.
    await pickRetiree(page, 'compliance-privacy-retiree', DELETED);
    await page.getByTestId('compliance-privacy-person').getByText(DELETED).waitFor();
    await page.getByTestId('compliance-privacy-delete').click();
    const deleteDialog = page.getByTestId('compliance-delete-dialog');
    await deleteDialog.waitFor();
    expect(await page.getByTestId('compliance-delete-warning').textContent()).toContain('不可恢复');
    await page.getByTestId('compliance-delete-ref').fill(DECISION_REF);
    await page.getByTestId('compliance-delete-by').fill('中心主任办公会');
    await page.getByTestId('compliance-delete-reason').fill('本人申请删除，已办结移交手续');
    const confirm = page.getByTestId('compliance-privacy-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('compliance-delete-name').fill(READ);
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('compliance-delete-name').fill(DELETED);
    await expect.poll(() => confirm.isEnabled()).toBe(true);
    await snap(page, 'delete-dialog');
    await confirm.click();
    await deleteDialog.waitFor({ state: 'hidden' });

    // The hub's answer is the receipt, shown, and listed with the decision.
    const receiptDialog = page.getByTestId('compliance-receipt-dialog');
    await receiptDialog.getByText(DECISION_REF).waitFor();
    expect(await receiptDialog.textContent()).toContain('中心主任办公会');
    await snap(page, 'receipt');
    await page.getByTestId('compliance-receipt-close').click();
    await receiptDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('compliance-receipts').getByText(`${DECISION_REF} · 中心主任办公会`).waitFor();
    const receipts = await t.api<{ items: { kind: string; retireeId: string | null }[] }>(
      'GET',
      '/api/privacy/receipts',
    );
    expect(receipts.body.items).toMatchObject([{ kind: 'deletion', retireeId: ids[DELETED] }]);
    const gone = await t.api(
      'GET',
      `/api/archive/retirees/${ids[DELETED]}?reason=${encodeURIComponent('核对信息')}`,
    );
    expect(gone.status).toBe(404);
    await snap(page, 'receipts');
  });

  it('shows a supervisor the access log and the export, without the audit log or deletion', async () => {
    const supervisor = await desktopPage(browser as NonNullable<typeof browser>);
    await signIn(supervisor, t.url, SUPERVISOR.username, PASSWORD);
    await openCompliance(supervisor);
    expect(await tabsOf(supervisor, '档案查阅记录')).toStrictEqual([
      '档案查阅记录',
      '知情同意',
      '个人信息导出与删除',
    ]);
    await supervisor.locator('[data-testid="compliance-access-log"][data-loaded="true"]').waitFor();
    await supervisor.getByTestId('compliance-access-log').getByText(READING_REASON).waitFor();
    await snap(supervisor, 'supervisor-access-log');

    // The log as the supervisor sees it comes down as a workbook, the caseworker's reading in it.
    const [workbookFile] = await Promise.all([
      supervisor.waitForEvent('download'),
      supervisor.getByTestId('compliance-access-export').click(),
    ]);
    expect(workbookFile.suggestedFilename()).toBe('档案查阅记录.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await workbookFile.path())) as unknown as ArrayBuffer);
    const reasons: string[] = [];
    workbook.worksheets[0]?.eachRow((row, number) => {
      if (number > 1) reasons.push(String(row.getCell(6).value));
    });
    expect(reasons).toContain(READING_REASON);

    // The audit tab is not offered, even by its address.
    await supervisor.goto(`${t.url}/compliance?tab=audit`);
    await supervisor.locator('[data-testid="compliance-access-log"][data-loaded="true"]').waitFor();
    expect(await supervisor.getByTestId('compliance-audit').count()).toBe(0);

    await supervisor.getByTestId('compliance-tabs').getByText('个人信息导出与删除').click();
    await pickRetiree(supervisor, 'compliance-privacy-retiree', EXPORTED);
    await supervisor.getByTestId('compliance-privacy-person').getByText(EXPORTED).waitFor();
    await expect.poll(() => supervisor.getByTestId('compliance-privacy-export').isEnabled()).toBe(true);
    expect(await supervisor.getByTestId('compliance-privacy-delete').count()).toBe(0);
    expect(await supervisor.getByTestId('compliance-receipts').count()).toBe(0);
    expect(await supervisor.getByTestId('compliance-retention-run').count()).toBe(0);
    await snap(supervisor, 'supervisor-privacy');
    await supervisor.context().close();
  });

  it('shows a caseworker only the consents, which they may record', async () => {
    const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
    await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
    await caseworker.waitForURL(/\/worklist/);
    await openCompliance(caseworker);
    expect(await tabsOf(caseworker, '知情同意')).toStrictEqual(['知情同意']);
    await pickRetiree(caseworker, 'compliance-consent-retiree', CONSENTING);
    await caseworker.locator('[data-testid="compliance-consents"][data-loaded="true"]').waitFor();
    await caseworker
      .locator(
        '[data-testid="compliance-consent-state-health_processing"][data-recorded="true"][data-state="given"]',
      )
      .waitFor();
    await caseworker.getByTestId('compliance-consent-history').getByText(BASIS).waitFor();
    expect(await caseworker.getByTestId('compliance-consent-new').isVisible()).toBe(true);
    expect(await caseworker.getByTestId('compliance-access-log').count()).toBe(0);
    await snap(caseworker, 'caseworker-consents');
    await caseworker.context().close();
  });
});
