/**
 * Excel exports of travel abroad and part-time posts (6.4.2) through a real hub: requests with their
 * chain and the steps taken, retirees abroad with the contact due date, the suspended list with the
 * decision that cleared a flag; the list's filters and roles; a station caseworker's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, centreDay } from '../../server/calendar.ts';
import type {
  AbroadRequest,
  AbroadRequestList,
  AbroadStayDetail,
  PensionSuspension,
  SuspensionCheckResult,
} from '../../server/schemas/abroad.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { downloadWorkbook, readWorkbook } from '../reception/workbook.ts';

describe('abroad exports (6.4.2)', () => {
  let t: TestHub;
  let caseworker: string;
  let supervisor: string;
  let operator: string;
  let stationCaseworker: string;
  let regiment: Retiree;
  let division: Retiree;
  let silent: Retiree;
  const today = centreDay(new Date());
  let filed: AbroadRequest;
  let waiting: AbroadRequest;
  let post: AbroadRequest;

  beforeAll(async () => {
    t = await startTestHub();
    caseworker = (await t.addStaff('ab-cw', 'caseworker')).token;
    supervisor = (await t.addStaff('ab-sup', 'supervisor')).token;
    operator = (await t.addStaff('ab-op', 'operator')).token;
    regiment = await t.addRetiree({ name: '团级老人', rank: '团级' });
    division = await t.addRetiree({ name: '师级老人', rank: '师级' });
    silent = await t.addRetiree({ name: '失联老人', rank: '营级及以下' });
    await t.api('PATCH', `/api/archive/retirees/${regiment.id}`, { station: '东站' });
    await t.api('PATCH', `/api/archive/retirees/${division.id}`, { station: '西站' });
    await t.api('PATCH', `/api/archive/retirees/${silent.id}`, { station: '西站' });
    stationCaseworker = (await t.addStaff('ab-east', 'caseworker', '东站')).token;

    const travel = (retiree: Retiree, destination: string) =>
      t.api<AbroadRequest>(
        'POST',
        '/api/abroad/travel-requests',
        {
          retireeId: retiree.id,
          destination,
          purpose: '探亲',
          departDate: addDays(today, 10),
          returnDate: addDays(today, 40),
        },
        caseworker,
      );
    const first = await travel(regiment, '新加坡');
    expect(first.status).toBe(201);
    const step = await t.api<AbroadRequest>(
      'POST',
      `/api/abroad/requests/${first.body.id}/steps`,
      { step: 'centre_filing', decision: 'file' },
      caseworker,
    );
    expect(step.status).toBe(200);
    filed = step.body;
    const second = await travel(division, '加拿大');
    expect(second.status).toBe(201);
    waiting = second.body;
    const third = await t.api<AbroadRequest>(
      'POST',
      '/api/abroad/post-requests',
      { retireeId: division.id, organisation: '老年书画协会', post: '副会长', startDate: today },
      caseworker,
    );
    expect(third.status).toBe(201);
    post = third.body;

    // Abroad for seven months without a word: the check suspends the pension (6.4.2.4).
    const stay = await t.api<AbroadStayDetail>(
      'POST',
      '/api/abroad/stays',
      { retireeId: silent.id, destination: '美国', departedOn: addMonths(today, -7) },
      caseworker,
    );
    expect(stay.status).toBe(201);
    const check = await t.api<SuspensionCheckResult>('POST', '/api/abroad/check', undefined, caseworker);
    expect(check.body.flagged.map((flag) => flag.retireeId)).toStrictEqual([silent.id]);
  });
  afterAll(() => t?.stop());

  it('exports requests with the chain chosen by rank and the steps taken', async () => {
    const book = await downloadWorkbook(
      t,
      '/api/abroad/requests/export.xlsx',
      caseworker,
      '出国（境）与兼职申请.xlsx',
    );
    expect(book.headers).toStrictEqual([
      '申请日期',
      '类别',
      '军休干部',
      '职级',
      '前往国家（地区）/ 社会组织',
      '事由 / 兼任职务',
      '开始日期',
      '结束日期',
      '审批流程',
      '已办步骤',
      '状态',
      '经办人',
    ]);
    expect(book.rows).toHaveLength(3);
    expect(book.rows.find((row) => row.军休干部 === '团级老人')).toMatchObject({
      申请日期: today,
      类别: '出国（境）',
      职级: '团级',
      '前往国家（地区）/ 社会组织': '新加坡',
      审批流程: '向军休机构报备',
      已办步骤: '向军休机构报备：备案（ab-cw 同志）',
      状态: '已备案',
    });
    expect(book.rows.find((row) => row['前往国家（地区）/ 社会组织'] === '加拿大')).toMatchObject({
      审批流程: '军休机构主要负责人签署意见 → 上级退役军人事务部门审批',
      已办步骤: '',
      状态: '待审批',
    });
    expect(book.rows.find((row) => row.类别 === '社会组织兼职')).toMatchObject({
      '事由 / 兼任职务': '副会长',
      开始日期: today,
    });
  });

  it('applies the list filters and refuses bad ones', async () => {
    const posts = await readWorkbook(t, '/api/abroad/requests/export.xlsx?kind=part_time_post', caseworker);
    expect(posts.rows.map((row) => row['事由 / 兼任职务'])).toStrictEqual(['副会长']);
    const open = await readWorkbook(t, '/api/abroad/requests/export.xlsx?open=true&kind=travel', caseworker);
    expect(open.rows.map((row) => row['前往国家（地区）/ 社会组织'])).toStrictEqual(['加拿大']);
    const filedOnly = await readWorkbook(t, '/api/abroad/requests/export.xlsx?status=filed', caseworker);
    expect(filedOnly.rows.map((row) => row.军休干部)).toStrictEqual(['团级老人']);
    const ofDivision = await readWorkbook(
      t,
      `/api/abroad/requests/export.xlsx?retireeId=${division.id}`,
      caseworker,
    );
    expect(ofDivision.rows).toHaveLength(2);
    expect((await readWorkbook(t, '/api/abroad/requests/export.xlsx?status=lost', caseworker)).status).toBe(
      400,
    );
  });

  it('keeps the monitoring desk and strangers out, as the list does', async () => {
    for (const path of [
      '/api/abroad/requests/export.xlsx',
      '/api/abroad/stays/export.xlsx',
      '/api/abroad/suspensions/export.xlsx',
    ]) {
      expect((await readWorkbook(t, path, operator)).status).toBe(403);
      expect((await readWorkbook(t, path, null)).status).toBe(401);
      expect((await readWorkbook(t, path, supervisor)).status).toBe(200);
    }
  });

  it('exports the retirees abroad with the contact due date, and the suspended list with its clearing decision', async () => {
    const stays = await readWorkbook(t, '/api/abroad/stays/export.xlsx', caseworker);
    expect(stays.rows).toHaveLength(1);
    expect(stays.rows[0]).toMatchObject({
      军休干部: '失联老人',
      '前往国家（地区）': '美国',
      出境日期: addMonths(today, -7),
      下次联系期限: addMonths(today, -6),
      暂停发放离退休费: '已暂停',
    });
    expect(Number(stays.rows[0]!.逾期天数)).toBeGreaterThan(150);
    expect(
      (await readWorkbook(t, '/api/abroad/stays/export.xlsx?state=returned', caseworker)).rows,
    ).toHaveLength(0);

    const [flag] = (await t.api<PensionSuspension[]>('GET', '/api/abroad/suspensions', undefined, caseworker))
      .body;
    const active = await readWorkbook(t, '/api/abroad/suspensions/export.xlsx?active=true', caseworker);
    expect(active.rows).toMatchObject([
      { 军休干部: '失联老人', 失联月数: '7', 状态: '暂停中', 解除决定: '' },
    ]);
    expect(active.rows[0]!.上报报告).toContain('失联老人');

    const cleared = await t.api(
      'POST',
      `/api/abroad/suspensions/${flag!.id}/clear`,
      { reason: '已取得联系，经研究恢复发放' },
      supervisor,
    );
    expect(cleared.status).toBe(200);
    expect(
      (await readWorkbook(t, '/api/abroad/suspensions/export.xlsx?active=true', caseworker)).rows,
    ).toHaveLength(0);
    const all = await readWorkbook(t, '/api/abroad/suspensions/export.xlsx', caseworker);
    expect(all.rows).toMatchObject([
      { 状态: '已解除', 解除日期: today, 解除人: 'ab-sup 同志', 解除决定: '已取得联系，经研究恢复发放' },
    ]);
  });

  it("shows a station caseworker that station's requests and stays only, and nothing of the others", async () => {
    const list = await t.api<AbroadRequestList>('GET', '/api/abroad/requests', undefined, stationCaseworker);
    expect(list.body.items.map((item) => item.id)).toStrictEqual([filed.id]);
    expect(list.body.total).toBe(1);
    const book = await readWorkbook(t, '/api/abroad/requests/export.xlsx', stationCaseworker);
    expect(book.rows.map((row) => row.军休干部)).toStrictEqual(['团级老人']);
    expect((await readWorkbook(t, '/api/abroad/stays/export.xlsx', stationCaseworker)).rows).toHaveLength(0);
    expect(
      (await readWorkbook(t, '/api/abroad/suspensions/export.xlsx', stationCaseworker)).rows,
    ).toHaveLength(0);

    expect(
      (await t.api('GET', `/api/abroad/requests/${waiting.id}`, undefined, stationCaseworker)).status,
    ).toBe(404);
    const withdraw = await t.api(
      'POST',
      `/api/abroad/requests/${post.id}/withdraw`,
      { reason: '试图撤回' },
      stationCaseworker,
    );
    expect(withdraw.status).toBe(404);
    expect((await t.api<AbroadRequest>('GET', `/api/abroad/requests/${post.id}`)).body.status).toBe(
      'requested',
    );
    const foreign = await t.api(
      'POST',
      '/api/abroad/travel-requests',
      {
        retireeId: division.id,
        destination: '日本',
        purpose: '旅游',
        departDate: addDays(today, 5),
        returnDate: addDays(today, 9),
      },
      stationCaseworker,
    );
    expect(foreign.status).toBe(400);
    const stays = await t.api<{ id: string }[]>('GET', '/api/abroad/stays', undefined, caseworker);
    const stayId = stays.body[0]!.id;
    expect((await t.api('GET', `/api/abroad/stays/${stayId}`, undefined, stationCaseworker)).status).toBe(
      404,
    );
    const contact = await t.api(
      'POST',
      `/api/abroad/stays/${stayId}/contacts`,
      { at: new Date().toISOString(), channel: 'phone' },
      stationCaseworker,
    );
    expect(contact.status).toBe(404);
    expect((await t.api<AbroadStayDetail>('GET', `/api/abroad/stays/${stayId}`)).body.contacts).toHaveLength(
      0,
    );

    // A check run by the station caseworker flags the whole centre but tells them only of their own.
    const longAway = await t.api(
      'POST',
      '/api/abroad/stays',
      { retireeId: division.id, destination: '加拿大', departedOn: addMonths(today, -8) },
      caseworker,
    );
    expect(longAway.status).toBe(201);
    const check = await t.api<SuspensionCheckResult>(
      'POST',
      '/api/abroad/check',
      undefined,
      stationCaseworker,
    );
    expect(check.status).toBe(200);
    expect(check.body.flagged).toStrictEqual([]);
    const flags = await t.api<PensionSuspension[]>(
      'GET',
      '/api/abroad/suspensions?active=true',
      undefined,
      caseworker,
    );
    expect(flags.body.map((flag) => flag.retireeName)).toStrictEqual(['师级老人']);
  });
});
