/** What retirees contribute (6.9): the volunteer / think-tank / community political commissar register and oral history. */
import type {
  Contribution,
  ContributionInput,
  OralHistory,
  OralHistoryInput,
  ServiceHours,
} from '../../../../server/schemas/contributions.ts';
import { api, type BodyOf, data, type QueryOf, rawBody } from '../../api/client.ts';
import { downloadFile, fetchFile } from '../../api/download.ts';

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

export function listRegister(query: QueryOf<'/api/contributions/register'> = {}): Promise<Contribution[]> {
  return data(api.GET('/api/contributions/register', { params: { query } }));
}

export function addEntry(body: ContributionInput): Promise<Contribution> {
  return data(api.POST('/api/contributions/register', { body }));
}

export function endEntry(
  entryId: string,
  body: BodyOf<'/api/contributions/register/{id}/end'>,
): Promise<Contribution> {
  return data(api.POST('/api/contributions/register/{id}/end', { params: { path: { id: entryId } }, body }));
}

export function listHours(entryId: string): Promise<ServiceHours[]> {
  return data(api.GET('/api/contributions/register/{id}/hours', { params: { path: { id: entryId } } }));
}

export function logHours(
  entryId: string,
  body: BodyOf<'/api/contributions/register/{id}/hours'>,
): Promise<ServiceHours> {
  return data(
    api.POST('/api/contributions/register/{id}/hours', { params: { path: { id: entryId } }, body }),
  );
}

export function exportRegister(query: { role?: string; active?: boolean }): Promise<string> {
  return downloadFile('/api/contributions/register/export.xlsx', 'volunteer-register.xlsx', query);
}

export function listOralHistories(
  query: QueryOf<'/api/contributions/oral-histories'> = {},
): Promise<OralHistory[]> {
  return data(api.GET('/api/contributions/oral-histories', { params: { query } }));
}

export function createOralHistory(body: OralHistoryInput): Promise<OralHistory> {
  return data(api.POST('/api/contributions/oral-histories', { body }));
}

export function updateOralHistory(
  itemId: string,
  body: BodyOf<'/api/contributions/oral-histories/{id}', 'put'>,
): Promise<OralHistory> {
  return data(api.PUT('/api/contributions/oral-histories/{id}', { params: { path: { id: itemId } }, body }));
}

export function exportOralHistories(query: { q?: string }): Promise<string> {
  return downloadFile('/api/contributions/oral-histories/export.xlsx', 'oral-histories.xlsx', query);
}

/** Sends the file as the raw body; the server checks its bytes against the kind. */
export function uploadFile(itemId: string, kind: FileKind, file: File): Promise<OralHistory> {
  return data(
    api.POST('/api/contributions/oral-histories/{id}/files', {
      params: { path: { id: itemId }, query: { kind, name: file.name } },
      ...rawBody(file),
    }),
  );
}

/** The file as an object URL (the request carries the session's token), for a player or a download. */
export async function fileUrl(itemId: string, attachmentId: string): Promise<string> {
  const { blob } = await fetchFile(
    `/api/contributions/oral-histories/${encodeURIComponent(itemId)}/files/${encodeURIComponent(attachmentId)}`,
  );
  return URL.createObjectURL(blob);
}
