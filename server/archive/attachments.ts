/**
 * Attachments of the archive (scans, photos, audio; 6.11.1 a, oral history 6.9): the type is judged
 * by the file's first bytes, not only by the header sent; files are kept under
 * `<data>/attachments/<retiree>/<attachment>` and never deleted, only withdrawn.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Database, Queryable } from '../db/database.ts';
import { HubError } from '../errors.ts';
import { iso, isoRequired } from '../store/rows.ts';
import type { ArchiveStore } from './store.ts';

export const ATTACHMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
  'audio/ogg',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The names clients send for the accepted types, for a raw-body content-type parser. */
export const ATTACHMENT_CONTENT_TYPES: readonly string[] = [
  ...ATTACHMENT_TYPES,
  'audio/mp3',
  'audio/x-wav',
  'audio/wave',
  'audio/x-m4a',
  'application/ogg',
];

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A PNG starts with its signature and then the IHDR chunk (PNG, ISO/IEC 15948 5.2, 11.2.2): length
 * 13, type `IHDR`, 13 bytes of header, and the CRC-32 of type and data. A signature followed by
 * anything else (an HTML page behind eight bytes of PNG) is not a PNG.
 */
function pngHolds(bytes: Buffer): boolean {
  if (bytes.length < 8 + 25 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  if (bytes.readUInt32BE(8) !== 13 || ascii(bytes, 12, 16) !== 'IHDR') return false;
  return crc32(bytes.subarray(12, 29)) === bytes.readUInt32BE(29);
}

/**
 * Markers that may follow SOI (ITU-T T.81 B.1.1.3, B.2): APPn (JFIF, Exif), DQT, DHT, DRI, COM and
 * the start-of-frame markers (SOF0–SOF15 but DHT, JPG and DAC), each with a segment length of at
 * least 2. A byte that is no marker after FF D8 FF (`<` of `<html>`) is not a JPEG.
 */
function jpegHolds(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return false;
  let at = 3;
  // T.81 B.1.1.2: any marker may be preceded by fill bytes 0xFF.
  while (bytes[at] === 0xff) at += 1;
  const marker = bytes[at] ?? 0;
  const startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc;
  const segment = (marker >= 0xe0 && marker <= 0xef) || [0xdb, 0xdd, 0xfe].includes(marker) || startOfFrame;
  return segment && at + 2 < bytes.length && bytes.readUInt16BE(at + 1) >= 2;
}

/**
 * The type the bytes themselves show, or null when they match none of the accepted types. Images
 * are also checked for the structure that follows their signature, since a browser that guesses a
 * type from the bytes would take the rest for a page.
 */
export function sniffType(bytes: Buffer): AttachmentType | null {
  if (jpegHolds(bytes)) return 'image/jpeg';
  if (pngHolds(bytes)) return 'image/png';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE')
    return 'audio/wav';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'audio/mp4';
  // An Ogg page (Vorbis or Opus inside).
  if (ascii(bytes, 0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame header: 11 sync bits, then a layer other than "reserved".
  if (
    bytes.length >= 4 &&
    bytes[0] === 0xff &&
    ((bytes[1] ?? 0) & 0xe0) === 0xe0 &&
    ((bytes[1] ?? 0) & 0x06) !== 0
  ) {
    return 'audio/mpeg';
  }
  return null;
}

/** The media type of a Content-Type header, lower case, without parameters; common aliases mapped. */
export function mediaType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    {
      'audio/mp3': 'audio/mpeg',
      'audio/x-wav': 'audio/wav',
      'audio/wave': 'audio/wav',
      'audio/x-m4a': 'audio/mp4',
      'application/ogg': 'audio/ogg',
    }[type] ?? type
  );
}

/**
 * Checks an uploaded body: 415 unless its bytes show one of the `accepted` types and the declared
 * Content-Type names the same; 400 when empty. Returns the type the bytes show.
 */
export function acceptUpload(
  body: unknown,
  contentType: string | undefined,
  accepted: readonly AttachmentType[],
  label: string,
): AttachmentType {
  if (!Buffer.isBuffer(body)) {
    throw new HubError(415, 'unsupported_media_type', `不接受的文件类型，可接受：${label}`);
  }
  if (body.length === 0) throw new HubError(400, 'bad_request', '文件为空');
  const actual = sniffType(body);
  if (!actual || !accepted.includes(actual)) {
    throw new HubError(415, 'unsupported_media_type', `文件内容不是可接受的类型（${label}）`);
  }
  const declared = mediaType(contentType);
  if (actual !== declared) {
    throw new HubError(415, 'unsupported_media_type', `文件内容为 ${actual}，与声明的类型 ${declared} 不符`);
  }
  return actual;
}

export interface Attachment {
  id: string;
  retireeId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string | null;
  uploadedByName: string | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawnReason: string | null;
}

type Row = Record<string, unknown>;

function toAttachment(row: Row): Attachment {
  return {
    id: row.id as string,
    retireeId: row.retiree_id as string,
    name: row.name as string,
    contentType: row.content_type as string,
    sizeBytes: row.size_bytes as number,
    sha256: row.sha256 as string,
    uploadedAt: isoRequired(row.uploaded_at as Date),
    uploadedBy: (row.uploaded_by as string | null) ?? null,
    uploadedByName: (row.display_name as string | null) ?? null,
    withdrawnAt: iso(row.withdrawn_at as Date | null),
    withdrawnBy: (row.withdrawn_by as string | null) ?? null,
    withdrawnReason: (row.withdrawn_reason as string | null) ?? null,
  };
}

const SELECT = `select a.*, u.display_name from archive_attachments a left join users u on u.id = a.uploaded_by`;

export class AttachmentStore {
  constructor(
    private readonly db: Database,
    private readonly records: ArchiveStore,
    /** The folder that holds `attachments/`. */
    private readonly dataDir: string,
  ) {}

  private fileOf(retireeId: string, id: string): string {
    return path.join(this.dataDir, 'attachments', retireeId, id);
  }

  async add(
    retireeId: string,
    name: string,
    contentType: AttachmentType,
    bytes: Buffer,
    userId: string,
    /** Runs in the same transaction after the row is inserted (e.g. linking it to an oral history). */
    afterInsert?: (tx: Queryable, attachmentId: string) => Promise<void>,
  ): Promise<Attachment> {
    const id = randomUUID();
    const file = this.fileOf(retireeId, id);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written under a temporary name first: a half-written file never carries an attachment's id.
    const partial = `${file}.partial`;
    await fs.writeFile(partial, bytes, { flag: 'wx' });
    await fs.rename(partial, file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          'insert into archive_attachments (id, retiree_id, name, content_type, size_bytes, sha256, uploaded_by) values ($1, $2, $3, $4, $5, $6, $7)',
          [id, retireeId, name, contentType, bytes.length, sha256, userId],
        );
        await this.records.writeHistory(tx, retireeId, userId, 'attachment', [
          {
            field: 'attachment',
            oldValue: null,
            newValue: `${name}（${contentType}，${bytes.length} 字节）`,
          },
        ]);
        await afterInsert?.(tx, id);
      });
    } catch (error) {
      await fs.rm(file, { force: true });
      throw error;
    }
    const added = await this.byId(retireeId, id);
    if (!added) throw new Error('attachment vanished after insert');
    return added;
  }

  async byId(retireeId: string, id: string): Promise<Attachment | null> {
    const [row] = await this.db.query<Row>(`${SELECT} where a.retiree_id = $1 and a.id = $2`, [
      retireeId,
      id,
    ]);
    return row ? toAttachment(row) : null;
  }

  async list(retireeId: string, includeWithdrawn: boolean): Promise<Attachment[]> {
    const rows = await this.db.query<Row>(
      `${SELECT} where a.retiree_id = $1 ${includeWithdrawn ? '' : 'and a.withdrawn_at is null'} order by a.uploaded_at desc, a.id`,
      [retireeId],
    );
    return rows.map(toAttachment);
  }

  async read(attachment: Attachment): Promise<Buffer> {
    return fs.readFile(this.fileOf(attachment.retireeId, attachment.id));
  }

  /** Marks the attachment withdrawn (the file stays); false when it already was. */
  async withdraw(attachment: Attachment, reason: string, userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        'update archive_attachments set withdrawn_at = now(), withdrawn_by = $2, withdrawn_reason = $3 where id = $1 and withdrawn_at is null returning id',
        [attachment.id, userId, reason],
      );
      if (!rows.length) return false;
      await this.records.writeHistory(tx, attachment.retireeId, userId, 'attachment', [
        { field: 'attachmentWithdrawn', oldValue: attachment.name, newValue: `已撤回：${reason}` },
      ]);
      return true;
    });
  }
}
