/**
 * Intake (6.1) through the HTTP API of a real hub: roles (caseworkers, supervisors and admins write,
 * operators read, families never), per-field answers and the 409 listing what blocks completion, step
 * attachments kept by the archive (type judged by the bytes, read through the archive's logged route),
 * the agreement as an A4 PDF whose text is checked with pdftotext, the Excel export, and the work list.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, centreDay } from '../../server/calendar.ts';
import type { IntakeCase, IntakeCaseList } from '../../server/schemas/intake.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { hubEngines } from '../helpers/engines.ts';
import { addStations, read } from '../helpers/hub.ts';
import { pdfTools } from '../helpers/pdf.ts';
import { suiteDesk, suiteHub } from '../helpers/suite.ts';

const { pdftotext, font } = pdfTools('the intake suite');

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

// Both record engines: PGlite, and a PostgreSQL server when one is installed.
const { engines, stop } = await hubEngines();
afterAll(stop);

for (const engine of engines)
  describe.skipIf(engine.skip)(`intake through the API on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const { a, b, caseworker, supervisor, operator, family } = suiteDesk(
      t,
      'intake',
      ['张建军', '刘志远'],
      '张小红',
      { supervisor: true },
    );
    let caseId: string;
    const today = centreDay(new Date());

    const send = (method: string, url: string, token: string, body: Buffer, type: string) =>
      fetch(`${t.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: new Uint8Array(body),
      });

    it('lets caseworkers, supervisors and admins write, operators read, and keeps families out', async () => {
      const body = { retireeId: a.id, receivedOn: today, sendingUnit: '某部队政治工作部' };
      expect((await t.api('POST', '/api/intake/cases', body, operator.token)).status).toBe(403);
      expect((await t.api('POST', '/api/intake/cases', body, family.token)).status).toBe(403);
      expect((await t.api('GET', '/api/intake/cases', undefined, family.token)).status).toBe(403);
      expect((await t.api('GET', '/api/intake/cases', undefined, null)).status).toBe(401);
      const opened = await t.api<IntakeCase>('POST', '/api/intake/cases', body, caseworker.token);
      expect(opened.status).toBe(201);
      caseId = opened.body.id;
      expect(opened.body).toMatchObject({ retireeName: '张建军', status: 'open', ownerId: caseworker.id });
      const again = await t.api<{ message: string }>('POST', '/api/intake/cases', body, supervisor.token);
      expect(again.status).toBe(409);
      expect(again.body.message).toContain('未完成的接收安置');
      expect((await t.api('GET', `/api/intake/cases/${caseId}`, undefined, operator.token)).status).toBe(200);
      const step = opened.body.steps[0]!;
      expect(
        (await t.api('PATCH', `/api/intake/steps/${step.id}`, { status: 'done' }, operator.token)).status,
      ).toBe(403);
      expect(
        (await t.api('PATCH', `/api/intake/cases/${caseId}`, { placement: '第一军休所' }, supervisor.token))
          .status,
      ).toBe(200);
      const list = await read<IntakeCaseList>(t, '/api/intake/cases?status=open', operator.token);
      expect(list.items.map((c) => c.retireeName)).toStrictEqual(['张建军']);
      expect((await t.api('GET', '/api/intake/cases/not-a-uuid')).status).toBe(404);
    });

    it('answers wrong fields one by one and changes nothing', async () => {
      const bad = await t.api<{ fields: { field: string; message: string }[] }>(
        'POST',
        '/api/intake/cases',
        { retireeId: b.id, receivedOn: addDays(today, 1), sendingUnit: ' ' },
        caseworker.token,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.fields).toStrictEqual([
        { field: 'receivedOn', message: '接收日期不能晚于今天' },
        { field: 'sendingUnit', message: '请填写部队移交单位' },
      ]);
      const none = await t.api<IntakeCaseList>('GET', `/api/intake/cases?retireeId=${b.id}`);
      expect(none.body.total).toBe(0);
      // An agreement as the caseworker would fill it in, with `fields` of its own.
      const putAgreement = (fields: Record<string, unknown>) =>
        t.api<{ fields: unknown }>(
          'PUT',
          `/api/intake/cases/${caseId}/agreement`,
          {
            centreName: '第一军休中心',
            unitName: '某部',
            retireeSide: 'retiree',
            retireeSideName: '张建军',
            ...fields,
          },
          caseworker.token,
        );
      const agreement = await putAgreement({
        medicalBearer: 'sending_unit',
        medicalUntil: 'date',
        signedOn: today,
        signatories: [{ party: 'centre', name: '李主任' }],
      });
      expect(agreement.status).toBe(400);
      expect((agreement.body.fields as { field: string }[]).map((f) => f.field)).toStrictEqual([
        'medicalUntilDate',
        'signatories',
      ]);
      expect((await t.api<IntakeCase>('GET', `/api/intake/cases/${caseId}`)).body.agreement).toBeNull();
      const wrongBearer = await putAgreement({ medicalBearer: 'family', medicalUntil: 'card_issued' });
      expect(wrongBearer.status).toBe(400);
      expect((wrongBearer.body as { fields: unknown }).fields).toStrictEqual([
        { field: 'medicalBearer', message: '取值不在允许的范围内' },
      ]);
      const missing = await t.api<{ message: string; fields: unknown }>(
        'POST',
        '/api/intake/cases',
        { retireeId: b.id, receivedOn: today },
        caseworker.token,
      );
      expect(missing.status).toBe(400);
      expect(missing.body.fields).toStrictEqual([{ field: 'sendingUnit', message: '必须填写' }]);
      expect(missing.body.message).toBe('sendingUnit: 必须填写');
    });

    it('attaches a scan to a step through the archive, judged by its bytes', async () => {
      const opened = await t.api<IntakeCase>('GET', `/api/intake/cases/${caseId}`);
      const step = opened.body.steps.find((s) => s.step === 'files_verified')!;
      const url = `/api/intake/steps/${step.id}/attachments?name=${encodeURIComponent('档案移交清单.png')}`;
      const lying = await send('POST', url, caseworker.token, PNG, 'application/pdf');
      expect(lying.status).toBe(415);
      expect((await send('POST', url, operator.token, PNG, 'image/png')).status).toBe(403);
      const added = await send('POST', url, caseworker.token, PNG, 'image/png');
      expect(added.status).toBe(201);
      const updated = (await added.json()) as IntakeCase;
      const attachment = updated.steps.find((s) => s.id === step.id)!.attachments[0]!;
      expect(attachment).toMatchObject({
        name: '档案移交清单.png',
        contentType: 'image/png',
        withdrawn: false,
      });
      expect(updated.history.at(-1)).toMatchObject({ action: 'attachment', stepId: step.id });
      // It is an archive attachment: listed there, read with a reason through the archive's logged route.
      const archived = await t.api<{ id: string }[]>('GET', `/api/archive/retirees/${a.id}/attachments`);
      expect(archived.body.map((x) => x.id)).toContain(attachment.id);
      const read = await fetch(
        `${t.url}/api/archive/retirees/${a.id}/attachments/${attachment.id}?reason=${encodeURIComponent('核对移交档案')}`,
        { headers: { authorization: `Bearer ${caseworker.token}` } },
      );
      expect(read.status).toBe(200);
      expect(Buffer.from(await read.arrayBuffer()).equals(PNG)).toBe(true);
    });

    it('blocks completion with the list of what is missing, then completes and marks the archive', async () => {
      const blocked = await t.api<{ error: string; message: string; missing: { step: string }[] }>(
        'POST',
        `/api/intake/cases/${caseId}/complete`,
        {},
        caseworker.token,
      );
      expect(blocked.status).toBe(409);
      expect(blocked.body.error).toBe('incomplete');
      expect(blocked.body.missing.map((m) => m.step)).toContain('welcome_meeting');

      await t.api('PATCH', `/api/intake/cases/${caseId}`, { pensionLevel: '正团职标准' }, caseworker.token);
      const met = await t.api<IntakeCase>(
        'PUT',
        `/api/intake/cases/${caseId}/meeting`,
        {
          heldOn: today,
          place: '中心二楼会议室',
          centreName: '成都市第一军休服务管理中心',
          unitName: '某部队政治工作部',
          retireeSide: 'guardian',
          retireeSideName: '张小红',
          guardianRelation: '女儿',
          attendees: [
            { name: '李主任', side: 'centre' },
            { name: '王干事', side: 'unit' },
            { name: '张小红', side: 'retiree', title: '监护人' },
          ],
        },
        caseworker.token,
      );
      expect(met.status).toBe(200);
      expect(met.body.steps.find((s) => s.step === 'three_party_meeting')?.status).toBe('done');
      const signed = await t.api<IntakeCase>(
        'PUT',
        `/api/intake/cases/${caseId}/agreement`,
        {
          centreName: '成都市第一军休服务管理中心',
          unitName: '某部队政治工作部',
          retireeSide: 'guardian',
          retireeSideName: '张小红',
          medicalBearer: 'sending_unit',
          medicalUntil: 'card_issued',
          otherTerms: ['乙方于协议签订后十日内移交全部档案材料'],
          signatories: [
            { party: 'centre', name: '李主任', title: '中心主任' },
            { party: 'unit', name: '王干事' },
            { party: 'guardian', name: '张小红' },
          ],
          signedOn: today,
        },
        caseworker.token,
      );
      expect(signed.status).toBe(200);
      let current = signed.body;
      for (const step of current.steps.filter((s) => s.status === 'open')) {
        const answer = await t.api<IntakeCase>(
          'PATCH',
          `/api/intake/steps/${step.id}`,
          step.required ? { status: 'done' } : { status: 'not_applicable', note: '不适用' },
          caseworker.token,
        );
        expect(answer.status).toBe(200);
        current = answer.body;
      }
      const done = await t.api<IntakeCase>(
        'POST',
        `/api/intake/cases/${caseId}/complete`,
        {},
        caseworker.token,
      );
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'complete', completedOn: today, archiveEnteredOn: today });
      const history = await t.api<{ field: string; newValue: string }[]>(
        'GET',
        `/api/archive/retirees/${a.id}/history?reason=${encodeURIComponent('核对接收安置')}`,
      );
      expect(history.body.some((h) => h.field === 'archiveEnteredOn' && h.newValue === today)).toBe(true);
    });

    it.skipIf(!pdftotext || !font)(
      'prints the agreement as an A4 PDF whose text is the agreement',
      async () => {
        const response = await fetch(`${t.url}/api/intake/cases/${caseId}/agreement.pdf`, {
          headers: { authorization: `Bearer ${operator.token}` },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        const pdf = Buffer.from(await response.arrayBuffer());
        const file = path.join(t.dataDir.path, 'agreement.pdf');
        await writeFile(file, pdf);
        const text = execFileSync(pdftotext as string, ['-enc', 'UTF-8', file, '-'])
          .toString()
          .replace(/\s+/g, '');
        for (const expected of [
          '移交安置协议书',
          '成都市第一军休服务管理中心',
          '某部队政治工作部',
          '张小红',
          '张建军',
          '第一军休所',
          '正团职标准',
          '医疗保障责任单位为部队移交单位',
          '至社会保障卡办妥之日止',
          '乙方于协议签订后十日内移交全部档案材料',
          '李主任（中心主任）',
        ]) {
          expect(text).toContain(expected);
        }
        const info = execFileSync('/usr/bin/pdfinfo', [file]).toString();
        expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
        // Before an agreement is recorded there is nothing to print.
        const other = await t.api<IntakeCase>(
          'POST',
          '/api/intake/cases',
          { retireeId: b.id, receivedOn: today, sendingUnit: '某部' },
          caseworker.token,
        );
        const none = await fetch(`${t.url}/api/intake/cases/${other.body.id}/agreement.pdf`, {
          headers: { authorization: `Bearer ${caseworker.token}` },
        });
        expect(none.status).toBe(409);
      },
    );

    it('exports the case list to Excel with the list filters', async () => {
      const response = await fetch(`${t.url}/api/intake/cases.xlsx?status=complete`, {
        headers: { authorization: `Bearer ${operator.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toContain('intake.xlsx');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.getRow(1).getCell(1).value).toBe('姓名');
      expect(sheet.rowCount).toBe(2);
      expect(sheet.getRow(2).getCell(1).value).toBe('张建军');
      expect(sheet.getRow(2).getCell(7).value).toBe('已完成');
    });

    it('puts due intake steps on the owner’s work list', async () => {
      const list = await t.api<IntakeCaseList>('GET', `/api/intake/cases?retireeId=${b.id}&status=open`);
      const opened = await t.api<IntakeCase>('GET', `/api/intake/cases/${list.body.items[0]!.id}`);
      const due = opened.body.steps[0]!.dueOn;
      const work = await t.api<WorkList>('GET', `/api/worklist?date=${due}`, undefined, caseworker.token);
      expect(work.status).toBe(200);
      const intake = work.body.items.filter((item) => item.source === 'intake_step');
      expect(intake.map((item) => item.title)).toContain('接收安置：核对移交档案材料');
      expect(intake.every((item) => item.retireeName === '刘志远' && !item.overdue)).toBe(true);
    });

    it('keeps a caseworker of a station to the cases of that station’s retirees', async () => {
      const { east, west, stationCaseworker } = await addStations(t, 'cw.east');
      const eastToken = stationCaseworker.token;
      const body = (retireeId: string) => ({ retireeId, receivedOn: today, sendingUnit: '某部' });
      expect((await t.api('POST', '/api/intake/cases', body(west.id), eastToken)).status).toBe(404);
      const eastCase = await t.api<IntakeCase>('POST', '/api/intake/cases', body(east.id), eastToken);
      expect(eastCase.status).toBe(201);
      const westCase = await t.api<IntakeCase>('POST', '/api/intake/cases', body(west.id), supervisor.token);
      expect(westCase.status).toBe(201);
      expect((await t.api('GET', `/api/intake/cases/${westCase.body.id}`, undefined, eastToken)).status).toBe(
        404,
      );
      const westStep = westCase.body.steps[0]!.id;
      expect(
        (await t.api('PATCH', `/api/intake/steps/${westStep}`, { status: 'done' }, eastToken)).status,
      ).toBe(404);
      const list = await t.api<IntakeCaseList>('GET', '/api/intake/cases?status=open', undefined, eastToken);
      expect(list.body.items.map((c) => c.retireeName)).toStrictEqual(['东站老人']);
      // The whole centre for a supervisor.
      const all = await t.api<IntakeCaseList>(
        'GET',
        '/api/intake/cases?status=open',
        undefined,
        supervisor.token,
      );
      expect(all.body.items.map((c) => c.retireeName)).toEqual(
        expect.arrayContaining(['东站老人', '西站老人']),
      );
    });
  });
