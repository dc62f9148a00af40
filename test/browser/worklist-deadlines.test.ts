/**
 * The work list's sources from abroad, medical care and the service desk, and the deadlines (时限)
 * they are dated by, in a real browser. Records made through the API (a retiree abroad seven months,
 * a health check planned for today, a pendant never test-pressed and a press of its 求助 key) put a
 * contact, a pension suspension, a health check, a test press and a request on a caseworker's work
 * list, each under its Chinese label; 去处理 leads to the medical plan and to the devices' test tab.
 * The caseworker takes the request on from the requests page, the handler left at themself, and
 * the list then shows it as theirs. A supervisor changes the reply deadline of letters and visits
 * (reception.reply_days) from 15 to 10 days on the settings page, which then names them as who
 * changed it; a caseworker reads the deadlines and may not change them.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMonths, centreDay, yearOf } from '../../server/calendar.ts';
import type { CreatedDevice, ServiceRequest } from '../../server/schemas/index.ts';
import type { WorkItem, WorkList } from '../../server/schemas/worklist.ts';
import type { TestHub } from '../helpers/hub.ts';
import { created, eventually, publish, read } from '../helpers/hub.ts';
import { desktopPage, signIn, signInToDashboard, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('worklist-deadlines');

const PASSWORD = 'worklist-deadlines-password';
const CASEWORKER = { username: 'li.caseworker', displayName: '李社工', role: 'caseworker' };
const SUPERVISOR = { username: 'zhou.supervisor', displayName: '周值班长', role: 'supervisor' };
const REPLY_DAYS = 'reception.reply_days';

/** The sources this walk puts on the caseworker's list, with the label the page shows for each. */
const LABELS = {
  abroad_contact: '境外联系',
  pension_suspension: '暂停发放离退休费',
  health_check: '年度体检',
  button_test: '按键测试',
  service_request: '求助服务',
} as const;

interface Made {
  healthCheckId: string;
  pendant: CreatedDevice;
  requestId: string;
}

/**
 * The records behind the work items, made through the API as the admin: a retiree abroad seven
 * months and never contacted (the abroad check then flags the pension), a health check the year's
 * plan puts on today, and a pendant registered today and never test-pressed (due today), whose 求助
 * key is pressed once.
 */
async function makeRecords(t: TestHub): Promise<Made> {
  const today = centreDay(new Date());
  const main = await t.addRetiree({ name: '王振国' });
  const abroad = await t.addRetiree({ name: '张国华' });

  await created(t, '/api/abroad/stays', {
    retireeId: abroad.id,
    departedOn: addMonths(today, -7),
    destination: '加拿大',
  });
  const check = await t.api('POST', '/api/abroad/check');
  expect(check.status, JSON.stringify(check.body)).toBe(200);

  const year = yearOf(today);
  const scheduled = await t.api('PUT', `/api/medical/health-checks/plan/${year}/${main.id}`, {
    dueOn: today,
  });
  expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(204);

  const pendant = await t.addDevice('pendant.sos', main.id);
  const client = await t.connectDevice(pendant);
  await publish(client, `eldercare/v1/${pendant.device.id}/event`, {
    id: 'help-worklist-deadlines',
    type: 'service_request',
  });
  const requestId = await eventually(async () => {
    const requests = await read<ServiceRequest[]>(t, '/api/service-requests');
    return requests.find((request) => request.deviceId === pendant.device.id)?.id;
  });
  return { healthCheckId: `${year}:${main.id}`, pendant, requestId };
}

/** A staff member's session token, signed in through the API. */
async function tokenOf(t: TestHub, username: string): Promise<string> {
  const login = await t.api<{ token: string }>(
    'POST',
    '/api/auth/login',
    { username, password: PASSWORD },
    null,
  );
  expect(login.status).toBe(200);
  return login.body.token;
}

/** The work list's row of the item `id`, once the list on the page holds it. */
async function itemRow(page: Page, id: string) {
  const link = page.getByTestId(`worklist-item-${id}`);
  await link.waitFor();
  return page.getByTestId('worklist-table').locator('tbody tr', { has: link });
}

