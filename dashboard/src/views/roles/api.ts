/** Roles of retirees (6.9): the volunteer / think-tank / community political commissar register and oral history. */
import type {
  OralHistory,
  OralHistoryInput,
  OralHistoryQuery,
  OralHistoryUpdate,
  RoleEntry,
  RoleEntryEnd,
  RoleEntryInput,
  RoleQuery,
  ServiceHours,
  ServiceHoursInput,
} from '../../../../server/schemas/roles.ts';
import { downloadFile } from '../../api/download.ts';
import { ApiError, request, storedToken } from '../../api/http.ts';

export type { OralHistory, OralHistoryInput, RoleEntry, RoleEntryInput, ServiceHours };
export type RetireeRole = RoleEntry['role'];
export type FileKind = OralHistory['files'][number]['kind'];

export const retireeRoles: readonly RetireeRole[] = ['volunteer', 'think_tank', 'community_commissar'];

/** What the file picker offers per kind; the server judges the bytes. */
export const fileAccept: Record<FileKind, string> = {
  audio: '.mp3,.m4a,.wav,.ogg,audio/mpeg,audio/mp4,audio/wav,audio/ogg',
  transcript: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
};

const id = (value: string) => encodeURIComponent(value);

function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

export function listRegister(query: RoleQuery = {}): Promise<RoleEntry[]> {
  return request<RoleEntry[]>('/api/roles/register', { query: { ...query, active: flag(query.active) } });
}

export function addEntry(body: RoleEntryInput): Promise<RoleEntry> {
  return request<RoleEntry>('/api/roles/register', { method: 'POST', body });
}

export function endEntry(entryId: string, body: RoleEntryEnd): Promise<RoleEntry> {
  return request<RoleEntry>(`/api/roles/register/${id(entryId)}/end`, { method: 'POST', body });
}

export function listHours(entryId: string): Promise<ServiceHours[]> {
  return request<ServiceHours[]>(`/api/roles/register/${id(entryId)}/hours`);
}

export function logHours(entryId: string, body: ServiceHoursInput): Promise<ServiceHours> {
  return request<ServiceHours>(`/api/roles/register/${id(entryId)}/hours`, { method: 'POST', body });
}

export function exportRegister(query: { role?: string; active?: boolean }): Promise<string> {
  return downloadFile('/api/roles/register/export.xlsx', 'volunteer-register.xlsx', query);
}

export function listOralHistories(query: OralHistoryQuery = {}): Promise<OralHistory[]> {
  return request<OralHistory[]>('/api/roles/oral-histories', { query: { ...query } });
}

export function createOralHistory(body: OralHistoryInput): Promise<OralHistory> {
  return request<OralHistory>('/api/roles/oral-histories', { method: 'POST', body });
}

export function updateOralHistory(itemId: string, body: OralHistoryUpdate): Promise<OralHistory> {
  return request<OralHistory>(`/api/roles/oral-histories/${id(itemId)}`, { method: 'PUT', body });
}

export function exportOralHistories(query: { q?: string }): Promise<string> {
  return downloadFile('/api/roles/oral-histories/export.xlsx', 'oral-histories.xlsx', query);
}

function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  return new ApiError(
    response.status,
    body.error ?? `http_${response.status}`,
    body.message ?? response.statusText,
  );
}

/** Sends the file as the raw body; the server checks its bytes against the kind. */
export async function uploadFile(itemId: string, kind: FileKind, file: File): Promise<OralHistory> {
  const query = new URLSearchParams({ kind, name: file.name });
  const response = await fetch(`/api/roles/oral-histories/${id(itemId)}/files?${query}`, {
    method: 'POST',
    headers: { ...authHeaders(), 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as OralHistory;
}

/** The file as an object URL (the request carries the session's token), for a player or a download. */
export async function fileUrl(itemId: string, attachmentId: string): Promise<string> {
  const response = await fetch(`/api/roles/oral-histories/${id(itemId)}/files/${id(attachmentId)}`, {
    headers: authHeaders(),
  });
  if (!response.ok) throw await failure(response);
  return URL.createObjectURL(await response.blob());
}
