/**
 * Excel exports of political life and reception (6.2) through a real hub: letters, visits and calls
 * with their reply due dates and status, activities with attendance counts, convalescence batches;
 * the list's filters and roles; and a caseworker with a station sees that station's retirees only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { ConvalescenceBatch, PoliticalActivity, ReceptionItem } from '../../server/schemas/reception.ts';
import { addStations, created } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';
import { downloadWorkbook, readWorkbook } from './workbook.ts';

describe('reception exports (6.2.2.10, 6.2.2.11)', () => {
  const t = suiteHub();
  let admin: string;
  let operator: { id: string; token: string };
  let stationCaseworker: { id: string; token: string };
  let family: string;
  let east: Retiree;
  let west: Retiree;
  const today = centreDay(new Date());
  const items: Record<string, ReceptionItem> = {};

  beforeAll(async () => {
    admin = t.token;
    operator = await t.addStaff('rx-operator', 'operator');
    ({ east, west, stationCaseworker } = await addStations(t, 'rx-east'));
    family = await t.addFamily(east, 'rx-family');

    const add = async (key: string, body: Record<string, unknown>) => {
      items[key] = await created<ReceptionItem>(t, '/api/reception/items', body);
    };
    // Received 20 days ago with 15 days to reply: overdue today.
    await add('lateLetter', {
      channel: 'letter',
      fromName: '东站老人之子',
      retireeId: east.id,
      content: '询问遗属补助政策',
      receivedOn: addDays(today, -20),
    });
    await add('call', { channel: 'call', fromName: '西站老人', retireeId: west.id, content: '反映门禁故障' });
    await add('visit', { channel: 'visit', fromName: '社区干部', content: '了解军休政策' });
    const taken = await t.api('POST', `/api/reception/items/${items.visit!.id}/take`);
    expect(taken.status).toBe(200);
    const replied = await t.api('POST', `/api/reception/items/${items.visit!.id}/reply`, {
      reply: '已当面解答',
    });
    expect(replied.status).toBe(200);
  });

  it('exports letters, visits and calls with Chinese headers, the due date and the overdue mark', async () => {
    const book = await downloadWorkbook(t, '/api/reception/items/export.xlsx', admin, '来信来访来电.xlsx');
    expect(book.disposition).toContain("filename*=UTF-8''");
    expect(book.headers).toStrictEqual([
      '收到日期',
      '方式',
      '来信来访来电人',
      '联系方式',
      '涉及军休干部',
      '事项内容',
      '答复期限',
      '承办人',
      '状态',
      '是否逾期',
      '答复日期',
      '答复内容',
    ]);
    expect(book.rows).toHaveLength(3);
    const late = book.rows.find((row) => row.事项内容 === '询问遗属补助政策');
    expect(late).toMatchObject({
      收到日期: addDays(today, -20),
      方式: '来信',
      涉及军休干部: '东站老人',
      答复期限: addDays(today, -5),
      状态: '已登记',
      是否逾期: '已逾期',
    });
    expect(book.rows.find((row) => row.方式 === '来访')).toMatchObject({
      状态: '已答复',
      是否逾期: '',
      答复日期: today,
      答复内容: '已当面解答',
    });
  });

  it('applies the list filters', async () => {
    const letters = await readWorkbook(t, '/api/reception/items/export.xlsx?channel=letter', admin);
    expect(letters.rows.map((row) => row.事项内容)).toStrictEqual(['询问遗属补助政策']);
    const replied = await readWorkbook(t, '/api/reception/items/export.xlsx?status=replied', admin);
    expect(replied.rows.map((row) => row.方式)).toStrictEqual(['来访']);
    const ofWest = await readWorkbook(t, `/api/reception/items/export.xlsx?retireeId=${west.id}`, admin);
    expect(ofWest.rows.map((row) => row.涉及军休干部)).toStrictEqual(['西站老人']);
    const bad = await readWorkbook(t, '/api/reception/items/export.xlsx?status=lost', admin);
    expect(bad.status).toBe(400);
  });

  it('lets operators read the export, and keeps families and strangers out', async () => {
    expect((await readWorkbook(t, '/api/reception/items/export.xlsx', operator.token)).status).toBe(200);
    expect((await readWorkbook(t, '/api/reception/items/export.xlsx', family)).status).toBe(403);
    expect((await readWorkbook(t, '/api/reception/items/export.xlsx', null)).status).toBe(401);
  });

  it("shows a station caseworker that station's items and those about no retiree, and nothing else", async () => {
    const token = stationCaseworker.token;
    const list = await t.api<ReceptionItem[]>('GET', '/api/reception/items', undefined, token);
    expect(list.body.map((item) => item.id).sort()).toStrictEqual(
      [items.lateLetter!.id, items.visit!.id].sort(),
    );
    const book = await readWorkbook(t, '/api/reception/items/export.xlsx', token);
    expect(book.rows.map((row) => row.涉及军休干部).sort()).toStrictEqual(['', '东站老人']);
    const overdue = await t.api<ReceptionItem[]>('GET', '/api/reception/items/overdue', undefined, token);
    expect(overdue.body.map((item) => item.id)).toStrictEqual([items.lateLetter!.id]);

    expect((await t.api('GET', `/api/reception/items/${items.call!.id}`, undefined, token)).status).toBe(404);
    expect(
      (await t.api('POST', `/api/reception/items/${items.call!.id}/take`, undefined, token)).status,
    ).toBe(404);
    const foreign = await t.api(
      'POST',
      '/api/reception/items',
      { channel: 'call', fromName: '某人', retireeId: west.id, content: '试图登记' },
      token,
    );
    expect(foreign.status).toBe(404);
    const after = await t.api<ReceptionItem[]>('GET', '/api/reception/items', undefined, admin);
    expect(after.body).toHaveLength(3);
    // The whole centre still sees the other station's item.
    expect((await t.api('GET', `/api/reception/items/${items.call!.id}`, undefined, admin)).status).toBe(200);
  });

  it('exports activities with attendance counts and convalescence batches one row per participant', async () => {
    const activity = await t.api<PoliticalActivity>('POST', '/api/reception/activities', {
      kind: 'study',
      heldOn: today,
      topic: '学习退役军人保障法',
      place: '活动室',
    });
    expect(activity.status).toBe(201);
    const attendance = await t.api('PUT', `/api/reception/activities/${activity.body.id}/attendance`, {
      entries: [
        { retireeId: east.id, status: 'present' },
        { retireeId: west.id, status: 'excused' },
      ],
    });
    expect(attendance.status).toBe(200);
    const activities = await readWorkbook(t, '/api/reception/activities/export.xlsx?kind=study', admin);
    expect(activities.rows).toStrictEqual([
      {
        日期: today,
        类别: '学习',
        主题: '学习退役军人保障法',
        地点: '活动室',
        出席: '1',
        缺席: '0',
        请假: '1',
        出席人员: '东站老人',
        备注: '',
      },
    ]);
    expect(
      (await readWorkbook(t, '/api/reception/activities/export.xlsx?kind=activity', admin)).rows,
    ).toHaveLength(0);
    // The station caseworker sees the activity with their station's attendance only.
    const scoped = await readWorkbook(t, '/api/reception/activities/export.xlsx', stationCaseworker.token);
    expect(scoped.rows[0]).toMatchObject({ 出席: '1', 请假: '0' });

    const batch = await t.api<ConvalescenceBatch>('POST', '/api/reception/convalescence', {
      name: '2026年第一批荣誉疗养',
      place: '峨眉山疗养院',
      startsOn: addDays(today, 30),
      endsOn: addDays(today, 37),
    });
    expect(batch.status).toBe(201);
    await t.api('POST', `/api/reception/convalescence/${batch.body.id}/participants`, {
      participants: [{ retireeId: east.id, reason: '八十寿辰' }, { retireeId: west.id }],
    });
    const batches = await readWorkbook(t, '/api/reception/convalescence/export.xlsx', operator.token);
    expect(batches.headers).toStrictEqual([
      '批次',
      '级别',
      '疗养地点',
      '开始日期',
      '结束日期',
      '参加人员',
      '参加理由',
    ]);
    expect(batches.rows.map((row) => `${row.批次}/${row.参加人员}/${row.参加理由}`).sort()).toStrictEqual([
      '2026年第一批荣誉疗养/东站老人/八十寿辰',
      '2026年第一批荣誉疗养/西站老人/',
    ]);
    const scopedBatches = await readWorkbook(
      t,
      '/api/reception/convalescence/export.xlsx',
      stationCaseworker.token,
    );
    expect(scopedBatches.rows.map((row) => row.参加人员)).toStrictEqual(['东站老人']);
  });
});
