/**
 * A minimal ZIP writer for hostile .xlsx files: entries that inflate to far more than they weigh,
 * sizes that lie, thousands of entries. A real spreadsheet is built with exceljs instead.
 */
import zlib from 'node:zlib';
import { zipDeflated } from '../../server/privacy/zip.ts';

export interface ZipEntry {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  crc: number;
  size: number;
  /** The uncompressed size written in the headers, when it should lie. */
  declaredSize?: number;
}

export function deflated(name: string, content: Buffer | string): ZipEntry {
  const bytes = Buffer.from(content);
  return { name, data: zlib.deflateRawSync(bytes), crc: zlib.crc32(bytes), size: bytes.length };
}

/**
 * `size` bytes of `fill` as one deflate stream, without ever holding them: a megabyte is deflated
 * once with a sync flush (no final-block bit, byte-aligned, no reference to what came before) and
 * repeated; a last piece ends the stream.
 */
export function inflatingTo(name: string, size: number, fill = ' '): ZipEntry {
  const megabyte = 1024 * 1024;
  const chunk = Buffer.alloc(megabyte, fill);
  const whole = Math.floor(size / megabyte);
  const rest = size - whole * megabyte;
  const piece = zlib.deflateRawSync(chunk, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const last = zlib.deflateRawSync(chunk.subarray(0, rest));
  let crc = 0;
  for (let index = 0; index < whole; index += 1) crc = zlib.crc32(chunk, crc);
  crc = zlib.crc32(chunk.subarray(0, rest), crc);
  const data = Buffer.concat([...Array.from({ length: whole }, () => piece), last]);
  return { name, data, crc, size };
}

/** The archive, each entry's headers giving its declared size where it lies. */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  return zipDeflated(
    entries.map((entry) => ({
      name: entry.name,
      compressed: entry.data,
      crc: entry.crc,
      size: entry.declaredSize ?? entry.size,
    })),
    new Date(Date.UTC(2026, 0, 1)),
  );
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/** The parts every workbook has, around a sheet given as an entry. */
export function workbookAround(sheet: ZipEntry, extra: ZipEntry[] = []): Buffer {
  return writeZip([
    deflated('[Content_Types].xml', CONTENT_TYPES),
    deflated('_rels/.rels', RELS),
    deflated('xl/workbook.xml', WORKBOOK),
    deflated('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    sheet,
    ...extra,
  ]);
}

/** Zip bombs that weigh less than the import's body limit. */
export function zipBombs(): { name: string; body: Buffer }[] {
  const big = inflatingTo('xl/worksheets/sheet1.xml', 400 * 1024 * 1024);
  const lying = { ...inflatingTo('xl/worksheets/sheet1.xml', 200 * 1024 * 1024), declaredSize: 1024 };
  const many = Array.from({ length: 20_000 }, (_, index) => deflated(`xl/media/p${index}.png`, ''));
  return [
    { name: 'one entry of 400 MB', body: workbookAround(big) },
    { name: 'an entry declaring 1 KB that inflates to 200 MB', body: workbookAround(lying) },
    {
      name: '20000 entries',
      body: workbookAround(deflated('xl/worksheets/sheet1.xml', '<worksheet/>'), many),
    },
  ];
}
