/**
 * The archive API over a real hub: permissions per role, per-field checks, history, the access log
 * with its required reason (6.1.2.8), attachments, Excel import and export, and the list over
 * 10,000 retirees.
 *
 * Long on purpose: the walks share one hub whose archive they fill step by step (the import and the
 * 10,000-row list build on the records made before), so splitting them would build it twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageOn } from '../../server/archive/fields.ts';
import { idCardCheckChar } from '../../server/archive/idcard.ts';
import { centreDateTime, centreDay } from '../../server/calendar.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { callBytes, read, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type ManyRetiree, seedManyRetirees } from '../helpers/seed.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_BYTES = 64 * 1024;
/** A whole 1×1 PNG: the hub checks the IHDR chunk behind the signature. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const idCard = (region: string, birth: string, seq: string) => {
  const first17 = `${region}${birth.replaceAll('-', '')}${seq}`;
  return first17 + idCardCheckChar(first17);
};

interface ListBody {
  total: number;
  items: {
    id: string;
    name: string;
    birthDate: string;
    idCard: string | null;
    age: number;
    status: string;
    livingSituation: string;
    bedridden: boolean;
  }[];
}
interface FieldErrorBody {
  error: string;
  message: string;
  fields: { field: string; message: string }[];
}
interface HistoryRow {
  field: string;
  label: string;
  oldValue: string | null;
  newValue: string | null;
  changedByName: string | null;
  source: string;
}
interface AccessBody {
  total: number;
  items: {
    at: string;
    userName: string;
    retireeId: string | null;
    action: string;
    reason: string;
    attachmentId: string | null;
  }[];
}

let t: TestHub;
const tokens: Record<'caseworker' | 'operator' | 'supervisor' | 'family', string> = {
  caseworker: '',
  operator: '',
  supervisor: '',
  family: '',
};
let subject: Retiree;

const raw = (
  method: string,
  urlPath: string,
  body: Buffer | undefined,
  contentType: string | undefined,
  token: string = t.token,
) => callBytes(t.url, method, urlPath, body, contentType, token);

async function retireeCount(): Promise<number> {
  const [row] = await t.hub.db.query<{ n: number }>('select count(*)::int as n from retirees');
  return row?.n ?? 0;
}

beforeAll(async () => {
  const dataDir = await makeTempDir('junxiu-archive-');
  t = await startTestHub({ HUB_ARCHIVE_MAX_ATTACHMENT_BYTES: String(MAX_BYTES) }, { dataDir });
  for (const role of ['caseworker', 'operator', 'supervisor'] as const) {
    const created = await t.api('POST', '/api/users', {
      username: `archive-${role}`,
      displayName: `${role}-张`,
      role,
      password: `${role}-password-1`,
    });
    expect(created.status).toBe(201);
    const login = await t.api<{ token: string }>(
      'POST',
      '/api/auth/login',
      { username: `archive-${role}`, password: `${role}-password-1` },
      null,
    );
    tokens[role] = login.body.token;
  }
  subject = await t.addRetiree({ name: '档案老人', birthDate: '1938-05-01', rank: '团级' });
  const family = await t.api('POST', `/api/retirees/${subject.id}/family-accounts`, {
    username: 'archive-family',
    password: 'family-password-1',
    displayName: '家属',
    contactId: subject.contacts[0]?.id,
  });
  expect(family.status).toBe(201);
  const login = await t.api<{ token: string }>(
    'POST',
    '/api/auth/login',
    { username: 'archive-family', password: 'family-password-1' },
    null,
  );
  tokens.family = login.body.token;
});

afterAll(async () => {
  await t?.stop();
});

describe('permissions', () => {
  it('lets a caseworker write, an operator read, and keeps families out', async () => {
    const move = (station: string, token: string) =>
      t.api('PATCH', `/api/archive/retirees/${subject.id}`, { station }, token);
    expect((await move('一站', tokens.caseworker)).status).toBe(200);
    expect((await move('二站', tokens.operator)).status).toBe(403);
    const operatorList = await read<ListBody>(t, '/api/archive/retirees?station=一站', tokens.operator);
    expect(operatorList.items.map((item) => item.id)).toContain(subject.id);
    const operatorRead = await t.api(
      'GET',
      `/api/archive/retirees/${subject.id}?reason=核对住址`,
      undefined,
      tokens.operator,
    );
    expect(operatorRead.status).toBe(200);
    const operatorImport = await raw('POST', '/api/archive/import', Buffer.from('x'), XLSX, tokens.operator);
    expect(operatorImport.status).toBe(403);
    for (const path of [
      '/api/archive/retirees',
      `/api/archive/retirees/${subject.id}?reason=查看`,
      `/api/archive/retirees/${subject.id}/attachments`,
      '/api/archive/access-log',
      '/api/archive/import/template',
    ]) {
      expect((await t.api('GET', path, undefined, tokens.family)).status, path).toBe(403);
      expect((await t.api('GET', path, undefined, null)).status, path).toBe(401);
    }
    expect(
      (await t.api('PATCH', `/api/archive/retirees/${subject.id}`, { station: 'x' }, tokens.family)).status,
    ).toBe(403);
  });
});

describe('changes and their history', () => {
  it('checks each field with its own message and changes nothing when one is wrong', async () => {
    const before = await t.api<Record<string, unknown>>(
      'GET',
      `/api/archive/retirees/${subject.id}?reason=核对`,
    );
    const rejected = await t.api<FieldErrorBody>(
      'PATCH',
      `/api/archive/retirees/${subject.id}`,
      {
        hobbies: '书法',
        idCard: '510107193805010017',
        phone: '2345',
        birthDate: '2999-01-01',
        rank: '军级',
      },
      tokens.caseworker,
    );
    expect(rejected.status).toBe(400);
    expect(rejected.body.fields).toStrictEqual([
      { field: 'birthDate', message: '出生日期不能晚于今天' },
      { field: 'idCard', message: '身份证号校验位不正确，请核对号码' },
      { field: 'rank', message: '职级应为师级、团级、营级及以下、士官之一' },
      { field: 'phone', message: '联系电话格式不正确：手机号为1开头的11位数字，座机如 028-12345678' },
    ]);
    const after = await t.api<Record<string, unknown>>(
      'GET',
      `/api/archive/retirees/${subject.id}?reason=核对`,
    );
    expect(after.body).toStrictEqual(before.body);
    const unknownField = await t.api(
      'PATCH',
      `/api/archive/retirees/${subject.id}`,
      { shoeSize: 42 },
      tokens.caseworker,
    );
    expect(unknownField.status).toBe(400);
  });

  it('writes one history row per changed field, with who, old and new', async () => {
    const changed = await t.api<Record<string, unknown>>(
      'PATCH',
      `/api/archive/retirees/${subject.id}`,
      {
        idCard: '510107193805010016',
        phone: '13912345678',
        livingSituation: 'alone',
        partyMember: true,
        rank: '团级', // unchanged: no row
      },
      tokens.caseworker,
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      idCard: '510107193805010016',
      livingSituation: 'alone',
      partyMember: true,
    });
    const noReason = await t.api('GET', `/api/archive/retirees/${subject.id}/history`);
    expect(noReason.status).toBe(400);
    const history = await t.api<HistoryRow[]>(
      'GET',
      `/api/archive/retirees/${subject.id}/history?reason=复核变更`,
    );
    expect(history.status).toBe(200);
    const rows = history.body.map(({ field, label, oldValue, newValue, changedByName, source }) => ({
      field,
      label,
      oldValue,
      newValue,
      changedByName,
      source,
    }));
    expect(rows.slice(0, 4)).toStrictEqual([
      {
        field: 'partyMember',
        label: '中共党员',
        oldValue: '否',
        newValue: '是',
        changedByName: 'caseworker-张',
        source: 'edit',
      },
      {
        field: 'livingSituation',
        label: '居住情况',
        oldValue: '',
        newValue: 'alone',
        changedByName: 'caseworker-张',
        source: 'edit',
      },
      {
        field: 'phone',
        label: '联系电话',
        oldValue: '',
        newValue: '13912345678',
        changedByName: 'caseworker-张',
        source: 'edit',
      },
      {
        field: 'idCard',
        label: '身份证号',
        oldValue: null,
        newValue: '510107193805010016',
        changedByName: 'caseworker-张',
        source: 'edit',
      },
    ]);
    expect(rows[4]).toMatchObject({ field: 'station', oldValue: '', newValue: '一站' });
    expect(rows).toHaveLength(5);
  });

  it('keeps an ID card to one person, and the record in step with the old retiree API', async () => {
    const other = await t.addRetiree({ name: '另一位', birthDate: '1938-05-01' });
    const duplicate = await t.api<FieldErrorBody>(
      'PATCH',
      `/api/archive/retirees/${other.id}`,
      { idCard: '510107193805010016' },
      tokens.caseworker,
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.fields).toStrictEqual([
      { field: 'idCard', message: '身份证号已登记在另一位老人的档案中' },
    ]);
    const old = await t.api<Retiree>('GET', `/api/retirees/${subject.id}`);
    expect(old.status).toBe(200);
    expect(old.body.phone).toBe('13912345678');
  });

  it('opens a record through the archive, checked per field', async () => {
    const bad = await t.api<FieldErrorBody>(
      'POST',
      '/api/archive/retirees',
      { name: '新老人', gender: 'male', birthDate: '1939-13-01', rank: '团级' },
      tokens.caseworker,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toStrictEqual([
      { field: 'birthDate', message: '出生日期不是有效日期，应为“年-月-日”，如 1938-05-01' },
    ]);
    const created = await t.api<{ id: string; status: string; idCard: string }>(
      'POST',
      '/api/archive/retirees',
      { name: '新老人', gender: 'male', birthDate: '1949-12-31', rank: '师级', idCard: '11010519491231002x' },
      tokens.caseworker,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'active', idCard: '11010519491231002X' });
    const history = await t.api<HistoryRow[]>(
      'GET',
      `/api/archive/retirees/${created.body.id}/history?reason=核对`,
    );
    expect(history.body.map((row) => row.field).sort()).toStrictEqual(
      ['birthDate', 'gender', 'idCard', 'name', 'rank', 'status'].sort(),
    );
    const byOperator = { name: '某', gender: 'female', birthDate: '1940-01-01', rank: '士官' };
    expect((await t.api('POST', '/api/archive/retirees', byOperator, tokens.operator)).status).toBe(403);
  });

  it('adds family members to the record', async () => {
    const added = await t.api<{ family: { name: string; livesWith: boolean }[] }>(
      'POST',
      `/api/archive/retirees/${subject.id}/family`,
      { name: '李秀英', relation: '配偶', phone: '13700001111', livesWith: true },
      tokens.caseworker,
    );
    expect(added.status).toBe(201);
    expect(added.body.family).toContainEqual(expect.objectContaining({ name: '李秀英', livesWith: true }));
    const bad = await t.api<FieldErrorBody>(
      'POST',
      `/api/archive/retirees/${subject.id}/family`,
      { name: '某', relation: '儿子', phone: 'abc' },
      tokens.caseworker,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0]?.field).toBe('phone');
  });
});

describe('the access log (6.1.2.8)', () => {
  it('wants a reason for a full record and logs who read which record, when and why', async () => {
    const noReason = await t.api<{ message: string }>(
      'GET',
      `/api/archive/retirees/${subject.id}`,
      undefined,
      tokens.operator,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/查阅档案须说明事由/);
    const read = await t.api(
      'GET',
      `/api/archive/retirees/${subject.id}?reason=${encodeURIComponent('走访前了解情况')}`,
      undefined,
      tokens.operator,
    );
    expect(read.status).toBe(200);
    expect((await t.api('GET', '/api/archive/access-log', undefined, tokens.caseworker)).status).toBe(403);
    expect((await t.api('GET', '/api/archive/access-log', undefined, tokens.operator)).status).toBe(403);
    const log = await t.api<AccessBody>(
      'GET',
      `/api/archive/access-log?retireeId=${subject.id}&action=record`,
      undefined,
      tokens.supervisor,
    );
    expect(log.status).toBe(200);
    expect(log.body.items[0]).toMatchObject({
      userName: 'operator-张',
      retireeId: subject.id,
      action: 'record',
      reason: '走访前了解情况',
    });
    expect(log.body.items.every((item) => item.retireeId === subject.id && item.action === 'record')).toBe(
      true,
    );
    const future = await t.api<AccessBody>(
      'GET',
      '/api/archive/access-log?from=2999-01-01T00:00:00Z',
      undefined,
      tokens.supervisor,
    );
    expect(future.body.total).toBe(0);
  });

  it('exports the log to Excel with the same filters, Beijing time, and refuses more than one workbook takes', async () => {
    const reason = encodeURIComponent('核对名册');
    expect(
      (await t.api('GET', `/api/archive/retirees/${subject.id}?reason=${reason}`, undefined, tokens.operator))
        .status,
    ).toBe(200);
    const file = `/api/archive/access-log.xlsx?retireeId=${subject.id}&action=record`;
    expect((await raw('GET', file, undefined, undefined, tokens.caseworker)).status).toBe(403);
    const listed = await t.api<AccessBody>(
      'GET',
      `/api/archive/access-log?retireeId=${subject.id}&action=record&limit=500`,
      undefined,
      tokens.supervisor,
    );
    const result = await raw('GET', file, undefined, undefined, tokens.supervisor);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe(XLSX);
    expect(result.headers.get('content-disposition')).toContain(encodeURIComponent('档案查阅记录.xlsx'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(result.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toStrictEqual([
      '时间',
      '查阅人',
      '军休干部',
      '查阅内容',
      '附件',
      '事由',
    ]);
    // Every entry the filters find, newest first, as the list gives them.
    expect(sheet.actualRowCount).toBe(listed.body.total + 1);
    const newest = listed.body.items[0]!;
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toStrictEqual([
      centreDateTime(newest.at, 'second'),
      'operator-张',
      subject.name,
      '档案全文',
      '',
      '核对名册',
    ]);
    const reasons: string[] = [];
    sheet.eachRow((row, number) => {
      if (number > 1) reasons.push(String(row.getCell(6).value));
    });
    expect(reasons).toStrictEqual(listed.body.items.map((item) => item.reason));

    // A log too long for one workbook is refused whole, never cut short; its filters narrow it.
    const [reader] = await t.hub.db.query<{ userId: string }>(
      'select user_id as "userId" from archive_access_log limit 1',
    );
    await t.hub.db.query(
      `insert into archive_access_log (at, user_id, retiree_id, action, reason, detail)
       select timestamptz '2998-01-01T00:00:00Z' + n * interval '1 second', $1, $2, 'record', '批量', '{}'
         from generate_series(1, 20001) as n`,
      [reader?.userId, subject.id],
    );
    try {
      const tooMany = await t.api<{ message: string }>(
        'GET',
        '/api/archive/access-log.xlsx?from=2998-01-01T00:00:00Z',
        undefined,
        tokens.supervisor,
      );
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/共 20001 条，超过单次导出上限 20000 条/);
      const narrowed = await raw(
        'GET',
        '/api/archive/access-log.xlsx?from=2998-01-01T00:00:00Z&to=2998-01-01T00:01:00Z',
        undefined,
        undefined,
        tokens.supervisor,
      );
      expect(narrowed.status).toBe(200);
    } finally {
      await t.hub.db.query(`delete from archive_access_log where reason = '批量'`);
    }
  });
});

describe('attachments', () => {
  let attachmentId = '';

  it('stores a file whose bytes match its type, lists it and gives it back, logged', async () => {
    const added = await raw(
      'POST',
      `/api/archive/retirees/${subject.id}/attachments?name=${encodeURIComponent('身份证扫描.png')}`,
      PNG,
      'image/png',
      tokens.caseworker,
    );
    expect(added.status).toBe(201);
    const body = added.json as { id: string; contentType: string; sizeBytes: number; name: string };
    expect(body).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length, name: '身份证扫描.png' });
    attachmentId = body.id;
    const stored = path.join(t.dataDir.path, 'attachments', subject.id, attachmentId);
    expect(fs.readFileSync(stored)).toStrictEqual(PNG);
    const pdf = await raw(
      'POST',
      `/api/archive/retirees/${subject.id}/attachments?name=agreement.pdf`,
      PDF,
      'application/pdf',
      tokens.caseworker,
    );
    expect(pdf.status).toBe(201);

    const list = await t.api<{ id: string }[]>(
      'GET',
      `/api/archive/retirees/${subject.id}/attachments`,
      undefined,
      tokens.operator,
    );
    expect(list.body.map((item) => item.id)).toContain(attachmentId);
    expect(list.body).toHaveLength(2);

    const url = `/api/archive/retirees/${subject.id}/attachments/${attachmentId}`;
    expect((await raw('GET', url, undefined, undefined, tokens.operator)).status).toBe(400);
    const download = await raw(
      'GET',
      `${url}?reason=${encodeURIComponent('核对证件')}`,
      undefined,
      undefined,
      tokens.operator,
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.bytes).toStrictEqual(PNG);
    const log = await t.api<AccessBody>(
      'GET',
      '/api/archive/access-log?action=attachment',
      undefined,
      tokens.supervisor,
    );
    expect(log.body.items[0]).toMatchObject({ attachmentId, reason: '核对证件', userName: 'operator-张' });
  });

  it('judges the type by the bytes and refuses what is too large', async () => {
    const base = `/api/archive/retirees/${subject.id}/attachments?name=x`;
    const disguised = await raw('POST', base, PDF, 'image/png', tokens.caseworker);
    expect(disguised.status).toBe(415);
    expect((disguised.json as { message: string }).message).toBe(
      '文件内容为 application/pdf，与声明的类型 image/png 不符',
    );
    const html = await raw(
      'POST',
      base,
      Buffer.from('<html><script>alert(1)</script></html>'),
      'image/jpeg',
      tokens.caseworker,
    );
    expect(html.status).toBe(415);
    expect((await raw('POST', base, Buffer.from('hello'), 'text/plain', tokens.caseworker)).status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES)]);
    expect((await raw('POST', base, big, 'image/png', tokens.caseworker)).status).toBe(413);
    expect((await raw('POST', base, PNG, 'image/png', tokens.operator)).status).toBe(403);
    const list = await t.api<unknown[]>('GET', `/api/archive/retirees/${subject.id}/attachments`);
    expect(list.body).toHaveLength(2);
  });

  it('withdraws an attachment without deleting it', async () => {
    const url = `/api/archive/retirees/${subject.id}/attachments/${attachmentId}`;
    const withdrawn = await t.api<{ withdrawnAt: string | null; withdrawnReason: string }>(
      'POST',
      `${url}/withdraw`,
      { reason: '上传错了人' },
      tokens.caseworker,
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.withdrawnReason).toBe('上传错了人');
    expect((await t.api('POST', `${url}/withdraw`, { reason: '再次' }, tokens.caseworker)).status).toBe(409);
    const current = await t.api<{ id: string }[]>('GET', `/api/archive/retirees/${subject.id}/attachments`);
    expect(current.body.map((item) => item.id)).not.toContain(attachmentId);
    const all = await t.api<{ id: string }[]>(
      'GET',
      `/api/archive/retirees/${subject.id}/attachments?includeWithdrawn=true`,
    );
    expect(all.body.map((item) => item.id)).toContain(attachmentId);
    const download = await raw('GET', `${url}?reason=审计`, undefined, undefined);
    expect(download.bytes).toStrictEqual(PNG);
    expect(download.headers.get('x-attachment-withdrawn')).toBe('true');
  });
});

describe('Excel import', () => {
  /** The import template as a caseworker downloads it. */
  const importTemplate = () =>
    raw('GET', '/api/archive/import/template', undefined, undefined, tokens.caseworker);

  async function workbookFromTemplate(rows: (string | Date | number | null)[][]): Promise<Buffer> {
    const template = await importTemplate();
    expect(template.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  // The template's columns: 姓名 性别 出生日期 身份证号 职级 所属中心 所属站点 住址 联系电话 血型 疾病情况
  // 用药情况 过敏史 居住情况 长期卧床 照护安排 中共党员 所在党支部 兴趣爱好 特长技能 个人服务需求 状态
  const good1 = [
    '赵一',
    '男',
    '1935-03-08',
    idCard('110105', '1935-03-08', '011'),
    '师级',
    '导入中心',
    '三站',
    '',
    '13800001234',
    'A',
    '冠心病',
    '',
    '',
    '独居',
    '是',
    '',
    '是',
    '第一支部',
    '围棋',
    '',
    '',
    '在册',
  ];
  const good2 = [
    '钱二',
    '女',
    new Date(Date.UTC(1941, 6, 1)),
    '',
    '士官',
    '导入中心',
    '三站',
    '',
    '028-85550000',
    '',
    '',
    '',
    '青霉素',
    '与配偶同住',
    '',
    '',
    '否',
    '',
    '',
    '',
    '',
    '',
  ];
  const good3 = [
    '孙三',
    '男',
    '1930/1/2',
    '',
    '营级及以下',
    '导入中心',
    '四站',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '已故',
  ];

  it('gives the template its Chinese headers', async () => {
    const template = await importTemplate();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.bytes as unknown as ArrayBuffer);
    const headers = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 5)).toStrictEqual(['姓名', '性别', '出生日期', '身份证号', '职级']);
    expect(headers).toContain('个人服务需求');
    expect(workbook.worksheets[0]!.actualRowCount).toBe(1);
  });

  it('imports nothing when one row is bad, and reports each bad field', async () => {
    const before = await retireeCount();
    const bad1 = [
      '周四',
      '男',
      '1936-01-01',
      '110105193601010010',
      '团级',
      '',
      '',
      '',
      '12345',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
    const bad2 = [
      '',
      '男',
      '2999-01-01',
      '',
      '军级',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '在外地',
      '也许',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
    const duplicate = [...good1];
    duplicate[0] = '赵一重复';
    const body = await workbookFromTemplate([good1, bad1, good2, bad2, duplicate]);
    const result = await raw('POST', '/api/archive/import', body, XLSX, tokens.caseworker);
    expect(result.status).toBe(422);
    const report = result.json as {
      message: string;
      errors: { row: number; column: string; message: string }[];
    };
    expect(report.message).toBe('有3行数据有误，未导入任何记录；请按错误清单修改后重新导入');
    expect(report.errors.map(({ row, column, message }) => ({ row, column, message }))).toStrictEqual([
      { row: 3, column: '身份证号', message: '身份证号校验位不正确，请核对号码' },
      {
        row: 3,
        column: '联系电话',
        message: '联系电话格式不正确：手机号为1开头的11位数字，座机如 028-12345678',
      },
      { row: 5, column: '姓名', message: '姓名不能为空' },
      { row: 5, column: '出生日期', message: '出生日期不能晚于今天' },
      { row: 5, column: '职级', message: '职级应为师级、团级、营级及以下、士官之一' },
      { row: 5, column: '居住情况', message: '居住情况应为独居、与配偶同住、与家人同住、入住机构之一' },
      { row: 5, column: '长期卧床', message: '长期卧床应为“是”或“否”' },
      { row: 6, column: '身份证号', message: '身份证号与第2行重复' },
    ]);
    expect(await retireeCount()).toBe(before);
  });

  it('imports every row in one go when all are good', async () => {
    const before = await retireeCount();
    const body = await workbookFromTemplate([good1, good2, [], good3]);
    const result = await raw('POST', '/api/archive/import', body, XLSX, tokens.caseworker);
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({ imported: 3 });
    expect(await retireeCount()).toBe(before + 3);
    const list = await t.api<ListBody>('GET', '/api/archive/retirees?centre=导入中心&sort=birthDate');
    expect(
      list.body.items.map((item) => [
        item.name,
        item.birthDate,
        item.status,
        item.livingSituation,
        item.bedridden,
      ]),
    ).toStrictEqual([
      ['孙三', '1930-01-02', 'deceased', '', false],
      ['赵一', '1935-03-08', 'active', 'alone', true],
      ['钱二', '1941-07-01', 'active', 'with_spouse', false],
    ]);
    const zhao = list.body.items[1]!;
    const history = await t.api<HistoryRow[]>(
      'GET',
      `/api/archive/retirees/${zhao.id}/history?reason=导入核对`,
    );
    expect(
      history.body.every((row) => row.source === 'import' && row.changedByName === 'caseworker-张'),
    ).toBe(true);
    expect(history.body.map((row) => row.field)).toContain('partyBranch');
    // The same file again: the ID card is now on record.
    const again = await raw(
      'POST',
      '/api/archive/import',
      await workbookFromTemplate([good1]),
      XLSX,
      tokens.caseworker,
    );
    expect(again.status).toBe(422);
    expect((again.json as { errors: { message: string }[] }).errors[0]?.message).toBe(
      '身份证号已登记在另一位老人的档案中',
    );
  });

  it('refuses a file that is no workbook', async () => {
    const result = await raw(
      'POST',
      '/api/archive/import',
      Buffer.from('not a zip'),
      XLSX,
      tokens.caseworker,
    );
    expect(result.status).toBe(422);
  });
});

