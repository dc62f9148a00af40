/** 24-hour duty (5.1.7): the roster, who is on duty now, and the hand-over notes between shifts. */
import { call } from '../../api/client.ts';

export const dutyNow = call.get('/api/duty/now');
const roster = call.get('/api/duty/roster');
/** Shifts overlapping [from, to); the server allows at most 62 days. */
export const listShifts = (from: Date, to: Date) =>
  roster({ from: from.toISOString(), to: to.toISOString() });
export const addShift = call.post('/api/duty/roster');
const coverage = call.get('/api/duty/coverage');
/** The spans of the coming `days` from now with nobody on duty, or no supervisor, on the roster. */
export const rosterCoverage = (days = 7) => coverage({ days });
export const removeShift = call.delete('/api/duty/roster/{id}');
const handovers = call.get('/api/duty/handover');
export const listHandovers = (limit = 20) => handovers({ limit });
const handOver = call.post('/api/duty/handover');
export const writeHandover = (text: string) => handOver({ text });
