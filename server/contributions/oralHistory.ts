/**
 * Oral history (6.9.2.4 发掘整理"口述历史"，编撰形成军休特色史料): an interview of a retiree — title,
 * interviewer, day, summary and transcript text — with its recordings and transcript files. The
 * files are archive attachments of the retiree (same storage, type sniffing, history and access
 * log), linked to the interview.
 */

import { randomUUID } from 'node:crypto';
import type { Attachment, AttachmentStore, AttachmentType } from '../archive/attachments.ts';
import type { Clock } from '../calendar.ts';
import type { Database, Queryable } from '../db/database.ts';
import { badRequest, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  OralHistory,
  OralHistoryFile,
  OralHistoryFileKind,
  OralHistoryInput,
  OralHistoryQuery,
  OralHistoryUpdate,
} from '../schemas/contributions.ts';
import { checkDate, retireeOr404 } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isoRequired } from '../store/rows.ts';
import { assertInScope, type Scope } from '../store/scope.ts';

/** What each kind of file may be, judged by its bytes. */
export const ORAL_HISTORY_FILE_TYPES: Record<OralHistoryFileKind, readonly AttachmentType[]> = {
  audio: ['audio/mpeg', 'audio/mp4', 'audio/wav', 'audio/ogg'],
  transcript: ['application/pdf', 'image/jpeg', 'image/png'],
};

export const ORAL_HISTORY_FILE_LABELS: Record<OralHistoryFileKind, string> = {
  audio: '录音：MP3、M4A、WAV、OGG',
  transcript: '整理稿：PDF，或扫描件 JPEG、PNG',
};

/** An interview as selected under the API's names, without its files; its times as the driver gives them. */
type ItemRow = Omit<OralHistory, 'files' | 'createdAt' | 'updatedAt'> & {
  createdAt: Date | string;
  updatedAt: Date | string;
};

interface FileRow {
  oral_history_id: string;
  attachment_id: string;
  kind: OralHistoryFileKind;
  name: string;
  content_type: string;
  size_bytes: number | string;
  added_at: Date | string;
}

const selectItem = `select o.id, o.retiree_id as "retireeId", r.name as "retireeName", o.title, o.interviewer,
    o.interviewed_on::text as "interviewedOn", o.summary, o.transcript, o.created_at as "createdAt",
    o.updated_at as "updatedAt"
  from oral_histories o join retirees r on r.id = o.retiree_id`;

export class OralHistories extends RecordKeeper {
  constructor(
    db: Database,
    private readonly attachments: AttachmentStore,
    clock?: Clock,
  ) {
    super(db, clock);
  }

  private async toItems(db: Queryable, rows: ItemRow[]): Promise<OralHistory[]> {
    if (rows.length === 0) return [];
    const files = await db.query<FileRow>(
      `select f.oral_history_id, f.attachment_id, f.kind, a.name, a.content_type, a.size_bytes, f.added_at
         from oral_history_files f join archive_attachments a on a.id = f.attachment_id
        where f.oral_history_id = any($1::uuid[]) and a.withdrawn_at is null
        order by f.added_at, f.attachment_id`,
      [rows.map((row) => row.id)],
    );
    return rows.map((row) => ({
      ...row,
      files: files
        .filter((file) => file.oral_history_id === row.id)
        .map(
          (file): OralHistoryFile => ({
            attachmentId: file.attachment_id,
            kind: file.kind,
            name: file.name,
            contentType: file.content_type,
            sizeBytes: Number(file.size_bytes),
            addedAt: isoRequired(file.added_at),
          }),
        ),
      createdAt: isoRequired(row.createdAt),
      updatedAt: isoRequired(row.updatedAt),
    }));
  }

