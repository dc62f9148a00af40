/** Workbooks for the import: the template's headers with given or random rows. */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { FIELD_NAMES, FIELDS } from '../../server/archive/fields.ts';
import { longString, numberLikeString, wildNumber } from './generators.ts';

/** A workbook of the template's headers and the given rows (cells by field name). */
export async function templateWith(rows: Record<string, unknown>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('军休干部档案');
  sheet.addRow(FIELD_NAMES.map((field) => FIELDS[field].label));
  for (const row of rows) sheet.addRow(FIELD_NAMES.map((field) => row[field] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell as a caseworker (or a broken export) might fill it. */
export const cellValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  numberLikeString,
  wildNumber,
  fc.boolean(),
  fc.date({ min: new Date('1800-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
  fc.constantFrom(
    '男',
    '女',
    '正师级',
    '1938-05-01',
    '1938年5月1日',
    '11010519380501001X',
    '是',
    '否',
    '=1/0',
    '#N/A',
  ),
  longString.map((text) => text.slice(0, 5000)),
  fc.constant(null),
);

export const randomRows: fc.Arbitrary<Record<string, unknown>[]> = fc.array(
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), cellValue, { maxKeys: FIELD_NAMES.length }),
  { minLength: 0, maxLength: 6 },
);
