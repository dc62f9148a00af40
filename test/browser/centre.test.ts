/**
 * The centre's affairs (中心事务: 5.1.8, 5.3.2.4) and a retiree's honours (6.2.2.2) in a real browser.
 * A supervisor opens the page from the records menu, makes a retiree chair of the management
 * committee, adds a community representative whose term then ends, records a meeting with a
 * decision the caseworker is to carry out today, and registers an activity room in the caseworker's
 * keeping that is overdue for inspection. The caseworker finds both on the work list; the decision's
 * link leads to it on the committee tab, where its owner marks it done; the facility's link leads to the activity room, where the caseworker logs an inspection
 * that found a broken lamp, which the room's log then shows. An operator sees the page without the
 * managers' buttons. The caseworker adds a medal and a teaching post to a retiree's record and sees
 * them listed.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CommitteeMeeting, CommitteeMember, Facility, Honour } from '../../server/schemas/centre.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { read } from '../helpers/hub.ts';
import {
  centreDate,
  desktopPage,
  pickRetiree,
  signIn,
  signInToDashboard,
  WALK_TIMEOUT_MS,
} from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('centre');

const PASSWORD = 'centre-walk-password';
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周站长', role: 'supervisor' };
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const OPERATOR = { username: 'zhao.operator', displayName: '赵值班员', role: 'operator' };
const CHAIR = '王德明';
const REPRESENTATIVE = '张建国';
const TOPIC = '重阳节登高活动安排';
const DECISION = '联系社区卫生服务中心安排随队医生';
const ROOM = '书画活动室';
const MEDAL = '中国人民志愿军抗美援朝出国作战70周年纪念章';

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

/** Opens the page from the service-records menu, on its committee tab with both lists in. */
async function openCentrePage(page: Page): Promise<void> {
  await page.getByTestId('nav-records').click();
  await page.getByTestId('nav-centre').click();
  await page.waitForURL(/\/centre(\?tab=committee)?$/);
  await page.getByRole('heading', { name: '中心事务' }).waitFor();
  await page.locator('[data-testid="centre-members"][data-loaded="true"]').waitFor();
  await page.locator('[data-testid="centre-meetings"][data-loaded="true"]').waitFor();
}

/** Chooses the facilities tab and waits for its list. */
async function openFacilities(page: Page): Promise<void> {
  await page.getByTestId('centre-tabs').getByText('设施管理', { exact: true }).click();
  await page.waitForURL(/tab=facilities/);
  await page.locator('[data-testid="centre-facilities"][data-loaded="true"]').waitFor();
}

