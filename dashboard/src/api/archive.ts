/**
 * The retiree archive (6.11.1 a): list, the full record read with a reason (6.1.2.8), per-field
 * edits, history, attachments, Excel import and export. Binary bodies and the per-field and
 * per-row error reports need more than `request()` keeps, so those calls use `send()` below.
 */
import type { Static } from '@sinclair/typebox';
import type {
  ArchiveList,
  ArchiveListQuery,
  ArchiveRecord,
  ArchiveUpdate,
  Attachment,
  HistoryEntry,
  ImportErrors,
  ImportResult,
} from '../../../server/schemas/index.ts';
import { downloadFile } from './download.ts';
import { ApiError, request, storedToken } from './http.ts';

export type { ArchiveListQuery, ArchiveRecord, ArchiveUpdate };
export type ArchiveListPage = Static<typeof ArchiveList>;
export type ArchiveListRow = ArchiveListPage['items'][number];
export type HistoryRow = Static<typeof HistoryEntry>;
export type AttachmentRow = Static<typeof Attachment>;
export type ImportReport = Static<typeof ImportErrors>;
export type ImportRowError = ImportReport['errors'][number];
export type Imported = Static<typeof ImportResult>;

export const ranks = ['师级', '团级', '营级及以下', '士官'] as const;
export const statuses = ['active', 'abroad', 'deceased'] as const;
export const livingSituations = ['alone', 'with_spouse', 'with_family', 'institution'] as const;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const id = (value: string) => encodeURIComponent(value);

type Query = Record<string, string | number | boolean | undefined>;

function toQuery(query: Query): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = value === undefined || value === '' ? undefined : String(value);
  }
  return out;
}

export function listArchive(query: ArchiveListQuery): Promise<ArchiveListPage> {
  return request<ArchiveListPage>('/api/archive/retirees', { query: toQuery(query) });
}

export function readRecord(retireeId: string, reason: string): Promise<ArchiveRecord> {
  return request<ArchiveRecord>(`/api/archive/retirees/${id(retireeId)}`, { query: { reason } });
}

export function recordHistory(retireeId: string, reason: string): Promise<HistoryRow[]> {
  return request<HistoryRow[]>(`/api/archive/retirees/${id(retireeId)}/history`, {
    query: { reason, limit: '500' },
  });
}

export function listAttachments(retireeId: string): Promise<AttachmentRow[]> {
  return request<AttachmentRow[]>(`/api/archive/retirees/${id(retireeId)}/attachments`);
}

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

interface Sent {
  response: Response;
  payload: unknown;
}

async function send(
  path: string,
  init: { method?: string; body?: BodyInit; contentType?: string; accept?: string },
): Promise<Sent> {
  const headers: Record<string, string> = { Accept: init.accept ?? 'application/json' };
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.contentType) headers['Content-Type'] = init.contentType;
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (response.ok && init.accept && init.accept !== 'application/json') return { response, payload: null };
  const text = await response.text();
  let payload: unknown = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = text;
  }
  return { response, payload };
}

function failure(response: Response, payload: unknown): ApiError {
  const body = (payload ?? {}) as { error?: string; message?: string; fields?: FieldProblem[] };
  const message = body.message ?? (response.statusText || 'Request failed');
  if (Array.isArray(body.fields)) {
    return new FieldsError(response.status, body.error ?? 'bad_request', message, body.fields);
  }
  return new ApiError(response.status, body.error ?? `http_${response.status}`, message);
}

/** Saves changed fields; a refusal carries a message per field. */
export async function updateRecord(retireeId: string, body: ArchiveUpdate): Promise<ArchiveRecord> {
  const { response, payload } = await send(`/api/archive/retirees/${id(retireeId)}`, {
    method: 'PATCH',
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  if (!response.ok) throw failure(response, payload);
  return payload as ArchiveRecord;
}

export async function uploadAttachment(retireeId: string, file: File): Promise<AttachmentRow> {
  const { response, payload } = await send(
    `/api/archive/retirees/${id(retireeId)}/attachments?name=${encodeURIComponent(file.name)}`,
    { method: 'POST', body: file, contentType: file.type || 'application/octet-stream' },
  );
  if (!response.ok) throw failure(response, payload);
  return payload as AttachmentRow;
}

export function withdrawAttachment(
  retireeId: string,
  attachmentId: string,
  reason: string,
): Promise<unknown> {
  return request(`/api/archive/retirees/${id(retireeId)}/attachments/${id(attachmentId)}/withdraw`, {
    method: 'POST',
    body: { reason },
  });
}

/** Imports a filled template: all rows or none; a refusal lists each wrong cell. */
export async function importWorkbook(file: File): Promise<Imported> {
  const { response, payload } = await send('/api/archive/import', {
    method: 'POST',
    body: file,
    contentType: XLSX_TYPE,
  });
  if (response.ok) return payload as Imported;
  const body = payload as Partial<ImportReport> | null;
  if (response.status === 422 && body && Array.isArray(body.errors)) {
    throw new ImportRejected(response.status, body.message ?? '', body.errors);
  }
  throw failure(response, payload);
}

async function download(path: string, fallbackName: string): Promise<void> {
  await downloadFile(path, fallbackName);
}

export function downloadTemplate(): Promise<void> {
  return download('/api/archive/import/template', 'archive-template.xlsx');
}

export function downloadExport(query: ArchiveListQuery, reason: string): Promise<void> {
  const parameters = new URLSearchParams();
  const { limit: _limit, offset: _offset, ...filters } = query;
  for (const [key, value] of Object.entries(toQuery({ ...filters, reason }))) {
    if (value !== undefined) parameters.set(key, value);
  }
  return download(`/api/archive/retirees.xlsx?${parameters.toString()}`, 'archive.xlsx');
}

export function downloadAttachment(
  retireeId: string,
  attachment: AttachmentRow,
  reason: string,
): Promise<void> {
  return download(
    `/api/archive/retirees/${id(retireeId)}/attachments/${id(attachment.id)}?reason=${encodeURIComponent(reason)}`,
    attachment.name,
  );
}
