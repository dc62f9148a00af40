/**
 * What retirees contribute (6.9) through the HTTP API of a real hub: who may read and write, the register
 * and oral history with audio and transcript files (type judged by the bytes, size limited, nothing
 * stored when refused), downloads in the archive access log, and the Excel exports read back.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDay } from '../../server/calendar.ts';
import type { Contribution, OralHistory, ServiceHours } from '../../server/schemas/contributions.ts';
import type { Retiree } from '../../server/schemas/index.ts';
import { callBytes, startTestHub, type TestHub } from '../helpers/hub.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

const MAX_BYTES = 64 * 1024;
const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(200, 1)]);
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(200, 2)]);
const PDF = Buffer.from('%PDF-1.4\n% transcript\n%%EOF\n');

let t: TestHub;
let dataDir: TempDir;
const tokens: Record<'caseworker' | 'operator' | 'supervisor' | 'family', string> = {
  caseworker: '',
  operator: '',
  supervisor: '',
  family: '',
};
let narrator: Retiree;
let item: OralHistory;

const raw = (
  method: string,
  urlPath: string,
  body: Buffer | undefined,
  contentType: string | undefined,
  token: string,
) => callBytes(t.url, method, urlPath, body, contentType, token);

async function sheetRows(urlPath: string, token: string): Promise<unknown[][]> {
  const response = await raw('GET', urlPath, undefined, undefined, token);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.bytes as unknown as ExcelJS.Buffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** Files stored for the narrator, and the rows that name them. */
async function stored(): Promise<{ files: number; attachments: number; links: number }> {
  const folder = path.join(dataDir.path, 'attachments', narrator.id);
  const files = await fs.readdir(folder).then(
    (names) => names.length,
    () => 0,
  );
  const [count] = await t.hub.db.query<{ attachments: number; links: number }>(
    `select (select count(*)::int from archive_attachments where retiree_id = $1) as attachments,
            (select count(*)::int from oral_history_files) as links`,
    [narrator.id],
  );
  return { files, attachments: count?.attachments ?? 0, links: count?.links ?? 0 };
}

beforeAll(async () => {
  dataDir = await makeTempDir('junxiu-roles-');
  t = await startTestHub({ HUB_ARCHIVE_MAX_ATTACHMENT_BYTES: String(MAX_BYTES) }, { dataDir });
  tokens.caseworker = (await t.addStaff('cw.roles', 'caseworker')).token;
  tokens.operator = (await t.addStaff('op.roles', 'operator')).token;
  tokens.supervisor = (await t.addStaff('sup.roles', 'supervisor')).token;
  narrator = await t.addRetiree({ name: '讲述人老周' });
  tokens.family = await t.addFamily(narrator, 'family.roles');
});

afterAll(async () => {
  await t?.stop();
});

describe('the register through the API', () => {
  it('lets caseworkers and supervisors write, operators read, families nothing', async () => {
    const body = { retireeId: narrator.id, kind: 'volunteer', skills: ['摄影'], startedOn: '2025-09-01' };
    expect((await t.api('POST', '/api/contributions/register', body, tokens.operator)).status).toBe(403);
    expect((await t.api('POST', '/api/contributions/register', body, tokens.family)).status).toBe(403);
    const created = await t.api<Contribution>('POST', '/api/contributions/register', body, tokens.caseworker);
    expect(created.status).toBe(201);
    expect((await t.api('POST', '/api/contributions/register', body, tokens.supervisor)).status).toBe(409);
    const hours = await t.api<ServiceHours>(
      'POST',
      `/api/contributions/register/${created.body.id}/hours`,
      { servedOn: centreDay(new Date()), hours: 1.5, activity: '社区摄影展' },
      tokens.caseworker,
    );
    expect(hours.status).toBe(201);
    expect(
      (
        await t.api(
          'POST',
          `/api/contributions/register/${created.body.id}/hours`,
          { servedOn: centreDay(new Date()), hours: 0, activity: '零' },
          tokens.caseworker,
        )
      ).status,
    ).toBe(400);
    expect((await t.api('GET', '/api/contributions/register', undefined, tokens.operator)).status).toBe(200);
    expect((await t.api('GET', '/api/contributions/register', undefined, tokens.family)).status).toBe(403);

    const rows = await sheetRows('/api/contributions/register/export.xlsx', tokens.operator);
    expect(rows[0]).toStrictEqual([
      '军休干部',
      '角色',
      '特长',
      '可服务时间',
      '开始日期',
      '结束日期',
      '结束原因',
      '状态',
      '服务时长（小时）',
      '备注',
    ]);
    expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[7], row[8]])).toStrictEqual([
      ['讲述人老周', '志愿者', '摄影', '在册', 1.5],
    ]);
  });
});

