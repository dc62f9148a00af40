/**
 * Emergency management (5.1.7) in a real browser. A supervisor opens 应急管理 from the records menu,
 * writes the fire plan with two duties (one naming the operator on duty), records a drill of it with
 * two members of staff and what it found, raises an improvement action from the drill (7.2) and
 * sees the drill count it, with a link to the evaluation page's actions; revising the plan retires
 * the first one, shown with the day once retired plans are asked for. A caseworker is not offered
 * the plan dialog, and records a drill of the plan with themself taking part.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EmergencyDrill, EmergencyPlan } from '../../server/schemas/emergency.ts';
import type { ImprovementAction } from '../../server/schemas/evaluation.ts';
import { centreDate, desktopPage, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('emergency');

const PASSWORD = 'emergency-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const OPERATOR = { username: 'zhao.operator', displayName: '赵值班员', role: 'operator' };

const PLAN_TITLE = '火灾应急疏散预案';
const SCENARIO = '夜间二楼活动室起火，疏散二楼全部老人';
const FINDINGS = '二楼东侧疏散通道堆放杂物，疏散用时超出预定 3 分钟';
const ACTION_TITLE = '清理二楼东侧疏散通道并每周检查';

/** Takes the option `label` of the open select list. */
async function choose(page: Page, label: string): Promise<void> {
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

describe.skipIf(browser === null)(
  'emergency plans and drills in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    const { t, page } = walkSuite(browser, {
      users: [SUPERVISOR, CASEWORKER, OPERATOR],
      password: PASSWORD,
    });

    it('writes the fire plan, records a drill of it and raises an improvement from the drill', async () => {
      await signInToDashboard(page, t.url, SUPERVISOR.username, PASSWORD);

      // The page is in the service-records menu.
      await page.getByTestId('nav-records').click();
      await page.getByTestId('nav-emergency').click();
      await page.waitForURL(/\/emergency$/);
      await page.getByRole('heading', { name: '应急管理' }).waitFor();
      await page.locator('[data-testid="emergency-plans"][data-loaded="true"]').waitFor();
      expect(await page.getByTestId('emergency-missing-kinds').textContent()).toContain('火灾');

      // The fire plan: two duties, the first naming the operator.
      await page.getByTestId('emergency-plan-new').click();
      const planDialog = page.getByTestId('emergency-plan-dialog');
      await planDialog.waitFor();
      expect(await page.getByTestId('emergency-plan-replaces').textContent()).toContain('尚无现行预案');
      await page.getByTestId('emergency-plan-title').fill(PLAN_TITLE);
      await page.getByTestId('emergency-plan-summary').fill('发现火情后报警、疏散、清点人数');
      await page.getByTestId('emergency-duty-who-0').fill('值班员');
      await page.getByTestId('emergency-duty-person-0').click();
      await choose(page, OPERATOR.displayName);
      await page.getByTestId('emergency-duty-action-0').fill('按下报警按钮，拨打 119，打开疏散通道');
      await page.getByTestId('emergency-duty-add').click();
      await page.getByTestId('emergency-duty-who-1').fill('医护人员');
      await page.getByTestId('emergency-duty-action-1').fill('携带急救箱到集合点，清点并救治受伤老人');
      await page.getByTestId('emergency-plan-contacts').fill('消防 119；急救 120；社区居委会 0571-8888 6666');
      await snap(page, 'plan-dialog');
      await page.getByTestId('emergency-plan-save').click();
      await planDialog.waitFor({ state: 'hidden' });

      const fire = page.getByTestId('emergency-plan-fire');
      await fire.getByText(PLAN_TITLE).waitFor();
      expect(await fire.textContent()).toContain(OPERATOR.displayName);
      expect(await fire.textContent()).toContain('医护人员');
      expect(await fire.textContent()).toContain('尚未演练');
      expect(await page.getByTestId('emergency-missing-kinds').textContent()).not.toContain('火灾');
      await snap(page, 'plans');

      const [plan] = (await t.api<EmergencyPlan[]>('GET', '/api/emergency/plans')).body;
      expect(plan).toMatchObject({ kind: 'fire', title: PLAN_TITLE, current: true });
      expect(plan?.duties).toMatchObject([
        { who: '值班员', userName: OPERATOR.displayName },
        { who: '医护人员', userId: null },
      ]);

      // A drill of the plan, chosen in the dialog on the drills tab, with two members of staff.
      await page.getByTestId('emergency-tabs').getByText('应急演练').click();
      await page.waitForURL(/tab=drills/);
      await page.locator('[data-testid="emergency-drills"][data-loaded="true"]').waitFor();
      await page.getByTestId('emergency-drill-new').click();
      const drillDialog = page.getByTestId('emergency-drill-dialog');
      await drillDialog.waitFor();
      await page.getByTestId('emergency-drill-plan').click();
      await choose(page, `火灾 · ${PLAN_TITLE}`);
      await page.getByTestId('emergency-drill-kind-pick').getByText('火灾').waitFor();
      await page.getByTestId('emergency-drill-scenario').fill(SCENARIO);
      await page.getByTestId('emergency-drill-place').fill('二号楼二层');
      await page.getByTestId('emergency-drill-people').click();
      await choose(page, OPERATOR.displayName);
      await choose(page, SUPERVISOR.displayName);
      // A click above the open multi-select closes its list.
      await page.getByTestId('emergency-drill-place').click();
      await page.getByTestId('emergency-drill-others').fill('二楼老人 12 名，社区志愿者 2 名');
      await page.getByTestId('emergency-drill-findings').fill(FINDINGS);
      await snap(page, 'drill-dialog');
      await page.getByTestId('emergency-drill-save').click();
      await drillDialog.waitFor({ state: 'hidden' });

      const [drill] = (await t.api<EmergencyDrill[]>('GET', '/api/emergency/drills')).body;
      expect(drill).toMatchObject({
        planId: plan?.id,
        kind: 'fire',
        heldOn: centreDate(0),
        findings: FINDINGS,
      });
      const drillId = drill?.id ?? '';
      const people = page.getByTestId(`emergency-drill-people-${drillId}`);
      await people.waitFor();
      expect(await people.textContent()).toContain(OPERATOR.displayName);
      expect(await people.textContent()).toContain(SUPERVISOR.displayName);
      expect(await page.getByTestId(`emergency-drill-actions-${drillId}`).textContent()).toBe('—');
      await snap(page, 'drills');

      // An improvement action raised by the drill's findings.
      await page.getByTestId(`emergency-drill-improve-${drillId}`).click();
      const improveDialog = page.getByTestId('emergency-improve-dialog');
      await improveDialog.waitFor();
      expect(await page.getByTestId('emergency-improve-text').inputValue()).toBe(FINDINGS);
      await page.getByTestId('emergency-improve-title').fill(ACTION_TITLE);
      await snap(page, 'improve-dialog');
      await page.getByTestId('emergency-improve-save').click();
      await improveDialog.waitFor({ state: 'hidden' });

      const count = page.getByTestId(`emergency-drill-actions-${drillId}`);
      await page.locator(`[data-testid="emergency-drill-actions-${drillId}"]`, { hasText: '1 项' }).waitFor();
      await snap(page, 'drill-with-action');
      const actions = await t.api<ImprovementAction[]>('GET', `/api/evaluation/actions?drillId=${drillId}`);
      expect(actions.body).toMatchObject([
        { title: ACTION_TITLE, finding: { kind: 'drill', drillId }, ownerName: SUPERVISOR.displayName },
      ]);

      // The count leads to the evaluation page's actions.
      await count.click();
      await page.waitForURL(/\/evaluation\?tab=actions/);
      await page.getByTestId('evaluation-actions').getByText(ACTION_TITLE).waitFor();
      await snap(page, 'evaluation-actions');

      // A revision of the plan retires the first one; it shows once retired plans are asked for.
      await page.goto(`${t.url}/emergency`);
      await page.getByTestId(`emergency-plan-drills-${plan?.id}`).getByText('1 次').waitFor();
      await page.getByTestId('emergency-plan-revise-fire').click();
      await planDialog.waitFor();
      expect(await page.getByTestId('emergency-plan-replaces').textContent()).toContain(`《${PLAN_TITLE}》`);
      expect(await page.getByTestId('emergency-duty-who-1').inputValue()).toBe('医护人员');
      await page.getByTestId('emergency-plan-title').fill(`${PLAN_TITLE}（修订）`);
      await page.getByTestId('emergency-plan-save').click();
      await planDialog.waitFor({ state: 'hidden' });
      await fire.getByText(`${PLAN_TITLE}（修订）`).waitFor();
      await page.getByTestId('emergency-show-retired').click();
      const retired = page.getByTestId(`emergency-retired-${plan?.id}`);
      await retired.getByText(`已废止 ${centreDate(0)}`).waitFor();
      await snap(page, 'plans-retired');
    });

    it('offers a caseworker no plan dialog, and lets them record a drill', async () => {
      const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
      await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
      await caseworker.waitForURL(/\/worklist/);
      await caseworker.goto(`${t.url}/emergency`);
      const fire = caseworker.getByTestId('emergency-plan-fire');
      await fire.waitFor();
      expect(await caseworker.getByTestId('emergency-plan-new').count()).toBe(0);
      expect(await caseworker.getByTestId('emergency-plan-revise-fire').count()).toBe(0);

      // The drill dialog opened on the plan; a caseworker may not list the staff and names themself.
      await caseworker.getByTestId('emergency-plan-drill-fire').click();
      const drillDialog = caseworker.getByTestId('emergency-drill-dialog');
      await drillDialog.waitFor();
      await caseworker
        .getByTestId('emergency-drill-plan')
        .getByText(`火灾 · ${PLAN_TITLE}（修订）`)
        .waitFor();
      await caseworker.getByTestId('emergency-drill-scenario').fill('厨房油锅起火，演练灭火毯使用');
      await caseworker.getByTestId('emergency-drill-people').click();
      await choose(caseworker, CASEWORKER.displayName);
      await caseworker.getByTestId('emergency-drill-scenario').click();
      await snap(caseworker, 'caseworker-drill-dialog');
      await caseworker.getByTestId('emergency-drill-save').click();
      await drillDialog.waitFor({ state: 'hidden' });

      const drills = (await t.api<EmergencyDrill[]>('GET', '/api/emergency/drills')).body;
      const mine = drills.find((drill) => drill.scenario.startsWith('厨房油锅起火'));
      expect(mine?.participants.map((person) => person.name)).toStrictEqual([CASEWORKER.displayName]);
      expect(mine?.recordedBy).toBe(CASEWORKER.displayName);
      await caseworker.getByTestId('emergency-tabs').getByText('应急演练').click();
      await caseworker.getByTestId(`emergency-drill-people-${mine?.id}`).waitFor();
      await snap(caseworker, 'caseworker-drills');
      await caseworker.context().close();
    });
  },
);