  async list(query: OralHistoryQuery, scope: Scope): Promise<OralHistory[]> {
    const filter = new Filter()
      .inScope(scope, 'o.retiree_id')
      .id('o.retiree_id', query.retireeId, 'retiree')
      .contains('(o.title ilike ? or o.summary ilike ? or o.transcript ilike ? or r.name ilike ?)', query.q);
    const rows = await this.db.query<ItemRow>(
      `${selectItem} where ${filter.sql}
        order by o.interviewed_on desc, o.created_at desc, o.id limit ${filter.param(query.limit ?? 200)}`,
      filter.params,
    );
    return this.toItems(this.db, rows);
  }

  async byId(id: string, scope: Scope, db: Queryable = this.db): Promise<OralHistory> {
    const rows = await db.query<ItemRow>(`${selectItem} where o.id = $1`, [uuidOr404(id, 'oral history')]);
    const row = rows[0];
    if (!row) throw notFound('oral history');
    await assertInScope(db, scope, row.retireeId);
    const [item] = await this.toItems(db, rows);
    return item as OralHistory;
  }

  private interviewDay(value: string): string {
    const day = checkDate(value, 'interviewedOn');
    if (day > this.today()) throw badRequest('interviewedOn: 访谈日期不能晚于今天');
    return day;
  }

  async create(input: OralHistoryInput, userId: string, scope: Scope): Promise<OralHistory> {
    const interviewedOn = this.interviewDay(input.interviewedOn);
    const retiree = await retireeOr404(this.db, input.retireeId);
    await assertInScope(this.db, scope, retiree.id);
    const id = randomUUID();
    await this.db.query(
      `insert into oral_histories (id, retiree_id, title, interviewer, interviewed_on, summary, transcript, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        retiree.id,
        input.title.trim(),
        input.interviewer.trim(),
        interviewedOn,
        (input.summary ?? '').trim(),
        input.transcript ?? '',
        userId,
      ],
    );
    return this.byId(id, scope);
  }

  async update(id: string, input: OralHistoryUpdate, scope: Scope): Promise<OralHistory> {
    const current = await this.byId(id, scope);
    const interviewedOn =
      input.interviewedOn === undefined ? current.interviewedOn : this.interviewDay(input.interviewedOn);
    await this.db.query(
      `update oral_histories set title = $2, interviewer = $3, interviewed_on = $4, summary = $5, transcript = $6,
              updated_at = now()
        where id = $1`,
      [
        current.id,
        input.title?.trim() ?? current.title,
        input.interviewer?.trim() ?? current.interviewer,
        interviewedOn,
        input.summary?.trim() ?? current.summary,
        input.transcript ?? current.transcript,
      ],
    );
    return this.byId(current.id, scope);
  }

  /**
   * Stores a checked file as an archive attachment of the narrator and links it, in one
   * transaction: a failure leaves neither a row nor a file behind.
   */
  async addFile(
    id: string,
    kind: OralHistoryFileKind,
    name: string,
    type: AttachmentType,
    bytes: Buffer,
    userId: string,
    scope: Scope,
  ): Promise<OralHistory> {
    const item = await this.byId(id, scope);
    if (!ORAL_HISTORY_FILE_TYPES[kind].includes(type)) {
      throw badRequest(`kind: ${ORAL_HISTORY_FILE_LABELS[kind]}`);
    }
    await this.attachments.add(item.retireeId, name, type, bytes, userId, async (tx, attachmentId) => {
      await tx.query(
        'insert into oral_history_files (attachment_id, oral_history_id, kind) values ($1, $2, $3)',
        [attachmentId, item.id, kind],
      );
    });
    return this.byId(item.id, scope);
  }

  /** A file of the interview, with the interview it belongs to (for the access log). */
  async file(
    id: string,
    attachmentId: string,
    scope: Scope,
  ): Promise<{ item: OralHistory; attachment: Attachment }> {
    const item = await this.byId(id, scope);
    const wanted = uuidOr404(attachmentId, 'file');
    if (!item.files.some((file) => file.attachmentId === wanted)) throw notFound('file');
    const attachment = await this.attachments.byId(item.retireeId, wanted);
    if (!attachment) throw notFound('file');
    return { item, attachment };
  }
}
