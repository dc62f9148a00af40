/**
 * The service figures of clause 7.1 month by month (`GET /api/reports/services?year=`) through the
 * HTTP API, on both record engines: a visit done on time, one done late and one still open past its
 * day; service requests logged by staff, done and rated; health checks; a complaint answered in time
 * and one left unanswered past its day; letters and calls replied in time, late and not at all; an
 * alert. Each is counted in the month of the date it was made with, so the figures are right
 * whatever day the suite runs on; the Excel sheet says the same; the monitoring desk is refused and
 * a station's caseworker counts the station's retirees only.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { Feedback } from '../../server/schemas/evaluation.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { ReceptionItem } from '../../server/schemas/reception.ts';
import type { ServiceMonth } from '../../server/schemas/reports.ts';
import type { ServiceRequest } from '../../server/schemas/requests.ts';
import type { AdmissionResult, VisitRecord, VisitTask } from '../../server/schemas/visits.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, pressSos, read, type TestHub } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';
import { sevenFields } from '../visits/seven-fields.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

type Counts = Omit<ServiceMonth, 'period' | 'averageRating'>;
type Count = keyof Counts;

const ZERO: Counts = {
  visitsDue: 0,
  visitsOnTime: 0,
  visitsLate: 0,
  visitsOverdue: 0,
  visitsRecorded: 0,
  requestsOpened: 0,
  requestsDone: 0,
  requestsRated: 0,
  healthChecks: 0,
  complaints: 0,
  complaintsAnsweredInTime: 0,
  complaintsOverdue: 0,
  letters: 0,
  lettersRepliedInTime: 0,
  alerts: 0,
};

/** The headers of the sheet, in their order. */
const HEADERS = [
  '月份',
  '应走访',
  '按时走访',
  '按时率',
  '逾期走访',
  '逾期未走访',
  '走访记录',
  '求助受理',
  '求助办结',
  '评价数',
  '平均评分',
  '体检完成',
  '投诉',
  '按时答复投诉',
  '逾期未答复投诉',
  '来信来访',
  '按时答复来信来访',
  '告警',
];

/** What a month's row should say: counts added as records are made, ratings given. */
class Expected {
  private readonly counts = new Map<string, Counts>();
  private readonly ratings = new Map<string, number[]>();

  /** Adds `figures` to the month of `day` (YYYY-MM-DD). */
  add(day: string, figures: Partial<Counts>): void {
    const period = day.slice(0, 7);
    const month = this.counts.get(period) ?? { ...ZERO };
    for (const [key, value] of Object.entries(figures) as [Count, number][]) month[key] += value;
    this.counts.set(period, month);
  }

  rated(day: string, rating: number): void {
    const period = day.slice(0, 7);
    this.ratings.set(period, [...(this.ratings.get(period) ?? []), rating]);
  }

  /** Every month of `year` up to `today`'s, as the API should answer them. */
  year(year: number, today: string): ServiceMonth[] {
    const months: ServiceMonth[] = [];
    for (let month = 1; month <= 12; month += 1) {
      const period = `${year}-${String(month).padStart(2, '0')}`;
      if (period > today.slice(0, 7)) break;
      const ratings = this.ratings.get(period) ?? [];
      const average =
        ratings.length === 0
          ? null
          : Math.round((ratings.reduce((sum, one) => sum + one, 0) / ratings.length) * 100) / 100;
      months.push({ period, ...ZERO, ...this.counts.get(period), averageRating: average });
    }
    return months;
  }

  /** The years any figure fell in, and `today`'s. */
  years(today: string): number[] {
    const years = new Set([Number(today.slice(0, 4))]);
    for (const period of this.counts.keys()) years.add(Number(period.slice(0, 4)));
    return [...years].sort();
  }
}