describe('oral history through the API', () => {
  beforeAll(async () => {
    const created = await t.api<OralHistory>(
      'POST',
      '/api/contributions/oral-histories',
      {
        retireeId: narrator.id,
        title: '难忘的边防岁月',
        interviewer: '陈干事',
        interviewedOn: '2026-01-15',
        summary: '讲述上世纪六十年代在西藏边防的经历',
        transcript: '我是一九六二年入伍的……',
      },
      tokens.caseworker,
    );
    expect(created.status).toBe(201);
    item = created.body;
  });

  it('takes audio and transcript files, judged by their bytes, and logs who listened', async () => {
    const base = `/api/contributions/oral-histories/${item.id}/files`;
    const audio = await raw(
      'POST',
      `${base}?kind=audio&name=${encodeURIComponent('访谈录音.mp3')}`,
      MP3,
      'audio/mpeg',
      tokens.caseworker,
    );
    expect(audio.status).toBe(201);
    const ogg = await raw('POST', `${base}?kind=audio&name=part2.ogg`, OGG, 'audio/ogg', tokens.supervisor);
    expect(ogg.status).toBe(201);
    const transcript = await raw(
      'POST',
      `${base}?kind=transcript&name=整理稿.pdf`,
      PDF,
      'application/pdf',
      tokens.caseworker,
    );
    expect(transcript.status).toBe(201);
    const files = (transcript.json as OralHistory).files;
    expect(files.map((f) => [f.kind, f.name, f.contentType])).toStrictEqual([
      ['audio', '访谈录音.mp3', 'audio/mpeg'],
      ['audio', 'part2.ogg', 'audio/ogg'],
      ['transcript', '整理稿.pdf', 'application/pdf'],
    ]);
    // The files are archive attachments of the narrator, stored in the data folder.
    const archived = await t.api<{ id: string }[]>('GET', `/api/archive/retirees/${narrator.id}/attachments`);
    expect(archived.body.map((a) => a.id).sort()).toStrictEqual(files.map((f) => f.attachmentId).sort());

    const download = await raw(
      'GET',
      `${base}/${files[0]!.attachmentId}`,
      undefined,
      undefined,
      tokens.operator,
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('audio/mpeg');
    expect(download.bytes.equals(MP3)).toBe(true);
    const log = await t.api<{ items: { attachmentId: string | null; reason: string }[] }>(
      'GET',
      '/api/archive/access-log?action=attachment',
    );
    expect(log.body.items[0]).toMatchObject({
      attachmentId: files[0]!.attachmentId,
      reason: '口述历史：难忘的边防岁月',
    });
    expect(
      (await raw('GET', `${base}/${files[0]!.attachmentId}`, undefined, undefined, tokens.family)).status,
    ).toBe(403);
  });

  it('refuses a wrong type, a disguised file, a file too large or an operator, and stores nothing', async () => {
    const base = `/api/contributions/oral-histories/${item.id}/files`;
    const before = await stored();
    const big = Buffer.concat([MP3, Buffer.alloc(MAX_BYTES)]);
    const script = Buffer.from('<html><script>alert(1)</script></html>');
    // Query, bytes, declared type, who uploads; the answer's status and, where it matters, message.
    const refusals: [string, Buffer, string, string, number, string?][] = [
      [
        'kind=audio&name=x.pdf',
        PDF,
        'application/pdf',
        tokens.caseworker,
        415,
        '文件内容不是可接受的类型（录音：MP3、M4A、WAV、OGG）',
      ],
      [
        'kind=audio&name=x.mp3',
        OGG,
        'audio/mpeg',
        tokens.caseworker,
        415,
        '文件内容为 audio/ogg，与声明的类型 audio/mpeg 不符',
      ],
      ['kind=audio&name=x.txt', Buffer.from('hello'), 'text/plain', tokens.caseworker, 415],
      ['kind=audio&name=x.mp3', script, 'audio/mpeg', tokens.caseworker, 415],
      ['kind=audio&name=big.mp3', big, 'audio/mpeg', tokens.caseworker, 413],
      ['kind=audio&name=x.mp3', MP3, 'audio/mpeg', tokens.operator, 403],
      ['kind=video&name=x.mp3', MP3, 'audio/mpeg', tokens.caseworker, 400],
    ];
    for (const [query, body, type, token, status, message] of refusals) {
      const answer = await raw('POST', `${base}?${query}`, body, type, token);
      expect(answer.status, `${query} ${type}`).toBe(status);
      if (message) expect((answer.json as { message: string }).message).toBe(message);
    }
    expect(await stored()).toStrictEqual(before);
    const current = await t.api<OralHistory>(
      'GET',
      `/api/contributions/oral-histories/${item.id}`,
      undefined,
      tokens.operator,
    );
    expect(current.body.files).toHaveLength(3);
  });

  it('edits the interview and exports the list', async () => {
    const edited = await t.api<OralHistory>(
      'PUT',
      `/api/contributions/oral-histories/${item.id}`,
      { summary: '西藏边防十年' },
      tokens.caseworker,
    );
    expect(edited.body).toMatchObject({ summary: '西藏边防十年', title: '难忘的边防岁月' });
    expect(
      (await t.api('PUT', `/api/contributions/oral-histories/${item.id}`, { title: '改' }, tokens.operator))
        .status,
    ).toBe(403);
    const rows = await sheetRows('/api/contributions/oral-histories/export.xlsx', tokens.operator);
    expect(rows[0]).toStrictEqual([
      '题目',
      '讲述人',
      '采访人',
      '访谈日期',
      '内容摘要',
      '录音',
      '整理稿',
      '文字稿字数',
    ]);
    expect(rows.slice(1)).toStrictEqual([
      [
        '难忘的边防岁月',
        '讲述人老周',
        '陈干事',
        '2026-01-15',
        '西藏边防十年',
        2,
        1,
        '我是一九六二年入伍的……'.length,
      ],
    ]);
  });
});
