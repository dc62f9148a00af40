/**
 * The archive in Excel: the import template (Chinese headers), reading an import with a check of
 * every row and field, and the export of a list. Headers are the fields' Chinese labels, so an
 * exported sheet can be imported again.
 */
import ExcelJS from 'exceljs';
import { XLSX_MEDIA_TYPE } from '../export/workbook.ts';
import {
  type ArchiveField,
  type ArchiveFields,
  FIELD_NAMES,
  FIELDS,
  GENDERS,
  LIVING_SITUATIONS,
  normaliseValue,
  RANK_LEVELS,
  STATUSES,
  validateFields,
} from './fields.ts';
import { MAX_XLSX_ENTRIES, MAX_XLSX_INFLATED_BYTES, zipProblem } from './zip-limits.ts';

/** The workbook media type, as every export sends it (server/export/workbook.ts). */
export const XLSX_TYPE = XLSX_MEDIA_TYPE;
export const MAX_IMPORT_ROWS = 5000;

export interface RowError {
  /** The row number as Excel shows it (the header is row 1). */
  row: number;
  column: string;
  field: string;
  message: string;
}

const header = (field: ArchiveField) => FIELDS[field].label;

const HINTS: Partial<Record<ArchiveField, string>> = {
  name: '必填',
  gender: '必填：男 / 女',
  birthDate: '必填：如 1938-05-01，不能晚于今天',
  idCard: '18位，末位可为X，请以文本格式填写；同一身份证号只能登记一次',
  rank: `必填：${RANK_LEVELS.join(' / ')}`,
  phone: '手机11位，或座机如 028-12345678',
  livingSituation: Object.values(LIVING_SITUATIONS).join(' / '),
  bedridden: '是 / 否，空为否',
  partyMember: '是 / 否，空为否',
  status: `${Object.values(STATUSES).join(' / ')}，空为在册`,
};

function styleHeader(sheet: ExcelJS.Worksheet): void {
  const first = sheet.getRow(1);
  first.font = { bold: true };
  first.alignment = { vertical: 'middle' };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/** The empty import template: one sheet with the headers, one with what each column takes. */
export async function importTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('军休干部档案');
  sheet.columns = FIELD_NAMES.map((field) => ({
    header: header(field),
    key: field,
    width: Math.max(12, header(field).length * 3),
    // ID cards and phone numbers as text: Excel would round an 18-digit number.
    style: field === 'idCard' || field === 'phone' || field === 'birthDate' ? { numFmt: '@' } : {},
  }));
  styleHeader(sheet);
  const notes = workbook.addWorksheet('填写说明');
  notes.columns = [
    { header: '列', key: 'column', width: 16 },
    { header: '填写要求', key: 'hint', width: 70 },
  ];
  for (const field of FIELD_NAMES) notes.addRow({ column: header(field), hint: HINTS[field] ?? '' });
  styleHeader(notes);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function cellText(value: ExcelJS.CellValue): string | Date | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return null;
  }
  return String(value);
}

const reverse = <T extends string>(labels: Record<T, string>) =>
  new Map(Object.entries(labels).map(([key, label]) => [label as string, key as T]));
const genderByLabel = reverse(GENDERS);
const livingByLabel = reverse(LIVING_SITUATIONS);
const statusByLabel = reverse(STATUSES);

function dateText(value: string | Date | number | boolean): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  // A date typed into a cell kept as text comes back as Excel's serial day number (1900 system).
  if (typeof value === 'number' && value > 0 && value < 2_958_466) {
    return new Date(Math.round((value - 25_569) * 86_400_000)).toISOString().slice(0, 10);
  }
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(String(value).trim());
  if (!match) return String(value);
  return `${match[1]}-${match[2]?.padStart(2, '0')}-${match[3]?.padStart(2, '0')}`;
}

/**
 * Reads an import: every row checked, every field. Either the records to create, or the errors of
 * every bad row (then nothing is to be imported).
 */
