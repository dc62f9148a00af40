/**
 * Visits and condolences (6.8) and the work list, on one real hub: date rules through the service
 * with fixed clocks, the flows and the role checks through the HTTP API (dates given explicitly).
 */
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../server/calendar.ts';
import type {
  AdmissionResult,
  CampaignResult,
  FollowUp,
  LivingFlags,
  VisitRecord,
  VisitSummary,
  VisitTask,
} from '../../server/schemas/visits.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { holidayDate, SPRING_FESTIVAL } from '../../server/visits/calendar.ts';
import { VisitService } from '../../server/visits/service.ts';
import { FollowUpProvider, VisitTaskProvider } from '../../server/visits/worklist.ts';
import { read } from '../helpers/hub.ts';
import { at } from '../helpers/service.ts';
import { suiteDesk, suiteHub } from '../helpers/suite.ts';
import { sevenFields } from './seven-fields.ts';

describe('visits and condolences (6.8) and the work list', () => {
  const t = suiteHub();
  const { a, b, caseworker, operator, family } = suiteDesk(t, 'visits', ['张卫东', '李建华'], '张小红');

  /** A hospital admission of `retireeId` on `admittedOn`, recorded as `token` (the caseworker's unless given). */
  const admit = (retireeId: string, hospital: string, admittedOn: string, token = caseworker.token) =>
    t.api<AdmissionResult>('POST', '/api/visits/admissions', { retireeId, hospital, admittedOn }, token);

  describe('calendar', () => {
    it('keeps the published Spring Festival dates 2024–2035, each between 21 Jan and 20 Feb', () => {
      expect(Object.keys(SPRING_FESTIVAL).map(Number)).toStrictEqual([
        2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035,
      ]);
      for (const date of Object.values(SPRING_FESTIVAL)) {
        expect(date.slice(5) >= '01-21' && date.slice(5) <= '02-20').toBe(true);
      }
      expect(holidayDate('spring_festival', 2026)).toBe('2026-02-17');
      expect(holidayDate('spring_festival', 2027)).toBe('2027-02-06');
      expect(holidayDate('spring_festival', 2030)).toBe('2030-02-03');
      expect(holidayDate('army_day', 2027)).toBe('2027-08-01');
      expect(holidayDate('national_day', 2027)).toBe('2027-10-01');
      expect(holidayDate('spring_festival', 2036)).toBeUndefined();
    });

    it('adds calendar months, keeping to the last day of a shorter month', () => {
      expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
      expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
      expect(addMonths('2027-03-31', 1)).toBe('2027-04-30');
      expect(addMonths('2027-12-15', 1)).toBe('2028-01-15');
    });
  });

  describe('holiday campaigns (6.8.2.1)', () => {
    it('creates one task per active retiree, due on the holiday and open 14 days before; a second run creates nothing', async () => {
      const service = new VisitService(t.hub.db, at('2027-01-10T02:00:00Z'));
      const admin = (await t.api<{ id: string }[]>('GET', '/api/users')).body[0]?.id as string;
      const first = await service.generateCampaign({ holiday: 'spring_festival', year: 2027 }, admin);
      expect(first.created).toBe(2);
      expect(first.campaign).toMatchObject({
        holidayName: '春节',
        holidayDate: '2027-02-06',
        opensOn: '2027-01-23',
        taskCount: 2,
      });
      const again = await service.generateCampaign({ holiday: 'spring_festival', year: 2027 }, admin);
      expect(again.created).toBe(0);
      expect(again.campaign.id).toBe(first.campaign.id);

      const tasks = await service.tasks({ campaignId: first.campaign.id });
      expect(tasks.map((task) => [task.retireeName, task.dueOn, task.opensOn])).toStrictEqual([
        ['张卫东', '2027-02-06', '2027-01-23'],
        ['李建华', '2027-02-06', '2027-01-23'],
      ]);
      // On the work list from the day it opens, not the day before; overdue after the holiday.
      const provider = new VisitTaskProvider(t.hub.db);
      const ids = new Set(tasks.map((task) => task.id));
      const on = async (date: string) =>
        (await provider.items({ date, ownerId: null })).filter((item) => ids.has(item.id));
      expect(await on('2027-01-22')).toHaveLength(0);
      expect((await on('2027-01-23')).every((item) => !item.overdue)).toBe(true);
      expect(await on('2027-01-23')).toHaveLength(2);
      expect((await on('2027-02-07')).every((item) => item.overdue)).toBe(true);
    });

    it('refuses a holiday that has passed and a year outside the table', async () => {
      const service = new VisitService(t.hub.db, at('2027-08-02T02:00:00Z'));
      await expect(
        service.generateCampaign({ holiday: 'army_day', year: 2027 }, caseworker.id),
      ).rejects.toThrow(/已过/);
      const api = await t.api('POST', '/api/visits/campaigns', { holiday: 'spring_festival', year: 2036 });
      expect(api.status).toBe(400);
    });

    it('generates through the API for the caseworker, idempotently', async () => {
      const body = { holiday: 'national_day', year: 2035, assigneeId: caseworker.id };
      const first = await t.api<CampaignResult>('POST', '/api/visits/campaigns', body, caseworker.token);
      expect(first.status).toBe(200);
      expect(first.body.created).toBe(2);
      expect(first.body.campaign.opensOn).toBe('2035-09-17');
      const second = await t.api<CampaignResult>('POST', '/api/visits/campaigns', body, caseworker.token);
      expect(second.body.created).toBe(0);
    });
  });

  describe('tasks raised by events (6.8.2.2–6.8.2.4)', () => {
    it('a hospital admission raises a visit due within 3 days, open from the day of admission', async () => {
      const created = await admit(b.id, '四川省人民医院', '2026-10-30');
      expect(created.status).toBe(201);
      expect(created.body.task).toMatchObject({
        reason: 'hospital',
        opensOn: '2026-10-30',
        dueOn: '2026-11-02',
        assigneeId: caseworker.id,
        status: 'open',
      });
      const future = await admit(b.id, '某医院', '2099-01-01');
      expect(future.status).toBe(400);
    });

    it('the bedridden get a monthly visit: the next is due one calendar month after the last, across month ends', async () => {
      const service = new VisitService(t.hub.db, at('2027-01-25T02:00:00Z'));
      const flags = await service.setFlags(a.id, { bedridden: true }, caseworker.id);
      expect(flags.bedridden).toBe(true);
      const first = flags.focusTask as VisitTask;
      expect(first).toMatchObject({ reason: 'focus', dueOn: '2027-02-01', opensOn: '2027-01-25' });

      const endOfJanuary = new VisitService(t.hub.db, at('2027-01-31T09:00:00Z'));
      await endOfJanuary.createRecord(
        {
          retireeId: a.id,
          taskId: first.id,
          visitedOn: '2027-01-31',
          mode: 'in_person',
          visitors: ['刘'],
          ...sevenFields,
        },
        caseworker.id,
      );
      const second = (await service.flags(a.id)).focusTask as VisitTask;
      expect(second).toMatchObject({ dueOn: '2027-02-28', opensOn: '2027-02-21', assigneeId: caseworker.id });

      const later = new VisitService(t.hub.db, at('2027-02-28T02:00:00Z'));
      await later.createRecord(
        {
          retireeId: a.id,
          taskId: second.id,
          visitedOn: '2027-02-28',
          mode: 'in_person',
          visitors: ['刘'],
          ...sevenFields,
        },
        caseworker.id,
      );
      const third = (await later.flags(a.id)).focusTask as VisitTask;
      expect(third.dueOn).toBe('2027-03-28');
      expect((await later.tasks({ retireeId: a.id, reason: 'focus', status: 'open' })).length).toBe(1);

      // No longer bedridden: the open focus visit is cancelled and no new one follows.
      const cleared = await later.setFlags(a.id, { bedridden: false }, caseworker.id);
      expect(cleared.focusTask).toBeNull();
      expect((await later.task(third.id)).status).toBe('cancelled');
    });

    it('phone or video completes a task only for a retiree living elsewhere', async () => {
      const flagged = await t.api<LivingFlags>(
        'PATCH',
        `/api/visits/retirees/${b.id}/flags`,
        { solitary: true },
        caseworker.token,
      );
      expect(flagged.status).toBe(200);
      const task = flagged.body.focusTask as VisitTask;
      expect(task.title).toContain('孤老');
      const record = {
        retireeId: b.id,
        taskId: task.id,
        visitedOn: '2026-11-01',
        visitors: ['刘'],
        ...sevenFields,
      };
      const byPhone = await t.api(
        'POST',
        '/api/visits/records',
        { ...record, mode: 'phone' },
        caseworker.token,
      );
      expect(byPhone.status).toBe(400);
      expect((byPhone.body as { message: string }).message).toContain('电话慰问');
      await t.api('PATCH', `/api/visits/retirees/${b.id}/flags`, { livesElsewhere: true }, caseworker.token);
      const ok = await t.api<VisitRecord>(
        'POST',
        '/api/visits/records',
        { ...record, mode: 'video' },
        caseworker.token,
      );
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ reason: 'focus', mode: 'video' });
      const next = await t.api<LivingFlags>(
        'GET',
        `/api/visits/retirees/${b.id}/flags`,
        undefined,
        operator.token,
      );
      expect(next.body.focusTask?.dueOn).toBe('2026-12-01');
    });
  });

  describe('the visit record (6.8.2.5) and follow-ups (6.8.2.6)', () => {
    let hospitalTask: VisitTask;

    it('a task is completed only with all seven fields', async () => {
      hospitalTask = (
        await t.api<VisitTask[]>(
          'GET',
          `/api/visits/tasks?retireeId=${b.id}&reason=hospital`,
          undefined,
          caseworker.token,
        )
      ).body[0] as VisitTask;
      const { family: _family, ...sixFields } = sevenFields;
      const base = {
        retireeId: b.id,
        taskId: hospitalTask.id,
        visitedOn: '2026-11-02',
        mode: 'in_person',
        visitors: ['刘'],
      };
      const missing = await t.api('POST', '/api/visits/records', { ...base, ...sixFields }, caseworker.token);
      expect(missing.status).toBe(400);
      expect((missing.body as { message: string }).message).toContain('family');
      const blank = await t.api(
        'POST',
        '/api/visits/records',
        { ...base, ...sevenFields, hobbies: '   ' },
        caseworker.token,
      );
      expect(blank.status).toBe(400);
      const still = await t.api<VisitTask>(
        'GET',
        `/api/visits/tasks/${hospitalTask.id}`,
        undefined,
        caseworker.token,
      );
      expect(still.body.status).toBe('open');

      const done = await t.api<VisitRecord>(
        'POST',
        '/api/visits/records',
        {
          ...base,
          ...sevenFields,
          problems: [{ description: '希望协调病房陪护', ownerId: caseworker.id, dueOn: '2026-11-03' }],
        },
        caseworker.token,
      );
      expect(done.status).toBe(201);
      expect(done.body.reason).toBe('hospital');
      expect(done.body.followUps).toHaveLength(1);
      expect(done.body.followUps[0]).toMatchObject({
        status: 'open',
        ownerId: caseworker.id,
        dueOn: '2026-11-03',
      });
      const closed = await t.api<VisitTask>(
        'GET',
        `/api/visits/tasks/${hospitalTask.id}`,
        undefined,
        caseworker.token,
      );
      expect(closed.body).toMatchObject({ status: 'done', recordId: done.body.id });
      const twice = await t.api('POST', '/api/visits/records', { ...base, ...sevenFields }, caseworker.token);
      expect(twice.status).toBe(409);
    });

    it('a follow-up due tomorrow is on tomorrow’s work list, not today’s; overdue after; gone once answered', async () => {
      const list = async (date: string, token = caseworker.token) =>
        (await t.api<WorkList>('GET', `/api/worklist?date=${date}`, undefined, token)).body.items.filter(
          (item) => item.source === 'visit_follow_up',
        );
      expect(await list('2026-11-02')).toHaveLength(0);
      const tomorrow = await list('2026-11-03');
      expect(tomorrow).toHaveLength(1);
      expect(tomorrow[0]).toMatchObject({ retireeName: '李建华', dueDate: '2026-11-03', overdue: false });
      expect(tomorrow[0]?.title).toContain('病房陪护');
      const later = await list('2026-11-06');
      expect(later[0]?.overdue).toBe(true);
      // Someone else's list does not show it; the supervisor's all=true does.
      expect(await list('2026-11-03', operator.token)).toHaveLength(0);
      const all = await t.api<WorkList>('GET', '/api/worklist?date=2026-11-03&all=true');
      expect(all.body.owner).toBe('all');
      expect(all.body.items.some((item) => item.id === tomorrow[0]?.id)).toBe(true);

      const id = tomorrow[0]?.id as string;
      const noReply = await t.api(
        'PATCH',
        `/api/visits/follow-ups/${id}`,
        { status: 'done' },
        caseworker.token,
      );
      expect(noReply.status).toBe(400);
      const answered = await t.api<FollowUp>(
        'PATCH',
        `/api/visits/follow-ups/${id}`,
        { status: 'done', reply: '已联系医院安排护工' },
        caseworker.token,
      );
      expect(answered.body).toMatchObject({ status: 'done', reply: '已联系医院安排护工', overdue: false });
      expect(await list('2026-11-06')).toHaveLength(0);
    });

    it('the work list shows visit tasks open by the day, overdue first', async () => {
      const items = (
        await t.api<WorkList>('GET', '/api/worklist?date=2026-12-03', undefined, caseworker.token)
      ).body.items;
      const focus = items.find((item) => item.source === 'visit_task' && item.retireeId === b.id);
      expect(focus).toMatchObject({ dueDate: '2026-12-01', overdue: true });
      expect(items[0]?.overdue).toBe(true);
    });

    it('summarises a period: visits by mode and reason, not visited, follow-ups and the problems raised', async () => {
      const followUps = new FollowUpProvider(t.hub.db);
      expect(await followUps.items({ date: '2026-11-30', ownerId: null })).toHaveLength(0);
      await t.api(
        'POST',
        '/api/visits/records',
        {
          retireeId: b.id,
          visitedOn: '2026-11-10',
          mode: 'in_person',
          visitors: ['刘', '王'],
          ...sevenFields,
          problems: [{ description: '楼道扶手松动', ownerId: caseworker.id, dueOn: '2026-11-12' }],
        },
        caseworker.token,
      );
      const summary = await read<VisitSummary>(
        t,
        '/api/visits/summary?from=2026-11-01&to=2026-11-30',
        operator.token,
      );
      expect(summary).toMatchObject({
        visits: 3,
        byMode: { in_person: 2, phone: 0, video: 1 },
        byReason: { focus: 1, hospital: 1, other: 1 },
        activeRetirees: 2,
        notVisited: [{ retireeId: a.id, retireeName: '张卫东' }],
      });
      expect(summary.followUps).toMatchObject({ raised: 2, done: 1, open: 1, overdue: 1 });
      expect(summary.problems.map((p) => p.description)).toStrictEqual(['希望协调病房陪护', '楼道扶手松动']);
      const backwards = await t.api('GET', '/api/visits/summary?from=2026-11-30&to=2026-11-01');
      expect(backwards.status).toBe(400);
    });
  });

  describe('permissions', () => {
    it('family accounts are stopped by the guard; operators read; caseworkers write', async () => {
      expect(family.token).toBeTruthy();
      for (const path of [
        '/api/visits/tasks',
        '/api/worklist',
        '/api/visits/summary?from=2026-11-01&to=2026-11-30',
      ]) {
        expect((await t.api('GET', path, undefined, family.token)).status).toBe(403);
      }
      expect((await t.api('GET', '/api/visits/tasks', undefined, operator.token)).status).toBe(200);
      expect((await t.api('GET', '/api/visits/records', undefined, operator.token)).status).toBe(200);
      expect((await t.api('GET', '/api/worklist', undefined, operator.token)).status).toBe(200);
      const write = await admit(a.id, '某医院', '2026-11-01', operator.token);
      expect(write.status).toBe(403);
      const flags = await t.api(
        'PATCH',
        `/api/visits/retirees/${a.id}/flags`,
        { solitary: true },
        operator.token,
      );
      expect(flags.status).toBe(403);
      const everyone = await t.api('GET', '/api/worklist?all=true', undefined, caseworker.token);
      expect(everyone.status).toBe(403);
      expect((await t.api('GET', '/api/visits/tasks', undefined, null)).status).toBe(401);
      expect((await t.api('GET', '/api/visits/tasks/not-a-uuid', undefined, caseworker.token)).status).toBe(
        404,
      );
    });
  });
});
