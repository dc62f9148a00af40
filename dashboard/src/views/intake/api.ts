/**
 * Reception and resettlement (6.1 接收安置): the case list and export, one case with its checklist, the
 * three-party meeting and agreement, step attachments (archive attachments) and the printable agreement.
 * Files (uploads, Excel, PDF) go as raw bodies and blobs (api/download.ts).
 */
import type {
  AgreementInput,
  IntakeCase,
  IntakeCaseList,
  IntakeCaseQuery,
  MeetingInput,
} from '../../../../server/schemas/intake.ts';
import { api, call, data, type QueryOf, rawBody } from '../../api/client.ts';
import { downloadFile, fetchFile } from '../../api/download.ts';

export type {
  AgreementInput,
  IntakeCase,
  IntakeCaseInput,
  IntakeCaseList,
  IntakeCaseQuery,
  IntakeStepUpdate,
  MeetingInput,
} from '../../../../server/schemas/intake.ts';
export type IntakeStep = IntakeCase['steps'][number];
export type IntakeCaseRow = IntakeCaseList['items'][number];
export type Attendee = MeetingInput['attendees'][number];
export type Signatory = NonNullable<AgreementInput['signatories']>[number];

export const medicalBearers = ['sending_unit', 'centre', 'retiree'] as const;
export const attendeeSides = ['centre', 'unit', 'retiree', 'other'] as const;
export const signatoryParties = ['centre', 'unit', 'retiree', 'guardian'] as const;

const id = (value: string) => encodeURIComponent(value);

/** `overdue` narrows the list when true; false is the whole list, as if unset. */
const filters = (query: IntakeCaseQuery) => ({ ...query, overdue: query.overdue || undefined });

const cases = call.get('/api/intake/cases');
export const listCases = (query: QueryOf<'/api/intake/cases'>) => cases(filters(query));
export const getCase = call.get('/api/intake/cases/{id}');
export const openCase = call.post('/api/intake/cases');
export const updateCase = call.patch('/api/intake/cases/{id}');
export const updateStep = call.patch('/api/intake/steps/{id}');
export const saveMeeting = call.put('/api/intake/cases/{id}/meeting');
export const saveAgreement = call.put('/api/intake/cases/{id}/agreement');
const complete = call.post('/api/intake/cases/{id}/complete');
export const completeCase = (caseId: string, completedOn?: string) =>
  complete(caseId, completedOn ? { completedOn } : {});

export function uploadStepFile(stepId: string, file: File): Promise<IntakeCase> {
  return data(
    api.POST('/api/intake/steps/{id}/attachments', {
      params: { path: { id: stepId }, query: { name: file.name } },
      ...rawBody(file),
    }),
  );
}

/** The case list as .xlsx, with the list's filters; resolves with the file name. */
export async function downloadCases(query: IntakeCaseQuery): Promise<string> {
  const { limit: _limit, offset: _offset, ...rest } = filters(query);
  return downloadFile('/api/intake/cases.xlsx', 'intake.xlsx', rest);
}

export async function agreementPdf(caseId: string): Promise<Blob> {
  return (await fetchFile(`/api/intake/cases/${id(caseId)}/agreement.pdf`)).blob;
}

/** An archive attachment, read with the stated reason (6.1.2.8: every reading is logged). */
export { downloadAttachment } from '../archive/api.ts';