export async function readImport(
  body: Buffer,
  today: string,
  idCardsTaken: (idCards: string[]) => Promise<Set<string>>,
  /** A caseworker's station: rows without one are theirs, rows of another station are refused. */
  station: string | null = null,
): Promise<{ records: ArchiveFields[]; errors: RowError[] }> {
  const unreadable = '无法读取该文件，请使用 .xlsx 格式的导入模板';
  const fileError = (message: string) => ({
    records: [],
    errors: [{ row: 0, column: '', field: '', message }],
  });
  // The reader inflates every entry whole: a small file must not inflate to gigabytes (zip-limits.ts).
  const problem = zipProblem(body);
  if (problem === 'too_large')
    return fileError(
      `文件解压后超过 ${MAX_XLSX_INFLATED_BYTES / 1024 / 1024} MB，不是导入模板；请只保留模板中的数据后重新导入`,
    );
  if (problem === 'too_many_entries')
    return fileError(`文件中的条目超过 ${MAX_XLSX_ENTRIES} 个，不是导入模板；请使用导入模板`);
  if (problem) return fileError(unreadable);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    return fileError(unreadable);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet)
    return { records: [], errors: [{ row: 0, column: '', field: '', message: '工作簿中没有工作表' }] };
  const byLabel = new Map(FIELD_NAMES.map((field) => [header(field), field]));
  const columnOf = new Map<ArchiveField, number>();
  sheet.getRow(1).eachCell((cell, column) => {
    const text = String(cellText(cell.value) ?? '').replace(/[*＊\s]/g, '');
    const field = byLabel.get(text);
    if (field && !columnOf.has(field)) columnOf.set(field, column);
  });
  const errors: RowError[] = [];
  for (const field of FIELD_NAMES) {
    if (FIELDS[field].required && !columnOf.has(field)) {
      errors.push({ row: 1, column: header(field), field, message: `缺少“${header(field)}”列` });
    }
  }
  if (errors.length) return { records: [], errors };

  const rows: { row: number; record: ArchiveFields }[] = [];
  const lastRow = sheet.actualRowCount ? sheet.rowCount : 0;
  for (let number = 2; number <= lastRow; number += 1) {
    const row = sheet.getRow(number);
    const raw = new Map<ArchiveField, string | Date | number | boolean>();
    for (const [field, column] of columnOf) {
      const value = cellText(row.getCell(column).value);
      if (value !== null && !(typeof value === 'string' && value.trim() === '')) raw.set(field, value);
    }
    if (!raw.size) continue; // an empty line
    if (rows.length >= MAX_IMPORT_ROWS) {
      errors.push({ row: number, column: '', field: '', message: `一次最多导入${MAX_IMPORT_ROWS}行` });
      break;
    }
    const given: Record<string, unknown> = {};
    const rowErrors: RowError[] = [];
    for (const field of FIELD_NAMES) {
      const value = raw.get(field);
      const spec = FIELDS[field];
      if (spec.kind === 'boolean') {
        if (value === undefined) given[field] = false;
        else if (typeof value === 'boolean') given[field] = value;
        else if (['是', 'Y', 'YES', 'TRUE', '1'].includes(String(value).trim().toUpperCase()))
          given[field] = true;
        else if (['否', 'N', 'NO', 'FALSE', '0'].includes(String(value).trim().toUpperCase()))
          given[field] = false;
        else given[field] = String(value);
        continue;
      }
      if (field === 'idCard' && typeof value === 'number') {
        rowErrors.push({
          row: number,
          column: header(field),
          field,
          message: '身份证号被存为数字，末几位可能已丢失，请将该列设为文本格式后重新填写',
        });
        given[field] = null;
        continue;
      }
      let text = value === undefined ? '' : field === 'birthDate' ? dateText(value) : String(value).trim();
      if (field === 'gender') text = genderByLabel.get(text) ?? text;
      if (field === 'livingSituation') text = livingByLabel.get(text) ?? text;
      if (field === 'status') text = text === '' ? 'active' : (statusByLabel.get(text) ?? text);
      given[field] = field === 'idCard' && text === '' ? null : text;
    }
    const record = Object.fromEntries(
      FIELD_NAMES.map((field) => [field, normaliseValue(field, given[field])]),
    ) as unknown as ArchiveFields;
    for (const error of validateFields(given, record, today)) {
      if (rowErrors.some((known) => known.field === error.field)) continue;
      rowErrors.push({
        row: number,
        column: header(error.field as ArchiveField),
        field: error.field,
        message: error.message,
      });
    }
    if (station !== null && record.station === '') record.station = station;
    if (station !== null && record.station !== station) {
      rowErrors.push({
        row: number,
        column: header('station'),
        field: 'station',
        message: `只能导入本站点（${station}）的老人`,
      });
    }
    errors.push(...rowErrors);
    rows.push({ row: number, record });
  }
  if (!rows.length && !errors.length) {
    errors.push({ row: 2, column: '', field: '', message: '表格中没有数据行' });
  }
  // One ID card, one person: within the file and against the records already kept.
  const seen = new Map<string, number>();
  for (const { row, record } of rows) {
    if (!record.idCard || errors.some((error) => error.row === row && error.field === 'idCard')) continue;
    const first = seen.get(record.idCard);
    if (first !== undefined) {
      errors.push({ row, column: header('idCard'), field: 'idCard', message: `身份证号与第${first}行重复` });
    } else seen.set(record.idCard, row);
  }
  const taken = await idCardsTaken([...seen.keys()]);
  for (const [idCard, row] of seen) {
    if (taken.has(idCard)) {
      errors.push({
        row,
        column: header('idCard'),
        field: 'idCard',
        message: '身份证号已登记在另一位老人的档案中',
      });
    }
  }
  errors.sort(
    (a, b) =>
      a.row - b.row ||
      FIELD_NAMES.indexOf(a.field as ArchiveField) - FIELD_NAMES.indexOf(b.field as ArchiveField),
  );
  return { records: errors.length ? [] : rows.map((entry) => entry.record), errors };
}

function exportValue(field: ArchiveField, record: ArchiveFields): string {
  const value = record[field];
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (field === 'gender') return GENDERS[record.gender];
  if (field === 'livingSituation')
    return record.livingSituation ? LIVING_SITUATIONS[record.livingSituation] : '';
  if (field === 'status') return STATUSES[record.status];
  return value === null ? '' : String(value);
}

/** The list as a workbook: the same columns as the template, then the age. */
export async function exportWorkbook(records: (ArchiveFields & { age: number })[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('军休干部档案');
  sheet.columns = [
    ...FIELD_NAMES.map((field) => ({
      header: header(field),
      key: field,
      width: Math.max(12, header(field).length * 3),
      style: { numFmt: '@' },
    })),
    { header: '年龄', key: 'age', width: 8 },
  ];
  styleHeader(sheet);
  for (const record of records) {
    sheet.addRow({
      ...Object.fromEntries(FIELD_NAMES.map((field) => [field, exportValue(field, record)])),
      age: record.age,
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
