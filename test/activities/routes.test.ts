/**
 * Culture and sport (6.6) through the HTTP API of a real hub: who may read and write, bad input,
 * the Excel exports read back, and the organiser's work list.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { ActivityEvent, ActivityGroup } from '../../server/schemas/activities.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

/** Noon (Beijing) `days` from today, as an ISO timestamp. */
function noonIn(days: number, hour = 12): string {
  return new Date(
    `${addDays(centreDay(new Date()), days)}T${String(hour).padStart(2, '0')}:00:00+08:00`,
  ).toISOString();
}

async function sheetRows(
  t: TestHub,
  path: string,
  token: string,
): Promise<{ status: number; rows: unknown[][] }> {
  const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) return { status: response.status, rows: [] };
  expect(response.headers.get('content-type')).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { status: 200, rows };
}

describe('culture and sport through the API', () => {
  let t: TestHub;
  let caseworker: { id: string; token: string };
  let operator: { id: string; token: string };
  let supervisor: { id: string; token: string };
  let familyToken: string;
  let a: Retiree;
  let b: Retiree;

  beforeAll(async () => {
    t = await startTestHub();
    caseworker = await t.addStaff('cw.activities', 'caseworker');
    operator = await t.addStaff('op.activities', 'operator');
    supervisor = await t.addStaff('sup.activities', 'supervisor');
    a = await t.addRetiree({ name: '文体甲' });
    b = await t.addRetiree({ name: '文体乙' });
    familyToken = await t.addFamily(a, 'family.activities');
  });

  afterAll(async () => {
    await t?.stop();
  });

  const eventBody = (extra: Record<string, unknown> = {}) => ({
    title: '重阳登高',
    kind: 'outing',
    startsAt: noonIn(3),
    endsAt: noonIn(3, 16),
    place: '凤凰山公园',
    capacity: 1,
    ...extra,
  });

  it('lets caseworkers, supervisors and admins write, operators read, families nothing', async () => {
    const created = await t.api<ActivityEvent>(
      'POST',
      '/api/activities/events',
      eventBody(),
      caseworker.token,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'planned', ownerId: caseworker.id, kindName: '参观游览' });
    expect((await t.api('POST', '/api/activities/events', eventBody(), operator.token)).status).toBe(403);
    expect((await t.api('POST', '/api/activities/events', eventBody(), supervisor.token)).status).toBe(201);
    expect((await t.api('GET', '/api/activities/events', undefined, operator.token)).status).toBe(200);
    expect((await t.api('GET', '/api/activities/events', undefined, familyToken)).status).toBe(403);
    expect((await t.api('GET', '/api/activities/events', undefined, null)).status).toBe(401);
    const signUp = await t.api(
      'POST',
      `/api/activities/events/${created.body.id}/signups`,
      { retireeId: a.id },
      operator.token,
    );
    expect(signUp.status).toBe(403);
    expect(
      (await t.api('POST', '/api/activities/groups', { name: '舞蹈队', kind: 'dance' }, operator.token))
        .status,
    ).toBe(403);
  });

  it('answers bad input with a message per field and changes nothing', async () => {
    const before = (await t.api<ActivityEvent[]>('GET', '/api/activities/events')).body.length;
    const bad = await t.api<{ message: string }>(
      'POST',
      '/api/activities/events',
      eventBody({ capacity: 0 }),
      caseworker.token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('capacity');
    const reversed = await t.api<{ message: string }>(
      'POST',
      '/api/activities/events',
      eventBody({ endsAt: noonIn(2) }),
      caseworker.token,
    );
    expect(reversed).toStrictEqual({
      status: 400,
      body: { error: 'bad_request', message: 'endsAt: 结束时间必须晚于开始时间' },
    });
    expect(
      (await t.api('POST', '/api/activities/events', eventBody({ extra: 1 }), caseworker.token)).status,
    ).toBe(400);
    expect((await t.api<ActivityEvent[]>('GET', '/api/activities/events')).body.length).toBe(before);
    expect((await t.api('GET', '/api/activities/events/not-an-id', undefined, caseworker.token)).status).toBe(
      404,
    );
  });

  it('signs up within capacity (409 when full), confirms with cover, and exports the attendance sheet', async () => {
    const created = await t.api<ActivityEvent>(
      'POST',
      '/api/activities/events',
      eventBody({ title: '太极拳表演', kind: 'sport', startsAt: noonIn(2), endsAt: noonIn(2, 15) }),
      caseworker.token,
    );
    const id = created.body.id;
    const first = await t.api<ActivityEvent>(
      'POST',
      `/api/activities/events/${id}/signups`,
      { retireeId: a.id },
      caseworker.token,
    );
    expect(first.status).toBe(201);
    const full = await t.api<{ message: string }>(
      'POST',
      `/api/activities/events/${id}/signups`,
      { retireeId: b.id },
      caseworker.token,
    );
    expect(full).toStrictEqual({ status: 409, body: { error: 'conflict', message: '活动名额已满（1人）' } });
    const early = await t.api<{ message: string }>(
      'POST',
      `/api/activities/events/${id}/confirm`,
      undefined,
      caseworker.token,
    );
    expect(early.status).toBe(409);
    const staff = await t.api<{ id: string; name: string }[]>(
      'GET',
      '/api/activities/staff',
      undefined,
      caseworker.token,
    );
    expect(staff.body.map((s) => s.id)).toContain(operator.id);
    const cover = await t.api<ActivityEvent>(
      'PUT',
      `/api/activities/events/${id}/cover`,
      { staff: [{ userId: operator.id, duty: '安全值守' }], medicalCover: '社区卫生服务中心 随队医生' },
      caseworker.token,
    );
    expect(cover.body.missingCover).toStrictEqual([]);
    const confirmed = await t.api<ActivityEvent>(
      'POST',
      `/api/activities/events/${id}/confirm`,
      undefined,
      caseworker.token,
    );
    expect(confirmed.body.status).toBe('confirmed');
    // Attendance before the event starts: 409.
    const attendance = await t.api(
      'POST',
      `/api/activities/events/${id}/attendance`,
      { entries: [{ retireeId: a.id, attendance: 'present' }] },
      caseworker.token,
    );
    expect(attendance.status).toBe(409);

    const sheet = await sheetRows(
      t,
      `/api/activities/events/export.xlsx?from=${addDays(centreDay(new Date()), 2)}&to=${addDays(centreDay(new Date()), 2)}`,
      operator.token,
    );
    expect(sheet.rows[0]).toStrictEqual([
      '活动',
      '类别',
      '开始时间',
      '结束时间',
      '地点',
      '名额',
      '已报名',
      '值守工作人员',
      '医疗保障',
      '状态',
      '军休干部',
      '报名状态',
      '出勤',
      '出勤备注',
    ]);
    expect(
      sheet.rows.slice(1).map((row) => [row[0], row[7], row[8], row[9], row[10], row[11]]),
    ).toStrictEqual([
      ['太极拳表演', 'op.activities 同志', '社区卫生服务中心 随队医生', '已确认', '文体甲', '已报名'],
    ]);
    expect((await sheetRows(t, '/api/activities/events/export.xlsx', familyToken)).status).toBe(403);
  });

  it('keeps groups with members and exports them', async () => {
    const group = await t.api<ActivityGroup>(
      'POST',
      '/api/activities/groups',
      { name: '夕阳红合唱团', kind: 'choir', leaderId: a.id, meets: '每周二下午', place: '多功能厅' },
      caseworker.token,
    );
    expect(group.status).toBe(201);
    const joined = await t.api<ActivityGroup>(
      'POST',
      `/api/activities/groups/${group.body.id}/members`,
      { retireeId: b.id },
      caseworker.token,
    );
    expect(joined.body.memberCount).toBe(2);
    const again = await t.api(
      'POST',
      `/api/activities/groups/${group.body.id}/members`,
      { retireeId: b.id },
      caseworker.token,
    );
    expect(again.status).toBe(409);
    const sheet = await sheetRows(t, '/api/activities/groups/export.xlsx', operator.token);
    expect(sheet.rows[0]?.slice(0, 6)).toStrictEqual([
      '兴趣小组',
      '类别',
      '组长',
      '活动时间',
      '活动地点',
      '成员',
    ]);
    // Members who joined on the same day: any order.
    const members = sheet.rows.slice(1).map((row) => [row[0], row[1], row[2], row[5]]);
    expect(members).toHaveLength(2);
    expect(members).toEqual(
      expect.arrayContaining([
        ['夕阳红合唱团', '歌咏', '文体甲', '文体甲'],
        ['夕阳红合唱团', '歌咏', '文体甲', '文体乙'],
      ]),
    );
  });

  it('puts an event without cover on its organiser’s work list', async () => {
    const created = await t.api<ActivityEvent>(
      'POST',
      '/api/activities/events',
      eventBody({ title: '书画笔会', kind: 'culture', startsAt: noonIn(1), endsAt: noonIn(1, 17) }),
      caseworker.token,
    );
    const list = await t.api<WorkList>('GET', '/api/worklist', undefined, caseworker.token);
    const item = list.body.items.find((i) => i.id === created.body.id);
    expect(item).toMatchObject({
      source: 'activity_cover',
      title: '文体活动待落实值守工作人员、医疗保障：书画笔会',
      dueDate: addDays(centreDay(new Date()), 1),
      overdue: false,
    });
    const others = await t.api<WorkList>('GET', '/api/worklist', undefined, supervisor.token);
    expect(others.body.items.some((i) => i.id === created.body.id)).toBe(false);
  });
});

