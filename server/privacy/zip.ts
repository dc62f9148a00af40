/**
 * A ZIP archive written with node:zlib alone (deflate and CRC-32), enough for an export: files of
 * at most 4 GiB each, at most 65 535 of them, UTF-8 names. No dependency is needed for so little.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const UTF8_NAMES = 0x0800;
const DEFLATE = 8;

/** DOS date and time of a moment (local fields are what unzip shows; we write UTC). */
function dosTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** What the local header and the central directory both say of an entry. */
interface EntryFields {
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  nameLength: number;
}

/**
 * Writes the run of fields that the local file header and the central directory header share, from
 * "version needed to extract" to "file name length" (APPNOTE 4.3.7 and 4.3.12: the same 26 bytes,
 * at offset 4 in the one and 6 in the other).
 */
function writeEntryFields(header: Buffer, start: number, fields: EntryFields): void {
  header.writeUInt16LE(20, start);
  header.writeUInt16LE(UTF8_NAMES, start + 2);
  header.writeUInt16LE(DEFLATE, start + 4);
  header.writeUInt16LE(fields.time, start + 6);
  header.writeUInt16LE(fields.date, start + 8);
  header.writeUInt32LE(fields.crc, start + 10);
  header.writeUInt32LE(fields.compressedSize, start + 14);
  header.writeUInt32LE(fields.size, start + 18);
  header.writeUInt16LE(fields.nameLength, start + 22);
}

/** An entry already deflated: its compressed bytes, and the CRC-32 and size of what they inflate to. */
export interface DeflatedEntry {
  name: string;
  compressed: Buffer;
  crc: number;
  size: number;
}

export function zip(entries: ZipEntry[], at: Date): Buffer {
  return zipDeflated(
    entries.map(({ name, data }) => ({
      name,
      compressed: deflateRawSync(data),
      crc: crc32(data),
      size: data.length,
    })),
    at,
  );
}

/** The archive of entries deflated beforehand; the headers say what each entry says of itself. */
export function zipDeflated(entries: readonly DeflatedEntry[], at: Date): Buffer {
  if (entries.length > 0xffff) throw new RangeError('a ZIP without ZIP64 holds at most 65 535 files');
  const { time, date } = dosTime(at);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name: text, compressed, crc, size } of entries) {
    const name = Buffer.from(text, 'utf8');
    if (size > 0xfffffffe || offset > 0xfffffffe) {
      throw new RangeError('a ZIP without ZIP64 holds at most 4 GiB');
    }
    const fields = {
      time,
      date,
      crc: crc >>> 0,
      compressedSize: compressed.length,
      size,
      nameLength: name.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    writeEntryFields(header, 6, fields);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    parts.push(local, name, compressed);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
