/**
 * A caseworker's day in a real browser (6.8, work list): signing in lands on the work list; the
 * caseworker records a visit with the seven fields of 6.8.2.5 and a problem whose follow-up is due
 * tomorrow (6.8.2.6); the follow-up is on tomorrow's work list and not on today's. The archive pages
 * are walked on the way (list, the record behind its access reason, import dialog) for screenshots.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { TestHub } from '../helpers/hub.ts';
import { centreDate, pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('caseworker');

const PASSWORD = 'caseworker-test-password';

/** The import template from the hub, filled with two wrong rows (a future birth date, an unknown gender). */
async function badWorkbook(t: TestHub): Promise<string> {
  const response = await fetch(`${t.url}/api/archive/import/template`, {
    headers: { Authorization: `Bearer ${t.token}` },
  });
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const columns = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => {
    columns.set(String(cell.value).replace(/[*＊\s]/g, ''), column);
  });
  const rows = [
    { 姓名: '赵一', 性别: '男', 出生日期: '2999-01-01', 职级: '师级' },
    { 姓名: '钱二', 性别: '未知', 出生日期: '1940-01-01', 职级: '团级' },
  ];
  rows.forEach((values, index) => {
    for (const [label, value] of Object.entries(values)) {
      const column = columns.get(label);
      if (column) sheet.getRow(index + 2).getCell(column).value = value;
    }
  });
  const file = path.join(t.dataDir.path, 'bad-import.xlsx');
  await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));
  return file;
}

