/**
 * The yearly health check (6.5.2.2) and the health record on the records, with a fixed clock: the
 * plan's due, overdue and done lists across the turn of the year (Beijing time), and out-of-town
 * treatment approvals (6.5.2.5).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { HealthRecordStore } from '../../server/medical/health.ts';
import { Treatments } from '../../server/medical/treatments.ts';
import type { User } from '../../server/schemas/auth.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing } from '../helpers/service.ts';

await describeOnEngines((db) => {
  let caseworker: User;
  let supervisor: User;
  let clock = beijing('2025-12-20T10:00:00');
  const now = () => clock;

  const addRetiree = (name: string, status = 'active') =>
    seedRetiree(db, { name, status, gender: 'female', birthDate: '1942-03-08' });

  beforeAll(async () => {
    caseworker = await seedStaff(db, 'cw', '王经办');
    supervisor = await seedStaff(db, 'sup', '刘主任', 'supervisor');
  });

  describe('the yearly health-check plan (6.5.2.2)', () => {
    it('moves from one year to the next at Beijing midnight', async () => {
      const health = new HealthRecordStore(db, now);
      const checkedLate = await addRetiree('甲·年底已检');
      const checkedEarly = await addRetiree('乙·三月检');
      const never = await addRetiree('丙·从未检');
      const scheduled = await addRetiree('丁·排期');
      await addRetiree('戊·已故', 'deceased');

      clock = beijing('2025-12-20T10:00:00');
      await health.addCheck(checkedLate, caseworker, {
        checkedOn: '2025-12-20',
        hospital: '成都军区总医院',
        summary: '血压偏高，余正常',
      });
      await health.addCheck(checkedEarly, caseworker, {
        checkedOn: '2024-03-10',
        hospital: '四川省人民医院',
        summary: '正常',
      });
      await health.schedule(2026, scheduled, '2026-04-15', '集体体检日', supervisor);

      // 31 Dec 2025, 23:30 Beijing (15:30 UTC): still 2025.
      clock = beijing('2025-12-31T23:30:00');
      const late2025 = await health.plan(2025, 'all', 100, 0);
      const state = (plan: typeof late2025, id: string) => plan.items.find((entry) => entry.retireeId === id);
      expect(late2025.today).toBe('2025-12-31');
      expect(state(late2025, checkedLate)).toMatchObject({
        state: 'done',
        check: { checkedOn: '2025-12-20' },
      });
      // Last checked 10 Mar 2024: due on its anniversary, 10 Mar 2025, long past.
      expect(state(late2025, checkedEarly)).toMatchObject({
        state: 'overdue',
        dueOn: '2025-03-10',
        overdue: true,
      });
      // Never checked: due on 31 Dec, and that is today.
      expect(state(late2025, never)).toMatchObject({ state: 'due', dueOn: '2025-12-31', overdue: false });
      expect(late2025.items.map((entry) => entry.retireeName)).not.toContain('戊·已故');

      // 00:30 on 1 Jan 2026 Beijing is still 31 Dec in UTC: the new year has begun at the centre.
      clock = beijing('2026-01-01T00:30:00');
      expect(clock.toISOString().slice(0, 10)).toBe('2025-12-31');
      const past = await health.plan(2025, 'overdue', 100, 0);
      expect(past.items.map((entry) => entry.retireeId)).toEqual(
        expect.arrayContaining([checkedEarly, never, scheduled]),
      );
      expect(past.items.map((entry) => entry.retireeId)).not.toContain(checkedLate);

      const year = await health.plan(2026, 'due', 100, 0);
      expect(year.today).toBe('2026-01-01');
      expect(state(year, checkedLate)).toMatchObject({
        state: 'due',
        dueOn: '2026-12-20',
        lastCheckOn: '2025-12-20',
      });
      expect(state(year, checkedEarly)).toMatchObject({
        state: 'due',
        dueOn: '2026-03-10',
        lastCheckOn: '2024-03-10',
      });
      expect(state(year, never)).toMatchObject({ state: 'due', dueOn: '2026-12-31', lastCheckOn: null });
      expect(state(year, scheduled)).toMatchObject({ state: 'due', dueOn: '2026-04-15', scheduled: true });
      expect(year.counts).toMatchObject({ overdue: 0, done: 0 });
      // Soonest due first.
      expect(year.items.map((entry) => entry.dueOn)).toStrictEqual(
        [...year.items.map((e) => e.dueOn)].sort(),
      );

      // 11 March: the one checked on 10 Mar 2024 is now overdue; a check makes it done.
      clock = beijing('2026-03-11T09:00:00');
      expect(
        (await health.plan(2026, 'overdue', 100, 0)).items.map((entry) => entry.retireeId),
      ).toStrictEqual([checkedEarly]);
      await health.addCheck(checkedEarly, caseworker, {
        checkedOn: '2026-03-11',
        hospital: '四川省人民医院',
        summary: '空腹血糖 6.8 mmol/L，建议复查',
      });
      const done = await health.plan(2026, 'done', 100, 0);
      expect(done.items.map((entry) => entry.retireeId)).toStrictEqual([checkedEarly]);
      expect(done.counts).toMatchObject({ done: 1, overdue: 0 });
      expect((await health.plan(2026, 'due', 2, 0)).items).toHaveLength(2);
    });

    it('keeps conditions, medication, allergies and check results in the health record', async () => {
      clock = beijing('2026-05-01T10:00:00');
      const health = new HealthRecordStore(db, now);
      const id = await addRetiree('己·健康档案');
      const condition = await health.addItem(id, caseworker, {
        kind: 'condition',
        name: '高血压',
        detail: '二级',
        since: '2010-01-01',
      });
      await health.addItem(id, caseworker, {
        kind: 'medication',
        name: '氨氯地平',
        detail: '5mg 每日一次',
        since: null,
      });
      await health.addItem(id, caseworker, { kind: 'allergy', name: '青霉素', detail: '', since: null });
      await health.addCheck(id, caseworker, {
        checkedOn: '2026-04-20',
        hospital: '市三医院',
        summary: '正常',
      });
      const ended = await health.updateItem(id, condition.id, { endedOn: '2026-04-30' });
      expect(ended).toMatchObject({ current: false, endedOn: '2026-04-30', name: '高血压' });
      const record = await health.record(id);
      expect(record?.conditions.map((item) => item.name)).toStrictEqual(['高血压']);
      expect(record?.medication[0]).toMatchObject({
        name: '氨氯地平',
        current: true,
        recordedBy: '王经办',
      });
      expect(record?.allergies[0]?.name).toBe('青霉素');
      expect(record?.checks.map((check) => [check.checkedOn, check.summary])).toStrictEqual([
        ['2026-04-20', '正常'],
      ]);
      expect(await health.record(randomUUID())).toBeNull();
    });
  });

  describe('out-of-town treatment (6.5.2.5)', () => {
    it('is requested, then approved or rejected once, with a note', async () => {
      clock = beijing('2026-05-02T10:00:00');
      const treatments = new Treatments(db, now);
      const id = await addRetiree('庚·外地就医');
      const request = await treatments.create(id, caseworker, {
        hospital: '北京协和医院',
        city: '北京',
        reason: '罕见病会诊',
        from: '2026-05-10',
        to: '2026-05-30',
      });
      expect(request).toMatchObject({ status: 'requested', requestedBy: '王经办', decidedAt: null });
      await expect(treatments.decide(request.id, supervisor, 'reject', '')).rejects.toMatchObject({
        statusCode: 400,
      });
      clock = beijing('2026-05-03T09:00:00');
      const approved = await treatments.decide(request.id, supervisor, 'approve', '同意，按规定报销');
      expect(approved).toMatchObject({
        status: 'approved',
        decidedBy: '刘主任',
        decisionNote: '同意，按规定报销',
        decidedAt: clock.toISOString(),
      });
      await expect(treatments.decide(request.id, supervisor, 'reject', '改变主意')).rejects.toMatchObject({
        statusCode: 409,
      });
      await expect(
        treatments.create(id, caseworker, {
          hospital: 'x',
          city: 'y',
          reason: 'z',
          from: '2026-05-10',
          to: '2026-05-09',
        }),
      ).rejects.toMatchObject({ statusCode: 400 });
      expect((await treatments.list({ status: 'approved', limit: 10 })).map((t) => t.id)).toStrictEqual([
        request.id,
      ]);
    });
  });
});
