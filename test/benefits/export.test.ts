/**
 * Excel exports of the living treatment (6.3), elderly care (6.7) and after death (6.10) lists:
 * each workbook is read back with exceljs; it has Chinese headers, the list's filters and role checks.
 * Then the station scope: a caseworker of one station sees and changes only that station's retirees
 * in all three modules (a record outside answers 404), and the exports follow the same scope.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import ExcelJS from 'exceljs';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livingCareAfterDeath as livingCareAfterDeathRoutes } from '../../server/bereavement/plugin.ts';
import { centreDay } from '../../server/calendar.ts';
import type { HubContext } from '../../server/context.ts';
import { HubError } from '../../server/errors.ts';
import type {
  Benefit,
  BenefitCard,
  CareArrangement,
  CareVisit,
  DeathResult,
  Retiree,
  User,
} from '../../server/schemas/index.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The first sheet of a workbook as rows of cell texts, the header row first. */
async function readSheet(bytes: ArrayBuffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(values.map((value) => (value === null || value === undefined ? '' : String(value))));
  });
  return rows;
}

describe('Excel exports of benefits, cards, care and after death', () => {
  let t: TestHub;
  let a: Retiree;
  let b: Retiree;
  let caseworker: { id: string; token: string };
  let operator: { id: string; token: string };
  let familyToken: string;
  const today = centreDay(new Date());
  const month = today.slice(0, 7);

  const download = async (path: string, token: string | null) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${t.url}${path}`, { headers });
    return { status: response.status, type: response.headers.get('content-type') ?? '', response };
  };
  const sheetOf = async (path: string, token = operator.token) => {
    const got = await download(path, token);
    expect(got.status).toBe(200);
    expect(got.type).toContain(XLSX);
    expect(got.response.headers.get('content-disposition')).toMatch(/attachment; filename="[\w-]+\.xlsx"/);
    return readSheet(await got.response.arrayBuffer());
  };

  beforeAll(async () => {
    t = await startTestHub();
    a = await t.addRetiree({ name: '钱学军' });
    b = await t.addRetiree({ name: '孙海洋' });
    caseworker = await t.addStaff('cw.export', 'caseworker');
    operator = await t.addStaff('op.export', 'operator');
    familyToken = await t.addFamily(a, 'family.qian', '钱小红');

    // a: a nursing fee paid twice; b: a hospital meal subsidy only applied for.
    const nursing = await t.api<Benefit>(
      'POST',
      '/api/benefits',
      { retireeId: a.id, kind: 'nursing_fee', monthlyAmountFen: 123_456, note: '失能护理' },
      caseworker.token,
    );
    expect(nursing.status).toBe(201);
    await t.api('POST', `/api/benefits/${nursing.body.id}/approve`, {}, caseworker.token);
    const paid = await t.api<Benefit>(
      'POST',
      `/api/benefits/${nursing.body.id}/payments`,
      { period: month, amountFen: 123_456 },
      caseworker.token,
    );
    expect(paid.status).toBe(200);
    const meal = await t.api<Benefit>(
      'POST',
      '/api/benefits',
      { retireeId: b.id, kind: 'hospital_meal', monthlyAmountFen: 30_000 },
      caseworker.token,
    );
    expect(meal.status).toBe(201);
    const card = await t.api<BenefitCard>(
      'POST',
      '/api/benefit-cards',
      { retireeId: a.id, kind: 'veteran_card', number: 'YD-0001', issuedOn: today },
      caseworker.token,
    );
    expect(card.status).toBe(201);
    const care = await t.api<CareArrangement>(
      'POST',
      '/api/care/arrangements',
      {
        retireeId: b.id,
        type: 'community',
        provider: '芳草社区日间照料中心',
        careLevel: 'mild',
        startOn: today,
      },
      caseworker.token,
    );
    expect(care.status).toBe(201);
    const visit = await t.api<CareVisit>(
      'POST',
      '/api/care/visits',
      { arrangementId: care.body.id, visitedOn: today, visitor: '刘护理员', content: '测量血压，陪同散步' },
      caseworker.token,
    );
    expect(visit.status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('exports the benefits with Chinese headers, amounts in yuan, and the list’s filters', async () => {
    const rows = await sheetOf('/api/benefits/export.xlsx');
    const [headers, ...body] = rows;
    expect(headers?.slice(0, 6)).toStrictEqual([
      '老人',
      '待遇类别',
      '领取人',
      '与老人关系',
      '月标准（元）',
      '状态',
    ]);
    expect(headers).toContain('累计发放（元）');
    expect(body).toHaveLength(2);
    const nursing = body.find((row) => row[0] === '钱学军')!;
    expect(nursing[1]).toBe('护理费');
    expect(nursing[4]).toBe('1234.56');
    expect(nursing[5]).toBe('发放中');
    expect(nursing[headers!.indexOf('累计发放（元）')]).toBe('1234.56');
    expect(nursing[headers!.indexOf('最近发放月份')]).toBe(month);
    expect(nursing[headers!.indexOf('备注')]).toBe('失能护理');

    // The same filters as the list: kind, status, retiree.
    const byKind = await sheetOf('/api/benefits/export.xlsx?kind=hospital_meal');
    expect(byKind.slice(1).map((row) => row[0])).toStrictEqual(['孙海洋']);
    const byStatus = await sheetOf('/api/benefits/export.xlsx?status=paid');
    expect(byStatus.slice(1).map((row) => row[0])).toStrictEqual(['钱学军']);
    const byRetiree = await sheetOf(`/api/benefits/export.xlsx?retireeId=${b.id}`);
    expect(byRetiree.slice(1).map((row) => row[1])).toStrictEqual(['住院伙食补助']);
    const none = await sheetOf('/api/benefits/export.xlsx?kind=survivor_subsidy');
    expect(none).toHaveLength(1);
    // A filter the list refuses is refused here too.
    expect((await download('/api/benefits/export.xlsx?status=lost', operator.token)).status).toBe(400);
  });

  it('exports the preferential cards with their state', async () => {
    const rows = await sheetOf('/api/benefit-cards/export.xlsx');
    expect(rows[0]?.slice(0, 6)).toStrictEqual(['老人', '证件', '证号', '发证日期', '有效期至', '状态']);
    expect(rows.slice(1)).toHaveLength(1);
    expect(rows[1]?.slice(0, 4)).toStrictEqual(['钱学军', '退役军人优待证', 'YD-0001', today]);
    expect(rows[1]?.[5]).toBe('持有');
    expect(await sheetOf(`/api/benefit-cards/export.xlsx?retireeId=${b.id}`)).toHaveLength(1);
  });

  it('exports the care arrangements and the care-visit log', async () => {
    const arrangements = await sheetOf('/api/care/arrangements/export.xlsx');
    expect(arrangements[0]?.slice(0, 4)).toStrictEqual(['老人', '养老方式', '服务机构', '能力等级']);
    expect(arrangements[1]?.slice(0, 5)).toStrictEqual([
      '孙海洋',
      '社区照料',
      '芳草社区日间照料中心',
      '轻度失能',
      today,
    ]);
    expect(arrangements[1]?.[arrangements[0]!.indexOf('状态')]).toBe('当前');
    expect(arrangements[1]?.[arrangements[0]!.indexOf('探视次数')]).toBe('1');
    expect(await sheetOf('/api/care/arrangements/export.xlsx?current=false')).toHaveLength(1);
    expect(await sheetOf('/api/care/arrangements/export.xlsx?type=home')).toHaveLength(1);
    expect(await sheetOf('/api/care/arrangements/export.xlsx?type=community&current=true')).toHaveLength(2);

    const visits = await sheetOf('/api/care/visits/export.xlsx');
    expect(visits[0]).toStrictEqual(['探视日期', '老人', '探视人', '探视内容', '发现的问题']);
    expect(visits[1]?.slice(0, 4)).toStrictEqual([today, '孙海洋', '刘护理员', '测量血压，陪同散步']);
    expect(await sheetOf(`/api/care/visits/export.xlsx?retireeId=${a.id}`)).toHaveLength(1);
  });

  it('exports the deaths with their checklist, and the survivor subsidy shows in the benefits export', async () => {
    const died = await t.api<DeathResult>(
      'POST',
      '/api/bereavement',
      {
        retireeId: a.id,
        diedOn: today,
        place: '市第三人民医院',
        survivorName: '李秀英',
        survivorRelation: '配偶',
      },
      caseworker.token,
    );
    expect(died.status).toBe(201);
    const rows = await sheetOf('/api/bereavement/export.xlsx');
    const [headers, row] = rows;
    expect(headers?.slice(0, 4)).toStrictEqual(['老人', '逝世日期', '逝世地点', '原因']);
    expect(row?.slice(0, 3)).toStrictEqual(['钱学军', today, '市第三人民医院']);
    expect(row?.[headers!.indexOf('遗属')]).toBe('李秀英');
    const steps = died.body.death.steps;
    const closed = steps.filter((s) => s.status !== 'open').length;
    expect(row?.[headers!.indexOf('已办事项')]).toBe(`${closed}/${steps.length}`);
    expect(row?.[headers!.indexOf('待办事项')]).toContain('慰问吊唁');
    expect(await sheetOf('/api/bereavement/export.xlsx?open=false')).toHaveLength(1);
    expect(await sheetOf(`/api/bereavement/export.xlsx?retireeId=${b.id}`)).toHaveLength(1);

    const benefits = await sheetOf('/api/benefits/export.xlsx?kind=survivor_subsidy');
    expect(benefits.slice(1).map((r) => [r[0], r[2], r[3], r[5]])).toStrictEqual([
      ['钱学军', '李秀英', '配偶', '已申报'],
    ]);
    const stopped = await sheetOf('/api/benefits/export.xlsx?status=stopped');
    expect(stopped[1]?.[stopped[0]!.indexOf('停发原因')]).toBe('去世');
  });

  it('lets staff download and keeps families and strangers out', async () => {
    const paths = [
      '/api/benefits/export.xlsx',
      '/api/benefit-cards/export.xlsx',
      '/api/care/arrangements/export.xlsx',
      '/api/care/visits/export.xlsx',
      '/api/bereavement/export.xlsx',
    ];
    for (const path of paths) {
      expect((await download(path, caseworker.token)).status).toBe(200);
      expect((await download(path, operator.token)).status).toBe(200);
      expect((await download(path, t.token)).status).toBe(200);
      expect((await download(path, familyToken)).status).toBe(403);
      expect((await download(path, null)).status).toBe(401);
    }
  });
});

describe('station scope of a caseworker in benefits, care and after death', () => {
  let t: TestHub;
  let app: FastifyInstance;
  let mine: Retiree;
  let other: Retiree;
  let gone: Retiree;
  let staff: { id: string; token: string };
  const today = centreDay(new Date());
  /** Who the next request is made by: the caseworker of 东城站 unless a test says otherwise. */
  let user: User & { station?: string | null };

  const call = async <T = unknown>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const response = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() as T };
  };

  beforeAll(async () => {
    t = await startTestHub();
    mine = await t.addRetiree({ name: '东城老人' });
    other = await t.addRetiree({ name: '西城老人' });
    gone = await t.addRetiree({ name: '西城故人' });
    await t.hub.db.query('update retirees set station = $2 where id = $1', [mine.id, '东城站']);
    await t.hub.db.query('update retirees set station = $2 where id = any($1::uuid[])', [
      [other.id, gone.id],
      '西城站',
    ]);
    staff = await t.addStaff('cw.scope', 'caseworker');
    // The three modules' routes on the hub's real database, signed in as a caseworker with a station
    // (the sign-in itself is the guard's business and is tested with it).
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      request.user = user;
    });
    app.setErrorHandler((error: FastifyError | HubError, _request, reply) => {
      const status = error instanceof HubError ? error.statusCode : (error.statusCode ?? 500);
      return reply.code(status).send({ error: 'e', message: error.message });
    });
    await app.register(livingCareAfterDeathRoutes, { hub: { db: t.hub.db } as HubContext });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await t?.stop();
  });

  it('shows and changes only the station’s retirees; the rest answer 404 as if absent', async () => {
    const east = { id: staff.id, username: 'cw.scope', displayName: '东城社工', role: 'caseworker' as const };
    user = { ...east, station: null };
    // Without a station the caseworker sees the whole centre, as before stations existed.
    const theirs = await call<Benefit>('POST', '/api/benefits', { retireeId: other.id, kind: 'nursing_fee' });
    expect(theirs.status).toBe(201);
    const theirCare = await call<CareArrangement>('POST', '/api/care/arrangements', {
      retireeId: other.id,
      type: 'home',
      provider: '西城居家服务队',
      careLevel: 'moderate',
      startOn: today,
    });
    expect(theirCare.status).toBe(201);
    const theirDeath = await call<DeathResult>('POST', '/api/bereavement', {
      retireeId: gone.id,
      diedOn: today,
      place: '家中',
    });
    expect(theirDeath.status).toBe(201);
    expect((await call<Benefit[]>('GET', '/api/benefits')).body).toHaveLength(1);

    user = { ...east, station: '东城站' };
    const own = await call<Benefit>('POST', '/api/benefits', { retireeId: mine.id, kind: 'nursing_fee' });
    expect(own.status).toBe(201);
    const list = await call<Benefit[]>('GET', '/api/benefits');
    expect(list.body.map((row) => row.retireeName)).toStrictEqual(['东城老人']);
    expect((await call<Benefit[]>('GET', `/api/benefits?retireeId=${other.id}`)).body).toStrictEqual([]);

    // Outside the station: every read and change answers 404 and changes nothing.
    expect((await call('GET', `/api/benefits/${theirs.body.id}`)).status).toBe(404);
    expect((await call('POST', `/api/benefits/${theirs.body.id}/approve`, {})).status).toBe(404);
    expect((await call('POST', `/api/benefits/${theirs.body.id}/reject`, { note: '不符' })).status).toBe(404);
    expect((await call('POST', `/api/benefits/${theirs.body.id}/stop`, { reason: 'moved' })).status).toBe(
      404,
    );
    expect((await call('POST', '/api/benefits', { retireeId: other.id, kind: 'hospital_meal' })).status).toBe(
      404,
    );
    expect(
      (
        await call('POST', '/api/benefit-cards', {
          retireeId: other.id,
          kind: 'senior_card',
          issuedOn: today,
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', '/api/care/arrangements')).body).toStrictEqual([]);
    expect((await call('GET', `/api/care/arrangements/${theirCare.body.id}`)).status).toBe(404);
    expect(
      (
        await call('POST', '/api/care/visits', {
          arrangementId: theirCare.body.id,
          visitedOn: today,
          visitor: '我',
          content: '看看',
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', '/api/bereavement')).body).toStrictEqual([]);
    expect((await call('GET', `/api/bereavement/${theirDeath.body.death.id}`)).status).toBe(404);
    const step = theirDeath.body.death.steps.find((s) => s.status === 'open')!;
    expect((await call('PATCH', `/api/bereavement/steps/${step.id}`, { status: 'done' })).status).toBe(404);
    expect(
      (await call('POST', '/api/bereavement', { retireeId: other.id, diedOn: today, place: '家中' })).status,
    ).toBe(404);

    // Nothing changed for the other station's retiree.
    user = { ...east, role: 'supervisor', station: '东城站' };
    const untouched = await call<Benefit>('GET', `/api/benefits/${theirs.body.id}`);
    expect(untouched.body.status).toBe('applied');
    expect((await call<Benefit[]>('GET', '/api/benefits')).body).toHaveLength(2);
    expect((await call<BenefitCard[]>('GET', '/api/benefit-cards')).body).toStrictEqual([]);

    // Exports follow the scope.
    user = { ...east, station: '东城站' };
    const exported = await app.inject({ method: 'GET', url: '/api/benefits/export.xlsx' });
    expect(exported.statusCode).toBe(200);
    const rows = await readSheet(
      exported.rawPayload.buffer.slice(
        exported.rawPayload.byteOffset,
        exported.rawPayload.byteOffset + exported.rawPayload.byteLength,
      ) as ArrayBuffer,
    );
    expect(rows.slice(1).map((row) => row[0])).toStrictEqual(['东城老人']);
    const deaths = await app.inject({ method: 'GET', url: '/api/bereavement/export.xlsx' });
    expect(deaths.statusCode).toBe(200);
  });
});
