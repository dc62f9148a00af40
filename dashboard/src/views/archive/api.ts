/**
 * The retiree archive (6.11.1 a): list, the full record read with a reason (6.1.2.8), per-field
 * edits, history, attachments, Excel import and export, and a retiree's honours (6.2.2.2) and
 * publications, teaching and re-employment (6.4.2.6). A refused edit names the fields at fault and a
 * refused import each wrong cell: those refusals become `FieldsError` and `ImportRejected`.
 */
import type { Static } from '@sinclair/typebox';
import type { EngagementKind, HonourKind } from '../../../../server/schemas/centre.ts';
import type { ArchiveRecord, ImportErrors } from '../../../../server/schemas/index.ts';
import { ApiError, api, type BodyOf, call, data, type QueryOf, rawBody } from '../../api/client.ts';
import { download, downloadFile } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type { Engagement, EngagementKind, Honour, HonourKind } from '../../../../server/schemas/centre.ts';
export type { ArchiveListQuery, ArchiveRecord, ArchiveUpdate } from '../../../../server/schemas/index.ts';
export type ArchiveListPage = Awaited<ReturnType<typeof listArchive>>;
export type ArchiveListRow = ArchiveListPage['items'][number];
export type HistoryRow = Awaited<ReturnType<typeof recordHistory>>[number];
export type AttachmentRow = Awaited<ReturnType<typeof listAttachments>>[number];
export type ImportReport = Static<typeof ImportErrors>;
export type ImportRowError = ImportReport['errors'][number];
export type Imported = Awaited<ReturnType<typeof importWorkbook>>;

export const ranks = ['师级', '团级', '营级及以下', '士官'] as const;
export const statuses = ['active', 'abroad', 'deceased'] as const;
export const livingSituations = ['alone', 'with_spouse', 'with_family', 'institution'] as const;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type ListQuery = QueryOf<'/api/archive/retirees'>;

const retiree = (id: string) => ({ params: { path: { id } } });

export const listArchive = call.get('/api/archive/retirees');
const record = call.get('/api/archive/retirees/{id}');
export const readRecord = (retireeId: string, reason: string) => record(retireeId, { reason });
const history = call.get('/api/archive/retirees/{id}/history');
export const recordHistory = (retireeId: string, reason: string) =>
  history(retireeId, { reason, limit: 500 });
export const listAttachments = call.get('/api/archive/retirees/{id}/attachments');
/** The access log (6.1.2.8): who read which record, its history or a file, when and why (managers). */
export const accessLog = call.get('/api/archive/access-log');
/** The access log as a workbook, with the page's filters: every entry they find, or a refusal when too many. */
export const exportAccessLog = download('/api/archive/access-log.xlsx', 'archive-access-log.xlsx');

/** A field the server refused, with its message (in Chinese, as the server writes them). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A refused change: the message and, when the server names them, the fields at fault. */
export class FieldsError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly fields: FieldProblem[],
  ) {
    super(status, code, message);
    this.name = 'FieldsError';
  }
}

/** A refused import: nothing was imported; each wrong cell is listed. */
export class ImportRejected extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly rows: ImportRowError[],
  ) {
    super(status, 'invalid_rows', message);
    this.name = 'ImportRejected';
  }
}

/** A refusal that names fields becomes a FieldsError; any other error is left as it is. */
function withFields(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const fields = (error.body as { fields?: unknown } | null)?.fields;
  return Array.isArray(fields) ? new FieldsError(error.status, error.code, error.message, fields) : error;
}

/** Saves changed fields; a refusal carries a message per field. */
export async function updateRecord(
  retireeId: string,
  body: BodyOf<'/api/archive/retirees/{id}', 'patch'>,
): Promise<ArchiveRecord> {
  try {
    return await data(api.PATCH('/api/archive/retirees/{id}', { ...retiree(retireeId), body }));
  } catch (error) {
    throw withFields(error);
  }
}

export async function uploadAttachment(retireeId: string, file: File) {
  try {
    return await data(
      api.POST('/api/archive/retirees/{id}/attachments', {
        params: { path: { id: retireeId }, query: { name: file.name } },
        ...rawBody(file),
      }),
    );
  } catch (error) {
    throw withFields(error);
  }
}

const withdraw = call.post('/api/archive/retirees/{id}/attachments/{attachmentId}/withdraw');
export const withdrawAttachment = (retireeId: string, attachmentId: string, reason: string) =>
  withdraw(retireeId, attachmentId, { reason });

/** Imports a filled template: all rows or none; a refusal lists each wrong cell. */
export async function importWorkbook(file: File) {
  try {
    return await data(api.POST('/api/archive/import', rawBody(file, XLSX_TYPE)));
  } catch (error) {
    const rows = error instanceof ApiError ? (error.body as Partial<ImportReport> | null)?.errors : undefined;
    if (error instanceof ApiError && error.status === 422 && Array.isArray(rows)) {
      throw new ImportRejected(error.status, error.message, rows);
    }
    throw withFields(error);
  }
}

export async function downloadTemplate(): Promise<void> {
  await downloadFile('/api/archive/import/template', 'archive-template.xlsx');
}

export async function downloadExport(query: ListQuery, reason: string): Promise<void> {
  const { limit: _limit, offset: _offset, ...filters } = query;
  await downloadFile('/api/archive/retirees.xlsx', 'archive.xlsx', { ...filters, reason });
}

/** An attachment, read with the stated reason (6.1.2.8: every reading is logged). */
export async function downloadAttachment(
  retireeId: string,
  attachment: { id: string; name: string },
  reason: string,
): Promise<void> {
  await downloadFile(
    `/api/archive/retirees/${encodeURIComponent(retireeId)}/attachments/${encodeURIComponent(attachment.id)}`,
    attachment.name,
    { reason },
  );
}

// ── honours (6.2.2.2) and publications, speeches, teaching and re-employment (6.4.2.6) ─────────

/** The kinds of honour in the order the record offers them. */
export const honourKinds: readonly HonourKind[] = ['medal', 'plaque', 'title', 'commendation', 'other'];
/** The kinds of publication, teaching or post in the order the record offers them. */
export const engagementKinds: readonly EngagementKind[] = [
  'publication',
  'speech',
  'teaching',
  're_employment',
];

export const honourRecords = recordCalls('/api/honours', 'honours.xlsx');
export const removeHonour = call.delete('/api/honours/{id}');
export const engagementRecords = recordCalls('/api/engagements', 'engagements.xlsx');
export const removeEngagement = call.delete('/api/engagements/{id}');
