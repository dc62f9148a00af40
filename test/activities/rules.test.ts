/**
 * Culture and sport (6.6) on the records of both engines, with a fixed clock: capacity, duplicate
 * sign-ups, a deceased retiree, staff and medical cover before confirmation (6.6.2.5), attendance
 * only once the event has started, interest groups, the station scope and the work-list items.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { ActivityEvents } from '../../server/activities/events.ts';
import { ActivityGroups } from '../../server/activities/groups.ts';
import { ActivityPlans } from '../../server/activities/plans.ts';
import { EventAttendanceProvider, EventCoverProvider } from '../../server/activities/worklist.ts';
import type { User } from '../../server/schemas/auth.ts';
import { WHOLE_CENTRE } from '../../server/store/scope.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing, failure } from '../helpers/service.ts';

await describeOnEngines((db, engine) => {
  let organiser: User;
  let nurse: User;
  let other: User;
  let clock = beijing('2026-03-01T09:00:00');
  const now = () => clock;
  /** Sign-ups list in the order they came: one minute between them. */
  const tick = () => {
    clock = new Date(clock.getTime() + 60_000);
  };
  let events: ActivityEvents;
  let groups: ActivityGroups;

  const addRetiree = (name: string, station = '一站', status = 'active') =>
    seedRetiree(db, { name, station, status });

  const newEvent = (extra: Record<string, unknown> = {}) =>
    events.create(
      {
        title: '春季太极拳展示',
        kind: 'sport',
        startsAt: beijing('2026-03-10T09:00:00').toISOString(),
        endsAt: beijing('2026-03-10T11:00:00').toISOString(),
        place: '中心活动室',
        capacity: 2,
        ...extra,
      },
      organiser.id,
      WHOLE_CENTRE,
    );

  beforeAll(async () => {
    organiser = await seedStaff(db, 'organiser', '李组织');
    nurse = await seedStaff(db, 'nurse', '张护士');
    other = await seedStaff(db, 'other', '王经办');
    events = new ActivityEvents(db, now);
    groups = new ActivityGroups(db, now);
  });

  it('keeps to the capacity (409 when full) and refuses a second sign-up of the same retiree', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const event = await newEvent();
    const [a, b, c] = [await addRetiree('甲'), await addRetiree('乙'), await addRetiree('丙')];
    await events.signUp(event.id, a, organiser.id, WHOLE_CENTRE);
    tick();
    const twice = await failure(events.signUp(event.id, a, organiser.id, WHOLE_CENTRE));
    expect(twice).toStrictEqual({ status: 409, message: '甲已报名该活动' });
    const full = await events.signUp(event.id, b, organiser.id, WHOLE_CENTRE);
    expect(full.signedUp).toBe(2);
    expect(await failure(events.signUp(event.id, c, organiser.id, WHOLE_CENTRE))).toStrictEqual({
      status: 409,
      message: '活动名额已满（2人）',
    });
    // A withdrawal frees the place.
    await events.withdraw(event.id, b, WHOLE_CENTRE);
    tick();
    const after = await events.signUp(event.id, c, organiser.id, WHOLE_CENTRE);
    expect(after.signups.map((s) => [s.retireeName, s.status])).toStrictEqual([
      ['甲', 'signed_up'],
      ['乙', 'withdrawn'],
      ['丙', 'signed_up'],
    ]);
    expect(after.signedUp).toBe(2);
  });

  it('refuses a deceased retiree, an event that started, and an event in the past', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const event = await newEvent({ capacity: 10 });
    const gone = await addRetiree('已故老人', '一站', 'deceased');
    expect(await failure(events.signUp(event.id, gone, organiser.id, WHOLE_CENTRE))).toStrictEqual({
      status: 409,
      message: '已故老人已故，不能报名',
    });
    clock = beijing('2026-03-10T09:00:00');
    const late = await addRetiree('迟到');
    expect((await failure(events.signUp(event.id, late, organiser.id, WHOLE_CENTRE))).status).toBe(409);
    const past = await failure(
      newEvent({
        startsAt: beijing('2026-03-10T08:00:00').toISOString(),
        endsAt: beijing('2026-03-10T10:00:00').toISOString(),
      }),
    );
    expect(past).toStrictEqual({ status: 400, message: 'startsAt: 开始时间必须晚于现在' });
    clock = beijing('2026-03-01T09:00:00');
    const backwards = await failure(newEvent({ endsAt: beijing('2026-03-10T08:00:00').toISOString() }));
    expect(backwards.status).toBe(400);
  });

  it('confirms an event only with staff on duty and medical cover (6.6.2.5)', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const event = await newEvent();
    expect(event.missingCover).toStrictEqual(['staff', 'medical']);
    expect(await failure(events.confirm(event.id, organiser.id, WHOLE_CENTRE))).toStrictEqual({
      status: 409,
      message: '不能确认活动（6.6.2.5）：尚未配备值守工作人员；尚未落实医疗保障',
    });
    await events.setCover(
      event.id,
      { staff: [{ userId: nurse.id, duty: '现场值守' }], medicalCover: '' },
      WHOLE_CENTRE,
    );
    expect(await failure(events.confirm(event.id, organiser.id, WHOLE_CENTRE))).toStrictEqual({
      status: 409,
      message: '不能确认活动（6.6.2.5）：尚未落实医疗保障',
    });
    const unknownStaff = await failure(
      events.setCover(
        event.id,
        { staff: [{ userId: randomUUID() }], medicalCover: '社区卫生服务中心' },
        WHOLE_CENTRE,
      ),
    );
    expect(unknownStaff).toStrictEqual({ status: 400, message: 'staff[0].userId: 没有这名工作人员' });
    await events.setCover(
      event.id,
      { staff: [{ userId: nurse.id, duty: '现场值守' }], medicalCover: '社区卫生服务中心 刘医生随队' },
      WHOLE_CENTRE,
    );
    const confirmed = await events.confirm(event.id, organiser.id, WHOLE_CENTRE);
    expect(confirmed).toMatchObject({ status: 'confirmed', missingCover: [] });
    expect(confirmed.staff).toStrictEqual([{ userId: nurse.id, name: '张护士', duty: '现场值守' }]);
    // A confirmed event keeps its cover.
    const strip = await failure(events.setCover(event.id, { staff: [], medicalCover: '有' }, WHOLE_CENTRE));
    expect(strip.status).toBe(409);
    expect((await failure(events.confirm(event.id, organiser.id, WHOLE_CENTRE))).status).toBe(409);
  });

  it('records attendance once the confirmed event has started, never before', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const event = await newEvent({
      staff: [{ userId: nurse.id }],
      medicalCover: '医务室 赵医生',
    });
    const unconfirmed = await newEvent({ title: '未确认的活动' });
    const a = await addRetiree('出勤甲');
    const b = await addRetiree('出勤乙');
    const stranger = await addRetiree('未报名');
    await events.signUp(event.id, a, organiser.id, WHOLE_CENTRE);
    tick();
    await events.signUp(event.id, b, organiser.id, WHOLE_CENTRE);
    await events.signUp(unconfirmed.id, a, organiser.id, WHOLE_CENTRE);
    await events.confirm(event.id, organiser.id, WHOLE_CENTRE);
    const entries = [
      { retireeId: a, attendance: 'present' as const },
      { retireeId: b, attendance: 'excused' as const, note: '身体不适' },
    ];

    clock = beijing('2026-03-10T08:59:59');
    expect(
      await failure(events.recordAttendance(event.id, { entries }, organiser.id, WHOLE_CENTRE)),
    ).toStrictEqual({
      status: 409,
      message: '活动尚未开始，不能登记出勤',
    });
    clock = beijing('2026-03-10T10:30:00');
    expect(
      (
        await failure(
          events.recordAttendance(unconfirmed.id, { entries: [entries[0]!] }, organiser.id, WHOLE_CENTRE),
        )
      ).status,
    ).toBe(409);
    const notSigned = await failure(
      events.recordAttendance(
        event.id,
        { entries: [...entries, { retireeId: stranger, attendance: 'present' }] },
        organiser.id,
        WHOLE_CENTRE,
      ),
    );
    expect(notSigned).toStrictEqual({
      status: 400,
      message: 'entries[2].retireeId: 该军休干部未报名此活动',
    });
    // The rejected call changed nothing.
    expect((await events.byId(event.id, WHOLE_CENTRE)).signups.every((s) => s.attendance === null)).toBe(
      true,
    );

    const recorded = await events.recordAttendance(event.id, { entries }, organiser.id, WHOLE_CENTRE);
    expect(recorded.attendanceRecordedAt).toBe(clock.toISOString());
    expect(recorded.signups.map((s) => [s.retireeName, s.attendance, s.attendanceNote])).toStrictEqual([
      ['出勤甲', 'present', ''],
      ['出勤乙', 'excused', '身体不适'],
    ]);
  });

  it('lists events soon to start without cover, and past events without attendance, for their organiser', async () => {
    clock = beijing('2026-04-01T09:00:00');
    const bare = await newEvent({
      title: '书法讲座',
      startsAt: beijing('2026-04-08T14:00:00').toISOString(),
      endsAt: beijing('2026-04-08T16:00:00').toISOString(),
      staff: [{ userId: nurse.id }],
    });
    const covered = await newEvent({
      title: '合唱排练',
      startsAt: beijing('2026-04-03T14:00:00').toISOString(),
      endsAt: beijing('2026-04-03T16:00:00').toISOString(),
      staff: [{ userId: nurse.id }],
      medicalCover: '医务室',
      ownerId: other.id,
    });
    await events.confirm(covered.id, other.id, WHOLE_CENTRE);
    const cover = new EventCoverProvider(db);
    const attendance = new EventAttendanceProvider(db);
    const ids = async (
      provider: EventCoverProvider | EventAttendanceProvider,
      date: string,
      ownerId: string | null,
    ) =>
      (await provider.items({ date, ownerId })).map((item) => [
        item.id,
        item.title,
        item.dueDate,
        item.overdue,
      ]);

    // 8 April is more than 7 days after 31 March; from 1 April it shows.
    expect(await ids(cover, '2026-03-31', organiser.id)).toStrictEqual([]);
    expect(await ids(cover, '2026-04-01', organiser.id)).toStrictEqual([
      [bare.id, '文体活动待落实医疗保障：书法讲座', '2026-04-08', false],
    ]);
    expect(await ids(cover, '2026-04-01', other.id)).toStrictEqual([]);
    expect(await ids(cover, '2026-04-09', organiser.id)).toStrictEqual([]);

    expect(await ids(attendance, '2026-04-02', other.id)).toStrictEqual([]);
    expect(await ids(attendance, '2026-04-03', other.id)).toStrictEqual([
      [covered.id, '文体活动待登记出勤：合唱排练', '2026-04-03', false],
    ]);
    expect(await ids(attendance, '2026-04-05', other.id)).toStrictEqual([
      [covered.id, '文体活动待登记出勤：合唱排练', '2026-04-03', true],
    ]);
    clock = beijing('2026-04-03T16:30:00');
    const member = await addRetiree('排练成员');
    await db.query(`insert into activity_signups (event_id, retiree_id) values ($1, $2)`, [
      covered.id,
      member,
    ]);
    await events.recordAttendance(
      covered.id,
      { entries: [{ retireeId: member, attendance: 'present' }] },
      other.id,
      WHOLE_CENTRE,
    );
    expect(await ids(attendance, '2026-04-05', other.id)).toStrictEqual([]);
  });

  it('shows and signs up only the retirees of a caseworker’s station', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const event = await newEvent({ capacity: 5 });
    const mine = await addRetiree('本站老人', '一站');
    const theirs = await addRetiree('他站老人', '二站');
    await events.signUp(event.id, theirs, organiser.id, WHOLE_CENTRE);
    const station = { station: '一站' };
    expect((await failure(events.signUp(event.id, theirs, organiser.id, station))).status).toBe(404);
    const seen = await events.signUp(event.id, mine, organiser.id, station);
    expect(seen.signups.map((s) => s.retireeName)).toStrictEqual(['本站老人']);
    expect(seen.signedUp).toBe(2);
  });

  it('keeps interest groups with a leader and members who join and leave', async () => {
    clock = beijing('2026-03-01T09:00:00');
    const leader = await addRetiree('组长');
    const member = await addRetiree('组员');
    const gone = await addRetiree('故去组员', '一站', 'deceased');
    const group = await groups.create(
      { name: `书法小组${engine.name}`, kind: 'calligraphy', leaderId: leader, meets: '每周三上午' },
      organiser.id,
      WHOLE_CENTRE,
    );
    expect(group).toMatchObject({ kindName: '书法', leaderName: '组长', memberCount: 1 });
    const twice = await failure(
      groups.create({ name: `书法小组${engine.name}`, kind: 'calligraphy' }, organiser.id, WHOLE_CENTRE),
    );
    expect(twice.status).toBe(409);
    await groups.addMember(
      group.id,
      { retireeId: member, joinedOn: '2026-02-01' },
      organiser.id,
      WHOLE_CENTRE,
    );
    expect(
      (await failure(groups.addMember(group.id, { retireeId: member }, organiser.id, WHOLE_CENTRE))).status,
    ).toBe(409);
    expect(
      await failure(groups.addMember(group.id, { retireeId: gone }, organiser.id, WHOLE_CENTRE)),
    ).toStrictEqual({ status: 409, message: '故去组员已故，不能加入兴趣小组' });
    expect(
      (
        await failure(
          groups.addMember(
            group.id,
            { retireeId: member, joinedOn: '2026-03-02' },
            organiser.id,
            WHOLE_CENTRE,
          ),
        )
      ).status,
    ).toBe(400);
    const left = await groups.removeMember(group.id, member, { leftOn: '2026-02-20' }, WHOLE_CENTRE);
    expect(left.memberCount).toBe(1);
    expect(left.members.find((m) => m.retireeId === member)).toMatchObject({
      leftOn: '2026-02-20',
      current: false,
    });
  });

  it('keeps one plan a year with items by age, health and skills', async () => {
    const plans = new ActivityPlans(db);
    const plan = await plans.create({ year: 2026, title: '2026年文体活动计划' }, organiser.id);
    expect((await failure(plans.create({ year: 2026, title: '重复' }, organiser.id))).status).toBe(409);
    const item = {
      title: '老年大学书画班',
      kind: 'study',
      month: 3,
      ageGroup: 'from_80_to_89',
      health: 'limited',
      skills: '书法、国画',
    } as const;
    const withItem = await plans.addItem(plan.id, item);
    expect(withItem.items).toStrictEqual([
      {
        id: expect.any(String),
        ...item,
        notes: '',
      },
    ]);
  });
});
