/**
 * Service requests from anyone (6.12), on both record engines: staff log a request made by phone,
 * in person, on a visit or by the family; the centre keeps a register of service providers with
 * their services, contact and contract dates; a request is given to a provider of the register,
 * and each provider's requests, those done and their ratings are counted. The Excel registers,
 * the work list, who may do what, and that a refused request changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Retiree, ServiceProvider, ServiceRequest } from '../../server/schemas/index.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

const NOBODY = '00000000-0000-4000-8000-000000000000';

async function sheetRows(response: Response): Promise<unknown[][]> {
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]?.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`service requests from anyone and the providers on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let operator: SignedIn;
    let retiree: Retiree;
    let legalAid: ServiceProvider;
    let phoned: ServiceRequest;

    it('logs a request made by phone, in person or by the family, waiting or in hand at once', async () => {
      supervisor = await t.addStaff('sup.providers', 'supervisor');
      caseworker = await t.addStaff('cw.providers', 'caseworker');
      operator = await t.addStaff('op.providers', 'operator');
      retiree = await t.addRetiree({ name: '赵明德' });

      phoned = await created<ServiceRequest>(
        t,
        '/api/service-requests',
        { retireeId: retiree.id, channel: 'phone', category: 'legal', description: '咨询房屋继承公证事宜' },
        operator.token,
      );
      expect(phoned).toMatchObject({
        retireeId: retiree.id,
        retireeName: '赵明德',
        deviceId: null,
        channel: 'phone',
        category: 'legal',
        description: '咨询房屋继承公证事宜',
        loggedBy: expect.any(String),
        status: 'requested',
        handlerId: null,
        providerId: null,
      });
      const walkIn = await created<ServiceRequest>(
        t,
        '/api/service-requests',
        {
          retireeId: retiree.id,
          channel: 'walk_in',
          category: 'repair',
          description: '卫生间水龙头漏水',
          handlerId: caseworker.id,
        },
        caseworker.token,
      );
      expect(walkIn).toMatchObject({
        status: 'assigned',
        handlerId: caseworker.id,
        assignedAt: expect.any(String),
      });

      // Waiting: on the lists of all who handle requests; in hand: on its handler's.
      const list = async (token: string) =>
        (await read<WorkList>(t, `/api/worklist?date=${today}`, token)).items.filter(
          (item) => item.source === 'service_request',
        );
      expect((await list(operator.token)).map((item) => item.id)).toContain(phoned.id);
      expect((await list(caseworker.token)).map((item) => item.id)).toContain(walkIn.id);
      expect((await list(operator.token)).map((item) => item.id)).not.toContain(walkIn.id);

      const legal = await read<ServiceRequest[]>(t, '/api/service-requests?category=legal');
      expect(legal.map((row) => row.id)).toEqual([phoned.id]);
      const byPhone = await read<ServiceRequest[]>(t, '/api/service-requests?channel=phone');
      expect(byPhone.map((row) => row.id)).toEqual([phoned.id]);
    });

    it('refuses a request that is not one, and changes nothing', async () => {
      const before = (await read<ServiceRequest[]>(t, '/api/service-requests')).length;
      const base = {
        retireeId: retiree.id,
        channel: 'family',
        category: 'errand',
        description: '代买降压药',
      };
      for (const body of [
        { ...base, retireeId: NOBODY },
        { ...base, channel: 'device' },
        { ...base, category: 'magic' },
        { ...base, description: '   ' },
        { ...base, handlerId: NOBODY },
        { ...base, extra: true },
      ]) {
        const answer = await t.api('POST', '/api/service-requests', body, caseworker.token);
        expect([400, 404], `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toContain(
          answer.status,
        );
      }
      expect((await read<ServiceRequest[]>(t, '/api/service-requests')).length).toBe(before);
    });

    it('keeps the register of providers, managers writing it and staff reading it', async () => {
      legalAid = await created<ServiceProvider>(
        t,
        '/api/service-providers',
        {
          name: '锦江区法律援助中心',
          services: ['legal', 'policy'],
          contactPerson: '刘律师',
          phone: '028-86660000',
          contractFrom: addDays(today, -100),
          contractTo: addDays(today, 265),
        },
        supervisor.token,
      );
      expect(legalAid).toMatchObject({ inContract: true, requests: 0, averageRating: null, retiredAt: null });
      const lapsed = await created<ServiceProvider>(
        t,
        '/api/service-providers',
        {
          name: '家政公司甲',
          services: ['care'],
          contractFrom: addDays(today, -400),
          contractTo: addDays(today, -35),
        },
        supervisor.token,
      );
      expect(lapsed.inContract).toBe(false);

      for (const [body, token, status] of [
        [{ name: '某维修队', services: ['repair'] }, caseworker.token, 403],
        [{ name: '锦江区法律援助中心', services: ['legal'] }, supervisor.token, 409],
        [{ name: '某维修队', services: [] }, supervisor.token, 400],
        [
          { name: '某维修队', services: ['repair'], contractFrom: today, contractTo: addDays(today, -1) },
          supervisor.token,
          400,
        ],
      ] as const) {
        const answer = await t.api('POST', '/api/service-providers', body, token);
        expect(answer.status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(status);
      }
      const legal = await read<ServiceProvider[]>(
        t,
        '/api/service-providers?service=legal',
        caseworker.token,
      );
      expect(legal.map((row) => row.name)).toEqual(['锦江区法律援助中心']);

      // Taken off the register: kept, listed with `all`, and given no new request.
      const retired = await t.api<ServiceProvider>(
        'PATCH',
        `/api/service-providers/${lapsed.id}`,
        { retired: true },
        supervisor.token,
      );
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ retiredAt: expect.any(String), inContract: false });
      expect((await read<ServiceProvider[]>(t, '/api/service-providers')).map((row) => row.id)).not.toContain(
        lapsed.id,
      );
      expect(
        (await read<ServiceProvider[]>(t, '/api/service-providers?all=true')).map((row) => row.id),
      ).toContain(lapsed.id);
      const refused = await t.api('PATCH', `/api/service-requests/${phoned.id}`, { providerId: lapsed.id });
      expect(refused.status).toBe(400);
      expect(
        (await read<ServiceRequest[]>(t, '/api/service-requests?channel=phone'))[0]?.providerId,
      ).toBeNull();
    });

    it('gives a request to a provider of the register, and counts its requests and ratings', async () => {
      const assigned = await t.api<ServiceRequest>(
        'PATCH',
        `/api/service-requests/${phoned.id}`,
        { status: 'assigned', providerId: legalAid.id },
        caseworker.token,
      );
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      expect(assigned.body).toMatchObject({ providerId: legalAid.id, provider: '锦江区法律援助中心' });
      const done = await t.api<ServiceRequest>(
        'PATCH',
        `/api/service-requests/${phoned.id}`,
        { status: 'done', rating: 4, note: '已约公证处办理' },
        caseworker.token,
      );
      expect(done.body).toMatchObject({ status: 'done', rating: 4, providerId: legalAid.id });

      const provider = await read<ServiceProvider>(t, `/api/service-providers/${legalAid.id}`);
      expect(provider).toMatchObject({ requests: 1, done: 1, ratings: 1, averageRating: 4 });
      const its = await read<ServiceRequest[]>(t, `/api/service-requests?providerId=${legalAid.id}`);
      expect(its.map((row) => row.id)).toEqual([phoned.id]);

      // The same name again keeps it the register's; another name in words does not.
      const same = await t.api<ServiceRequest>('PATCH', `/api/service-requests/${phoned.id}`, {
        provider: '锦江区法律援助中心',
        note: '已约公证处办理，已回访',
      });
      expect(same.body).toMatchObject({ providerId: legalAid.id });
      expect(
        (await t.api('PATCH', `/api/service-requests/${phoned.id}`, { note: 'x', handledBy: 'nobody' }))
          .status,
      ).toBe(400);

      const words = await t.api<ServiceRequest>('PATCH', `/api/service-requests/${phoned.id}`, {
        provider: '志愿者 王芳',
      });
      expect(words.body).toMatchObject({ provider: '志愿者 王芳', providerId: null });
      expect((await read<ServiceProvider>(t, `/api/service-providers/${legalAid.id}`)).requests).toBe(0);
      await t.api('PATCH', `/api/service-requests/${phoned.id}`, { providerId: legalAid.id });
    });

    it('exports the requests with where they came from, and the register of providers', async () => {
      const headers = { authorization: `Bearer ${t.token}` };
      const requests = await sheetRows(
        await fetch(`${t.url}/api/service-requests/export.xlsx?category=legal`, { headers }),
      );
      expect(requests[0]?.slice(0, 6)).toStrictEqual([
        '求助时间',
        '老人',
        '来源',
        '类别',
        '求助内容',
        '状态',
      ]);
      expect(requests).toHaveLength(2);
      expect(requests[1]?.slice(1, 6)).toStrictEqual([
        '赵明德',
        '电话',
        '法律援助',
        '咨询房屋继承公证事宜',
        '已完成',
      ]);
      const register = await sheetRows(
        await fetch(`${t.url}/api/service-providers/export.xlsx?all=true`, { headers }),
      );
      expect(register[0]).toEqual(
        expect.arrayContaining(['服务商', '服务类别', '合同截止', '平均评价', '状态']),
      );
      const line = register.find((row) => row[0] === '锦江区法律援助中心');
      expect(line?.[1]).toBe('法律援助、政策咨询');
      expect(line?.slice(7)).toStrictEqual([1, 1, 4, '合同期内']);
      expect(register.find((row) => row[0] === '家政公司甲')?.[10]).toBe('已移出名录');
    });

    it('keeps a provider that left the register on the requests it had, and takes a request off its provider or category', async () => {
      const handyman = await created<ServiceProvider>(
        t,
        '/api/service-providers',
        { name: '维修服务队', services: ['repair'] },
        supervisor.token,
      );
      const path = `/api/service-requests/${phoned.id}`;
      await t.api('PATCH', path, { providerId: handyman.id, category: 'repair' });
      await t.api('PATCH', `/api/service-providers/${handyman.id}`, { retired: true }, supervisor.token);
      // The page sends the provider it shows again with a change of anything else.
      const kept = await t.api<ServiceRequest>('PATCH', path, {
        providerId: handyman.id,
        note: '已上门维修',
      });
      expect(kept.status, JSON.stringify(kept.body)).toBe(200);
      expect(kept.body).toMatchObject({
        providerId: handyman.id,
        provider: '维修服务队',
        note: '已上门维修',
      });

      const off = await t.api<ServiceRequest>('PATCH', path, { providerId: null, category: null });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body).toMatchObject({ providerId: null, provider: '', category: null });
      expect((await t.api('PATCH', path, { providerId: handyman.id })).status).toBe(400);
      expect((await t.api('PATCH', path, { category: 'nonsense' })).status).toBe(400);
      const listed = await read<ServiceRequest[]>(t, '/api/service-requests?channel=phone');
      expect(listed.find((row) => row.id === phoned.id)?.category).toBeNull();
    });
  });