describe('the list over 10,000 retirees', () => {
  const CENTRE = '压测中心';
  let seeded: ManyRetiree[] = [];

  beforeAll(async () => {
    seeded = await seedManyRetirees(t.hub.db, 10_000, {
      centre: CENTRE,
      stations: 7,
      name: (i) => `压测${String(i).padStart(5, '0')}`,
    });
  });

  const list = (query: string) =>
    t.api<ListBody>(
      'GET',
      `/api/archive/retirees?centre=${encodeURIComponent(CENTRE)}&${query}`,
      undefined,
      tokens.operator,
    );

  it('counts and pages the whole centre in name order', async () => {
    const first = await list('limit=100');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(10_000);
    expect(first.body.items.map((item) => item.name)).toStrictEqual(
      seeded.slice(0, 100).map((row) => row.name),
    );
    const last = await list('limit=100&offset=9950');
    expect(last.body.items.map((item) => item.name)).toStrictEqual(seeded.slice(9950).map((row) => row.name));
    expect(last.body.items[0]?.idCard).toMatch(/^5101\*{10}\d{3}[\dX]$/);
  });

  it('filters by station, status, rank, living situation and age, with the right totals and order', async () => {
    const today = centreDay(new Date());
    const expected = seeded
      .filter(
        (row) =>
          row.station === '站点3' &&
          row.status === 'active' &&
          row.rank === '团级' &&
          ageOn(row.birthDate, today) >= 85 &&
          ageOn(row.birthDate, today) <= 95,
      )
      .sort((a, b) =>
        a.birthDate === b.birthDate ? (a.id < b.id ? 1 : -1) : a.birthDate < b.birthDate ? 1 : -1,
      );
    expect(expected.length).toBeGreaterThan(20);
    const query = `station=${encodeURIComponent('站点3')}&status=active&rank=${encodeURIComponent('团级')}&ageMin=85&ageMax=95&sort=birthDate&order=desc`;
    const page1 = await list(`${query}&limit=10`);
    expect(page1.body.total).toBe(expected.length);
    expect(page1.body.items.map((item) => item.id)).toStrictEqual(expected.slice(0, 10).map((row) => row.id));
    const page2 = await list(`${query}&limit=10&offset=10`);
    expect(page2.body.items.map((item) => item.id)).toStrictEqual(
      expected.slice(10, 20).map((row) => row.id),
    );
    expect(page2.body.items.every((item) => item.age >= 85 && item.age <= 95)).toBe(true);

    const alone = await list('livingSituation=alone&status=deceased&limit=1');
    expect(alone.body.total).toBe(
      seeded.filter((row) => row.living === 'alone' && row.status === 'deceased').length,
    );
    expect((await list('ageMin=96&ageMax=95')).status).toBe(400);
  });

  it('searches by name, ID-card number and phone', async () => {
    const byName = await list(`q=${encodeURIComponent('压测0012')}`);
    expect(byName.body.total).toBe(10);
    const target = seeded[4321]!;
    const byCard = await list(`q=${target.idCard}`);
    expect(byCard.body.items.map((item) => item.id)).toStrictEqual([target.id]);
    const byPhone = await list(`q=${target.phone.slice(3)}`);
    expect(byPhone.body.items.map((item) => item.id)).toStrictEqual([target.id]);
    const nothing = await list(`q=${encodeURIComponent('%')}`);
    expect(nothing.body.total).toBe(0);
  });

  it('exports the filtered list to Excel, read back with exceljs, and logs the export', async () => {
    const query = `centre=${encodeURIComponent(CENTRE)}&station=${encodeURIComponent('站点5')}&status=abroad`;
    expect(
      (await raw('GET', `/api/archive/retirees.xlsx?${query}`, undefined, undefined, tokens.operator)).status,
    ).toBe(400);
    const result = await raw(
      'GET',
      `/api/archive/retirees.xlsx?${query}&reason=${encodeURIComponent('上报统计')}`,
      undefined,
      undefined,
      tokens.operator,
    );
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(result.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const expected = seeded.filter((row) => row.station === '站点5' && row.status === 'abroad');
    expect(sheet.actualRowCount).toBe(expected.length + 1);
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    const at = (name: string) => headers.indexOf(name) + 1;
    const names: string[] = [];
    sheet.eachRow((row, number) => {
      if (number > 1) names.push(String(row.getCell(at('姓名')).value));
    });
    expect(names).toStrictEqual(expected.map((row) => row.name));
    const second = sheet.getRow(2);
    expect(second.getCell(at('身份证号')).value).toBe(expected[0]!.idCard);
    expect(second.getCell(at('状态')).value).toBe('出境');
    expect(second.getCell(at('出生日期')).value).toBe(expected[0]!.birthDate);
    const log = await t.api<AccessBody>(
      'GET',
      '/api/archive/access-log?action=export',
      undefined,
      tokens.supervisor,
    );
    expect(log.body.items[0]).toMatchObject({ reason: '上报统计', userName: 'operator-张', retireeId: null });
  });
});
