/** What retirees contribute (6.9): the volunteer / think-tank / community political commissar register and oral history. */
import type {
  Contribution,
  ContributionInput,
  OralHistory,
  OralHistoryInput,
  ServiceHours,
} from '../../../../server/schemas/contributions.ts';
import { api, call, data, rawBody } from '../../api/client.ts';
import { fetchFile } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

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

export const registerRecords = recordCalls('/api/contributions/register', 'volunteer-register.xlsx');
export const endEntry = call.post('/api/contributions/register/{id}/end');
export const listHours = call.get('/api/contributions/register/{id}/hours');
export const logHours = call.post('/api/contributions/register/{id}/hours');

export const oralHistoryRecords = recordCalls('/api/contributions/oral-histories', 'oral-histories.xlsx');
export const updateOralHistory = call.put('/api/contributions/oral-histories/{id}');

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
