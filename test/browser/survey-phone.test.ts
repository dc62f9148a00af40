/**
 * 满意度调查 answered by the retirees and families themselves (7.1.1), walked in Chromium. A caseworker
 * creates a 不记名 survey of two service areas in the dashboard, issues answer links for everyone on
 * the register and copies one from the links dialog. The retiree opens it on a phone (390×844, no
 * session), answers one area (a score and a comment) and sees the thanks and the area marked
 * answered; the dashboard then counts one self-answered response and shows the area on the link. A
 * daughter with a family account finds the survey on her family page, follows 去填写 and answers the
 * other area. A link revoked in the dialog says on the phone that it is no longer valid; the staff's
 * own response dialog offers no retiree for the 不记名 survey; a closed survey issues no more links.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ResultGroup, Survey } from '../../server/schemas/evaluation.ts';
import { centreDate, desktopContext, pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('survey-phone');

const PASSWORD = 'survey-walk-password';
const CASEWORKER = { username: 'sun.caseworker', displayName: '孙社工', role: 'caseworker' };
const FAMILY = { username: 'zhang.xiaohong', password: 'survey-family-password', displayName: '张小红' };
const TITLE = `${centreDate(0).slice(0, 4)}年服务满意度调查`;
const SCALE_QUESTION = '您对这项服务总体满意吗？';
const TEXT_QUESTION = '您还有什么意见和建议？';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
/** The phone page's words for a score, from the best down. */
const SCALE_WORDS: Record<number, string> = { 5: '很满意', 4: '满意', 3: '一般', 2: '不满意', 1: '很不满意' };
/** What the phone page says of an unknown, forged or revoked link. */
const INVALID_LINK = '链接无效或已作废';

/** A page in a context of its own at phone size: no session, no cookie of the dashboard's. */
async function phonePage(): Promise<Page> {
  const context = await desktopContext(browser as Browser, PHONE);
  return context.newPage();
}

/**
 * On the phone page: picks `area` (when more than one is left to answer), gives the scale question
 * `score` and, when given, the text question `comment`, submits, and waits for the thanks and the
 * area in the list of those answered.
 */
async function answerArea(
  phone: Page,
  area: string,
  score: number,
  comment: string,
  shot: string,
): Promise<void> {
  const form = phone.locator('form');
  await form.waitFor();
  const areas = form.locator('fieldset', {
    has: phone.locator('legend', { hasText: '您要评价哪一项服务？' }),
  });
  if ((await areas.count()) > 0) {
    await areas.getByLabel(area, { exact: true }).check();
  } else {
    await form.getByRole('heading', { name: `评价：${area}` }).waitFor();
  }
  const scale = form.locator('fieldset', { has: phone.locator('legend', { hasText: SCALE_QUESTION }) });
  await scale.getByLabel(SCALE_WORDS[score] as string, { exact: true }).check();
  if (comment) await form.getByLabel(TEXT_QUESTION).fill(comment);
  await snap(phone, shot);
  await form.getByRole('button', { name: '提交' }).click();
  await phone.getByRole('status').getByText(`已收到您对“${area}”的评价，谢谢您！`).waitFor();
  expect(await phone.locator('.answered').textContent()).toContain(area);
}

