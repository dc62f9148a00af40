/**
 * The visit record form (6.8.2.5) printed as a PDF, filled or blank, and the visit lists and the
 * work list exported to Excel: read back, filtered and scoped like the lists themselves.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { centreDay } from '../../server/calendar.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import type { VisitRecord } from '../../server/schemas/visits.ts';
import { pdfTools } from '../helpers/pdf.ts';
import { suiteHub } from '../helpers/suite.ts';
import { sevenFieldLabels, sevenFields } from './seven-fields.ts';

const { pdftotext, font } = pdfTools('the visit form suite');

describe('the printed visit form and the Excel exports of visits and the work list', () => {
  const t = suiteHub();
  let a: Retiree;
  let b: Retiree;
  let record: VisitRecord;
  let caseworker: { id: string; token: string };
  let other: { id: string; token: string };
  let familyToken: string;
  // The centre's date (Asia/Shanghai): the UTC date is the day before from 16:00 UTC.
  const today = centreDay(new Date());

  async function download(url: string, token = t.token) {
    const response = await fetch(`${t.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function rows(body: Buffer): Promise<string[][]> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const out: string[][] = [];
    sheet.eachRow((row) => {
      out.push((row.values as unknown[]).slice(1).map((value) => (value == null ? '' : String(value))));
    });
    return out;
  }

  async function pdfText(body: Buffer, name: string): Promise<string> {
    const file = path.join(t.dataDir.path, name);
    await writeFile(file, body);
    return execFileSync(pdftotext as string, ['-enc', 'UTF-8', file, '-']).toString();
  }

  beforeAll(async () => {
    a = await t.addRetiree({ name: '王志刚' });
    b = await t.addRetiree({ name: '赵国庆' });
    await t.hub.db.query(`update retirees set station = '北站' where id = $1`, [b.id]);
    caseworker = await t.addStaff('cw.form', 'caseworker');
    other = await t.addStaff('cw.north', 'caseworker', '北站');
    familyToken = await t.addFamily(a, 'family.wang', '王小明');
    const created = await t.api<VisitRecord>(
      'POST',
      '/api/visits/records',
      {
        retireeId: a.id,
        visitedOn: today,
        mode: 'in_person',
        visitors: ['刘干事', '陈医生'],
        ...sevenFields,
        problems: [{ description: '楼道扶手松动', ownerId: caseworker.id, dueOn: today }],
      },
      caseworker.token,
    );
    expect(created.status).toBe(201);
    record = created.body;
    await t.api('POST', '/api/visits/tasks', {
      retireeId: a.id,
      title: '春节前电话问候',
      dueOn: today,
      assigneeId: caseworker.id,
    });
    await t.api('POST', '/api/visits/tasks', { retireeId: b.id, title: '北站走访', dueOn: today });
  });

  it.skipIf(!pdftotext || !font)(
    'prints a recorded visit with its seven fields, visitors and problems raised',
    async () => {
      const pdf = await download(`/api/visits/records/${record.id}/form.pdf`, caseworker.token);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
      const text = (await pdfText(pdf.body, 'visit.pdf')).replace(/\s+/g, '');
      for (const expected of [
        '军休干部走访慰问记录表',
        '王志刚',
        '上门走访',
        '刘干事、陈医生',
        '思想状况',
        '思想稳定，关心国家大事',
        '生活条件',
        '住房良好，生活自理',
        '楼道扶手松动',
        'cw.form同志',
      ]) {
        expect(text).toContain(expected);
      }
    },
  );

  it.skipIf(!pdftotext || !font)(
    'prints a blank form with the name and the seven boxes to fill in by hand',
    async () => {
      const pdf = await download(
        `/api/visits/form.pdf?retireeId=${a.id}&reason=spring_festival`,
        caseworker.token,
      );
      expect(pdf.status).toBe(200);
      const text = (await pdfText(pdf.body, 'blank.pdf')).replace(/\s+/g, '');
      expect(text).toContain('王志刚');
      expect(text).toContain('春节走访慰问');
      for (const box of ['□上门走访', '□电话慰问', '□视频慰问']) expect(text).toContain(box);
      expect(text).not.toContain('思想稳定');
      for (const label of sevenFieldLabels) expect(text).toContain(label);
    },
  );

  it('keeps the forms to those who may read the record', async () => {
    expect((await download(`/api/visits/records/${record.id}/form.pdf`, familyToken)).status).toBe(403);
    expect((await download(`/api/visits/records/${record.id}/form.pdf`, other.token)).status).toBe(404);
    expect((await download(`/api/visits/form.pdf?retireeId=${a.id}`, other.token)).status).toBe(404);
    expect((await download('/api/visits/form.pdf?retireeId=not-an-id', caseworker.token)).status).toBe(404);
    expect(
      (await download(`/api/visits/form.pdf?retireeId=${a.id}&reason=birthday`, caseworker.token)).status,
    ).toBe(400);
  });

  it('exports visit records with the seven fields, tasks and follow-ups, filtered and scoped', async () => {
    const records = await download(`/api/visits/records/export.xlsx?retireeId=${a.id}`);
    expect(records.status).toBe(200);
    expect(records.type).toContain('spreadsheetml');
    const recordRows = await rows(records.body);
    expect(recordRows[0]).toStrictEqual([
      '老人',
      '走访日期',
      '方式',
      '事由',
      '走访人员',
      ...sevenFieldLabels,
      '反映问题数',
    ]);
    expect(recordRows.slice(1)).toStrictEqual([
      ['王志刚', today, '上门走访', '日常走访', '刘干事、陈医生', ...Object.values(sevenFields), '1'],
    ]);

    const tasks = await rows((await download('/api/visits/tasks/export.xlsx?status=open')).body);
    expect(
      tasks
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toStrictEqual(['王志刚', '赵国庆']);
    const northTasks = await rows((await download('/api/visits/tasks/export.xlsx', other.token)).body);
    expect(northTasks.slice(1).map((row) => row[0])).toStrictEqual(['赵国庆']);

    const followUps = await rows((await download('/api/visits/follow-ups/export.xlsx?status=open')).body);
    expect(followUps.slice(1)).toStrictEqual([
      ['王志刚', '楼道扶手松动', 'cw.form 同志', today, '办理中', '', ''],
    ]);
    expect((await download('/api/visits/follow-ups/export.xlsx', familyToken)).status).toBe(403);
    expect((await download('/api/visits/records/export.xlsx?from=2026-02-30')).status).toBe(400);
  });

  it('exports the work list of the day as the page shows it', async () => {
    const list = await t.api<{ items: { title: string }[] }>(
      'GET',
      `/api/worklist?date=${today}`,
      undefined,
      caseworker.token,
    );
    const sheet = await download(`/api/worklist/export.xlsx?date=${today}`, caseworker.token);
    expect(sheet.status).toBe(200);
    const sheetRows = await rows(sheet.body);
    expect(sheetRows[0]).toStrictEqual(['状态', '到期日', '类别', '事项', '老人']);
    expect(sheetRows.slice(1).map((row) => row[3])).toStrictEqual(list.body.items.map((item) => item.title));
    expect(sheetRows.slice(1).map((row) => row[2])).toContain('走访问题跟进');
    expect((await download('/api/worklist/export.xlsx?all=true', caseworker.token)).status).toBe(403);
    expect((await download('/api/worklist/export.xlsx?date=2026-13-01', caseworker.token)).status).toBe(400);
  });
});