/** The first sheet of the workbook answered: its cells' values row by row, and the sheet's name. */
async function workbookRows(
  t: TestHub,
  path: string,
  token: string,
): Promise<{ name: string; disposition: string | null; rows: ExcelJS.CellValue[][]; formats: string[] }> {
  const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('a workbook without a sheet');
  const rows: ExcelJS.CellValue[][] = [];
  const formats: string[] = [];
  sheet.eachRow((row, number) => {
    const cells: ExcelJS.CellValue[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cell.value;
      if (number === 2) formats[column - 1] = cell.numFmt ?? '';
    });
    rows.push(cells);
  });
  return { name: sheet.name, disposition: response.headers.get('content-disposition'), rows, formats };
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`service figures month by month on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    const thisYear = Number(today.slice(0, 4));
    const centre = new Expected();
    const east = new Expected();
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let eastCaseworker: SignedIn;
    let operator: SignedIn;
    let wang: Retiree;
    let liu: Retiree;
    let eastRetiree: Retiree;

    const figures = (year: number, token: string) =>
      read<ServiceMonth[]>(t, `/api/reports/services?year=${year}`, token);

    /** A visit record of `retireeId` on `visitedOn`, completing `taskId` when given. */
    const recordVisit = (retireeId: string, visitedOn: string, taskId?: string) =>
      created<VisitRecord>(
        t,
        '/api/visits/records',
        {
          retireeId,
          ...(taskId ? { taskId } : {}),
          visitedOn,
          mode: 'in_person',
          visitors: ['李社工'],
          ...sevenFields,
        },
        caseworker.token,
      );

    const move = async (path: string, body: unknown = {}) => {
      const answer = await t.api('POST', path, body, caseworker.token);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    };

    beforeAll(async () => {
      supervisor = await t.addStaff('sup.figures', 'supervisor');
      caseworker = await t.addStaff('cw.figures', 'caseworker');
      eastCaseworker = await t.addStaff('cw.figures.east', 'caseworker', '东站');
      operator = await t.addStaff('op.figures', 'operator');
      wang = await t.addRetiree({ name: '王建国' });
      liu = await t.addRetiree({ name: '刘志强' });
      eastRetiree = await t.addRetiree({ name: '东站老人' });
      const moved = await t.api('PATCH', `/api/archive/retirees/${eastRetiree.id}`, { station: '东站' });
      expect(moved.status).toBe(200);
    });

    it('counts visits due in a month as done on time, done late or still open past their day', async () => {
      // Due today and visited today: on time.
      const dueToday = await created<VisitTask>(
        t,
        '/api/visits/tasks',
        { retireeId: wang.id, title: '季度走访', dueOn: today },
        caseworker.token,
      );
      const onTime = await recordVisit(wang.id, today, dueToday.id);
      expect(onTime.taskId).toBe(dueToday.id);
      expect((await read<VisitTask>(t, `/api/visits/tasks/${dueToday.id}`, caseworker.token)).status).toBe(
        'done',
      );
      centre.add(today, { visitsDue: 1, visitsOnTime: 1, visitsRecorded: 1 });

      // Admitted to hospital ten days ago: the visit was due three days later, and nobody went.
      const admittedOn = addDays(today, -10);
      const open = await created<AdmissionResult>(
        t,
        '/api/visits/admissions',
        { retireeId: liu.id, hospital: '四川省人民医院', admittedOn },
        caseworker.token,
      );
      expect(open.task).toMatchObject({ status: 'open', dueOn: addDays(admittedOn, 3) });
      centre.add(open.task.dueOn, { visitsDue: 1, visitsOverdue: 1 });

      // Admitted twenty days ago and visited a day after the visit was due: late.
      const lateAdmission = await created<AdmissionResult>(
        t,
        '/api/visits/admissions',
        { retireeId: wang.id, hospital: '成都市第三人民医院', admittedOn: addDays(today, -20) },
        caseworker.token,
      );
      const lateOn = addDays(lateAdmission.task.dueOn, 1);
      await recordVisit(wang.id, lateOn, lateAdmission.task.id);
      centre.add(lateAdmission.task.dueOn, { visitsDue: 1, visitsLate: 1 });
      centre.add(lateOn, { visitsRecorded: 1 });

      // A visit with no task is a visit made, and no visit due.
      await recordVisit(liu.id, addDays(today, -1));
      centre.add(addDays(today, -1), { visitsRecorded: 1 });

      // A cancelled task was never due.
      const cancelled = await created<VisitTask>(
        t,
        '/api/visits/tasks',
        { retireeId: liu.id, title: '取消的走访', dueOn: today },
        caseworker.token,
      );
      const cancelling = await t.api(
        'PATCH',
        `/api/visits/tasks/${cancelled.id}`,
        { status: 'cancelled' },
        caseworker.token,
      );
      expect(cancelling.status).toBe(200);

      for (const year of centre.years(today)) {
        const months = await figures(year, supervisor.token);
        expect(
          months.map(({ period, visitsDue, visitsOnTime, visitsLate, visitsOverdue, visitsRecorded }) => ({
            period,
            visitsDue,
            visitsOnTime,
            visitsLate,
            visitsOverdue,
            visitsRecorded,
          })),
        ).toEqual(
          centre
            .year(year, today)
            .map(({ period, visitsDue, visitsOnTime, visitsLate, visitsOverdue, visitsRecorded }) => ({
              period,
              visitsDue,
              visitsOnTime,
              visitsLate,
              visitsOverdue,
              visitsRecorded,
            })),
        );
      }
    });

    it('counts service requests logged, done and rated, with their average rating', async () => {
      const log = (retireeId: string, category: string, description: string) =>
        created<ServiceRequest>(
          t,
          '/api/service-requests',
          { retireeId, channel: 'phone', category, description },
          caseworker.token,
        );
      const change = async (id: string, body: Record<string, unknown>) => {
        const answer = await t.api<ServiceRequest>(
          'PATCH',
          `/api/service-requests/${id}`,
          body,
          caseworker.token,
        );
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        return answer.body;
      };

      const errand = await log(wang.id, 'errand', '代购降压药');
      await change(errand.id, { status: 'assigned', provider: '社区药房' });
      const done = await change(errand.id, { status: 'done', rating: 4, note: '已送药上门' });
      expect(done).toMatchObject({ status: 'done', rating: 4 });
      expect(done.doneAt).not.toBeNull();

      const repair = await log(liu.id, 'repair', '卫生间水龙头漏水');
      await change(repair.id, { status: 'assigned' });
      await change(repair.id, { status: 'done', rating: 5 });

      // Done, and not rated.
      const legal = await log(liu.id, 'legal', '咨询遗嘱公证');
      await change(legal.id, { status: 'done' });

      // Still in hand.
      await log(wang.id, 'medical', '下周三陪同复诊');

      // Requests are counted in the month the hub made and closed them: now.
      const now = centreDay(new Date());
      centre.add(now, { requestsOpened: 4, requestsDone: 3, requestsRated: 2 });
      centre.rated(now, 4);
      centre.rated(now, 5);

      const month = (await figures(Number(now.slice(0, 4)), supervisor.token)).find(
        (row) => row.period === now.slice(0, 7),
      );
      expect(month).toMatchObject({
        requestsOpened: 4,
        requestsDone: 3,
        requestsRated: 2,
        averageRating: 4.5,
      });
    });

    it('counts health checks in the month they were done', async () => {
      const check = (retireeId: string, checkedOn: string) =>
        created(
          t,
          '/api/medical/health-checks',
          { retireeId, checkedOn, hospital: '成都市第五人民医院', summary: '血压偏高，余无异常' },
          caseworker.token,
        );
      await check(wang.id, addDays(today, -3));
      centre.add(addDays(today, -3), { healthChecks: 1 });
      await check(liu.id, today);
      centre.add(today, { healthChecks: 1 });
      await check(eastRetiree.id, today);
      centre.add(today, { healthChecks: 1 });
      east.add(today, { healthChecks: 1 });
    });

    it('counts complaints answered in time and those left unanswered past their day', async () => {
      const receive = (body: Record<string, unknown>) =>
        created<Feedback>(t, '/api/evaluation/feedback', body, caseworker.token);

      // Received two days ago, answered today within its fifteen days.
      const answeredIn = addDays(today, -2);
      const answered = await receive({
        kind: 'complaint',
        channel: 'phone',
        retireeId: wang.id,
        receivedOn: answeredIn,
        answerDays: 15,
        content: '送餐时间不固定',
      });
      await move(`/api/evaluation/feedback/${answered.id}/handle`);
      const answer = (await move(`/api/evaluation/feedback/${answered.id}/answer`, {
        answer: '已与送餐公司约定每日11:30前送达',
      })) as Feedback;
      expect(answer).toMatchObject({ status: 'answered', answeredOn: today });
      centre.add(answeredIn, { complaints: 1, complaintsAnsweredInTime: 1 });

      // Received thirty days ago with ten days to answer, and never answered.
      const overdueIn = addDays(today, -30);
      const overdue = await receive({
        kind: 'complaint',
        channel: 'window_book',
        retireeId: liu.id,
        receivedOn: overdueIn,
        answerDays: 10,
        content: '活动室空调不制冷',
      });
      expect(overdue.answerDueOn).toBe(addDays(overdueIn, 10));
      await move(`/api/evaluation/feedback/${overdue.id}/handle`);
      centre.add(overdueIn, { complaints: 1, complaintsOverdue: 1 });

      // A complaint naming nobody counts for the whole centre; a suggestion is no complaint.
      await receive({ kind: 'complaint', channel: 'suggestion_box', content: '食堂菜品偏咸' });
      centre.add(today, { complaints: 1 });
      await receive({ kind: 'suggestion', channel: 'online', retireeId: wang.id, content: '增加书法课' });
    });

    it('counts letters, visits and calls, and those replied by their day', async () => {
      const receive = (body: Record<string, unknown>) =>
        created<ReceptionItem>(t, '/api/reception/items', body, caseworker.token);
      const reply = async (id: string, repliedOn: string) => {
        await move(`/api/reception/items/${id}/take`);
        return (await move(`/api/reception/items/${id}/reply`, {
          reply: '已按政策答复本人',
          repliedOn,
        })) as ReceptionItem;
      };

      const letterIn = addDays(today, -5);
      const letter = await receive({
        channel: 'letter',
        fromName: '王建国',
        retireeId: wang.id,
        receivedOn: letterIn,
        replyDays: 15,
        content: '询问医疗费报销进度',
      });
      expect(await reply(letter.id, today)).toMatchObject({ status: 'replied', repliedOn: today });
      centre.add(letterIn, { letters: 1, lettersRepliedInTime: 1 });

      // Replied today, fifteen days after its day.
      const callIn = addDays(today, -25);
      const call = await receive({
        channel: 'call',
        fromName: '刘志强家属',
        retireeId: liu.id,
        receivedOn: callIn,
        replyDays: 10,
        content: '反映住房维修问题',
      });
      expect(call.replyDueOn).toBe(addDays(callIn, 10));
      await reply(call.id, today);
      centre.add(callIn, { letters: 1 });

      // Not replied yet.
      await receive({ channel: 'visit', fromName: '刘志强', retireeId: liu.id, content: '来访咨询体检安排' });
      centre.add(today, { letters: 1 });
    });

    it('counts the alerts opened in the month', async () => {
      await pressSos(t, wang, 'sos-figures-1');
      centre.add(centreDay(new Date()), { alerts: 1 });
    });

    it('answers every month of the year up to this one with exactly what was recorded', async () => {
      for (const year of centre.years(today)) {
        const expected = centre.year(year, today);
        expect(await figures(year, supervisor.token)).toEqual(expected);
        // A caseworker without a station and the admin see the whole centre too.
        expect(await figures(year, caseworker.token)).toEqual(expected);
        expect(await figures(year, t.token)).toEqual(expected);
      }
      // Without a year: this one.
      expect(await read(t, '/api/reports/services', supervisor.token)).toEqual(centre.year(thisYear, today));

      // A year gone by: twelve months; a year to come: none yet.
      const past = await figures(thisYear - 3, supervisor.token);
      expect(past.map((row) => row.period)).toEqual(
        Array.from({ length: 12 }, (_, index) => `${thisYear - 3}-${String(index + 1).padStart(2, '0')}`),
      );
      expect(past.every((row) => row.visitsDue === 0 && row.averageRating === null)).toBe(true);
      expect(await figures(thisYear + 1, supervisor.token)).toEqual([]);

      for (const year of ['1999', '2101', 'last', '2026.5']) {
        const refused = await t.api('GET', `/api/reports/services?year=${year}`, undefined, supervisor.token);
        expect(refused.status, year).toBe(400);
      }
    });

    it('gives the same figures as an Excel sheet', async () => {
      const { name, disposition, rows, formats } = await workbookRows(
        t,
        `/api/reports/services/export.xlsx?year=${thisYear}`,
        supervisor.token,
      );
      expect(name).toBe('服务指标');
      expect(disposition).toContain(`filename="service-figures-${thisYear}.xlsx"`);
      expect(disposition).toContain(encodeURIComponent(`${thisYear}年服务指标.xlsx`));
      expect(rows[0]).toEqual(HEADERS);
      const expected = centre.year(thisYear, today);
      expect(rows.slice(1).map((row) => row[0])).toEqual(expected.map((month) => month.period));

      const at = (header: string) => HEADERS.indexOf(header);
      const row = rows.find((cells) => cells[0] === today.slice(0, 7)) ?? [];
      const month = expected.find((one) => one.period === today.slice(0, 7)) as ServiceMonth;
      expect(row[at('应走访')]).toBe(month.visitsDue);
      expect(row[at('按时走访')]).toBe(month.visitsOnTime);
      expect(row[at('按时率')]).toBeCloseTo(month.visitsOnTime / month.visitsDue, 10);
      expect(row[at('逾期走访')]).toBe(month.visitsLate);
      expect(row[at('逾期未走访')]).toBe(month.visitsOverdue);
      expect(row[at('走访记录')]).toBe(month.visitsRecorded);
      expect(row[at('体检完成')]).toBe(month.healthChecks);
      expect(row[at('投诉')]).toBe(month.complaints);
      expect(row[at('按时答复投诉')]).toBe(month.complaintsAnsweredInTime);
      expect(row[at('逾期未答复投诉')]).toBe(month.complaintsOverdue);
      expect(row[at('来信来访')]).toBe(month.letters);
      expect(row[at('按时答复来信来访')]).toBe(month.lettersRepliedInTime);
      expect(row[at('告警')]).toBe(month.alerts);
      expect(formats[at('按时率')]).toBe('0.0%');
      expect(formats[at('平均评分')]).toBe('0.00');

      // The month the requests were made in: four, three done, two rated, 4.5 on average.
      const requested = rows.find((cells) => cells[at('求助受理')] === 4) ?? [];
      expect(requested[at('求助办结')]).toBe(3);
      expect(requested[at('评价数')]).toBe(2);
      expect(requested[at('平均评分')]).toBe(4.5);

      // A month without visits due has no on-time share (an empty cell, not 0 %).
      const quiet = centre.year(thisYear, today).findIndex((one) => one.visitsDue === 0);
      if (quiet >= 0) expect(rows[quiet + 1]?.[at('按时率')] ?? null).toBeNull();
    });

    it('refuses the monitoring desk and families, and counts a station’s retirees only for its caseworker', async () => {
      for (const path of [
        `/api/reports/services?year=${thisYear}`,
        `/api/reports/services/export.xlsx?year=${thisYear}`,
      ]) {
        expect((await t.api('GET', path, undefined, operator.token)).status, path).toBe(403);
        expect((await t.api('GET', path, undefined, null)).status, path).toBe(401);
      }
      const family = await t.addFamily(wang, 'family.figures');
      expect((await t.api('GET', '/api/reports/services', undefined, family)).status).toBe(403);
      // The desk keeps its alert figures.
      expect(
        (await t.api('GET', `/api/reports/alerts?from=${today}&to=${today}`, undefined, operator.token))
          .status,
      ).toBe(200);

      // 东站's caseworker: nothing of the retirees of no station, only 东站's own health check.
      for (const year of centre.years(today)) {
        expect(await figures(year, eastCaseworker.token)).toEqual(east.year(year, today));
      }
      const eastMonth = (await figures(thisYear, eastCaseworker.token)).find(
        (row) => row.period === today.slice(0, 7),
      );
      expect(eastMonth).toEqual({ period: today.slice(0, 7), ...ZERO, healthChecks: 1, averageRating: null });
      const sheet = await workbookRows(
        t,
        `/api/reports/services/export.xlsx?year=${thisYear}`,
        eastCaseworker.token,
      );
      const eastRow = sheet.rows.find((cells) => cells[0] === today.slice(0, 7)) ?? [];
      expect(eastRow[HEADERS.indexOf('体检完成')]).toBe(1);
      expect(eastRow[HEADERS.indexOf('应走访')]).toBe(0);
      expect(eastRow[HEADERS.indexOf('告警')]).toBe(0);
    });
  });
