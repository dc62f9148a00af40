/**
 * Reception and resettlement (6.1 接收安置): the case list and export, one case with its checklist, the
 * three-party meeting and agreement, step attachments (archive attachments) and the printable agreement.
 * JSON calls go through `request()`; files (upload, Excel, PDF) need raw bodies and use `fetchFile()`.
 */
import type {
  AgreementInput,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeCaseUpdate,
  IntakeStepUpdate,
  MeetingInput,
} from '../../../../server/schemas/intake.ts';
import { downloadFile, fetchFile } from '../../api/download.ts';
import { ApiError, request, storedToken } from '../../api/http.ts';

export type {
  AgreementInput,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeStepUpdate,
  MeetingInput,
};
export type IntakeStep = IntakeCase['steps'][number];
export type IntakeCaseRow = IntakeCaseList['items'][number];
export type Attendee = MeetingInput['attendees'][number];
export type Signatory = NonNullable<AgreementInput['signatories']>[number];

export const medicalBearers = ['sending_unit', 'centre', 'retiree'] as const;
export const attendeeSides = ['centre', 'unit', 'retiree', 'other'] as const;
export const signatoryParties = ['centre', 'unit', 'retiree', 'guardian'] as const;

const id = (value: string) => encodeURIComponent(value);

type Query = Record<string, string | number | boolean | undefined>;
function toQuery(query: Query): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = value === undefined || value === '' || value === false ? undefined : String(value);
  }
  return out;
}

export function listCases(query: IntakeCaseQuery): Promise<IntakeCaseList> {
  return request<IntakeCaseList>('/api/intake/cases', { query: toQuery(query) });
}

export function getCase(caseId: string): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/cases/${id(caseId)}`);
}

export function openCase(body: IntakeCaseInput): Promise<IntakeCase> {
  return request<IntakeCase>('/api/intake/cases', { method: 'POST', body });
}

export function updateCase(caseId: string, body: IntakeCaseUpdate): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/cases/${id(caseId)}`, { method: 'PATCH', body });
}

export function updateStep(stepId: string, body: IntakeStepUpdate): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/steps/${id(stepId)}`, { method: 'PATCH', body });
}

export function saveMeeting(caseId: string, body: MeetingInput): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/cases/${id(caseId)}/meeting`, { method: 'PUT', body });
}

export function saveAgreement(caseId: string, body: AgreementInput): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/cases/${id(caseId)}/agreement`, { method: 'PUT', body });
}

export function completeCase(caseId: string, completedOn?: string): Promise<IntakeCase> {
  return request<IntakeCase>(`/api/intake/cases/${id(caseId)}/complete`, {
    method: 'POST',
    body: completedOn ? { completedOn } : {},
  });
}

/** An upload with the session's token; errors become `ApiError` with the server's message. */
async function upload(path: string, file: File): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': file.type || 'application/octet-stream' };
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: file });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(
      response.status,
      body.error ?? `http_${response.status}`,
      body.message ?? response.statusText,
    );
  }
  return response;
}

export async function uploadStepFile(stepId: string, file: File): Promise<IntakeCase> {
  const response = await upload(
    `/api/intake/steps/${id(stepId)}/attachments?name=${encodeURIComponent(file.name)}`,
    file,
  );
  return (await response.json()) as IntakeCase;
}

/** The case list as .xlsx, with the list's filters; resolves with the file name. */
export async function downloadCases(query: IntakeCaseQuery): Promise<string> {
  const { limit: _limit, offset: _offset, ...filters } = query;
  return downloadFile('/api/intake/cases.xlsx', 'intake.xlsx', toQuery(filters));
}

export async function agreementPdf(caseId: string): Promise<Blob> {
  return (await fetchFile(`/api/intake/cases/${id(caseId)}/agreement.pdf`)).blob;
}

/** An archive attachment, read with the stated reason (6.1.2.8: every reading is logged). */
export async function downloadAttachment(
  retireeId: string,
  attachment: { id: string; name: string },
  reason: string,
): Promise<void> {
  await downloadFile(
    `/api/archive/retirees/${id(retireeId)}/attachments/${id(attachment.id)}`,
    attachment.name,
    { reason },
  );
}
