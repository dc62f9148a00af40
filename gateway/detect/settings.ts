/** What detection needs to know, given to it by the composition root. */
import type { HeartRateLimits } from './rules.ts';

/** A clock time of day, in the centre's local time (Asia/Shanghai). */
export interface DayWindow {
  /** Minutes after local midnight when the window starts. */
  start: number;
  /** Minutes after local midnight when it ends; a window may span midnight (start > end). */
  end: number;
}

export interface DetectionSettings {
  spo2Low: number;
  spo2Consecutive: number;
  /** Battery percentage at or below which a battery_low alert opens; re-armed 10 points above. */
  batteryLow: number;
  /** Silence after which a device counts as offline, by power source. */
  offlineAfterMs: { battery: number; mains: number };
  /** After a will message (or disconnect), how long a device may take to come back before it is an alert. */
  offlineGraceMs: number;
  /** No motion or door activity for this long, within the day window, opens `inactivity`. */
  inactivityAfterMs: number;
  day: DayWindow;
  /** Out of bed this long, within the night window, opens `bed_exit_night`. */
  bedExitAfterMs: number;
  night: DayWindow;
  /** The centre's offset from UTC in minutes (Asia/Shanghai: +480, no daylight saving). */
  utcOffsetMinutes: number;
}

export interface DeviceProfile {
  type: string;
  retireeId: string | null;
  power: 'battery' | 'mains';
}

export interface DetectionContext {
  heartRateLimits(deviceId: string): HeartRateLimits;
  /** The SpO2 limit of the device's retiree when they have their own; null for the centre's. */
  oxygenLow?(deviceId: string): number | null;
  profile(deviceId: string): DeviceProfile | undefined;
  settings: DetectionSettings;
}

/** Whether `ts` falls in the window, in the centre's local time. */
export function inWindow(ts: number, window: DayWindow, utcOffsetMinutes: number): boolean {
  const minutes = (((Math.floor(ts / 60_000) + utcOffsetMinutes) % 1440) + 1440) % 1440;
  return window.start <= window.end
    ? minutes >= window.start && minutes < window.end
    : minutes >= window.start || minutes < window.end;
}
