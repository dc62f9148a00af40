/** 24-hour duty (5.1.7): the roster, who is on duty now, and the hand-over notes between shifts. */
import type { DutyNow, DutyShift, DutyShiftInput, HandoverNote } from '../../../../server/schemas/index.ts';
import { api, data } from '../../api/client.ts';

export function dutyNow(): Promise<DutyNow> {
  return data(api.GET('/api/duty/now'));
}

/** Shifts overlapping [from, to); the server allows at most 62 days. */
export function listShifts(from: Date, to: Date): Promise<DutyShift[]> {
  return data(
    api.GET('/api/duty/roster', { params: { query: { from: from.toISOString(), to: to.toISOString() } } }),
  );
}

export function addShift(body: DutyShiftInput): Promise<DutyShift> {
  return data(api.POST('/api/duty/roster', { body }));
}

export async function removeShift(id: string): Promise<void> {
  await api.DELETE('/api/duty/roster/{id}', { params: { path: { id } } });
}

export function listHandovers(limit = 20): Promise<HandoverNote[]> {
  return data(api.GET('/api/duty/handover', { params: { query: { limit } } }));
}

export function writeHandover(text: string): Promise<HandoverNote> {
  return data(api.POST('/api/duty/handover', { body: { text } }));
}
