/** The alert workflow (5.1.7, 6.11.2.4): the queue, one alert, its steps, comments and family deliveries. */
import type { AlertBulkAnswer } from '../../../server/schemas/alerts-bulk.ts';
import type { Alert, AlertStep, Delivery, VoiceNote } from '../../../server/schemas/index.ts';
import { api, type BodyOf, data, type QueryOf } from './client.ts';
import { downloadFile } from './download.ts';

export { listStaff } from './users.ts';

const alert = (id: string) => ({ params: { path: { id } } });

export function listAlerts(query: QueryOf<'/api/alerts'> = {}): Promise<Alert[]> {
  return data(api.GET('/api/alerts', { params: { query } }));
}

export function getAlert(id: string): Promise<Alert> {
  return data(api.GET('/api/alerts/{id}', alert(id)));
}

export function acknowledgeAlert(id: string, body: BodyOf<'/api/alerts/{id}/ack'> = {}): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/ack', { ...alert(id), body }));
}

export function resolveAlert(id: string, body: BodyOf<'/api/alerts/{id}/resolve'>): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/resolve', { ...alert(id), body }));
}

/**
 * Acknowledges or resolves many alerts with one note (`POST /api/alerts/bulk`); what became of each
 * id (done, skipped because already handled, not found) comes back per id.
 */
export function bulkAlerts(body: BodyOf<'/api/alerts/bulk'>): Promise<AlertBulkAnswer> {
  return data(api.POST('/api/alerts/bulk', { body }));
}

export function takeAlert(id: string): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/take', alert(id)));
}

export function assignAlert(id: string, body: BodyOf<'/api/alerts/{id}/assign'>): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/assign', { ...alert(id), body }));
}

/** Called the retiree or family, sent staff, handed to 120 (5.1.7); the first one starts handling. */
export function recordAction(id: string, body: BodyOf<'/api/alerts/{id}/actions'>): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/actions', { ...alert(id), body }));
}

/** The retiree's device says "help is on the way". */
export function sendHelpComing(
  id: string,
  body: BodyOf<'/api/alerts/{id}/help-coming'> = {},
): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/help-coming', { ...alert(id), body }));
}

export function addComment(id: string, body: BodyOf<'/api/alerts/{id}/comments'>): Promise<Alert> {
  return data(api.POST('/api/alerts/{id}/comments', { ...alert(id), body }));
}

/** Who did what and when, oldest first. */
export function alertSteps(id: string): Promise<AlertStep[]> {
  return data(api.GET('/api/alerts/{id}/steps', alert(id)));
}

/** Every notification attempt to the family for this alert. */
export function alertDeliveries(id: string): Promise<Delivery[]> {
  return data(api.GET('/api/alerts/{id}/deliveries', alert(id)));
}

/** The voice notes a watch recorded, kept with the alert (3G `TK`), without their audio. */
export function alertVoiceNotes(id: string): Promise<VoiceNote[]> {
  return data(api.GET('/api/alerts/{id}/voice-notes', alert(id)));
}

/** Saves a voice note's audio (AMR: most players open it; browsers do not play it inline). */
export function downloadVoiceNote(id: string): Promise<string> {
  return downloadFile(`/api/voice-notes/${id}/audio`, `voice-${id}.amr`);
}
