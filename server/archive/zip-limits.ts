/**
 * An .xlsx file is a ZIP archive, and the Excel reader (exceljs over JSZip) inflates every entry
 * whole into memory before it looks at it. A "zip bomb" of one megabyte within the upload limit can
 * inflate to a gigabyte. So an import is walked here first, by its central directory: few entries,
 * only stored or deflated ones, and each entry inflated under a cap taken from a bounded total, so
 * an entry that lies about its size is caught at the cap, not after it has filled memory.
 */
import zlib from 'node:zlib';

/** The template has about ten entries; a workbook saved by Excel or WPS a few dozen. */
export const MAX_XLSX_ENTRIES = 500;
/** 5000 rows of the template's columns take a few megabytes once inflated. */
export const MAX_XLSX_INFLATED_BYTES = 32 * 1024 * 1024;

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export type ZipProblem = 'not_zip' | 'too_many_entries' | 'too_large' | 'unsupported';

function findEndOfCentralDirectory(body: Buffer): number {
  // The record is 22 bytes and may be followed by a comment of up to 65535 bytes.
  const earliest = Math.max(0, body.length - 22 - 0xffff);
  for (let at = body.length - 22; at >= earliest; at -= 1) {
    if (body.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return -1;
}

/** Why the archive may not be read, or undefined when it stays within the limits. */
export function zipProblem(
  body: Buffer,
  limits = { entries: MAX_XLSX_ENTRIES, inflatedBytes: MAX_XLSX_INFLATED_BYTES },
): ZipProblem | undefined {
  if (body.length < 22) return 'not_zip';
  const end = findEndOfCentralDirectory(body);
  if (end < 0) return 'not_zip';
  const entries = body.readUInt16LE(end + 10);
  const directorySize = body.readUInt32LE(end + 12);
  const directoryOffset = body.readUInt32LE(end + 16);
  // ZIP64 markers: no spreadsheet of ours needs more than 65535 entries or 4 GiB.
  if (entries === 0xffff || directoryOffset === 0xffffffff) return 'unsupported';
  if (entries > limits.entries) return 'too_many_entries';
  if (directoryOffset + directorySize > end) return 'not_zip';
  let budget = limits.inflatedBytes;
  let at = directoryOffset;
  for (let index = 0; index < entries; index += 1) {
    if (at + 46 > end || body.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) return 'not_zip';
    const method = body.readUInt16LE(at + 10);
    const compressedSize = body.readUInt32LE(at + 20);
    const declaredSize = body.readUInt32LE(at + 24);
    const nameLength = body.readUInt16LE(at + 28);
    const extraLength = body.readUInt16LE(at + 30);
    const commentLength = body.readUInt16LE(at + 32);
    const localOffset = body.readUInt32LE(at + 42);
    at += 46 + nameLength + extraLength + commentLength;
    if (method !== STORED && method !== DEFLATED) return 'unsupported';
    if (declaredSize > budget) return 'too_large';
    if (localOffset + 30 > body.length || body.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER)
      return 'not_zip';
    const dataStart =
      localOffset + 30 + body.readUInt16LE(localOffset + 26) + body.readUInt16LE(localOffset + 28);
    const data = body.subarray(dataStart, dataStart + compressedSize);
    if (data.length !== compressedSize) return 'not_zip';
    if (method === STORED) {
      budget -= compressedSize;
      continue;
    }
    // Inflated under the budget left, whatever the entry declares: a lying size stops at the cap.
    let inflated: number;
    try {
      inflated = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too_large';
      return 'not_zip';
    }
    budget -= inflated;
    if (budget < 0) return 'too_large';
  }
  return undefined;
}
