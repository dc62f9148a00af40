/**
 * Staff records (5.2.2, 5.2.3, 6.11.2.2) through the HTTP API, on both record engines: certificates
 * with their expiry and standing, a renewal that takes one off the work lists, training sessions
 * with attendance, the data-protection training each member of staff is due, the year's summary,
 * the Excel registers, the centre's two deadlines, and who may do what. A refused request changes
 * nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, centreDay, yearOf } from '../../server/calendar.ts';
import type {
  DataProtectionStanding,
  Qualification,
  StaffSummary,
  Training,
} from '../../server/schemas/staff.ts';
import type { WorkItem, WorkList } from '../../server/schemas/worklist.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';

const { engines, stop } = await hubEngines();
afterAll(stop);

const NOBODY = '00000000-0000-4000-8000-000000000000';

async function sheetRows(response: Response): Promise<string[][]> {
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]?.eachRow((row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell) => {
      cells.push(String(cell.text));
    });
    rows.push(cells);
  });
  return rows;
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`staff certificates and training on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    let supervisor: SignedIn;
    let caseworker: SignedIn;
    let operator: SignedIn;
    let certificate: Qualification;

    const workList = async (token: string, date = today): Promise<WorkItem[]> =>
      (await read<WorkList>(t, `/api/worklist?date=${date}`, token)).items;

    it('keeps each certificate with its expiry and standing; an expiring one is on the holder’s and the managers’ lists', async () => {
      supervisor = await t.addStaff('sup.staff', 'supervisor');
      caseworker = await t.addStaff('cw.staff', 'caseworker');
      operator = await t.addStaff('op.staff', 'operator');

      certificate = await created<Qualification>(
        t,
        '/api/staff/qualifications',
        {
          userId: caseworker.id,
          kind: 'care_worker',
          number: 'YL-2024-0081',
          issuer: '成都市人力资源和社会保障局',
          issuedOn: addMonths(today, -24),
          expiresOn: addDays(today, 20),
        },
        supervisor.token,
      );
      expect(certificate).toMatchObject({
        userId: caseworker.id,
        kind: 'care_worker',
        kindName: '养老护理员职业技能等级证书',
        name: '养老护理员职业技能等级证书',
        status: 'expiring',
        daysLeft: 20,
        expiresOn: addDays(today, 20),
      });
      const lasting = await created<Qualification>(
        t,
        '/api/staff/qualifications',
        { userId: operator.id, kind: 'first_aid', issuedOn: addMonths(today, -3) },
        supervisor.token,
      );
      expect(lasting).toMatchObject({ status: 'valid', daysLeft: null, expiresOn: null, name: '急救员证' });
      const lapsed = await created<Qualification>(
        t,
        '/api/staff/qualifications',
        {
          userId: operator.id,
          kind: 'other',
          name: '特种设备安全管理证',
          issuedOn: addMonths(today, -48),
          expiresOn: addDays(today, -3),
        },
        supervisor.token,
      );
      expect(lapsed).toMatchObject({ status: 'expired', daysLeft: -3 });

      const expiring = await read<Qualification[]>(
        t,
        '/api/staff/qualifications?status=expiring',
        caseworker.token,
      );
      expect(expiring.map((row) => row.id)).toEqual([certificate.id]);
      const ofOperator = await read<Qualification[]>(t, `/api/staff/qualifications?userId=${operator.id}`);
      // Soonest to expire first; one with no expiry last.
      expect(ofOperator.map((row) => row.id)).toEqual([lapsed.id, lasting.id]);

      // On the holder's list and the managers', not on another member of staff's.
      const has = (items: WorkItem[], id: string) =>
        items.some((item) => item.source === 'qualification_expiry' && item.id === id);
      expect(has(await workList(caseworker.token), certificate.id)).toBe(true);
      expect(has(await workList(caseworker.token), lapsed.id)).toBe(false);
      const head = await workList(supervisor.token);
      expect(has(head, certificate.id)).toBe(true);
      expect(head.find((item) => item.id === lapsed.id)).toMatchObject({
        overdue: true,
        dueDate: addDays(today, -3),
      });
      expect(head.find((item) => item.id === certificate.id)).toMatchObject({
        overdue: false,
        dueDate: addDays(today, 20),
        title: expect.stringContaining('养老护理员职业技能等级证书'),
      });
      expect(has(await workList(operator.token), certificate.id)).toBe(false);
    });

    it('refuses what is not a certificate of an active member of staff, and changes nothing', async () => {
      const before = (await read<Qualification[]>(t, '/api/staff/qualifications')).length;
      const base = { userId: caseworker.id, kind: 'nurse' };
      for (const [body, token, status] of [
        [base, caseworker.token, 403],
        [base, operator.token, 403],
        [{ ...base, userId: NOBODY }, supervisor.token, 400],
        [{ ...base, kind: 'other' }, supervisor.token, 400],
        [{ ...base, kind: 'pilot' }, supervisor.token, 400],
        [{ ...base, issuedOn: addDays(today, 1) }, supervisor.token, 400],
        [{ ...base, issuedOn: today, expiresOn: addDays(today, -1) }, supervisor.token, 400],
        [{ ...base, expiresOn: '2026-02-30' }, supervisor.token, 400],
      ] as const) {
        const answer = await t.api('POST', '/api/staff/qualifications', body, token);
        expect(answer.status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(status);
      }
      expect((await read<Qualification[]>(t, '/api/staff/qualifications')).length).toBe(before);
      const unchanged = await t.api(
        'PATCH',
        `/api/staff/qualifications/${certificate.id}`,
        { expiresOn: addMonths(today, -30) },
        supervisor.token,
      );
      expect(unchanged.status).toBe(400);
      expect(
        (
          await t.api(
            'PATCH',
            `/api/staff/qualifications/${certificate.id}`,
            { number: 'X' },
            caseworker.token,
          )
        ).status,
      ).toBe(403);
      expect(
        (await t.api('PATCH', `/api/staff/qualifications/${NOBODY}`, { number: 'X' }, supervisor.token))
          .status,
      ).toBe(404);
      expect(await read<Qualification>(t, `/api/staff/qualifications/${certificate.id}`)).toMatchObject({
        number: 'YL-2024-0081',
        expiresOn: addDays(today, 20),
      });
    });

    it('takes a renewed certificate off the lists: new number and days in place', async () => {
      const renewed = await t.api<Qualification>(
        'PATCH',
        `/api/staff/qualifications/${certificate.id}`,
        { number: 'YL-2026-0192', issuedOn: today, expiresOn: addMonths(today, 36) },
        supervisor.token,
      );
      expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
      expect(renewed.body).toMatchObject({
        number: 'YL-2026-0192',
        issuedOn: today,
        expiresOn: addMonths(today, 36),
        status: 'valid',
        issuer: '成都市人力资源和社会保障局',
      });
      const items = await workList(supervisor.token);
      expect(items.some((item) => item.id === certificate.id)).toBe(false);
      // A longer notice brings it back: the centre's deadline, read when the list is made.
      const longer = await t.api(
        'PUT',
        '/api/settings/deadlines/staff.certificate_notice_days',
        { value: 365 * 3 },
        supervisor.token,
      );
      expect(longer.status).toBe(400);
      const set = await t.api('PUT', '/api/settings/deadlines/staff.certificate_notice_days', { value: 365 });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect((await read<Qualification>(t, `/api/staff/qualifications/${certificate.id}`)).status).toBe(
        'valid',
      );
      const soon = await workList(supervisor.token, addMonths(today, 30));
      expect(soon.some((item) => item.id === certificate.id)).toBe(true);
      await t.api('PUT', '/api/settings/deadlines/staff.certificate_notice_days', { value: 60 });
    });

    it('records training with who attended, and dates each one’s data-protection training from it', async () => {
      // Accounts made today are due at once.
      const before = await read<DataProtectionStanding[]>(t, '/api/staff/data-protection', operator.token);
      expect(before.find((row) => row.userId === caseworker.id)).toMatchObject({
        lastTrainedOn: null,
        dueOn: today,
        overdue: false,
      });
      const tomorrow = await workList(supervisor.token, addDays(today, 1));
      expect(
        tomorrow.find((item) => item.source === 'data_protection_training' && item.id === caseworker.id),
      ).toMatchObject({ overdue: true, dueDate: today });
      expect(
        (await workList(caseworker.token, addDays(today, 1))).some(
          (item) => item.source === 'data_protection_training',
        ),
      ).toBe(false);

      const heldOn = addDays(today, -10);
      const session = await created<Training>(
        t,
        '/api/staff/trainings',
        {
          kind: 'data_protection',
          topic: '个人信息保护法与老人档案保密',
          heldOn,
          hours: 2.5,
          trainer: '区司法局 王律师',
          place: '三楼会议室',
          attendeeIds: [caseworker.id, operator.id, caseworker.id.toUpperCase()],
        },
        supervisor.token,
      );
      expect(session).toMatchObject({ kindName: '个人信息保护与档案保密', hours: 2.5, heldOn });
      expect(session.attendees.map((person) => person.userId).sort()).toEqual(
        [caseworker.id, operator.id].sort(),
      );
      await created<Training>(
        t,
        '/api/staff/trainings',
        { kind: 'skills', topic: '失能老人照护技能', heldOn: today, hours: 4, attendeeIds: [caseworker.id] },
        supervisor.token,
      );

      const standing = await read<DataProtectionStanding[]>(t, '/api/staff/data-protection');
      expect(standing.find((row) => row.userId === caseworker.id)).toMatchObject({
        lastTrainedOn: heldOn,
        dueOn: addDays(heldOn, 365),
        overdue: false,
      });
      expect(standing.find((row) => row.userId === supervisor.id)).toMatchObject({ lastTrainedOn: null });
      const later = await workList(supervisor.token, addDays(today, 1));
      const due = later.filter((item) => item.source === 'data_protection_training').map((item) => item.id);
      expect(due).toContain(supervisor.id);
      expect(due).not.toContain(caseworker.id);
      expect(due).not.toContain(operator.id);

      const attended = await read<Training[]>(t, `/api/staff/trainings?userId=${operator.id}`);
      expect(attended.map((row) => row.id)).toEqual([session.id]);
      const ofKind = await read<Training[]>(t, '/api/staff/trainings?kind=skills');
      expect(ofKind.map((row) => row.topic)).toEqual(['失能老人照护技能']);

      const summary = await read<StaffSummary[]>(t, `/api/staff/summary?year=${yearOf(today)}`);
      const mine = summary.find((row) => row.userId === caseworker.id);
      // Both sessions fall in this year unless the one ten days ago was in the last.
      expect(mine).toMatchObject({
        qualifications: 1,
        expiring: 0,
        expired: 0,
        trainingHours: yearOf(heldOn) === yearOf(today) ? 6.5 : 4,
        lastDataProtectionOn: heldOn,
      });
      expect(summary.find((row) => row.userId === operator.id)).toMatchObject({
        qualifications: 2,
        expired: 1,
      });
    });

    it('refuses a training that is not one, and changes nothing', async () => {
      const before = (await read<Training[]>(t, '/api/staff/trainings')).length;
      const base = {
        kind: 'skills',
        topic: '消防器材使用',
        heldOn: today,
        hours: 2,
        attendeeIds: [caseworker.id],
      };
      for (const [body, token, status] of [
        [base, caseworker.token, 403],
        [{ ...base, heldOn: addDays(today, 1) }, supervisor.token, 400],
        [{ ...base, attendeeIds: [] }, supervisor.token, 400],
        [{ ...base, attendeeIds: [NOBODY] }, supervisor.token, 400],
        [{ ...base, hours: 0 }, supervisor.token, 400],
        [{ ...base, hours: 1.25 }, supervisor.token, 400],
        [{ ...base, topic: '   ' }, supervisor.token, 400],
        [{ ...base, kind: 'party' }, supervisor.token, 400],
      ] as const) {
        const answer = await t.api('POST', '/api/staff/trainings', body, token);
        expect(answer.status, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(status);
      }
      expect((await read<Training[]>(t, '/api/staff/trainings')).length).toBe(before);
    });

    it('takes out what was entered by mistake, for the managers only; a departed member of staff’s certificates are not listed', async () => {
      const mistaken = await created<Qualification>(
        t,
        '/api/staff/qualifications',
        { userId: supervisor.id, kind: 'nurse', expiresOn: addDays(today, 5) },
        supervisor.token,
      );
      const session = await created<Training>(
        t,
        '/api/staff/trainings',
        { kind: 'other', topic: '录错的培训', heldOn: today, hours: 1, attendeeIds: [supervisor.id] },
        supervisor.token,
      );
      for (const url of [`/api/staff/qualifications/${mistaken.id}`, `/api/staff/trainings/${session.id}`]) {
        expect((await t.api('DELETE', url, undefined, caseworker.token)).status).toBe(403);
        expect((await t.api('GET', url)).status).toBe(200);
        expect((await t.api('DELETE', url, undefined, supervisor.token)).status).toBe(204);
        expect((await t.api('GET', url)).status).toBe(404);
        expect((await t.api('DELETE', url, undefined, supervisor.token)).status).toBe(404);
      }
      expect((await workList(supervisor.token)).some((item) => item.id === mistaken.id)).toBe(false);

      const leaving = await t.addStaff('cw.leaving', 'caseworker');
      const held = await created<Qualification>(
        t,
        '/api/staff/qualifications',
        { userId: leaving.id, kind: 'social_worker', expiresOn: addDays(today, 10) },
        supervisor.token,
      );
      expect((await workList(supervisor.token)).some((item) => item.id === held.id)).toBe(true);
      expect((await t.api('POST', `/api/users/${leaving.id}/disable`, {})).status).toBe(200);
      expect(
        (await read<Qualification[]>(t, '/api/staff/qualifications')).some((row) => row.id === held.id),
      ).toBe(false);
      expect((await workList(supervisor.token)).some((item) => item.id === held.id)).toBe(false);
      const standing = await read<DataProtectionStanding[]>(t, '/api/staff/data-protection');
      expect(standing.some((row) => row.userId === leaving.id)).toBe(false);
    });

    it('exports the certificates and the training register to Excel', async () => {
      const headers = { authorization: `Bearer ${caseworker.token}` };
      const certificates = await sheetRows(
        await fetch(`${t.url}/api/staff/qualifications/export.xlsx?userId=${operator.id}`, { headers }),
      );
      expect(certificates[0]).toEqual(expect.arrayContaining(['姓名', '证书名称', '有效期至', '状态']));
      expect(certificates.slice(1).map((row) => row[7])).toEqual(['已过期', '有效']);
      expect(certificates.slice(1).map((row) => row[6])).toEqual([addDays(today, -3), '长期']);
      const trainings = await sheetRows(
        await fetch(`${t.url}/api/staff/trainings/export.xlsx?kind=data_protection`, { headers }),
      );
      expect(trainings[0]).toEqual(expect.arrayContaining(['培训日期', '培训主题', '学时', '参加人员']));
      expect(trainings).toHaveLength(2);
      expect(trainings[1]?.[2]).toBe('个人信息保护法与老人档案保密');
      expect(trainings[1]?.[7]).toBe('2');
    });
  });