describe('a caseworker of a station', () => {
  let t: TestHub;
  let token: string;
  let mine: Retiree;
  let theirs: Retiree;

  beforeAll(async () => {
    t = await startTestHub();
    token = (await t.addStaff('cw.east', 'caseworker', '东站')).token;
    mine = await t.addRetiree({ name: '东站老人' });
    theirs = await t.addRetiree({ name: '西站老人' });
    await t.hub.db.query(`update retirees set station = '东站' where id = $1`, [mine.id]);
    await t.hub.db.query(`update retirees set station = '西站' where id = $1`, [theirs.id]);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('signs up and sees only the retirees of that station', async () => {
    const event = await t.api<ActivityEvent>(
      'POST',
      '/api/activities/events',
      {
        title: '站点联欢',
        kind: 'culture',
        startsAt: noonIn(5),
        endsAt: noonIn(5, 15),
        place: '东站活动室',
        capacity: 10,
      },
      token,
    );
    expect(event.status).toBe(201);
    const url = `/api/activities/events/${event.body.id}/signups`;
    expect((await t.api('POST', url, { retireeId: theirs.id }, token)).status).toBe(404);
    expect((await t.api('POST', url, { retireeId: mine.id }, token)).status).toBe(201);
    // The admin signs up the other station's retiree; the caseworker still sees only their own.
    expect((await t.api('POST', url, { retireeId: theirs.id })).status).toBe(201);
    const seen = await t.api<ActivityEvent>(
      'GET',
      `/api/activities/events/${event.body.id}`,
      undefined,
      token,
    );
    expect(seen.body.signedUp).toBe(2);
    expect(seen.body.signups.map((s) => s.retireeName)).toStrictEqual(['东站老人']);
    const sheet = await sheetRows(t, '/api/activities/events/export.xlsx', token);
    expect(sheet.rows.slice(1).map((row) => row[10])).toStrictEqual(['东站老人']);
  });
});
