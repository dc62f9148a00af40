/**
 * The safe-zone rule (防走失): when a retiree at risk of wandering has left the zone staff set
 * (home and a radius), and when they are back. Pure: the state goes in and comes out, and the
 * service (./service.ts) stores it with the zone, so a restart neither forgets a departure nor
 * reports it twice.
 *
 * GPS wanders by tens of metres even when the watch lies still (more under trees, beside tall
 * buildings, indoors), so one fix just past the line is no departure:
 * - only valid fixes count (the watch's own "A"), and only from GPS or Wi-Fi: a cell fix is often
 *   off by more than a safe zone is wide;
 * - a fix counts as outside only beyond the radius plus a margin (`LEAVE_MARGIN_M`, or a tenth of
 *   the radius when that is more);
 * - the retiree has left at the second such fix in a row (`LEAVE_FIXES`); a fix in between resets
 *   the count;
 * - they are back at the first valid fix within the radius itself (not the margin): the margin is
 *   the hysteresis that keeps a fix wobbling on the line from opening and closing by turns;
 * - a fix older than the last one counted (a watch sending its stored reports after a gap) is ignored;
 * - a departure stays `pending` until the alert workflow has taken its alert (the service says so):
 *   each further fix outside reports it again, so a failure between the two loses nothing.
 */
import { distanceMetres, type LatLon } from './geo.ts';

export const LEAVE_MARGIN_M = 30;
export const LEAVE_FIXES = 2;
/** How many recent fixes the state keeps for the alert's detail. */
export const RECENT_FIXES = 5;

export interface SafeZone extends LatLon {
  radiusM: number;
}

export interface ZoneFix extends LatLon {
  ts: number;
  valid: boolean;
  source: 'gps' | 'wifi' | 'cell';
}

export interface ZoneState {
  outside: boolean;
  /** Valid fixes in a row beyond radius and margin while inside. */
  streak: number;
  /** Epoch ms of the last fix counted, null before the first. */
  lastFixAt: number | null;
  /** The latest fixes counted, newest last, with their distance from home in metres. */
  recent: (ZoneFix & { distanceM: number })[];
  /** Outside, and the departure's alert is not yet known to be opened. */
  pending: boolean;
}

export const INITIAL_STATE: ZoneState = {
  outside: false,
  streak: 0,
  lastFixAt: null,
  recent: [],
  pending: false,
};

export type ZoneVerdict = 'left' | 'returned' | null;

/** The margin beyond the radius a fix must be to count as outside. */
export function leaveMargin(zone: SafeZone): number {
  return Math.max(LEAVE_MARGIN_M, zone.radiusM / 10);
}

/** Whether a fix is one the rule counts at all. */
export function counts(fix: ZoneFix): boolean {
  return fix.valid && fix.source !== 'cell';
}

/** The state after `fix`, and whether the retiree left (`left`) or came back (`returned`) with it. */
export function applyFix(
  zone: SafeZone,
  state: ZoneState,
  fix: ZoneFix,
): { state: ZoneState; verdict: ZoneVerdict } {
  if (!counts(fix) || (state.lastFixAt !== null && fix.ts < state.lastFixAt)) {
    return { state, verdict: null };
  }
  const distanceM = Math.round(distanceMetres(zone, fix));
  const recent = [...state.recent, { ...fix, distanceM }].slice(-RECENT_FIXES);
  const base = { lastFixAt: fix.ts, recent };
  if (state.outside) {
    if (distanceM <= zone.radiusM)
      return { state: { ...base, outside: false, streak: 0, pending: false }, verdict: 'returned' };
    return {
      state: { ...base, outside: true, streak: state.streak, pending: state.pending },
      verdict: state.pending ? 'left' : null,
    };
  }
  if (distanceM <= zone.radiusM + leaveMargin(zone)) {
    return { state: { ...base, outside: false, streak: 0, pending: false }, verdict: null };
  }
  const streak = state.streak + 1;
  if (streak >= LEAVE_FIXES)
    return { state: { ...base, outside: true, streak, pending: true }, verdict: 'left' };
  return { state: { ...base, outside: false, streak, pending: false }, verdict: null };
}