describe.skipIf(browser === null)('caseworker pages in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [{ username: 'li.caseworker', displayName: '李社工', role: 'caseworker' }],
    password: PASSWORD,
  });

  it('records a visit with a follow-up due tomorrow and finds it on tomorrow’s work list only', async () => {
    const retiree = await t.addRetiree({ name: '张卫国' });

    // Signing in lands a caseworker on the work list, not the wall.
    await signIn(page, t.url, 'li.caseworker', PASSWORD);
    await page.waitForURL(/\/worklist/);
    await page.getByTestId('worklist-table').waitFor();
    // Every staff member reaches their own account (password, two-step verification) from the header.
    await page.getByTestId('header-user').click();
    await page.getByTestId('header-account').click();
    await page.getByTestId('account-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('account-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('nav-archive').count()).toBe(1);
    await snap(page, 'worklist-empty');

    // The archive: the list, then the record behind its access reason (6.1.2.8).
    await page.getByTestId('nav-archive').click();
    await page.getByTestId(`archive-row-${retiree.id}`).waitFor();
    await snap(page, 'archive-list');
    await page.getByTestId('archive-import').click();
    await page.getByTestId('archive-import-dialog').waitFor();
    await page.getByTestId('archive-import-file').setInputFiles(await badWorkbook(t));
    const report = page.getByTestId('archive-import-errors');
    await report.waitFor();
    expect(await report.textContent()).toContain('出生日期不能晚于今天');
    expect(await report.textContent()).toContain('性别');
    await snap(page, 'archive-import');
    expect((await t.api<{ total: number }>('GET', '/api/archive/retirees')).body.total).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId(`archive-row-${retiree.id}`).click();
    await page.getByTestId('archive-reason-input').fill('走访前了解情况');
    await page.getByTestId('archive-reason-confirm').click();
    await expect.poll(() => page.getByTestId('archive-record-name').textContent()).toContain('张卫国');
    await snap(page, 'archive-record');
    await page.getByTestId('archive-edit').click();
    await page.getByTestId('archive-input-phone').fill('12345');
    await page.getByTestId('archive-save').click();
    await page.locator('[data-testid="archive-field-phone"] .el-form-item__error').waitFor();
    await snap(page, 'archive-field-error');
    await page.getByTestId('archive-edit-cancel').click();

    // The visit with its seven fields and one problem, owned by the caseworker, due tomorrow.
    await page.getByTestId('nav-visits').click();
    await page.getByTestId('visits-tasks').waitFor();
    await page.getByTestId('visits-record').click();
    const dialog = page.getByTestId('visit-record-dialog');
    await dialog.waitFor();
    await pickRetiree(page, 'visit-retiree', '张卫国');
    const fields: Record<string, string> = {
      thought: '思想稳定，关心时事',
      health: '血压偏高，按时服药',
      medicalCare: '每月到社区医院复查',
      hobbies: '书法、下象棋',
      socialActivity: '参加支部组织生活',
      family: '女儿每周探望',
      livingConditions: '卫生间无扶手，行走不便',
    };
    for (const [field, text] of Object.entries(fields)) {
      await page.getByTestId(`visit-field-${field}`).fill(text);
    }
    await page.getByTestId('visit-add-problem').click();
    await page.getByTestId('visit-problem-0-description').fill('卫生间加装扶手');
    await snap(page, 'visit-record-dialog');
    await page.getByTestId('visit-save').click();
    await dialog.waitFor({ state: 'hidden' });

    const followUps = await t.api<{ id: string; dueOn: string; ownerName: string }[]>(
      'GET',
      `/api/visits/follow-ups?retireeId=${retiree.id}`,
    );
    expect(followUps.body).toHaveLength(1);
    const followUp = followUps.body[0]!;
    expect(followUp.dueOn).toBe(centreDate(1));
    expect(followUp.ownerName).toBe('李社工');

    await page.locator('.el-tabs__item', { hasText: '走访记录' }).click();
    await page.getByTestId('visits-records').getByText('张卫国').waitFor();
    await snap(page, 'visits-records');
    // The list on screen goes to Excel under the server's Chinese file name.
    const [records] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('visits-records-export').click(),
    ]);
    expect(records.suggestedFilename()).toBe('走访记录.xlsx');
    await page.locator('.el-tabs__item', { hasText: '问题跟进' }).click();
    await page.getByTestId(`visits-follow-close-${followUp.id}`).waitFor();
    await snap(page, 'visits-follow-ups');
    await page.locator('.el-tabs__item', { hasText: '走访汇总' }).click();
    await page.getByTestId('visits-summary').waitFor();
    await snap(page, 'visits-summary');

    // The solitary flag raises the monthly focus visit (6.8.2.3).
    await page.getByTestId('visits-flags').click();
    await pickRetiree(page, 'visits-flags-retiree', '张卫国');
    await page.getByTestId('visits-flag-solitary').click();
    await page.getByTestId('visits-flags-save').click();
    await page.getByTestId('visits-flags-dialog').getByText('当前重点走访任务').waitFor();
    await snap(page, 'visits-flags');
    await page.keyboard.press('Escape');

    // A hospital admission (6.8.2.2): its form is in its dialog, not on the page, and saving it
    // records the admission.
    expect(await page.getByTestId('visits-admission-hospital').isVisible()).toBe(false);
    await page.getByTestId('visits-admission').click();
    await page.getByTestId('visits-admission-dialog').waitFor();
    await pickRetiree(page, 'visits-admission-retiree', '张卫国');
    await page.getByTestId('visits-admission-hospital').fill('市第三人民医院');
    await page.getByTestId('visits-admission-save').click();
    await page.getByTestId('visits-admission-hospital').waitFor({ state: 'hidden' });
    const admissions = await t.api<{ hospital: string }[]>('GET', '/api/visits/admissions');
    expect(admissions.body.map((a) => a.hospital)).toStrictEqual(['市第三人民医院']);

    // Today's work list does not have it; tomorrow's does.
    await page.getByTestId('nav-worklist').click();
    await page.locator(`[data-testid="worklist-counts"][data-date="${centreDate(0)}"]`).waitFor();
    await page.getByTestId('worklist-refresh').click();
    await expect.poll(() => page.getByTestId('worklist-table').textContent()).not.toContain('卫生间加装扶手');
    expect(await page.getByTestId(`worklist-item-${followUp.id}`).count()).toBe(0);

    await page.getByTestId('worklist-tomorrow').click();
    await page.locator(`[data-testid="worklist-counts"][data-date="${centreDate(1)}"]`).waitFor();
    const item = page.getByTestId(`worklist-item-${followUp.id}`);
    await item.waitFor();
    expect(await item.textContent()).toContain('卫生间加装扶手');
    await snap(page, 'worklist-tomorrow');
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('worklist-export').click(),
    ]);
    expect(sheet.suggestedFilename()).toBe(`工作清单-${centreDate(1)}.xlsx`);

    // The item leads to the follow-up, which is closed with a reply.
    await item.click();
    await page.getByTestId(`visits-follow-close-${followUp.id}`).click();
    await page.getByTestId('visits-close-save').click();
    await page.locator('[data-testid="visits-close-dialog"] .el-form-item__error').waitFor();
    await page.getByTestId('visits-close-reply').fill('已联系物业加装扶手');
    await page.getByTestId('visits-close-save').click();
    await page.getByTestId(`visits-follow-close-${followUp.id}`).waitFor({ state: 'detached' });
  });
});
