import { beforeAll, describe, expect, it } from 'vitest';
import { type RetireeFacts, retireeFacts } from '../../server/abroad/requests.ts';
import { AbroadStays } from '../../server/abroad/stays.ts';
import { SuspensionWatch } from '../../server/abroad/watch.ts';
import type { PensionSuspension } from '../../server/schemas/abroad.ts';
import type { User } from '../../server/schemas/auth.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing } from '../helpers/service.ts';

/** A moment on the centre's clock (Beijing time). */

await describeOnEngines((db) => {
  let caseworker: User;
  let supervisor: User;
  let clock = beijing('2026-01-31T10:00:00');
  const now = () => clock;

  async function addRetiree(name: string, rank = '团级'): Promise<RetireeFacts> {
    return (await retireeFacts(db, await seedRetiree(db, { name, rank }))) as RetireeFacts;
  }

  beforeAll(async () => {
    caseworker = await seedStaff(db, 'cw', '王经办');
    supervisor = await seedStaff(db, 'sup', '刘主任', 'supervisor');
  });

  describe('retirees abroad (6.4.2.4)', () => {
    it('dues the first contact a calendar month after departure, and lists it once overdue', async () => {
      clock = beijing('2026-01-31T10:00:00');
      const stays = new AbroadStays(db, now);
      const retiree = await addRetiree('陈立新');
      const stay = await stays.markAbroad(retiree, caseworker, {
        departedOn: '2026-01-31',
        destination: '澳大利亚',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      expect(stay).toMatchObject({
        state: 'abroad',
        nextContactDue: '2026-02-28',
        overdue: false,
        suspension: null,
      });
      expect((await retireeFacts(db, retiree.id))?.status).toBe('abroad');

      clock = beijing('2026-02-28T23:59:00');
      expect((await stays.overdue()).map((entry) => entry.id)).not.toContain(stay.id);
      clock = beijing('2026-03-01T00:01:00');
      const overdue = await stays.overdue();
      expect(overdue.find((entry) => entry.id === stay.id)).toMatchObject({
        overdue: true,
        daysOverdue: 1,
      });

      // A contact on the last day of March: next due on 30 April.
      clock = beijing('2026-03-31T20:00:00');
      const contacted = await stays.addContact(stay.id, caseworker, {
        at: beijing('2026-03-31T19:30:00'),
        channel: 'video',
        note: '身体很好，预计年底回国',
      });
      expect(contacted).toMatchObject({
        nextContactDue: '2026-04-30',
        overdue: false,
        silentSince: '2026-03-31',
      });
      expect(contacted.contacts[0]).toMatchObject({
        channel: 'video',
        by: '王经办',
        note: '身体很好，预计年底回国',
      });
    });

    it('refuses a contact before departure or in the future, and a second stay at once', async () => {
      clock = beijing('2026-05-10T10:00:00');
      const stays = new AbroadStays(db, now);
      const retiree = await addRetiree('赵永福');
      const stay = await stays.markAbroad(retiree, caseworker, {
        departedOn: '2026-05-01',
        destination: '美国',
        expectedReturnOn: '2026-12-01',
        note: '',
        requestId: null,
      });
      await expect(
        stays.addContact(stay.id, caseworker, {
          at: beijing('2026-04-30T10:00:00'),
          channel: 'phone',
          note: '',
        }),
      ).rejects.toMatchObject({ statusCode: 400 });
      await expect(
        stays.addContact(stay.id, caseworker, {
          at: beijing('2026-05-11T10:00:00'),
          channel: 'phone',
          note: '',
        }),
      ).rejects.toMatchObject({ statusCode: 400 });
      await expect(
        stays.markAbroad(retiree, caseworker, {
          departedOn: '2026-05-02',
          destination: '美国',
          expectedReturnOn: null,
          note: '',
          requestId: null,
        }),
      ).rejects.toMatchObject({ statusCode: 409 });
      await expect(
        stays.markAbroad(await addRetiree('钱未来'), caseworker, {
          departedOn: '2026-05-11',
          destination: '美国',
          expectedReturnOn: null,
          note: '',
          requestId: null,
        }),
      ).rejects.toMatchObject({ statusCode: 400 });
    });

    it('suspends the pension after six months without contact, and only a decision clears it', async () => {
      clock = beijing('2026-03-01T09:00:00');
      const stays = new AbroadStays(db, now);
      const flags: PensionSuspension[] = [];
      const watch = new SuspensionWatch(stays, {
        clock: now,
        centreName: '成都市第一军休服务管理中心',
        onFlag: (suspension) => flags.push(suspension),
      });
      const retiree = await addRetiree('孙建军', '师级');
      const stay = await stays.markAbroad(retiree, caseworker, {
        departedOn: '2026-01-31',
        destination: '新西兰',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      await stays.addContact(stay.id, caseworker, {
        at: beijing('2026-03-01T08:30:00'),
        channel: 'phone',
        note: '',
      });

      // Silent since 1 March: not yet on 31 August, flagged on 1 September (six months, 含).
      expect((await watch.check(beijing('2026-08-31T23:00:00'))).map((s) => s.stayId)).not.toContain(stay.id);
      clock = beijing('2026-09-01T01:00:00');
      const flagged = (await watch.check(clock)).find((s) => s.stayId === stay.id);
      expect(flagged).toMatchObject({
        retireeName: '孙建军',
        flaggedOn: '2026-09-01',
        silentSince: '2026-03-01',
        months: 6,
        active: true,
      });
      expect(flagged?.report).toContain('孙建军（师级）于2026年1月31日出国（境）前往新西兰');
      expect(flagged?.report).toContain('最后一次联系为2026年3月1日（电话）');
      expect(flagged?.report).toContain('已失联6个月');
      expect(flags.map((s) => s.id)).toContain(flagged?.id);
      // A second pass raises no second flag for the same silence.
      expect((await watch.check(clock)).map((s) => s.stayId)).not.toContain(stay.id);

      // The retiree calls: the contact is logged, the flag stays.
      clock = beijing('2026-09-02T10:00:00');
      const after = await stays.addContact(stay.id, caseworker, {
        at: beijing('2026-09-02T09:40:00'),
        channel: 'message',
        note: '本人微信回复，身体尚可',
      });
      expect(after.suspension).toMatchObject({ id: flagged?.id, active: true });
      expect(await stays.suspensions({ active: true, retireeId: retiree.id })).toHaveLength(1);

      // The decision clears it, with who, when and why; it cannot be cleared twice.
      clock = beijing('2026-09-03T15:00:00');
      const cleared = await stays.clearSuspension(
        flagged?.id as string,
        supervisor,
        '已核实本人情况，恢复发放',
      );
      expect(cleared).toMatchObject({
        active: false,
        clearedBy: '刘主任',
        clearReason: '已核实本人情况，恢复发放',
        clearedAt: clock.toISOString(),
      });
      await expect(stays.clearSuspension(cleared.id, supervisor, '再次')).rejects.toMatchObject({
        statusCode: 409,
      });
      expect((await stays.byId(stay.id))?.suspension).toBeNull();

      // Silence counts again from the decision: not flagged before six more months have passed.
      expect((await watch.check(beijing('2027-03-02T12:00:00'))).map((s) => s.stayId)).not.toContain(stay.id);
      const again = (await watch.check(beijing('2027-03-03T12:00:00'))).find((s) => s.stayId === stay.id);
      expect(again).toMatchObject({ silentSince: '2026-09-03', months: 6, active: true });
      expect((await stays.byId(stay.id))?.suspensions).toHaveLength(2);
    });

    it('a return closes the stay but leaves an active flag for a decision', async () => {
      clock = beijing('2026-09-01T10:00:00');
      const stays = new AbroadStays(db, now);
      const retiree = await addRetiree('周明');
      const stay = await stays.markAbroad(retiree, caseworker, {
        departedOn: '2026-02-15',
        destination: '日本',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      const [flag] = (await stays.check(clock, '中心')).filter((s) => s.stayId === stay.id);
      expect(flag?.months).toBe(6);
      await expect(stays.returnHome(stay.id, caseworker, '2026-02-14', '')).rejects.toMatchObject({
        statusCode: 400,
      });
      const back = await stays.returnHome(stay.id, caseworker, '2026-09-01', '已回国报到');
      expect(back).toMatchObject({ state: 'returned', returnedOn: '2026-09-01' });
      expect(back).toMatchObject({ nextContactDue: null, overdue: false, suspension: { active: true } });
      expect((await retireeFacts(db, retiree.id))?.status).toBe('active');
      // Back home: the check no longer looks at this stay, and it is off the list of those abroad.
      expect((await stays.check(beijing('2027-09-01T10:00:00'), '中心')).map((s) => s.stayId)).not.toContain(
        stay.id,
      );
      expect((await stays.list({ state: 'abroad' })).map((s) => s.id)).not.toContain(stay.id);
      expect((await stays.list({ state: 'returned' })).map((s) => s.id)).toContain(stay.id);
    });

    it('runs on a schedule with its own timer: a pass at start, stopped cleanly', async () => {
      clock = beijing('2026-06-01T10:00:00');
      const stays = new AbroadStays(db, now);
      const retiree = await addRetiree('吴海');
      const stay = await stays.markAbroad(retiree, caseworker, {
        departedOn: '2025-11-30',
        destination: '英国',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      const flags: PensionSuspension[] = [];
      const watch = new SuspensionWatch(stays, {
        clock: now,
        centreName: '中心',
        intervalMs: 60_000,
        onFlag: (suspension) => flags.push(suspension),
      });
      watch.start();
      await watch.stop();
      // 30 Nov + 6 months = 30 May: due by 1 June.
      expect(flags.find((s) => s.stayId === stay.id)).toMatchObject({
        silentSince: '2025-11-30',
        months: 6,
      });
    });
  });
});