describe.skipIf(browser === null)('满意度调查 answered on a phone', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [CASEWORKER],
    password: PASSWORD,
    // The links dialog's copy button writes the clipboard; the walk reads it back.
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
    prepare: async ({ t }) => {
      const father = await t.addRetiree({
        name: '张卫国',
        contacts: [{ name: FAMILY.displayName, relation: '女儿', phone: '13800000011' }],
      });
      await t.addRetiree({ name: '李秀英' });
      const account = await t.api('POST', `/api/retirees/${father.id}/family-accounts`, {
        username: FAMILY.username,
        password: FAMILY.password,
        displayName: FAMILY.displayName,
        contactId: father.contacts[0]?.id,
      });
      if (account.status !== 201) throw new Error(`family account: ${JSON.stringify(account.body)}`);
    },
  });

  let surveyId = '';
  let retireeLink = '';

  /** The links dialog of the survey, opened from its row, once its links are in. */
  async function openLinks(): Promise<Locator> {
    await page.getByTestId(`evaluation-links-open-${surveyId}`).click();
    const dialog = page.locator('[data-testid="survey-links-dialog"][data-loaded="true"]');
    await dialog.waitFor();
    await dialog.locator('.el-loading-mask').waitFor({ state: 'detached' });
    return dialog;
  }

  async function closeLinks(dialog: Locator): Promise<void> {
    await dialog.locator('.el-dialog__headerbtn').click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** The row of the dialog's table for `name`'s link of `respondent` (本人 or 家属). */
  const linkRow = (dialog: Locator, name: string, respondent: '本人' | '家属') =>
    dialog
      .locator('[data-testid="survey-links-table"] .el-table__body-wrapper tr')
      .filter({ has: page.getByTestId('survey-link-name').getByText(name, { exact: true }) })
      .filter({ has: page.getByTestId('survey-link-respondent').getByText(respondent, { exact: true }) });

  it('creates a 不记名 survey of two areas and issues a link to everyone on the register', async () => {
    await signIn(page, t.url, CASEWORKER.username, PASSWORD);
    await page.waitForURL(/\/worklist/);
    await page.goto(`${t.url}/evaluation`);
    await page.getByTestId('evaluation-surveys').waitFor();

    await page.getByTestId('evaluation-new-survey').click();
    const form = page.getByTestId('evaluation-survey-dialog');
    await form.waitFor();
    await page.getByTestId('evaluation-survey-title').fill(TITLE);
    // Every area is asked by default: the walk keeps 医疗 and 生活待遇.
    const areas = page.getByTestId('evaluation-survey-areas');
    for (const area of ['文体', '走访', '监护', '政治待遇', '其他']) {
      await areas.locator('.el-checkbox', { hasText: area }).click();
      await areas.locator('.el-checkbox:not(.is-checked)', { hasText: area }).waitFor();
    }
    expect(await areas.locator('.el-checkbox.is-checked').allTextContents()).toEqual(['医疗', '生活待遇']);
    await page.getByTestId('evaluation-survey-anonymous').click();
    await page.locator('[data-testid="evaluation-survey-anonymous"].is-checked').waitFor();
    await form.getByText('答卷不记录答卷人姓名').waitFor();
    const questions = form.locator('.records-rows .row');
    await questions.nth(0).locator('input.el-input__inner').fill(SCALE_QUESTION);
    await questions.nth(1).locator('input.el-input__inner').fill(TEXT_QUESTION);
    await snap(page, 'new-survey');
    await page.getByTestId('evaluation-survey-save').click();
    await form.waitFor({ state: 'hidden' });

    const listed = await t.api<Survey[]>('GET', '/api/evaluation/surveys');
    const survey = listed.body.find((one) => one.title === TITLE);
    expect(survey).toMatchObject({ anonymous: true, serviceAreas: ['medical', 'living'], linkCount: 0 });
    surveyId = survey?.id ?? '';
    await page.getByTestId(`evaluation-unnamed-${surveyId}`).waitFor();
    expect(await page.getByTestId(`evaluation-links-${surveyId}`).textContent()).toBe('0');

    // Links for everyone: one each for 张卫国 and 李秀英, none answered yet.
    const dialog = await openLinks();
    await dialog.getByText('还没有生成链接').waitFor();
    await dialog.getByTestId('survey-links-issue-all').click();
    await page.locator('.el-message', { hasText: '已生成 2 条链接' }).waitFor();
    const row = linkRow(dialog, '张卫国', '本人');
    await row.waitFor();
    await linkRow(dialog, '李秀英', '本人').waitFor();
    expect(await row.getByTestId('survey-link-answered').textContent()).toContain('未填写');
    await snap(page, 'links');

    // The link, copied as the caseworker would before sending it on.
    await row.getByTestId('survey-link-copy').click();
    await page.locator('.el-message', { hasText: '链接已复制' }).waitFor();
    retireeLink = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(retireeLink).toBe(await row.getByTestId('survey-link-url').inputValue());
    expect(retireeLink.startsWith(`${t.url}/q/`)).toBe(true);
    expect(await row.getByTestId('survey-link-open').getAttribute('href')).toBe(retireeLink);
    expect(await row.getByTestId('survey-link-open').getAttribute('target')).toBe('_blank');

    // The slips to print: an A4 PDF.
    const [slips] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('survey-links-print').click(),
    ]);
    expect(slips.suggestedFilename()).toMatch(/\.pdf$/);
    await closeLinks(dialog);
    await page.reload();
    await page.getByTestId(`evaluation-links-${surveyId}`).getByText('2', { exact: true }).waitFor();
  });

  it('lets the retiree answer an area on the phone and the dashboard count it', async () => {
    const phone = await phonePage();
    await phone.goto(retireeLink);
    await answerArea(phone, '医疗', 4, '医生上门很及时。', 'retiree-form');
    await snap(phone, 'retiree-thanks');
    await phone.context().close();

    // The answer is counted under 医疗, its comment with it.
    const results = await t.api<ResultGroup[]>('GET', `/api/evaluation/results?surveyId=${surveyId}`);
    expect(results.body).toMatchObject([
      { serviceArea: 'medical', responses: 1, overall: { average: 4 }, comments: ['医生上门很及时。'] },
    ]);

    await page.reload();
    await page.getByTestId(`evaluation-self-${surveyId}`).getByText('1', { exact: true }).waitFor();
    expect(await page.getByTestId(`evaluation-responses-${surveyId}`).textContent()).toBe('1');
    await snap(page, 'surveys');
    const dialog = await openLinks();
    const row = linkRow(dialog, '张卫国', '本人');
    await row.locator('[data-testid="survey-link-answered"][data-areas="medical"]').waitFor();
    expect(await row.getByTestId('survey-link-answered').textContent()).toBe('医疗');
    expect(await dialog.getByTestId('survey-links-stats').textContent()).toBe('有效链接 2 条，已填写 1 条');
    await snap(page, 'links-answered');
    await closeLinks(dialog);

    // The same in English.
    await page.getByTestId('locale-switch').getByText('EN').click();
    const english = await openLinks();
    await english.getByText('Links for every retiree on the register').waitFor();
    await english.getByTestId('survey-link-respondent').getByText('Retiree').first().waitFor();
    await snap(page, 'links-en');
    await closeLinks(english);
    await page.getByTestId('locale-switch').getByText('中文').click();
    await page.getByTestId(`evaluation-links-open-${surveyId}`).getByText('答卷链接').waitFor();
  });

  it('lists the survey on the family page, where the daughter answers the other area', async () => {
    const phone = await phonePage();
    await phone.goto(`${t.url}/login`);
    await phone.getByTestId('login-username').fill(FAMILY.username);
    await phone.getByTestId('login-password').fill(FAMILY.password);
    await phone.getByTestId('login-submit').click();
    await phone.locator('[data-test="family-state"]').waitFor();
    const card = phone.locator('[data-test="family-surveys"]');
    const survey = card.locator(`[data-test="family-survey"][data-survey-id="${surveyId}"]`);
    await survey.waitFor();
    expect(await survey.textContent()).toContain(TITLE);
    expect(await survey.textContent()).toContain('不记名');
    // Her own link has answered nothing yet, whatever her father's did.
    expect(await survey.getAttribute('data-answered')).toBe('');
    expect(await survey.locator('[data-test="family-survey-area"]').allTextContents()).toEqual([
      '医疗',
      '生活待遇',
    ]);
    await card.scrollIntoViewIfNeeded();
    await snap(phone, 'family-card');

    await survey.locator('[data-test="family-survey-go"]').click();
    await phone.waitForURL(/\/q\//);
    await answerArea(phone, '生活待遇', 5, '', 'family-form');
    await snap(phone, 'family-thanks');

    // Back on the family page, the area is marked answered.
    await phone.goto(`${t.url}/family`);
    await card.locator(`[data-test="family-survey"][data-answered="living"]`).waitFor();
    await card.scrollIntoViewIfNeeded();
    await snap(phone, 'family-answered');
    await phone.context().close();

    await page.reload();
    await page.getByTestId(`evaluation-self-${surveyId}`).getByText('2', { exact: true }).waitFor();
    const dialog = await openLinks();
    await linkRow(dialog, '张卫国', '家属').locator('[data-areas="living"]').waitFor();
    await closeLinks(dialog);

    // The responses one by one: how each came, what it said, and no name on this survey.
    await page.getByTestId(`evaluation-responses-${surveyId}`).click();
    const responses = page.locator('[data-testid="survey-responses-dialog"][data-loaded="true"]');
    await responses.waitFor();
    const rows = responses.locator('[data-testid="survey-responses-table"] .el-table__body-wrapper tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    // Newest first: the daughter's.
    expect(await rows.nth(0).getByTestId('survey-response-source').getAttribute('data-source')).toBe(
      'family',
    );
    expect(await rows.nth(0).getByTestId('survey-response-answer').allTextContents()).toEqual([
      '很满意（5）',
      '—',
    ]);
    expect(await rows.nth(1).getByTestId('survey-response-answer').allTextContents()).toEqual([
      '满意（4）',
      '医生上门很及时。',
    ]);
    expect(await responses.getByTestId('survey-response-name').allTextContents()).toEqual([
      '不记名',
      '不记名',
    ]);
    await snap(page, 'responses');
    await responses.getByTestId('survey-responses-source').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '本人填写' }).click();
    await responses.getByTestId('survey-responses-stats').getByText('共 1 份').waitFor();
    expect(await rows.getByTestId('survey-response-source').getAttribute('data-source')).toBe('retiree');
    await responses.locator('.el-dialog__headerbtn').click();
    await responses.waitFor({ state: 'hidden' });
  });

  it('offers no retiree to name in a staff response to the 不记名 survey', async () => {
    await page.getByTestId(`evaluation-respond-${surveyId}`).click();
    const respond = page.getByTestId('evaluation-respond-dialog');
    await respond.getByTestId('evaluation-respond-unnamed').waitFor();
    expect(await respond.getByTestId('evaluation-respond-retiree').count()).toBe(0);
    await respond.getByText('工作人员录入').waitFor();
    await page.getByTestId('evaluation-respond-area').click();
    const offered = page.locator('.el-select-dropdown__item:visible');
    await offered.first().waitFor();
    expect(await offered.allTextContents()).toEqual(['医疗', '生活待遇']);
    await page.keyboard.press('Escape');
    await snap(page, 'respond-unnamed');
    await respond.locator('.el-dialog__headerbtn').click();
    await respond.waitFor({ state: 'hidden' });
  });

  it('revokes a link: its page says it is no longer valid', async () => {
    const dialog = await openLinks();
    const row = linkRow(dialog, '李秀英', '本人');
    const revokedLink = await row.getByTestId('survey-link-url').inputValue();
    await row.getByTestId('survey-link-revoke').click();
    await page.locator('.el-popconfirm__action .el-button--primary:visible').click();
    await page.locator('.el-message', { hasText: '链接已作废' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await dialog.getByTestId('survey-links-show-revoked').click();
    await row.getByTestId('survey-link-revoked').waitFor();
    expect(await row.getByTestId('survey-link-url').count()).toBe(0);
    await snap(page, 'links-revoked');

    // She is given a new link, picked by name; the list shows her.
    await pickRetiree(page, 'survey-links-pick', '李秀英');
    await dialog.getByTestId('survey-links-issue-one').click();
    await page.locator('.el-message', { hasText: '已生成 1 条链接' }).waitFor();
    expect(await dialog.getByTestId('survey-links-filter').inputValue()).toBe('李秀英');
    const renewed = row.filter({ has: page.getByTestId('survey-link-url') });
    await renewed.waitFor();
    expect(await renewed.getByTestId('survey-link-url').inputValue()).not.toBe(revokedLink);
    await snap(page, 'links-renewed');
    await closeLinks(dialog);

    const phone = await phonePage();
    await phone.goto(revokedLink);
    await phone.getByText(INVALID_LINK).first().waitFor();
    expect(await phone.locator('form').count()).toBe(0);
    await snap(phone, 'revoked');
    await phone.context().close();
  });

  it('issues no more links once the survey is closed', async () => {
    await page.reload();
    const close = page
      .getByTestId('evaluation-surveys')
      .locator('.el-table__fixed-right, .el-table__body-wrapper')
      .getByRole('button', { name: '结束调查' })
      .first();
    await close.click();
    await page.locator('.el-popconfirm__action .el-button--primary:visible').click();
    await page.getByTestId(`evaluation-respond-${surveyId}`).waitFor({ state: 'detached' });
    const dialog = await openLinks();
    await dialog.getByTestId('survey-links-closed').waitFor();
    expect(await dialog.getByTestId('survey-links-issue-all').count()).toBe(0);
    expect(await dialog.getByTestId('survey-links-print').count()).toBe(0);
    expect(await dialog.getByTestId('survey-link-revoke').count()).toBe(0);
    await snap(page, 'links-closed');
    await closeLinks(dialog);
  });
});
