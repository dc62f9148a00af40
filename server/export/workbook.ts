/**
 * Excel export of any list: a sheet with a bold, frozen header row and one row per record. Each
 * module names its columns (Chinese headers first, since the sheets go to the centre's own staff)
 * and how to read each cell from a record.
 */
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The most rows one export writes; larger lists are narrowed with their filters first. */
export const MAX_LIST_EXPORT_ROWS = 20_000;

export type CellValue = string | number | boolean | Date | null | undefined;

/** An amount in fen (分) as the yuan (元) a sheet shows, with `MONEY_FORMAT`; null stays empty. */
export const yuanCell = (fen: number | null): number | null => (fen === null ? null : fen / 100);
/** The number format of a column of yuan: thousands separated, two decimals. */
export const MONEY_FORMAT = '#,##0.00';
/** An amount in fen as text for a note or a title: `¥1234.50`. */
export const yuanText = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

export interface ListColumn<T> {
  header: string;
  /** Column width in characters; 14 when not given. */
  width?: number;
  value: (row: T) => CellValue;
  /** An Excel number format, e.g. 'yyyy-mm-dd' or '0.00'. */
  format?: string;
}

export async function listWorkbook<T>(
  sheetName: string,
  columns: readonly ListColumn<T>[],
  rows: readonly T[],
): Promise<Buffer> {
  return sheetsWorkbook([{ name: sheetName, columns, rows }]);
}

/** One sheet of a workbook: its name, columns and rows. */
export interface Sheet<T> {
  name: string;
  columns: readonly ListColumn<T>[];
  rows: readonly T[];
}

/** A workbook of several sheets, each as `listWorkbook` writes its one. */
// biome-ignore lint/suspicious/noExplicitAny: each sheet has rows of its own type
export async function sheetsWorkbook(sheets: readonly Sheet<any>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  for (const { name, columns, rows } of sheets) addSheet(workbook, name, columns, rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet<T>(
  workbook: ExcelJS.Workbook,
  sheetName: string,
  columns: readonly ListColumn<T>[],
  rows: readonly T[],
): void {
  // Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
  const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1');
  sheet.columns = columns.map((column, index) => ({
    header: column.header,
    key: `c${index}`,
    width: column.width ?? 14,
    ...(column.format ? { style: { numFmt: column.format } } : {}),
  }));
  for (const row of rows) {
    sheet.addRow(
      Object.fromEntries(
        columns.map((column, index) => {
          const value = column.value(row);
          return [`c${index}`, value === undefined ? null : value];
        }),
      ),
    );
  }
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle' };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/** Sends a workbook as a download: an ASCII file name for old clients, the Chinese one for the rest. */
export function sendWorkbook(
  reply: FastifyReply,
  body: Buffer,
  asciiName: string,
  name: string,
): FastifyReply {
  return reply
    .type(XLSX_MEDIA_TYPE)
    .header(
      'content-disposition',
      `attachment; filename="${asciiName}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${name}.xlsx`)}`,
    )
    .send(body);
}

/** The OpenAPI description of a workbook answer, for a route's `response[200]`. */
export const workbookResponse = {
  type: 'string',
  format: 'binary',
  description: 'The workbook (.xlsx)',
} as const;
