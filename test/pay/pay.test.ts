/**
 * Money (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4) through the HTTP API, on both record engines: pay items
 * and their adjustment, the month's run, pay withheld for real while a pension suspension stands
 * and paid back as arrears once it is cleared, medical reimbursements with their receipts, the
 * funeral allowance and survivor pension after a death (closing their bereavement steps), the
 * month's totals and workbook, the work list, and who may do what. A refused request changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, centreDay } from '../../server/calendar.ts';
import { monthBefore } from '../../server/pay/ledger.ts';
import type { PensionSuspension } from '../../server/schemas/abroad.ts';
import type { Death } from '../../server/schemas/bereavement.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type {
  Arrears,
  ArrearsPaid,
  Ledger,
  LumpSum,
  MedicalClaim,
  PayItem,
  PayMonth,
  PayRun,
} from '../../server/schemas/pay.ts';
import type { WorkItem, WorkList } from '../../server/schemas/worklist.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

for (const engine of engines)
  describe.skipIf(engine.skip)(`the pay ledger and payments on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    const month = today.slice(0, 7);
    const last = monthBefore(month);
    const before = monthBefore(last);
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let operator: SignedIn;
    let home: Retiree;
    let away: Retiree;
    let pension: PayItem;

    const workList = async (token: string): Promise<WorkItem[]> =>
      (await read<WorkList>(t, `/api/worklist?date=${today}`, token)).items;
    const has = (items: WorkItem[], source: string, id?: string) =>
      items.some((item) => item.source === source && (id === undefined || item.id === id));

    it('keeps each retiree’s pay items, adjusted from a month without touching the months paid', async () => {
      supervisor = await t.addStaff('sup.pay', 'supervisor');
      caseworker = await t.addStaff('cw.pay', 'caseworker');
      operator = await t.addStaff('op.pay', 'operator');
      home = await t.addRetiree({ name: '陈志远' });
      away = await t.addRetiree({ name: '赵海峰' });

      pension = await created<PayItem>(
        t,
        '/api/pay/items',
        { retireeId: home.id, kind: 'pension', monthlyFen: 850_000, fromMonth: before },
        caseworker.token,
      );
      expect(pension).toMatchObject({
        retireeName: '陈志远',
        kind: 'pension',
        kindName: '离退休费',
        name: '离退休费',
        monthlyFen: 850_000,
        fromMonth: before,
        toMonth: null,
        current: true,
      });
      await created(
        t,
        '/api/pay/items',
        { retireeId: home.id, kind: 'living_allowance', monthlyFen: 60_000, fromMonth: before },
        caseworker.token,
      );
      await created(
        t,
        '/api/pay/items',
        { retireeId: away.id, kind: 'pension', monthlyFen: 720_000, fromMonth: before },
        caseworker.token,
      );

      const refused = [
        // another kind is named
        { retireeId: home.id, kind: 'other', monthlyFen: 100, fromMonth: month },
        { retireeId: home.id, kind: 'pension', monthlyFen: 0, fromMonth: month },
        { retireeId: home.id, kind: 'pension', monthlyFen: 100, fromMonth: `${month}-01` },
        { retireeId: home.id, kind: 'pension', monthlyFen: 100, fromMonth: month, toMonth: last },
      ];
      for (const body of refused)
        expect(
          (await t.api('POST', '/api/pay/items', body, caseworker.token)).status,
          JSON.stringify(body),
        ).toBe(400);
      const desk = await t.api(
        'POST',
        '/api/pay/items',
        { retireeId: home.id, kind: 'heating', monthlyFen: 1, fromMonth: month },
        operator.token,
      );
      expect(desk.status).toBe(403);
      expect((await t.api('GET', '/api/pay/items', undefined, operator.token)).status).toBe(403);
      expect(await read<PayItem[]>(t, `/api/pay/items?retireeId=${home.id}`, caseworker.token)).toHaveLength(
        2,
      );
    });

    it('runs a month’s pay once per item, refuses a month not yet come and adds only what a second run lacks', async () => {
      const path = '/api/pay/runs';
      expect((await t.api('POST', path, { period: before }, caseworker.token)).status).toBe(403);
      expect((await t.api('POST', path, { period: addMonths(`${month}-01`, 1).slice(0, 7) })).status).toBe(
        400,
      );
      const run = await created<PayRun>(t, path, { period: before }, supervisor.token);
      expect(run).toMatchObject({
        period: before,
        retirees: 2,
        paidFen: 850_000 + 60_000 + 720_000,
        withheldFen: 0,
        added: 3,
      });
      // An item entered late is paid by a second run of the month; nothing is paid twice.
      await created(
        t,
        '/api/pay/items',
        { retireeId: away.id, kind: 'heating', monthlyFen: 30_000, fromMonth: before, toMonth: before },
        caseworker.token,
      );
      const again = await created<PayRun>(t, path, { period: before }, supervisor.token);
      expect(again).toMatchObject({ added: 1, paidFen: 850_000 + 60_000 + 720_000 + 30_000 });
      expect((await created<PayRun>(t, path, { period: before }, supervisor.token)).added).toBe(0);
      const runs = await read<PayRun[]>(t, `/api/pay/runs?year=${before.slice(0, 4)}`, caseworker.token);
      expect(runs.find((entry) => entry.period === before)).toMatchObject({
        retirees: 2,
        runBy: expect.any(String),
      });
    });

    it('adjusts an item from a month not yet paid; a month already paid keeps its amount', async () => {
      const adjust = `/api/pay/items/${pension.id}/adjust`;
      expect(
        (await t.api('POST', adjust, { fromMonth: before, monthlyFen: 900_000 }, caseworker.token)).status,
      ).toBe(409);
      const raised = await created<PayItem>(
        t,
        adjust,
        { fromMonth: last, monthlyFen: 900_000, note: '2026年调标' },
        caseworker.token,
      );
      expect(raised).toMatchObject({
        kind: 'pension',
        name: '离退休费',
        monthlyFen: 900_000,
        fromMonth: last,
        toMonth: null,
      });
      expect(await read<PayItem>(t, `/api/pay/items/${pension.id}`, caseworker.token)).toMatchObject({
        toMonth: before,
        endReason: 'adjusted',
        current: false,
      });
      pension = raised;
      const current = await read<PayItem[]>(
        t,
        `/api/pay/items?retireeId=${home.id}&current=true`,
        caseworker.token,
      );
      expect(current.map((item) => item.monthlyFen).sort()).toStrictEqual([60_000, 900_000]);
    });

    it('withholds the pay of a retiree whose pension is suspended, and pays it back once the suspension is cleared', async () => {
      await created(
        t,
        '/api/abroad/stays',
        { retireeId: away.id, departedOn: addMonths(today, -7), destination: '澳大利亚' },
        caseworker.token,
      );
      expect((await t.api('POST', '/api/abroad/check', undefined, caseworker.token)).status).toBe(200);
      const [flag] = await read<PensionSuspension[]>(
        t,
        `/api/abroad/suspensions?active=true&retireeId=${away.id}`,
        caseworker.token,
      );
      expect(flag).toBeDefined();

      const run = await created<PayRun>(t, '/api/pay/runs', { period: last }, supervisor.token);
      expect(run).toMatchObject({ retirees: 2, paidFen: 900_000 + 60_000, withheldFen: 720_000 });
      let [owed] = await read<Arrears[]>(t, '/api/pay/arrears', caseworker.token);
      expect(owed).toMatchObject({ retireeId: away.id, months: [last], amountFen: 720_000, suspended: true });
      const payBack = `/api/pay/arrears/${away.id}`;
      expect((await t.api('POST', payBack, {}, supervisor.token)).status).toBe(409);
      expect(has(await workList(supervisor.token), 'pay_arrears')).toBe(false);

      const clear = await t.api(
        'POST',
        `/api/abroad/suspensions/${flag?.id}/clear`,
        { reason: '已联系上本人，恢复发放' },
        supervisor.token,
      );
      expect(clear.status).toBe(200);
      [owed] = await read<Arrears[]>(t, '/api/pay/arrears', caseworker.token);
      expect(owed).toMatchObject({ suspended: false, clearReason: '已联系上本人，恢复发放' });
      expect(has(await workList(supervisor.token), 'pay_arrears', away.id)).toBe(true);
      expect(has(await workList(caseworker.token), 'pay_arrears')).toBe(false);

      expect((await t.api('POST', payBack, {}, caseworker.token)).status).toBe(403);
      expect((await t.api('POST', payBack, { period: before }, supervisor.token)).status).toBe(400);
      const paid = await t.api<ArrearsPaid>('POST', payBack, {}, supervisor.token);
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ period: month, months: [last], amountFen: 720_000 });
      expect(await read<Arrears[]>(t, '/api/pay/arrears', caseworker.token)).toStrictEqual([]);
      expect((await t.api('POST', payBack, {}, supervisor.token)).status).toBe(409);
      expect(has(await workList(supervisor.token), 'pay_arrears')).toBe(false);

      const ledger = await read<Ledger>(t, `/api/pay/ledger/${away.id}`, caseworker.token);
      expect(ledger.arrears).toBeNull();
      expect(
        ledger.months.map((entry) => [entry.period, entry.paidFen, entry.withheldFen, entry.arrearsFen]),
      ).toStrictEqual([
        [month, 0, 0, 720_000],
        [last, 0, 720_000, 0],
        [before, 750_000, 0, 0],
      ]);
      expect(ledger.months[1]?.entries[0]).toMatchObject({ state: 'withheld', settledPeriod: month });
    });

    let claim: MedicalClaim;

    it('takes a reimbursement with its receipts, once per receipt, decided and paid by a manager', async () => {
      const receipts = [
        { number: 'MZ-2026-0001', issuer: '四川省人民医院', issuedOn: addDays(today, -5), amountFen: 32_050 },
        { number: 'YF-88231', issuer: '成都大药房', issuedOn: addDays(today, -3), amountFen: 12_800 },
      ];
      claim = await created<MedicalClaim>(
        t,
        '/api/pay/claims',
        { retireeId: home.id, kind: 'outpatient', receipts },
        caseworker.token,
      );
      expect(claim).toMatchObject({
        kindName: '门诊医疗费',
        claimedFen: 44_850,
        status: 'submitted',
        submittedOn: today,
        approvedFen: null,
        receipts,
      });
      const refused: [unknown, number][] = [
        [{ retireeId: home.id, kind: 'outpatient', receipts: [receipts[0]] }, 409],
        [{ retireeId: home.id, kind: 'outpatient', receipts: [receipts[1], receipts[1]] }, 400],
        [{ retireeId: home.id, kind: 'out_of_town', receipts: [{ ...receipts[0], number: 'X-1' }] }, 400],
        [
          {
            retireeId: home.id,
            kind: 'outpatient',
            receipts: [{ ...receipts[0], number: 'X-2', issuedOn: addDays(today, 1) }],
          },
          400,
        ],
        [{ retireeId: home.id, kind: 'outpatient', receipts: [] }, 400],
      ];
      for (const [body, status] of refused)
        expect(
          (await t.api('POST', '/api/pay/claims', body, caseworker.token)).status,
          JSON.stringify(body),
        ).toBe(status);
      expect(
        await read<MedicalClaim[]>(t, `/api/pay/claims?retireeId=${home.id}`, caseworker.token),
      ).toHaveLength(1);

      expect(has(await workList(supervisor.token), 'medical_claim', claim.id)).toBe(true);
      const approve = `/api/pay/claims/${claim.id}/approve`;
      expect((await t.api('POST', approve, {}, caseworker.token)).status).toBe(403);
      expect((await t.api('POST', approve, { approvedFen: 50_000 }, supervisor.token)).status).toBe(400);
      expect((await t.api('POST', `/api/pay/claims/${claim.id}/pay`, {}, supervisor.token)).status).toBe(409);
      const approved = await t.api<MedicalClaim>(
        'POST',
        approve,
        { approvedFen: 40_000, note: '自费药品不予报销' },
        supervisor.token,
      );
      expect(approved.body).toMatchObject({
        status: 'approved',
        approvedFen: 40_000,
        decidedBy: expect.any(String),
      });
      const paid = await t.api<MedicalClaim>('POST', `/api/pay/claims/${claim.id}/pay`, {}, supervisor.token);
      expect(paid.body).toMatchObject({ status: 'paid', paidOn: today, paidPeriod: month });
      expect(has(await workList(supervisor.token), 'medical_claim', claim.id)).toBe(false);

      // A refused claim frees its receipts for another.
      const second = await created<MedicalClaim>(
        t,
        '/api/pay/claims',
        { retireeId: home.id, kind: 'subsidy', receipts: [{ ...receipts[0], number: 'ZY-1' }] },
        caseworker.token,
      );
      expect(
        (await t.api('POST', `/api/pay/claims/${second.id}/reject`, { note: ' ' }, supervisor.token)).status,
      ).toBe(400);
      const rejected = await t.api<MedicalClaim>(
        'POST',
        `/api/pay/claims/${second.id}/reject`,
        { note: '不属于补助范围' },
        supervisor.token,
      );
      expect(rejected.body).toMatchObject({ status: 'rejected', decisionNote: '不属于补助范围' });
      await created(
        t,
        '/api/pay/claims',
        { retireeId: home.id, kind: 'inpatient', receipts: [{ ...receipts[0], number: 'ZY-1' }] },
        caseworker.token,
      );
    });

    it('pays the funeral allowance and survivor pension once, after the death, closing their steps; the death ends the pay', async () => {
      const funeral = {
        retireeId: home.id,
        kind: 'funeral_allowance',
        payeeName: '陈红',
        payeeRelation: '女儿',
        amountFen: 1_200_000,
      };
      expect((await t.api('POST', '/api/pay/lump-sums', funeral, caseworker.token)).status).toBe(409);
      const death = await created<{ death: Death }>(
        t,
        '/api/bereavement',
        { retireeId: home.id, diedOn: today, place: '四川省人民医院' },
        caseworker.token,
      );
      const paid = await created<LumpSum>(t, '/api/pay/lump-sums', funeral, caseworker.token);
      expect(paid).toMatchObject({
        kindName: '丧葬费',
        name: '丧葬费',
        amountFen: 1_200_000,
        paidOn: today,
        period: month,
      });
      expect((await t.api('POST', '/api/pay/lump-sums', funeral, caseworker.token)).status).toBe(409);
      await created(
        t,
        '/api/pay/lump-sums',
        { ...funeral, kind: 'survivor_pension', amountFen: 4_000_000 },
        caseworker.token,
      );
      expect(
        (await t.api('POST', '/api/pay/lump-sums', { ...funeral, kind: 'other' }, caseworker.token)).status,
      ).toBe(400);

      const after = await read<Death>(t, `/api/bereavement/${death.death.id}`, caseworker.token);
      const step = (name: string) => after.steps.find((entry) => entry.step === name);
      expect(step('funeral_allowance')).toMatchObject({ status: 'done', doneOn: today });
      expect(step('funeral_allowance')?.note).toContain('¥12000.00');
      expect(step('survivor_pension')).toMatchObject({ status: 'done' });

      const items = await read<PayItem[]>(t, `/api/pay/items?retireeId=${home.id}`, caseworker.token);
      for (const item of items.filter((entry) => entry.endReason !== 'adjusted'))
        expect(item).toMatchObject({ toMonth: month, endReason: 'death' });
      const later = addMonths(`${month}-01`, 1).slice(0, 7);
      const tooLate = { retireeId: home.id, kind: 'heating', monthlyFen: 100, fromMonth: later };
      expect((await t.api('POST', '/api/pay/items', tooLate, caseworker.token)).status).toBe(409);
    });

    it('totals each month by kind and writes the month’s workbook', async () => {
      await created(t, '/api/pay/runs', { period: month }, supervisor.token);
      const year = await read<PayMonth[]>(t, `/api/pay/months?year=${month.slice(0, 4)}`, caseworker.token);
      expect(year.at(-1)?.period).toBe(month);
      const now = await read<PayMonth>(t, `/api/pay/months/${month}`, caseworker.token);
      expect(now).toMatchObject({
        payFen: 900_000 + 60_000 + 720_000,
        arrearsFen: 720_000,
        claimsFen: 40_000,
        lumpSumsFen: 5_200_000,
        withheldFen: 0,
        run: { runBy: expect.any(String) },
      });
      expect(now.totalFen).toBe(900_000 + 60_000 + 720_000 + 720_000 + 40_000 + 5_200_000);
      expect(now.lines).toContainEqual({
        group: 'lump_sum',
        kind: 'funeral_allowance',
        name: '丧葬费',
        count: 1,
        amountFen: 1_200_000,
      });
      const previous = await read<PayMonth>(t, `/api/pay/months/${last}`, caseworker.token);
      expect(previous).toMatchObject({ payFen: 960_000, withheldFen: 720_000, totalFen: 960_000 });
      expect((await t.api('GET', '/api/pay/months/2026-13', undefined, caseworker.token)).status).toBe(400);

      const response = await fetch(`${t.url}/api/pay/months/${month}/export.xlsx`, {
        headers: { authorization: `Bearer ${caseworker.token}` },
      });
      expect(response.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toStrictEqual([
        `${month} 汇总`,
        '离退休费发放',
        '补发',
        '生活待遇',
        '医疗费报销',
        '一次性支付',
      ]);
      const totals = workbook.getWorksheet(`${month} 汇总`);
      const lastRow = totals?.getRow(totals.rowCount);
      expect(lastRow?.getCell(1).text).toBe('合计');
      expect(lastRow?.getCell(4).value).toBe(now.totalFen / 100);
      const arrearsSheet = workbook.getWorksheet('补发');
      expect(arrearsSheet?.getRow(2).getCell(1).text).toBe('赵海峰');
      expect(arrearsSheet?.getRow(2).getCell(4).text).toBe(last);
    });

    it('keeps a station’s caseworker to the station’s retirees', async () => {
      const station = await t.addStaff('cw.pay.east', 'caseworker', '东城站');
      expect((await t.api('GET', `/api/pay/ledger/${away.id}`, undefined, station.token)).status).toBe(404);
      expect((await t.api('GET', `/api/pay/items/${pension.id}`, undefined, station.token)).status).toBe(404);
      expect((await t.api('GET', `/api/pay/claims/${claim.id}`, undefined, station.token)).status).toBe(404);
      expect(await read<PayItem[]>(t, '/api/pay/items', station.token)).toStrictEqual([]);
      expect((await read<PayMonth>(t, `/api/pay/months/${month}`, station.token)).totalFen).toBe(0);
      const runs = await read<PayRun[]>(t, `/api/pay/runs?year=${month.slice(0, 4)}`, station.token);
      expect(runs.find((run) => run.period === month)).toMatchObject({ retirees: 0, paidFen: 0 });
    });
  });