describe.skipIf(browser === null)(
  'the work list’s new sources and the deadlines they are dated by',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    let made: Made | undefined;
    const { t, page } = walkSuite(browser, {
      users: [CASEWORKER, SUPERVISOR],
      password: PASSWORD,
      prepare: async (walk) => {
        made = await makeRecords(walk.t);
      },
    });
    const records = (): Made => {
      if (!made) throw new Error('the records are not made yet');
      return made;
    };

    it('puts each new source on the caseworker’s list, and each leads to where it is worked', async () => {
      const { healthCheckId, pendant } = records();
      const token = await tokenOf(t, CASEWORKER.username);
      // The items of the five sources, as the hub lists them for the caseworker.
      const list = await read<WorkList>(t, '/api/worklist', token);
      const items = new Map<string, WorkItem>();
      for (const source of Object.keys(LABELS)) {
        const item = list.items.find((entry) => entry.source === source);
        expect(item, `a ${source} item on the caseworker’s list`).toBeDefined();
        items.set(source, item as WorkItem);
      }
      expect(items.get('health_check')?.id).toBe(healthCheckId);
      expect(items.get('button_test')?.id).toBe(pendant.device.id);

      // Signing in lands a caseworker on the work list; each item stands under its Chinese label.
      await signIn(page, t.url, CASEWORKER.username, PASSWORD);
      await page.waitForURL(/\/worklist/);
      for (const [source, label] of Object.entries(LABELS)) {
        const item = items.get(source) as WorkItem;
        const row = await itemRow(page, item.id);
        expect(await row.textContent(), source).toContain(label);
        expect(await row.textContent(), source).toContain(item.title);
      }
      await snap(page, 'worklist');

      // Picking out one kind leaves only its rows, and the address keeps it.
      await page.getByTestId('worklist-source-health_check').click();
      await page.waitForURL(/source=health_check/);
      await expect
        .poll(() => page.getByTestId('worklist-table').locator('tbody tr').count())
        .toBe(list.items.filter((item) => item.source === 'health_check').length);
      expect(await page.getByTestId(`worklist-item-${pendant.device.id}`).count()).toBe(0);
      await page.getByTestId('worklist-source-all').click();
      await page.getByTestId(`worklist-item-${pendant.device.id}`).waitFor();

      // 去处理 on the health check opens the medical page's plan, with the retiree on it.
      await (await itemRow(page, healthCheckId)).getByRole('button', { name: '去处理' }).click();
      await page.waitForURL(/\/medical\?tab=plan/);
      await page.getByTestId('medical-plan').getByText('王振国').waitFor();
      await snap(page, 'medical-plan');

      // Back on the list, the test press opens the devices page on its test tab.
      await page.goBack();
      await page.waitForURL(/\/worklist/);
      await (await itemRow(page, pendant.device.id)).getByRole('button', { name: '去处理' }).click();
      await page.waitForURL(/\/devices\?tab=tests/);
      await page.getByTestId('button-tests-table').getByText(pendant.device.id).waitFor();
      expect(await page.locator('#tab-tests').getAttribute('aria-selected')).toBe('true');
      await snap(page, 'devices-tests');
    });

    it('makes a 求助 request the caseworker’s own once they take it on', async () => {
      const { requestId } = records();
      await page.getByTestId('nav-requests').click();
      await page.getByTestId(`request-assign-${requestId}`).click();
      const dialog = page.getByTestId('request-dialog');
      await dialog.waitFor();
      await dialog.getByTestId('request-provider').fill('社区志愿者');
      // The handler is left as it opens: the one who assigns.
      await snap(page, 'request-assign');
      await dialog.getByTestId('request-save').click();
      await dialog.waitFor({ state: 'hidden' });

      const staff = await read<{ id: string; username: string }[]>(t, '/api/users');
      const caseworker = staff.find((user) => user.username === CASEWORKER.username);
      const requests = await read<ServiceRequest[]>(t, '/api/service-requests');
      expect(requests.find((request) => request.id === requestId)).toMatchObject({
        status: 'assigned',
        handlerId: caseworker?.id,
        handlerName: CASEWORKER.displayName,
      });

      await page.getByTestId('nav-worklist').click();
      const row = await itemRow(page, requestId);
      expect(await page.getByTestId(`worklist-item-${requestId}`).textContent()).toMatch(/^求助服务办理/);
      expect(await row.textContent()).toContain(LABELS.service_request);
      await snap(page, 'worklist-request-taken');
    });

    it('lets a supervisor change a deadline on the settings page, and a caseworker only read it', async () => {
      const supervisor = await desktopPage(browser!);
      try {
        await signInToDashboard(supervisor, t.url, SUPERVISOR.username, PASSWORD);
        await supervisor.getByTestId('nav-settings').click();
        await supervisor.locator('#tab-deadlines').click();
        await supervisor.locator('[data-testid="deadlines-editor"][data-loaded="true"]').waitFor();
        const deadline = supervisor.getByTestId(`deadline-${REPLY_DAYS}`);
        const input = deadline.getByTestId(`deadline-input-${REPLY_DAYS}`).locator('input');
        expect(await input.inputValue()).toBe('15');
        expect(await deadline.getByTestId(`deadline-clause-${REPLY_DAYS}`).textContent()).toContain(
          '6.2.2.10',
        );
        expect(await deadline.textContent()).toContain('默认 15 天');
        expect(await deadline.getByTestId(`deadline-updated-${REPLY_DAYS}`).textContent()).toContain(
          '未修改',
        );

        // Save stands beside a deadline once it is changed, and goes once the change is saved.
        expect(await deadline.getByTestId(`deadline-save-${REPLY_DAYS}`).count()).toBe(0);
        await input.fill('10');
        await deadline.getByTestId(`deadline-save-${REPLY_DAYS}`).click();
        await supervisor.locator('.el-message--success', { hasText: '时限已保存' }).waitFor();
        await supervisor.locator(`[data-testid="deadline-${REPLY_DAYS}"][data-days="10"]`).waitFor();
        await deadline.getByTestId(`deadline-save-${REPLY_DAYS}`).waitFor({ state: 'detached' });
        await expect
          .poll(() => deadline.getByTestId(`deadline-updated-${REPLY_DAYS}`).textContent())
          .toContain(SUPERVISOR.displayName);
        expect(await input.inputValue()).toBe('10');
        expect(await deadline.textContent()).toContain('默认 15 天');
        // Every word on the tab is translated: no message key shows through.
        expect(await supervisor.getByTestId('deadlines-editor').textContent()).not.toMatch(
          /deadlines\.|settings\./,
        );
        // The whole tab from its top, the header where it stands before any scrolling.
        await supervisor.evaluate('window.scrollTo(0, 0)');
        await snap(supervisor, 'deadlines');
      } finally {
        await supervisor.context().close();
      }

      const listed = await read<{ key: string; days: number | null; updatedBy: string | null }[]>(
        t,
        '/api/settings/deadlines',
      );
      expect(listed.find((entry) => entry.key === REPLY_DAYS)).toMatchObject({
        days: 10,
        updatedBy: SUPERVISOR.displayName,
      });
      // Saving one deadline changed no other.
      expect(
        listed.filter((entry) => entry.key !== REPLY_DAYS).every((entry) => entry.updatedBy === null),
      ).toBe(true);

      // A caseworker is offered no settings page; the deadlines are theirs to read, not to change.
      expect(await page.getByTestId('nav-settings').count()).toBe(0);
      const token = await tokenOf(t, CASEWORKER.username);
      const asCaseworker = await t.api<{ key: string; days: number | null }[]>(
        'GET',
        '/api/settings/deadlines',
        undefined,
        token,
      );
      expect(asCaseworker.status).toBe(200);
      expect(asCaseworker.body.find((entry) => entry.key === REPLY_DAYS)?.days).toBe(10);
      const change = await t.api('PUT', `/api/settings/deadlines/${REPLY_DAYS}`, { value: 20 }, token);
      expect(change.status).toBe(403);
    });
  },
);
