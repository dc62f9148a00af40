/** 24-hour duty (5.1.7): the roster, who is on duty now, and the hand-over notes between shifts. */
import type { DutyNow, DutyShift, DutyShiftInput, HandoverNote } from '../../../server/schemas/index.ts';
import { request } from './http.ts';

export function dutyNow(): Promise<DutyNow> {
  return request<DutyNow>('/api/duty/now');
}

/** Shifts overlapping [from, to); the server allows at most 62 days. */
export function listShifts(from: Date, to: Date): Promise<DutyShift[]> {
  return request<DutyShift[]>('/api/duty/roster', {
    query: { from: from.toISOString(), to: to.toISOString() },
  });
}

export function addShift(body: DutyShiftInput): Promise<DutyShift> {
  return request<DutyShift>('/api/duty/roster', { method: 'POST', body });
}

export function removeShift(id: string): Promise<void> {
  return request<void>(`/api/duty/roster/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function listHandovers(limit = 20): Promise<HandoverNote[]> {
  return request<HandoverNote[]>('/api/duty/handover', { query: { limit } });
}

export function writeHandover(text: string): Promise<HandoverNote> {
  return request<HandoverNote>('/api/duty/handover', { method: 'POST', body: { text } });
}
