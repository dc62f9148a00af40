/** Reads an Excel export back from a running hub, as the centre's staff would open it. */
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { XLSX_MEDIA_TYPE } from '../../server/export/workbook.ts';
import type { TestHub } from '../helpers/hub.ts';

export interface ReadWorkbook {
  status: number;
  type: string | null;
  disposition: string | null;
  /** The first sheet's header row. */
  headers: string[];
  /** Data rows as header → cell text ('' for an empty cell). */
  rows: Record<string, string>[];
  /** The error body when the status is not 200. */
  error: unknown;
}

export async function readWorkbook(t: TestHub, path: string, token: string | null): Promise<ReadWorkbook> {
  const response = await fetch(`${t.url}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const base = {
    status: response.status,
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
  };
  if (response.status !== 200) {
    return { ...base, headers: [], rows: [], error: await response.json().catch(() => null) };
  }
  if (!base.type?.startsWith(XLSX_MEDIA_TYPE)) throw new Error(`not a workbook: ${base.type}`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('workbook without a sheet');
  const text = (value: ExcelJS.CellValue): string =>
    value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, column) => {
    headers[column - 1] = text(cell.value);
  });
  const rows: Record<string, string>[] = [];
  for (let index = 2; index <= sheet.rowCount; index += 1) {
    const row = sheet.getRow(index);
    if (!row.hasValues) continue;
    rows.push(
      Object.fromEntries(headers.map((header, column) => [header, text(row.getCell(column + 1).value)])),
    );
  }
  return { ...base, headers, rows, error: null };
}

/** An export that must download: read back, its status 200 and its file name `fileName`. */
export async function downloadWorkbook(
  t: TestHub,
  path: string,
  token: string | null,
  fileName: string,
): Promise<ReadWorkbook> {
  const book = await readWorkbook(t, path, token);
  expect(book.status).toBe(200);
  expect(decodeURIComponent(book.disposition ?? '')).toContain(fileName);
  return book;
}
