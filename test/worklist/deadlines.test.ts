/**
 * The deadlines the work list gathers from the abroad, medical and service records: on which day
 * each item appears, when it is overdue, when it leaves the list, and on whose list it is.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AbroadRequests, type RetireeFacts, retireeFacts } from '../../server/abroad/requests.ts';
import { AbroadStays } from '../../server/abroad/stays.ts';
import { AbroadWorkProvider } from '../../server/abroad/worklist.ts';
import { HealthRecordStore } from '../../server/medical/health.ts';
import { Treatments } from '../../server/medical/treatments.ts';
import { MedicalWorkProvider } from '../../server/medical/worklist.ts';
import { RequestStore } from '../../server/requests/store.ts';
import { RequestWorkProvider } from '../../server/requests/worklist.ts';
import type { User } from '../../server/schemas/auth.ts';
import type { WorkItem } from '../../server/schemas/worklist.ts';
import type { WorkListProvider } from '../../server/worklist/provider.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing } from '../helpers/service.ts';

await describeOnEngines((db) => {
  let caseworker: User;
  let supervisor: User;
  let operator: User;
  let clock = beijing('2026-01-31T10:00:00');
  const now = () => clock;

  beforeAll(async () => {
    caseworker = await seedStaff(db, 'cw', '王经办');
    supervisor = await seedStaff(db, 'sup', '刘主任', 'supervisor');
    operator = await seedStaff(db, 'op', '值班员', 'operator');
  });

  /** The items of `provider` about `retireeId` (or with `id`) on `date`, as `viewer` sees them (null: everyone's). */
  async function itemsOf(
    provider: WorkListProvider,
    date: string,
    viewer: User | null,
    match: { retireeId?: string; id?: string },
  ): Promise<WorkItem[]> {
    const items = await provider.items({ date, ownerId: viewer?.id ?? null, role: viewer?.role ?? null });
    return items.filter(
      (item) =>
        (match.retireeId === undefined || item.retireeId === match.retireeId) &&
        (match.id === undefined || item.id === match.id),
    );
  }

  async function retiree(name: string, rank = '团级'): Promise<RetireeFacts> {
    return (await retireeFacts(db, await seedRetiree(db, { name, rank }))) as RetireeFacts;
  }

  describe('retirees abroad (6.4.2.4)', () => {
    it('lists the monthly contact from its due day, overdue after it, and moves it on with a contact', async () => {
      clock = beijing('2026-01-31T10:00:00');
      const stays = new AbroadStays(db, now);
      const provider = new AbroadWorkProvider(db);
      const person = await retiree('陈立新');
      const stay = await stays.markAbroad(person, caseworker, {
        departedOn: '2026-01-31',
        destination: '澳大利亚',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      const contact = (date: string, viewer: User | null = caseworker) =>
        itemsOf(provider, date, viewer, { id: stay.id });

      expect(await contact('2026-02-27')).toEqual([]);
      expect(await contact('2026-02-28')).toEqual([
        expect.objectContaining({
          source: 'abroad_contact',
          retireeId: person.id,
          retireeName: '陈立新',
          dueDate: '2026-02-28',
          overdue: false,
          title: expect.stringContaining('澳大利亚'),
        }),
      ]);
      expect((await contact('2026-03-01'))[0]).toMatchObject({ dueDate: '2026-02-28', overdue: true });
      // The monitoring desk keeps no abroad records: not on an operator's list.
      expect(await contact('2026-03-01', operator)).toEqual([]);
      expect(await contact('2026-03-01', null)).toHaveLength(1);

      clock = beijing('2026-03-31T20:00:00');
      await stays.addContact(stay.id, caseworker, {
        at: beijing('2026-03-31T19:30:00'),
        channel: 'phone',
        note: '一切安好',
      });
      expect(await contact('2026-04-29')).toEqual([]);
      expect((await contact('2026-04-30'))[0]).toMatchObject({ dueDate: '2026-04-30', overdue: false });

      clock = beijing('2026-05-02T10:00:00');
      await stays.returnHome(stay.id, caseworker, '2026-05-02', '回国');
      expect(await contact('2026-05-03')).toEqual([]);
    });

    it('lists a pension suspension the check raised until it is cleared', async () => {
      clock = beijing('2025-06-01T10:00:00');
      const stays = new AbroadStays(db, now);
      const provider = new AbroadWorkProvider(db);
      const person = await retiree('赵永福');
      await stays.markAbroad(person, caseworker, {
        departedOn: '2025-06-01',
        destination: '加拿大',
        expectedReturnOn: null,
        note: '',
        requestId: null,
      });
      clock = beijing('2025-12-01T09:00:00');
      const [flag] = (await stays.check(clock, '测试军休所')).filter(
        (entry) => entry.retireeId === person.id,
      );
      expect(flag).toBeDefined();
      const suspension = (date: string, viewer: User | null = caseworker) =>
        itemsOf(provider, date, viewer, { id: flag?.id as string });

      expect(await suspension('2025-12-01')).toEqual([
        expect.objectContaining({
          source: 'pension_suspension',
          retireeId: person.id,
          dueDate: '2025-12-01',
          overdue: false,
          title: expect.stringContaining('失联6个月'),
        }),
      ]);
      expect((await suspension('2025-12-02'))[0]?.overdue).toBe(true);
      expect(await suspension('2025-12-02', operator)).toEqual([]);

      await stays.clearSuspension(flag?.id as string, supervisor, '已取得联系，情况属实');
      expect(await suspension('2025-12-02')).toEqual([]);
    });

    it('lists a request on the lists of the roles that take its next step, until it is closed', async () => {
      clock = beijing('2026-03-02T09:00:00');
      const requests = new AbroadRequests(db, now);
      const provider = new AbroadWorkProvider(db);
      const division = await retiree('孙建军', '师级');
      const request = await requests.create(
        division,
        caseworker,
        {
          kind: 'travel',
          destination: '新加坡',
          purpose: '探亲',
          departDate: '2026-04-01',
          returnDate: '2026-04-20',
        },
        '',
      );
      const approval = (date: string, viewer: User | null) =>
        itemsOf(provider, date, viewer, { id: request.id });

      // 师级 travel: the centre head's opinion first (supervisor or admin), not a caseworker's step.
      expect(await approval('2026-03-02', caseworker)).toEqual([]);
      expect(await approval('2026-03-02', supervisor)).toEqual([
        expect.objectContaining({
          source: 'abroad_approval',
          retireeId: division.id,
          dueDate: '2026-03-09',
          overdue: false,
          title: expect.stringContaining('军休机构主要负责人签署意见'),
        }),
      ]);
      expect((await approval('2026-03-10', supervisor))[0]?.overdue).toBe(true);
      expect(await approval('2026-03-01', supervisor)).toEqual([]);

      // After the opinion, the superior department's decision is recorded by an admin: no longer the supervisor's.
      await requests.recordStep(request.id, supervisor, {
        step: 'centre_opinion',
        decision: 'agree',
        note: '同意',
        documentNo: null,
        documentDate: null,
      });
      expect(await approval('2026-03-03', supervisor)).toEqual([]);
      expect(await approval('2026-03-03', null)).toEqual([
        expect.objectContaining({ title: expect.stringContaining('上级退役军人事务部门审批') }),
      ]);

      // 团级 travel is filed by any staff who keeps the records, a caseworker among them.
      const regiment = await retiree('周海', '团级');
      const filing = await requests.create(
        regiment,
        caseworker,
        {
          kind: 'travel',
          destination: '泰国',
          purpose: '旅游',
          departDate: '2026-05-01',
          returnDate: '2026-05-08',
        },
        '',
      );
      expect(await itemsOf(provider, '2026-03-02', caseworker, { id: filing.id })).toHaveLength(1);
      await requests.withdraw(filing.id, caseworker, '行程取消');
      expect(await itemsOf(provider, '2026-03-02', caseworker, { id: filing.id })).toEqual([]);
    });
  });

  describe('medical care (6.5)', () => {
    it('lists the yearly health check from 30 days before its due date until a check is recorded', async () => {
      clock = beijing('2026-01-10T10:00:00');
      const health = new HealthRecordStore(db, now);
      const provider = new MedicalWorkProvider(db);
      const id = (await retiree('钱德明')).id;
      await health.addCheck(id, caseworker, {
        checkedOn: '2025-07-15',
        hospital: '省人民医院',
        summary: '正常',
      });
      const check = (date: string, viewer: User | null = caseworker) =>
        itemsOf(provider, date, viewer, { retireeId: id });

      // Due on the anniversary of last year's check.
      expect(await check('2026-06-14')).toEqual([]);
      expect(await check('2026-06-15')).toEqual([
        expect.objectContaining({
          source: 'health_check',
          dueDate: '2026-07-15',
          overdue: false,
          title: expect.stringContaining('上次体检 2025-07-15'),
        }),
      ]);
      expect((await check('2026-07-16'))[0]?.overdue).toBe(true);
      expect(await check('2026-07-16', operator)).toEqual([]);

      // The plan may set another day.
      await health.schedule(2026, id, '2026-09-30', '集中体检', supervisor);
      expect(await check('2026-07-16')).toEqual([]);
      expect((await check('2026-09-01'))[0]).toMatchObject({ dueDate: '2026-09-30', overdue: false });

      clock = beijing('2026-09-20T10:00:00');
      await health.addCheck(id, caseworker, {
        checkedOn: '2026-09-20',
        hospital: '省人民医院',
        summary: '正常',
      });
      expect(await check('2026-09-30')).toEqual([]);
    });

    it('dues a retiree never checked on 31 December, and leaves out those abroad or deceased', async () => {
      const provider = new MedicalWorkProvider(db);
      const never = (await retiree('吴国华')).id;
      const away = await seedRetiree(db, { name: '郑卫东', status: 'abroad' });
      const gone = await seedRetiree(db, { name: '冯志远', status: 'deceased' });
      expect(await itemsOf(provider, '2026-11-30', caseworker, { retireeId: never })).toEqual([]);
      expect((await itemsOf(provider, '2026-12-01', caseworker, { retireeId: never }))[0]).toMatchObject({
        dueDate: '2026-12-31',
        title: expect.stringContaining('尚无体检记录'),
      });
      for (const other of [away, gone]) {
        expect(await itemsOf(provider, '2026-12-31', caseworker, { retireeId: other })).toEqual([]);
      }
    });

    it('lists a treatment request for those who decide, due a week on or when the treatment starts', async () => {
      clock = beijing('2026-04-01T10:00:00');
      const treatments = new Treatments(db, now);
      const provider = new MedicalWorkProvider(db);
      const id = (await retiree('蒋立')).id;
      const soon = await treatments.create(id, caseworker, {
        hospital: '华西医院',
        city: '成都',
        reason: '复查',
        from: '2026-04-04',
        to: '2026-04-10',
      });
      const later = await treatments.create(id, caseworker, {
        hospital: '协和医院',
        city: '北京',
        reason: '手术',
        from: '2026-06-01',
        to: '2026-06-20',
      });
      const request = (treatmentId: string, date: string, viewer: User | null) =>
        itemsOf(provider, date, viewer, { id: treatmentId });

      expect(await request(soon.id, '2026-04-01', caseworker)).toEqual([]);
      expect(await request(soon.id, '2026-04-01', supervisor)).toEqual([
        expect.objectContaining({ source: 'treatment_approval', dueDate: '2026-04-04', overdue: false }),
      ]);
      expect((await request(later.id, '2026-04-01', supervisor))[0]).toMatchObject({ dueDate: '2026-04-08' });
      expect((await request(later.id, '2026-04-09', supervisor))[0]?.overdue).toBe(true);

      await treatments.decide(soon.id, supervisor, 'approve', '同意');
      expect(await request(soon.id, '2026-04-02', supervisor)).toEqual([]);
    });
  });

  describe('service requests and test presses (6.12)', () => {
    async function pendant(retireeId: string): Promise<string> {
      const id = `pendant-${randomUUID().slice(0, 8)}`;
      await db.query(
        `insert into devices (id, type, secret_hash, retiree_id, created_at) values ($1, 'pendant.sos', 'x', $2, $3)`,
        [id, retireeId, beijing('2026-02-01T10:00:00')],
      );
      return id;
    }

    it('lists a request for everyone who handles them until it is assigned, then on its handler’s list', async () => {
      const store = new RequestStore(db);
      const provider = new RequestWorkProvider(db);
      const person = (await retiree('韩守仁')).id;
      const device = await pendant(person);
      const made = await store.create({
        retireeId: person,
        deviceId: device,
        eventId: 'e1',
        at: beijing('2026-02-03T08:30:00'),
      });
      const id = made?.id as string;
      const request = (date: string, viewer: User | null) => itemsOf(provider, date, viewer, { id });

      expect(await request('2026-02-02', operator)).toEqual([]);
      for (const viewer of [operator, caseworker]) {
        expect(await request('2026-02-03', viewer)).toEqual([
          expect.objectContaining({ source: 'service_request', dueDate: '2026-02-03', overdue: false }),
        ]);
      }
      expect((await request('2026-02-04', operator))[0]?.overdue).toBe(true);

      // Assigned by the operator to the caseworker: now the caseworker's, due three days on.
      await store.update(
        id,
        { status: 'assigned', provider: '志愿者', kind: '代购', handlerId: caseworker.id },
        beijing('2026-02-04T09:00:00'),
        operator.id,
      );
      expect(await request('2026-02-04', operator)).toEqual([]);
      expect(await request('2026-02-04', caseworker)).toEqual([
        expect.objectContaining({
          dueDate: '2026-02-07',
          overdue: false,
          title: expect.stringContaining('代购'),
        }),
      ]);
      expect((await store.byId(id))?.handlerName).toBe('王经办');

      await store.update(id, { status: 'done', rating: 5 }, beijing('2026-02-05T09:00:00'), caseworker.id);
      expect(await request('2026-02-05', caseworker)).toEqual([]);
    });

    it('makes whoever assigns a request its handler when none is named, and refuses one that is not staff', async () => {
      const store = new RequestStore(db);
      const person = (await retiree('曹宏')).id;
      const device = await pendant(person);
      const made = await store.create({ retireeId: person, deviceId: device, eventId: 'e2', at: new Date() });
      const id = made?.id as string;
      await expect(
        store.update(id, { status: 'assigned', handlerId: randomUUID() }, new Date(), operator.id),
      ).rejects.toMatchObject({ statusCode: 400 });
      expect((await store.byId(id))?.status).toBe('requested');
      const assigned = await store.update(
        id,
        { status: 'assigned', provider: '物业' },
        new Date(),
        operator.id,
      );
      expect(assigned).toMatchObject({ handlerId: operator.id, handlerName: '值班员' });
    });

    it('lists a device never test-pressed from its registration, and a tested one 30 days on', async () => {
      const store = new RequestStore(db);
      const provider = new RequestWorkProvider(db);
      const person = (await retiree('彭光明')).id;
      const device = await pendant(person);
      const test = (date: string, viewer: User | null = operator) =>
        itemsOf(provider, date, viewer, { id: device });

      expect(await test('2026-01-31')).toEqual([]);
      expect(await test('2026-02-01')).toEqual([
        expect.objectContaining({
          source: 'button_test',
          dueDate: '2026-02-01',
          overdue: false,
          title: expect.stringContaining('从未测试'),
        }),
      ]);
      expect((await test('2026-02-02', caseworker))[0]?.overdue).toBe(true);

      await store.recordTest(device, beijing('2026-02-10T10:00:00'));
      expect(await test('2026-03-11')).toEqual([]);
      expect((await test('2026-03-12'))[0]).toMatchObject({ dueDate: '2026-03-12', overdue: false });
    });
  });
});
