/** What retirees contribute (6.9): the volunteer / think-tank / community political commissar register and oral history. */
import type {
  Contribution,
  ContributionEnd,
  ContributionInput,
  ContributionQuery,
  OralHistory,
  OralHistoryInput,
  OralHistoryQuery,
  OralHistoryUpdate,
  ServiceHours,
  ServiceHoursInput,
} from '../../../../server/schemas/contributions.ts';
import { downloadFile } from '../../api/download.ts';
import { ApiError, request, storedToken } from '../../api/http.ts';

export type { Contribution, ContributionInput, OralHistory, OralHistoryInput, ServiceHours };
export type ContributionKind = Contribution['kind'];
export type FileKind = OralHistory['files'][number]['kind'];

export const contributionKinds: readonly ContributionKind[] = [
  'volunteer',
  'think_tank',
  'community_commissar',
];

/** What the file picker offers per kind; the server judges the bytes. */
export const fileAccept: Record<FileKind, string> = {
  audio: '.mp3,.m4a,.wav,.ogg,audio/mpeg,audio/mp4,audio/wav,audio/ogg',
  transcript: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
};

const id = (value: string) => encodeURIComponent(value);

function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

export function listRegister(query: ContributionQuery = {}): Promise<Contribution[]> {
  return request<Contribution[]>('/api/contributions/register', {
    query: { ...query, active: flag(query.active) },
  });
}

export function addEntry(body: ContributionInput): Promise<Contribution> {
  return request<Contribution>('/api/contributions/register', { method: 'POST', body });
}

export function endEntry(entryId: string, body: ContributionEnd): Promise<Contribution> {
  return request<Contribution>(`/api/contributions/register/${id(entryId)}/end`, { method: 'POST', body });
}

export function listHours(entryId: string): Promise<ServiceHours[]> {
  return request<ServiceHours[]>(`/api/contributions/register/${id(entryId)}/hours`);
}

export function logHours(entryId: string, body: ServiceHoursInput): Promise<ServiceHours> {
  return request<ServiceHours>(`/api/contributions/register/${id(entryId)}/hours`, { method: 'POST', body });
}

export function exportRegister(query: { role?: string; active?: boolean }): Promise<string> {
  return downloadFile('/api/contributions/register/export.xlsx', 'volunteer-register.xlsx', query);
}

export function listOralHistories(query: OralHistoryQuery = {}): Promise<OralHistory[]> {
  return request<OralHistory[]>('/api/contributions/oral-histories', { query: { ...query } });
}

export function createOralHistory(body: OralHistoryInput): Promise<OralHistory> {
  return request<OralHistory>('/api/contributions/oral-histories', { method: 'POST', body });
}

export function updateOralHistory(itemId: string, body: OralHistoryUpdate): Promise<OralHistory> {
  return request<OralHistory>(`/api/contributions/oral-histories/${id(itemId)}`, { method: 'PUT', body });
}

export function exportOralHistories(query: { q?: string }): Promise<string> {
  return downloadFile('/api/contributions/oral-histories/export.xlsx', 'oral-histories.xlsx', query);
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
  const response = await fetch(`/api/contributions/oral-histories/${id(itemId)}/files?${query}`, {
    method: 'POST',
    headers: { ...authHeaders(), 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as OralHistory;
}

/** The file as an object URL (the request carries the session's token), for a player or a download. */
export async function fileUrl(itemId: string, attachmentId: string): Promise<string> {
  const response = await fetch(`/api/contributions/oral-histories/${id(itemId)}/files/${id(attachmentId)}`, {
    headers: authHeaders(),
  });
  if (!response.ok) throw await failure(response);
  return URL.createObjectURL(await response.blob());
}
