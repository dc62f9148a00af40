/**
 * The duty page warns of the coming week's hours with nobody on duty (5.1.7): an empty roster shows
 * both gaps in centre time, a full one a quiet line, and taking a shift off on the page brings the
 * warning back at once. Screenshots with HUB_TEST_SCREENSHOTS.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDayStart } from '../../server/calendar.ts';
import type { DutyShift } from '../../server/schemas/index.ts';
import type { TestHub } from '../helpers/hub.ts';
import { centreDate, closeWalk, launchBrowser, openWalk, screenshotter, WALK_TIMEOUT_MS } from './helpers.ts';

const browser: Browser | null = await launchBrowser();
const snap = screenshotter('duty-coverage', { fullPage: true });
const DAY_MS = 86_400_000;

describe.skipIf(browser === null)(
  'duty page: hours with nobody on duty',
  { timeout: WALK_TIMEOUT_MS },
  () => {
    let t: TestHub;
    let page: Page;

    beforeAll(async () => {
      ({ t, page } = await openWalk(browser as Browser, { signInAsAdmin: true }));
    }, 180_000);

    afterAll(() => closeWalk(browser, t));

    it('lists the gaps, is quiet once the week is covered, and warns again when a shift is taken off', async () => {
      await page.goto(`${t.url}/duty`);
      const warning = page.getByTestId('duty-coverage-gaps');
      await warning.waitFor();
      await expect.poll(() => warning.getByTestId('duty-gap-on_duty').textContent()).toContain('无值班人员');
      await expect
        .poll(() => warning.getByTestId('duty-gap-supervisor').textContent())
        .toContain('无值班主管');
      await snap(page, 'empty');

      // Day-long shifts from the start of today (centre time) for eight days cover the coming seven.
      const operator = await t.addStaff('cover.walk.op', 'operator');
      const supervisor = await t.addStaff('cover.walk.sup', 'supervisor');
      const start = centreDayStart(centreDate(0)).getTime();
      const shifts: DutyShift[] = [];
      for (const userId of [operator.id, supervisor.id]) {
        for (let day = 0; day < 8; day += 1) {
          const added = await t.api<DutyShift>('POST', '/api/duty/roster', {
            userId,
            startsAt: new Date(start + day * DAY_MS).toISOString(),
            endsAt: new Date(start + (day + 1) * DAY_MS).toISOString(),
          });
          expect(added.status).toBe(201);
          shifts.push(added.body);
        }
      }
      await page.reload();
      await page.getByTestId('duty-coverage-ok').waitFor();
      expect(await warning.count()).toBe(0);
      await snap(page, 'covered');

      // Today's operator shift, taken off on the page: the rest of today has nobody on duty.
      const today = shifts[0] as DutyShift;
      await page.getByTestId(`duty-remove-${today.id}`).click();
      await page.locator('.el-popconfirm__action .el-button--primary:visible').click();
      await warning.waitFor();
      await expect
        .poll(() => warning.getByTestId('duty-gap-on_duty').textContent())
        .toMatch(/\d{2}:\d{2}–24:00 无值班人员/);
      expect(await warning.getByTestId('duty-gap-supervisor').count()).toBe(0);
      await snap(page, 'gap');
    });
  },
);
