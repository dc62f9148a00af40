/**
 * Import files and uploads against a real hub: random bytes, cut and corrupted workbooks, zip bombs
 * within the body limit, the real template filled with random cells, random bytes under each
 * declared attachment type. A refused file answers 400/415/422 with a report and adds nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_CONTENT_TYPES } from '../../server/archive/attachments.ts';
import { XLSX_TYPE } from '../../server/archive/excel.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { corrupted, fileBytes, suiteRuns } from './generators.ts';
import { problemWith, send } from './http-targets.ts';
import { randomRows, templateWith } from './workbooks.ts';
import { zipBombs } from './zip.ts';

const REFUSED = [400, 415, 422];

describe('import files: nothing but a valid template is imported', () => {
  let t: TestHub;
  let valid: Buffer;
  const total = async () =>
    (await t.api<{ total: number }>('GET', '/api/archive/retirees?limit=1')).body.total;
  const importFile = (body: Buffer) =>
    send(t.url, t.token, { method: 'POST', path: '/api/archive/import', body, contentType: XLSX_TYPE });

  beforeAll(async () => {
    t = await startTestHub();
    valid = await templateWith([
      { name: '张三', gender: '男', birthDate: '1938-05-01', rank: '正师级' },
      { name: '李四', gender: '女', birthDate: '1940-02-03', rank: '正团级' },
    ]);
  });
  afterAll(() => t?.stop());

  function expectReport(answer: Awaited<ReturnType<typeof importFile>>): void {
    expect(REFUSED, answer.text.slice(0, 300)).toContain(answer.status);
    expect(problemWith(answer)).toBe(undefined);
    if (answer.status === 422) {
      const report = JSON.parse(answer.text) as { errors: { row: number; message: string }[] };
      expect(report.errors.length).toBeGreaterThan(0);
      for (const error of report.errors) expect(error.message).not.toBe('');
    }
  }

  /** A file imported whole (201, the total grown by what it reports), or refused with a report and nothing imported. */
  async function importedWholeOrNone(body: Buffer): Promise<void> {
    const before = await total();
    const answer = await importFile(body);
    if (answer.status === 201) {
      const { imported } = JSON.parse(answer.text) as { imported: number };
      expect(await total()).toBe(before + imported);
      return;
    }
    expectReport(answer);
    expect(await total()).toBe(before);
  }

  it('refuses random bytes, and cut workbooks, with a report; imports nothing', async () => {
    const before = await total();
    const file = fc.oneof(
      fileBytes,
      fc.nat({ max: valid.length - 1 }).map((length) => valid.subarray(0, length)),
    );
    await fc.assert(
      fc.asyncProperty(file, async (body) => expectReport(await importFile(body))),
      suiteRuns(40),
    );
    expect(await total()).toBe(before);
  });

  it('a corrupted workbook is refused with a report, or imported whole when it still reads', async () => {
    await fc.assert(fc.asyncProperty(corrupted(valid), importedWholeOrNone), suiteRuns(30));
  });

  it('the template with random cells: every row imported, or a per-row report and none', async () => {
    await fc.assert(
      fc.asyncProperty(randomRows, async (rows) => importedWholeOrNone(await templateWith(rows))),
      suiteRuns(40),
    );
  });

  it('refuses zip bombs within the body limit before inflating them, memory bounded', async () => {
    const before = await total();
    for (const bomb of zipBombs()) {
      global.gc?.();
      const start = process.memoryUsage().rss;
      let peak = start;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const answer = await importFile(bomb.body);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(answer.status, bomb.name).toBe(422);
      expectReport(answer);
      expect(answer.text, bomb.name).toMatch(/解压后|条目/);
      // The hub runs in this process: a bomb inflated would take hundreds of megabytes.
      expect(peak - start, bomb.name).toBeLessThan(96 * 1024 * 1024);
    }
    expect(await total()).toBe(before);
  });
});

describe('uploads: random bytes under each declared content type', () => {
  let t: TestHub;
  let retireeId: string;
  beforeAll(async () => {
    t = await startTestHub();
    retireeId = (await t.addRetiree()).id;
  });
  afterAll(() => t?.stop());

  it('stores a file only when its content is the declared type; otherwise 400/415 and nothing stored', async () => {
    const count = async () =>
      (await t.api<unknown[]>('GET', `/api/archive/retirees/${retireeId}/attachments`)).body.length;
    await fc.assert(
      fc.asyncProperty(fileBytes, fc.constantFrom(...ATTACHMENT_CONTENT_TYPES), async (body, contentType) => {
        const before = await count();
        const answer = await send(t.url, t.token, {
          method: 'POST',
          path: `/api/archive/retirees/${retireeId}/attachments`,
          query: 'name=fuzz.bin',
          body,
          contentType,
        });
        expect(problemWith(answer)).toBe(undefined);
        if (answer.status === 201) {
          expect(await count()).toBe(before + 1);
          return;
        }
        expect([400, 415]).toContain(answer.status);
        expect(await count()).toBe(before);
      }),
      suiteRuns(60),
    );
  });
});
