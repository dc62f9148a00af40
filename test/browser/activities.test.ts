/**
 * Culture and sport (6.6) in a real browser: a caseworker creates an event for tomorrow with a
 * colleague on duty and the medical cover (6.6.2.5), signs a retiree up, confirms it; once the
 * event has taken place the caseworker records the retiree's attendance. The roles page (6.9) is
 * opened on the way for a screenshot.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../server/schemas/activities.ts';
import { centreDate, desktopPage, pickRetiree, signIn, WALK_TIMEOUT_MS } from './helpers.ts';
import { walkBrowser, walkSuite } from './walk.ts';

const { browser, snap } = await walkBrowser('activities');

const PASSWORD = 'caseworker-test-password';

describe.skipIf(browser === null)('culture and sport in Chromium', { timeout: WALK_TIMEOUT_MS }, () => {
  const { t, page } = walkSuite(browser, {
    users: [{ username: 'wen.caseworker', displayName: '文社工', role: 'caseworker' }],
    password: PASSWORD,
    prepare: (walk) => walk.t.addStaff('zhao.duty', 'operator'),
  });

  it('creates an event, signs a retiree up, and records attendance after the event', async () => {
    const retiree = await t.addRetiree({ name: '刘长征' });

    await signIn(page, t.url, 'wen.caseworker', PASSWORD);
    await page.waitForURL(/\/worklist/);
    await page.goto(`${t.url}/activities`);
    await page.getByTestId('events-table').waitFor();

    // A new event for tomorrow morning, with a colleague on duty and the medical cover.
    await page.getByTestId('event-new').click();
    await page.getByTestId('event-dialog').waitFor();
    await page.getByTestId('event-title').fill('重阳节书画展');
    await page.getByTestId('event-starts').fill(`${centreDate(1)}T09:00`);
    await page.getByTestId('event-ends').fill(`${centreDate(1)}T11:30`);
    await page.getByTestId('event-place').fill('中心书画室');
    await page.getByTestId('event-staff').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'zhao.duty 同志' }).first().click();
    // A click above the open multi-select closes its list.
    await page.getByTestId('event-title').click();
    await page.getByTestId('event-medical').fill('社区卫生服务中心 刘医生随队');
    await snap(page, 'new-event');
    await page.getByTestId('event-save').click();

    // The event opens: sign the retiree up, then confirm.
    const detail = page.getByTestId('event-detail');
    await detail.waitFor();
    await pickRetiree(page, 'detail-signup-pick', '刘长征');
    await page.getByTestId('detail-signup').click();
    await expect.poll(() => page.getByTestId('detail-signups').textContent()).toContain('刘长征');
    await page.getByTestId('detail-confirm').click();
    await expect.poll(() => page.getByTestId('event-status').textContent()).toContain('已确认');
    await snap(page, 'event-confirmed');

    const [event] = (await t.api<ActivityEvent[]>('GET', '/api/activities/events')).body;
    expect(event).toMatchObject({
      title: '重阳节书画展',
      status: 'confirmed',
      startsAt: new Date(`${centreDate(1)}T09:00:00+08:00`).toISOString(),
      medicalCover: '社区卫生服务中心 刘医生随队',
      signedUp: 1,
    });
    expect(event?.staff.map((s) => s.name)).toStrictEqual(['zhao.duty 同志']);

    // The day of the event comes and goes: it started two hours ago and ended an hour ago.
    await t.hub.db.query(
      `update activity_events set starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' where id = $1`,
      [event?.id],
    );
    await page.reload();
    await page.getByTestId('events-table').waitFor();
    await page.getByTestId('event-open-重阳节书画展').click();
    await detail.waitFor();
    await page.getByTestId('attendance-刘长征').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '出席' }).first().click();
    await page.getByTestId('detail-save-attendance').click();
    await page.getByTestId('attendance-recorded').waitFor();
    await snap(page, 'attendance');

    const after = await t.api<ActivityEvent>('GET', `/api/activities/events/${event?.id}`);
    expect(after.body.signups).toMatchObject([{ retireeId: retiree.id, attendance: 'present' }]);
    expect(after.body.attendanceRecordedAt).not.toBeNull();

    // The other tabs, with a group and this year's plan in them.
    await t.api('POST', '/api/activities/groups', {
      name: '夕阳红书画社',
      kind: 'calligraphy',
      leaderId: retiree.id,
      meets: '每周三上午',
    });
    const plan = await t.api<{ id: string }>('POST', '/api/activities/plans', {
      year: Number(centreDate(0).slice(0, 4)),
      title: '年度文体活动计划',
    });
    await t.api('POST', `/api/activities/plans/${plan.body.id}/items`, {
      title: '太极拳培训班',
      kind: 'sport',
      month: 4,
      ageGroup: 'under_80',
      health: 'able',
    });
    await page.keyboard.press('Escape');
    await page.goto(`${t.url}/activities?tab=groups`);
    await page.getByTestId('groups-table').waitFor();
    await expect.poll(() => page.getByTestId('groups-table').textContent()).toContain('夕阳红书画社');
    await snap(page, 'groups');
    await page.goto(`${t.url}/activities?tab=plan`);
    await expect.poll(() => page.getByTestId('plan-items').textContent()).toContain('太极拳培训班');
    await snap(page, 'plan');

    // The roles page, with one interview in it.
    await t.api('POST', '/api/contributions/oral-histories', {
      retireeId: retiree.id,
      title: '长征路上的故事',
      interviewer: '文社工',
      interviewedOn: centreDate(0),
      summary: '讲述随部队转战的经历',
    });
    await page.goto(`${t.url}/contributions?tab=oral`);
    await page.getByTestId('oral-table').waitFor();
    await expect.poll(() => page.getByTestId('oral-table').textContent()).toContain('长征路上的故事');
    await snap(page, 'roles');
    const entry = await t.api<{ id: string }>('POST', '/api/contributions/register', {
      retireeId: retiree.id,
      kind: 'community_commissar',
      skills: ['调解', '党史宣讲'],
      availability: '每周一、三上午',
      startedOn: centreDate(-30),
    });
    await t.api('POST', `/api/contributions/register/${entry.body.id}/hours`, {
      servedOn: centreDate(-1),
      hours: 2.5,
      activity: '社区矛盾调解',
    });
    await page.goto(`${t.url}/contributions`);
    await expect.poll(() => page.getByTestId('register-table').textContent()).toContain('社区政治指导员');
    expect(await page.getByTestId('register-table').textContent()).toContain('2.5 小时');
    await snap(page, 'register');
  });

  it('opens the dialog of a press that lasts while the first press of the page unlocks audio', async () => {
    // A page just loaded keeps audio locked; the first pointerdown anywhere unlocks it and the
    // header's sound control changes. A slow click, or a quick one on a busy machine, is still down
    // then: had the header changed size, the page would move and the release land on another element.
    const caseworker = await desktopPage(browser as Browser);
    await signIn(caseworker, t.url, 'wen.caseworker', PASSWORD);
    await caseworker.waitForURL(/\/worklist/);
    await caseworker.goto(`${t.url}/activities`);
    await caseworker.getByTestId('events-table').waitFor();
    await caseworker.getByTestId('sound-enable').waitFor();
    const button = caseworker.getByTestId('event-new');
    const pressed = await button.boundingBox();
    if (!pressed) throw new Error('新建活动 is not on the caseworker');
    await caseworker.mouse.move(pressed.x + pressed.width / 2, pressed.y + pressed.height / 2);
    await caseworker.mouse.down();
    await caseworker.getByTestId('sound-enabled').waitFor();
    expect(await button.boundingBox()).toStrictEqual(pressed);
    await caseworker.mouse.up();
    await caseworker.getByTestId('event-dialog').waitFor();
  });
});
