/**
 * A minimal ZIP writer for hostile .xlsx files: entries that inflate to far more than they weigh,
 * sizes that lie, thousands of entries. A real spreadsheet is built with exceljs instead.
 */
import zlib from 'node:zlib';

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

export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const declared = entry.declaredSize ?? entry.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(declared, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
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