describe.skipIf(browser === null)(
  'the committee, the facilities and a retiree’s honours in Chromium',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    let veteran: Retiree;
    const { t, page } = walkSuite(browser, {
      users: [SUPERVISOR, CASEWORKER, OPERATOR],
      password: PASSWORD,
      prepare: async ({ t }) => {
        veteran = await t.addRetiree({ name: CHAIR });
      },
    });
    let decisionId = '';
    let facilityId = '';

    it('keeps the committee: a chair from the archive, a term that ends, a meeting with a decision', async () => {
      await signInToDashboard(page, t.url, SUPERVISOR.username, PASSWORD);
      await openCentrePage(page);

      // The chair, a retiree of the centre picked from the archive.
      await page.getByTestId('centre-member-new').click();
      const memberDialog = page.getByTestId('centre-member-dialog');
      await memberDialog.waitFor();
      await pickRetiree(page, 'centre-member-retiree', CHAIR);
      await page.getByTestId('centre-member-role').getByText('主任', { exact: true }).click();
      await snap(page, 'member-dialog');
      await page.getByTestId('centre-member-save').click();
      await memberDialog.waitFor({ state: 'hidden' });

      // A community representative, named, on the committee for more than a year.
      await page.getByTestId('centre-member-new').click();
      await memberDialog.waitFor();
      await page.getByTestId('centre-member-who').getByText('其他人员', { exact: true }).click();
      await page.getByTestId('centre-member-name').fill(REPRESENTATIVE);
      await fillDate(inputOf(page, 'centre-member-from'), centreDate(-400));
      await page.getByTestId('centre-member-save').click();
      await memberDialog.waitFor({ state: 'hidden' });

      const members = await read<CommitteeMember[]>(t, '/api/committee/members');
      const chair = members.find((member) => member.name === CHAIR);
      const representative = members.find((member) => member.name === REPRESENTATIVE);
      expect(chair).toMatchObject({
        retireeId: veteran.id,
        role: 'chair',
        fromOn: centreDate(0),
        current: true,
      });
      expect(representative).toMatchObject({ retireeId: null, role: 'member', fromOn: centreDate(-400) });
      const chairRow = page.getByTestId('centre-members').locator('tr', {
        has: page.getByTestId(`centre-member-${chair?.id}`),
      });
      await chairRow.getByText('主任', { exact: true }).waitFor();
      expect(
        await page.getByTestId(`centre-member-standing-${chair?.id}`).getAttribute('data-standing'),
      ).toBe('current');
      expect(await page.getByTestId(`centre-member-term-${chair?.id}`).textContent()).toBe(
        `${centreDate(0)} — 至今`,
      );
      // The chair's name leads to their archive.
      expect(await chairRow.getByRole('link', { name: CHAIR }).getAttribute('href')).toBe(
        `/archive/${veteran.id}`,
      );
      await snap(page, 'members');

      // The representative's term ended yesterday: gone from those in office, shown among the past.
      await page.getByTestId(`centre-member-end-${representative?.id}`).click();
      const endDialog = page.getByTestId('centre-end-dialog');
      await endDialog.waitFor();
      expect(await inputOf(page, 'centre-end-to').inputValue()).toBe(centreDate(0));
      await fillDate(inputOf(page, 'centre-end-to'), centreDate(-1));
      await page.getByTestId('centre-end-save').click();
      await endDialog.waitFor({ state: 'hidden' });
      await page.getByTestId(`centre-member-${representative?.id}`).waitFor({ state: 'detached' });
      await page.getByTestId('centre-members-past').click();
      const past = page.locator(
        `[data-testid="centre-member-standing-${representative?.id}"][data-standing="past"]`,
      );
      await past.waitFor();
      expect(await past.textContent()).toBe('已卸任');
      await snap(page, 'members-past');
      await page.getByTestId('centre-members-past').click();
      await page.getByTestId(`centre-member-${representative?.id}`).waitFor({ state: 'detached' });

      // A meeting: the members in office and a guest attend; one decision for the caseworker, due today.
      await page.getByTestId('centre-meeting-new').click();
      const meetingDialog = page.getByTestId('centre-meeting-dialog');
      await meetingDialog.waitFor();
      expect(await inputOf(page, 'centre-meeting-held').inputValue()).toBe(centreDate(0));
      await page.getByTestId('centre-meeting-place').fill('二楼会议室');
      await page.getByTestId('centre-meeting-topic').fill(TOPIC);
      await page.getByTestId('centre-meeting-members').click();
      const attendees = page.getByTestId('centre-meeting-attendees');
      await attendees.locator('.el-select__selected-item', { hasText: CHAIR }).waitFor();
      await attendees.click();
      await page.keyboard.type('刘主任');
      await page.keyboard.press('Enter');
      await attendees.locator('.el-select__selected-item', { hasText: '刘主任' }).waitFor();
      // A click on the topic closes the list of the attendees.
      await page.getByTestId('centre-meeting-topic').click();
      await page.getByTestId('centre-meeting-minutes').fill('研究重阳节登高活动的组织和安全保障。');
      await page.getByTestId('centre-meeting-decision-text-0').fill(DECISION);
      await page.getByTestId('centre-meeting-decision-owner-0').click();
      await choose(page, CASEWORKER.displayName);
      await fillDate(inputOf(page, 'centre-meeting-decision-due-0'), centreDate(0));
      // A second line left empty is not sent.
      await page.getByTestId('centre-meeting-decision-add').click();
      await page.getByTestId('centre-meeting-decision-text-1').waitFor();
      await snap(page, 'meeting-dialog');
      await page.getByTestId('centre-meeting-save').click();
      await meetingDialog.waitFor({ state: 'hidden' });

      const [meeting] = await read<CommitteeMeeting[]>(t, '/api/committee/meetings');
      expect(meeting).toMatchObject({
        heldOn: centreDate(0),
        place: '二楼会议室',
        topic: TOPIC,
        attendees: [CHAIR, '刘主任'],
        recordedBy: SUPERVISOR.displayName,
      });
      expect(meeting?.decisions).toHaveLength(1);
      expect(meeting?.decisions[0]).toMatchObject({
        text: DECISION,
        owner: CASEWORKER.displayName,
        dueOn: centreDate(0),
        doneOn: null,
      });
      decisionId = meeting?.decisions[0]?.id ?? '';
      await page.getByTestId(`centre-meeting-topic-${meeting?.id}`).getByText(TOPIC).waitFor();
      const decision = page.getByTestId(`centre-decision-${decisionId}`);
      expect(await decision.getAttribute('data-state')).toBe('open');
      expect(await decision.textContent()).toContain(CASEWORKER.displayName);
      expect(await page.getByTestId(`centre-decision-state-${decisionId}`).textContent()).toBe('待落实');
      await snap(page, 'committee');

      // The year's meetings go to Excel.
      const [register] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('centre-meetings-export').click(),
      ]);
      expect(register.suggestedFilename()).toMatch(/\.xlsx$/);
    });

    it('registers an activity room in the caseworker’s keeping, overdue for inspection', async () => {
      await openFacilities(page);
      await page.getByTestId('centre-facility-new').click();
      const facilityDialog = page.getByTestId('centre-facility-dialog');
      await facilityDialog.waitFor();
      await page.getByTestId('centre-facility-name').fill(ROOM);
      await page.getByTestId('centre-facility-kind').click();
      await choose(page, '活动室');
      await page.getByTestId('centre-facility-location').fill('一楼东侧');
      await page.getByTestId('centre-facility-hours').fill('周一至周五 8:30–17:00');
      await page.getByTestId('centre-facility-responsible').click();
      await choose(page, CASEWORKER.displayName);
      expect(await inputOf(page, 'centre-facility-every').inputValue()).toBe('30');
      // In use for 45 days and never inspected: the first inspection was due 15 days ago.
      await fillDate(inputOf(page, 'centre-facility-since'), centreDate(-45));
      await page.getByTestId('centre-facility-rules').fill('活动结束后关闭门窗和电源；室内禁止吸烟。');
      await snap(page, 'facility-dialog');
      await page.getByTestId('centre-facility-save').click();
      await facilityDialog.waitFor({ state: 'hidden' });

      const [room] = await read<Facility[]>(t, '/api/facilities');
      expect(room).toMatchObject({
        name: ROOM,
        kind: 'activity_room',
        location: '一楼东侧',
        responsible: CASEWORKER.displayName,
        inspectEveryDays: 30,
        sinceOn: centreDate(-45),
        lastInspectedOn: null,
        nextInspectionOn: centreDate(-15),
        overdue: true,
      });
      facilityId = room?.id ?? '';
      const next = page.locator(`[data-testid="centre-facility-next-${facilityId}"][data-overdue="true"]`);
      await next.waitFor();
      expect(await next.textContent()).toContain(centreDate(-15));
      expect(await next.textContent()).toContain('检查逾期');
      expect(await page.getByTestId(`centre-facility-last-${facilityId}`).textContent()).toBe('尚未检查');
      expect(await page.getByTestId(`centre-facility-responsible-${facilityId}`).textContent()).toBe(
        CASEWORKER.displayName,
      );
      await snap(page, 'facilities');

      // Its register entry and (empty) log beside the list.
      await page.getByTestId(`centre-facility-${facilityId}`).click();
      const drawer = page.locator('[data-testid="centre-facility-drawer"][data-loaded="true"]');
      await drawer.waitFor();
      await drawer.getByRole('heading', { name: ROOM }).waitFor();
      expect(await page.getByTestId('centre-facility-facts').textContent()).toContain(
        '活动结束后关闭门窗和电源',
      );
      await page.getByTestId('centre-facility-log').getByText('暂无检查维护记录').waitFor();
      await snap(page, 'facility-drawer');
      await page.keyboard.press('Escape');
      await page.getByTestId('centre-facility-drawer').waitFor({ state: 'hidden' });
    });

    it('puts both on the caseworker’s work list; the supervisor marks the decision done, the caseworker logs the inspection', async () => {
      const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
      await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
      await caseworker.waitForURL(/\/worklist/);
      const decisionItem = caseworker.getByTestId(`worklist-item-${decisionId}`);
      const facilityItem = caseworker.getByTestId(`worklist-item-${facilityId}`);
      await decisionItem.waitFor();
      await facilityItem.waitFor();
      const table = caseworker.getByTestId('worklist-table');
      expect(await table.locator('tr', { has: decisionItem }).textContent()).toContain('管委会决定事项');
      expect(await table.locator('tr', { has: facilityItem }).textContent()).toContain('设施检查');
      expect(await table.locator('tr', { has: facilityItem }).textContent()).toContain('已逾期');
      await snap(caseworker, 'caseworker-worklist');

      // The decision's link leads to it on the committee tab, where its owner marks it done.
      await decisionItem.click();
      await caseworker.waitForURL(new RegExp(`/centre\\?tab=committee&decision=${decisionId}$`));
      await caseworker.locator('[data-testid="centre-meetings"][data-loaded="true"]').waitFor();
      const pointed = caseworker.getByTestId(`centre-decision-${decisionId}`);
      await caseworker.locator(`[data-testid="centre-decision-${decisionId}"].picked`).waitFor();
      expect(await pointed.getAttribute('data-state')).toBe('open');
      expect(await caseworker.getByTestId('centre-meeting-new').count()).toBe(0);
      expect(await caseworker.getByTestId('centre-member-new').count()).toBe(0);
      await caseworker.getByText('由承办人或站长、管理员标记落实').waitFor();
      await snap(caseworker, 'caseworker-decision');

      await caseworker.getByTestId(`centre-decision-done-${decisionId}`).click();
      const doneDialog = caseworker.getByTestId('centre-decision-done-dialog');
      await doneDialog.waitFor();
      await caseworker.getByTestId('centre-decision-done-note').fill('已与社区卫生服务中心约定随队医生两名');
      await snap(caseworker, 'decision-done-dialog');
      await caseworker.getByTestId('centre-decision-done-save').click();
      await doneDialog.waitFor({ state: 'hidden' });
      await caseworker.locator(`[data-testid="centre-decision-${decisionId}"][data-state="done"]`).waitFor();
      expect(await caseworker.getByTestId(`centre-decision-state-${decisionId}`).textContent()).toBe(
        `已落实 ${centreDate(0)}`,
      );
      expect(await caseworker.getByTestId(`centre-decision-${decisionId}`).textContent()).toContain(
        '随队医生两名',
      );
      await snap(caseworker, 'decision-done');

      // The facility's link leads to the activity room, where the caseworker logs what was found.
      await caseworker.goBack();
      await caseworker.waitForURL(/\/worklist/);
      await caseworker.getByTestId(`worklist-item-${facilityId}`).click();
      await caseworker.waitForURL(new RegExp(`/centre\\?tab=facilities&facility=${facilityId}$`));
      await caseworker.locator('[data-testid="centre-facilities"][data-loaded="true"]').waitFor();
      await caseworker.locator('tr.picked', { hasText: ROOM }).waitFor();
      expect(await caseworker.getByTestId('centre-facility-new').count()).toBe(0);
      expect(await caseworker.getByTestId(`centre-facility-edit-${facilityId}`).count()).toBe(0);
      expect(await caseworker.getByTestId(`centre-facility-retire-${facilityId}`).count()).toBe(0);
      await caseworker.getByTestId(`centre-facility-inspect-${facilityId}`).click();
      const inspection = caseworker.getByTestId('centre-inspection-dialog');
      await inspection.waitFor();
      expect(await inputOf(caseworker, 'centre-inspection-day').inputValue()).toBe(centreDate(0));
      await caseworker.getByTestId('centre-inspection-result').getByText('发现问题', { exact: true }).click();
      // Something found must be described.
      await caseworker.getByTestId('centre-inspection-save').click();
      await inspection.getByText('请填写发现的问题').waitFor();
      await caseworker.getByTestId('centre-inspection-findings').fill('东墙一盏吸顶灯损坏');
      await caseworker.getByTestId('centre-inspection-action').fill('已报后勤维修');
      await snap(caseworker, 'inspection-dialog');
      await caseworker.getByTestId('centre-inspection-save').click();
      await inspection.waitFor({ state: 'hidden' });

      const last = caseworker.locator(
        `[data-testid="centre-facility-last-${facilityId}"][data-result="issue"]`,
      );
      await last.waitFor();
      expect(await last.textContent()).toContain(centreDate(0));
      expect(await last.textContent()).toContain('发现问题');
      await caseworker
        .locator(`[data-testid="centre-facility-next-${facilityId}"][data-overdue="false"]`)
        .waitFor();
      const room = await read<Facility>(t, `/api/facilities/${facilityId}`);
      expect(room).toMatchObject({ lastResult: 'issue', nextInspectionOn: centreDate(30), overdue: false });
      expect(room.inspections[0]).toMatchObject({
        kind: 'inspection',
        findings: '东墙一盏吸顶灯损坏',
        action: '已报后勤维修',
        recordedBy: CASEWORKER.displayName,
      });
      await snap(caseworker, 'caseworker-facilities');

      // The room's log shows it.
      await caseworker.getByTestId(`centre-facility-${facilityId}`).click();
      await caseworker.locator('[data-testid="centre-facility-drawer"][data-loaded="true"]').waitFor();
      const entry = room.inspections[0]?.id ?? '';
      expect(await caseworker.getByTestId(`centre-log-findings-${entry}`).textContent()).toBe(
        '东墙一盏吸顶灯损坏',
      );
      expect(await caseworker.getByTestId(`centre-log-result-${entry}`).textContent()).toBe('发现问题');
      await snap(caseworker, 'caseworker-facility-log');
      await caseworker.keyboard.press('Escape');

      // Neither is on the caseworker's list any more.
      const login = await t.api<{ token: string }>(
        'POST',
        '/api/auth/login',
        { username: CASEWORKER.username, password: PASSWORD },
        null,
      );
      const list = await read<WorkList>(t, `/api/worklist?date=${centreDate(0)}`, login.body.token);
      expect(list.items.filter((item) => item.id === decisionId || item.id === facilityId)).toStrictEqual([]);
      await caseworker.context().close();
    });

    it('shows an operator the page without the managers’ buttons', async () => {
      const operator = await desktopPage(browser as NonNullable<typeof browser>);
      await signInToDashboard(operator, t.url, OPERATOR.username, PASSWORD);
      await openCentrePage(operator);
      await operator.getByTestId('centre-members').getByText(CHAIR).waitFor();
      await operator.getByTestId('centre-meetings').getByText(TOPIC).waitFor();
      expect(await operator.getByTestId('centre-member-new').count()).toBe(0);
      expect(await operator.getByTestId('centre-meeting-new').count()).toBe(0);
      expect(await operator.locator('[data-testid^="centre-member-end-"]').count()).toBe(0);
      expect(await operator.locator('[data-testid^="centre-decision-done-"]').count()).toBe(0);
      await snap(operator, 'operator-committee');

      await openFacilities(operator);
      await operator.getByTestId(`centre-facility-${facilityId}`).waitFor();
      expect(await operator.getByTestId('centre-facility-new').count()).toBe(0);
      expect(await operator.getByTestId(`centre-facility-edit-${facilityId}`).count()).toBe(0);
      expect(await operator.getByTestId(`centre-facility-retire-${facilityId}`).count()).toBe(0);
      // Any member of staff logs an inspection.
      await operator.getByTestId(`centre-facility-inspect-${facilityId}`).waitFor();
      await snap(operator, 'operator-facilities');
      await operator.context().close();
    });

    it('lets a caseworker add a medal and a teaching post to a retiree’s record', async () => {
      const caseworker = await desktopPage(browser as NonNullable<typeof browser>);
      await signIn(caseworker, t.url, CASEWORKER.username, PASSWORD);
      await caseworker.waitForURL(/\/worklist/);
      await caseworker.goto(`${t.url}/archive/${veteran.id}`);
      await caseworker.getByTestId('archive-reason-input').fill('登记荣誉');
      await caseworker.getByTestId('archive-reason-confirm').click();
      await caseworker.getByTestId('archive-record-name').getByText(CHAIR).waitFor();
      await caseworker.getByTestId('archive-tabs').getByText('荣誉与著述', { exact: true }).click();
      await caseworker.locator('[data-testid="archive-honours-panel"][data-loaded="true"]').waitFor();
      await caseworker.getByTestId('archive-honours').getByText('暂无荣誉记录').waitFor();

      await caseworker.getByTestId('archive-honour-new').click();
      const honourDialog = caseworker.getByTestId('archive-honour-dialog');
      await honourDialog.waitFor();
      await caseworker.getByTestId('archive-honour-kind').getByText('勋章、纪念章', { exact: true }).click();
      await caseworker.getByTestId('archive-honour-name').fill(MEDAL);
      await fillDate(inputOf(caseworker, 'archive-honour-awarded'), '2020-10-23');
      await caseworker.getByTestId('archive-honour-by').fill('中共中央、国务院、中央军委');
      await snap(caseworker, 'honour-dialog');
      await caseworker.getByTestId('archive-honour-save').click();
      await honourDialog.waitFor({ state: 'hidden' });

      const [medal] = await read<Honour[]>(t, `/api/honours?retireeId=${veteran.id}`);
      expect(medal).toMatchObject({
        kind: 'medal',
        name: MEDAL,
        awardedOn: '2020-10-23',
        awardedBy: '中共中央、国务院、中央军委',
        recordedBy: CASEWORKER.displayName,
      });
      await caseworker.getByTestId(`archive-honour-${medal?.id}`).getByText(MEDAL).waitFor();
      const row = caseworker.getByTestId('archive-honours').locator('tr', {
        has: caseworker.getByTestId(`archive-honour-${medal?.id}`),
      });
      expect(await row.textContent()).toContain('2020-10-23');

      // A teaching post, begun a month ago and going on.
      await caseworker.getByTestId('archive-engagement-new').click();
      const engagementDialog = caseworker.getByTestId('archive-engagement-dialog');
      await engagementDialog.waitFor();
      await caseworker.getByTestId('archive-engagement-kind').getByText('授课', { exact: true }).click();
      await caseworker.getByTestId('archive-engagement-title').fill('国防教育兼职教员');
      await caseworker.getByTestId('archive-engagement-organisation').fill('成都市第七中学');
      await fillDate(inputOf(caseworker, 'archive-engagement-from'), centreDate(-30));
      expect(await inputOf(caseworker, 'archive-engagement-filed').inputValue()).toBe(centreDate(0));
      await caseworker.getByTestId('archive-engagement-save').click();
      await engagementDialog.waitFor({ state: 'hidden' });
      const post = caseworker
        .getByTestId('archive-engagements')
        .locator('tr', { hasText: '国防教育兼职教员' });
      await post.waitFor();
      expect(await post.textContent()).toContain(`${centreDate(-30)} — 至今`);
      expect(await post.textContent()).toContain('授课');
      await snap(caseworker, 'honours');
      await caseworker.context().close();
    });
  },
);
