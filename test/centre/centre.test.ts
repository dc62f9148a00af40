/**
 * The smaller clauses through the HTTP API, on both record engines: the management committee's
 * members, meetings and decisions (5.1.8), the facilities register and its inspection log
 * (5.3.2.4), honours (6.2.2.2) and publications and re-employment (6.4.2.6), their Excel registers,
 * the work list, a station's scope and who may do what. A refused request changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type {
  CommitteeMeeting,
  CommitteeMember,
  Engagement,
  Facility,
  Honour,
} from '../../server/schemas/centre.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { WorkItem, WorkList } from '../../server/schemas/worklist.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

async function sheetRows(response: Response): Promise<string[][]> {
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]?.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((cell) => String(cell ?? '')));
  });
  return rows;
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`the committee, facilities, honours and engagements on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let operator: SignedIn;
    let veteran: Retiree;

    const workList = async (token: string): Promise<WorkItem[]> =>
      (await read<WorkList>(t, `/api/worklist?date=${today}`, token)).items;
    const has = (items: WorkItem[], source: string, id?: string) =>
      items.some((item) => item.source === source && (id === undefined || item.id === id));
    const download = (path: string, token: string) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    it('keeps the committee’s members and meetings, and puts each decision on its owner’s list until done', async () => {
      supervisor = await t.addStaff('sup.centre', 'supervisor');
      caseworker = await t.addStaff('cw.centre', 'caseworker');
      operator = await t.addStaff('op.centre', 'operator');
      veteran = await t.addRetiree({ name: '王德明' });

      const chair = await created<CommitteeMember>(
        t,
        '/api/committee/members',
        { retireeId: veteran.id, role: 'chair', fromOn: addDays(today, -400) },
        supervisor.token,
      );
      expect(chair).toMatchObject({ name: '王德明', retireeId: veteran.id, roleName: '主任', current: true });
      const past = await created<CommitteeMember>(
        t,
        '/api/committee/members',
        { name: '李文华', role: 'member', fromOn: addDays(today, -800) },
        supervisor.token,
      );
      const ended = await t.api<CommitteeMember>(
        'POST',
        `/api/committee/members/${past.id}/end`,
        { toOn: addDays(today, -10) },
        supervisor.token,
      );
      expect(ended.body).toMatchObject({ current: false, toOn: addDays(today, -10) });
      expect(
        (await read<CommitteeMember[]>(t, '/api/committee/members', operator.token)).map((m) => m.name),
      ).toEqual(['王德明']);
      expect(await read<CommitteeMember[]>(t, '/api/committee/members?all=true')).toHaveLength(2);
      expect(
        (
          await t.api(
            'POST',
            '/api/committee/members',
            { retireeId: veteran.id, role: 'member', fromOn: today },
            supervisor.token,
          )
        ).status,
      ).toBe(409);
      const refused = [
        { role: 'member', fromOn: today },
        { name: '张', role: 'member', fromOn: today, toOn: addDays(today, -1) },
      ];
      for (const body of refused)
        expect((await t.api('POST', '/api/committee/members', body, supervisor.token)).status).toBe(400);
      expect(
        (
          await t.api(
            'POST',
            '/api/committee/members',
            { name: '张', role: 'member', fromOn: today },
            caseworker.token,
          )
        ).status,
      ).toBe(403);

      const meeting = await created<CommitteeMeeting>(
        t,
        '/api/committee/meetings',
        {
          heldOn: today,
          place: '二楼会议室',
          topic: '重阳节活动安排',
          attendees: ['王德明', '刘主任'],
          minutes: '研究重阳节登高活动的组织和安全保障。',
          decisions: [
            { text: '联系社区卫生服务中心随队医生', ownerId: caseworker.id, dueOn: today },
            { text: '活动经费从文体经费列支' },
          ],
        },
        supervisor.token,
      );
      expect(meeting.decisions.map((d) => [d.text, d.owner, d.doneOn])).toStrictEqual([
        ['联系社区卫生服务中心随队医生', expect.any(String), null],
        ['活动经费从文体经费列支', null, null],
      ]);
      const [assigned, unowned] = meeting.decisions as [
        CommitteeMeeting['decisions'][0],
        CommitteeMeeting['decisions'][0],
      ];
      expect(
        (
          await t.api(
            'POST',
            '/api/committee/meetings',
            { heldOn: addDays(today, 1), topic: 'x', attendees: ['a'] },
            supervisor.token,
          )
        ).status,
      ).toBe(400);
      const early = {
        heldOn: today,
        topic: 'x',
        attendees: ['a'],
        decisions: [{ text: 'y', dueOn: addDays(today, -1) }],
      };
      expect((await t.api('POST', '/api/committee/meetings', early, supervisor.token)).status).toBe(400);
      expect(has(await workList(caseworker.token), 'committee_decision', assigned.id)).toBe(true);
      expect(has(await workList(caseworker.token), 'committee_decision', unowned.id)).toBe(false);
      expect(has(await workList(supervisor.token), 'committee_decision', unowned.id)).toBe(true);

      // Its owner marks it done; anyone else but a manager is refused.
      const markDone = `/api/committee/decisions/${assigned.id}/done`;
      expect((await t.api('POST', markDone, {}, operator.token)).status).toBe(403);
      expect((await t.api('POST', markDone, { doneOn: addDays(today, -1) }, caseworker.token)).status).toBe(
        400,
      );
      expect(
        (await t.api('POST', `/api/committee/decisions/${unowned.id}/done`, {}, caseworker.token)).status,
      ).toBe(403);
      const done = await t.api<CommitteeMeeting>(
        'POST',
        markDone,
        { note: '已落实随队医生' },
        caseworker.token,
      );
      expect(done.status).toBe(200);
      expect(done.body.decisions[0]).toMatchObject({ doneOn: today, doneNote: '已落实随队医生' });
      expect(
        (await t.api('POST', `/api/committee/decisions/${assigned.id}/done`, {}, supervisor.token)).status,
      ).toBe(409);
      expect(has(await workList(caseworker.token), 'committee_decision', assigned.id)).toBe(false);

      const sheet = await sheetRows(await download('/api/committee/meetings/export.xlsx', caseworker.token));
      expect(sheet[0]?.slice(0, 2)).toStrictEqual(['会议日期', '议题']);
      expect(sheet[1]?.[1]).toBe('重阳节活动安排');
    });

    it('registers facilities with the person responsible, and logs inspections that move the next one on', async () => {
      const room = await created<Facility>(
        t,
        '/api/facilities',
        {
          name: '书画活动室',
          kind: 'activity_room',
          location: '一楼东侧',
          openingHours: '周一至周五 8:30–17:00',
          responsibleId: caseworker.id,
          rules: '活动结束后关闭门窗和电源',
          inspectEveryDays: 30,
          sinceOn: addDays(today, -45),
        },
        supervisor.token,
      );
      expect(room).toMatchObject({
        kindName: '活动室',
        responsible: expect.any(String),
        lastInspectedOn: null,
        nextInspectionOn: addDays(today, -15),
        overdue: true,
      });
      expect(
        (
          await t.api(
            'POST',
            '/api/facilities',
            { name: '书画活动室', kind: 'other', responsibleId: caseworker.id },
            supervisor.token,
          )
        ).status,
      ).toBe(409);
      expect(
        (
          await t.api(
            'POST',
            '/api/facilities',
            { name: '健身房', kind: 'fitness', responsibleId: caseworker.id },
            caseworker.token,
          )
        ).status,
      ).toBe(403);
      expect(has(await workList(caseworker.token), 'facility_inspection', room.id)).toBe(true);
      expect(has(await workList(supervisor.token), 'facility_inspection', room.id)).toBe(true);
      expect(has(await workList(operator.token), 'facility_inspection', room.id)).toBe(false);

      const inspect = `/api/facilities/${room.id}/inspections`;
      expect(
        (await t.api('POST', inspect, { kind: 'inspection', result: 'issue' }, operator.token)).status,
      ).toBe(400);
      expect(
        (
          await t.api(
            'POST',
            inspect,
            { kind: 'inspection', result: 'ok', doneOn: addDays(today, 1) },
            operator.token,
          )
        ).status,
      ).toBe(400);
      const checked = await created<Facility>(
        t,
        inspect,
        { kind: 'inspection', result: 'issue', findings: '一盏灯损坏', action: '已报修' },
        operator.token,
      );
      expect(checked).toMatchObject({
        lastInspectedOn: today,
        lastResult: 'issue',
        nextInspectionOn: addDays(today, 30),
        overdue: false,
      });
      expect(checked.inspections[0]).toMatchObject({
        kind: 'inspection',
        findings: '一盏灯损坏',
        recordedBy: expect.any(String),
      });
      expect(has(await workList(caseworker.token), 'facility_inspection', room.id)).toBe(false);

      const retired = await t.api<Facility>(
        'PATCH',
        `/api/facilities/${room.id}`,
        { retired: true },
        supervisor.token,
      );
      expect(retired.body).toMatchObject({ retiredAt: expect.any(String), overdue: false });
      expect((await t.api('POST', inspect, { kind: 'repair', result: 'ok' }, operator.token)).status).toBe(
        409,
      );
      expect(await read<Facility[]>(t, '/api/facilities', operator.token)).toStrictEqual([]);
      const register = await sheetRows(
        await download('/api/facilities/export.xlsx?all=true', operator.token),
      );
      expect(register[1]?.[0]).toBe('书画活动室');
      expect(register[1]?.[9]).toBe('已停用');
    });

    it('keeps a retiree’s honours and engagements with the archive, to the caller’s station', async () => {
      const medal = await created<Honour>(
        t,
        '/api/honours',
        {
          retireeId: veteran.id,
          kind: 'medal',
          name: '中国人民志愿军抗美援朝出国作战70周年纪念章',
          awardedOn: '2020-10-23',
          awardedBy: '中共中央、国务院、中央军委',
        },
        caseworker.token,
      );
      expect(medal).toMatchObject({ kindName: '勋章、纪念章', retireeName: '王德明' });
      await created(
        t,
        '/api/honours',
        { retireeId: veteran.id, kind: 'plaque', name: '光荣之家' },
        caseworker.token,
      );
      expect(
        (
          await t.api(
            'POST',
            '/api/honours',
            { retireeId: veteran.id, kind: 'title', name: 'x', awardedOn: addDays(today, 2) },
            caseworker.token,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await t.api(
            'POST',
            '/api/honours',
            { retireeId: veteran.id, kind: 'title', name: 'x' },
            operator.token,
          )
        ).status,
      ).toBe(403);
      expect(await read<Honour[]>(t, `/api/honours?retireeId=${veteran.id}`, operator.token)).toHaveLength(2);

      const teaching = await created<Engagement>(
        t,
        '/api/engagements',
        {
          retireeId: veteran.id,
          kind: 'teaching',
          title: '国防教育兼职教员',
          organisation: '成都市某中学',
          fromOn: addDays(today, -30),
        },
        caseworker.token,
      );
      expect(teaching).toMatchObject({ kindName: '授课', filedOn: today, toOn: null });
      expect(
        (
          await t.api(
            'POST',
            '/api/engagements',
            { retireeId: veteran.id, kind: 'speech', title: 'x', fromOn: today, toOn: addDays(today, -1) },
            caseworker.token,
          )
        ).status,
      ).toBe(400);
      expect(await read<Engagement[]>(t, '/api/engagements?current=true', caseworker.token)).toHaveLength(1);
      const sheet = await sheetRows(await download('/api/engagements/export.xlsx', caseworker.token));
      expect(sheet[1]?.slice(0, 4)).toStrictEqual(['王德明', '授课', '国防教育兼职教员', '成都市某中学']);

      const east = await t.addStaff('cw.centre.east', 'caseworker', '东城站');
      expect(await read<Honour[]>(t, '/api/honours', east.token)).toStrictEqual([]);
      expect((await t.api('GET', `/api/honours/${medal.id}`, undefined, east.token)).status).toBe(404);
      expect((await t.api('DELETE', `/api/engagements/${teaching.id}`, undefined, east.token)).status).toBe(
        404,
      );
      expect((await t.api('DELETE', `/api/honours/${medal.id}`, undefined, caseworker.token)).status).toBe(
        204,
      );
      expect((await t.api('GET', `/api/honours/${medal.id}`, undefined, caseworker.token)).status).toBe(404);
    });
  });
