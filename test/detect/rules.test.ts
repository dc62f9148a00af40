import { describe, expect, it } from 'vitest';
import { BatteryRule, candidateFromEvent, OxygenRule } from '../../gateway/detect/rules.ts';
import { type DetectionContext, type DetectionSettings, inWindow } from '../../gateway/detect/settings.ts';
import { AbsenceWatch } from '../../gateway/detect/watch.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-30 00:00 in Shanghai (16:00 UTC the day before). */
const MIDNIGHT = Date.UTC(2026, 10, 29, 16, 0, 0);
const at = (hours: number, minutes = 0) => MIDNIGHT + hours * HOUR + minutes * MINUTE;

const settings: DetectionSettings = {
  spo2Low: 90,
  spo2Consecutive: 2,
  batteryLow: 15,
  offlineAfterMs: { battery: 3 * HOUR, mains: 15 * MINUTE },
  offlineGraceMs: 2 * MINUTE,
  inactivityAfterMs: 4 * HOUR,
  day: { start: 8 * 60, end: 21 * 60 },
  bedExitAfterMs: 30 * MINUTE,
  night: { start: 22 * 60, end: 6 * 60 },
  utcOffsetMinutes: 480,
};

const profiles: Record<string, { type: string; retireeId: string | null; power: 'battery' | 'mains' }> = {
  watch: { type: 'wearable.watch', retireeId: 'r1', power: 'battery' },
  gas: { type: 'sensor.gas', retireeId: 'r1', power: 'mains' },
  motion: { type: 'sensor.motion', retireeId: 'r1', power: 'battery' },
  bed: { type: 'sensor.bed', retireeId: 'r1', power: 'battery' },
};
const context: DetectionContext = {
  heartRateLimits: () => ({ low: 50, high: 120, consecutive: 3 }),
  profile: (deviceId) => profiles[deviceId],
  settings,
};

describe('time windows in Shanghai time', () => {
  it('knows day and night, across midnight', () => {
    expect(inWindow(at(8), settings.day, 480)).toBe(true);
    expect(inWindow(at(7, 59), settings.day, 480)).toBe(false);
    expect(inWindow(at(21), settings.day, 480)).toBe(false);
    expect(inWindow(at(23), settings.night, 480)).toBe(true);
    expect(inWindow(at(2), settings.night, 480)).toBe(true);
    expect(inWindow(at(6), settings.night, 480)).toBe(false);
  });
});

describe('event rules', () => {
  it('maps events to candidates; a service request and a cancel are no alert', () => {
    expect(candidateFromEvent('p', { id: 'e', type: 'sos', ts: 1 })).toStrictEqual({
      deviceId: 'p',
      ts: 1,
      eventId: 'e',
      kind: 'sos',
      severity: 'critical',
      detail: {},
    });
    expect(candidateFromEvent('p', { id: 'e', type: 'service_request', ts: 1 })).toBeNull();
    expect(candidateFromEvent('p', { id: 'e', type: 'cancel', ts: 1 })).toBeNull();
  });
});

describe('SpO2 and battery', () => {
  it('raises spo2_low after consecutive low readings only', () => {
    const rule = new OxygenRule(() => ({ low: 90, consecutive: 2 }));
    expect(rule.check('w', { spo2: 88 }, 1)).toBeNull();
    expect(rule.check('w', { spo2: 95 }, 2)).toBeNull();
    expect(rule.check('w', { spo2: 89 }, 3)).toBeNull();
    expect(rule.check('w', { spo2: 87 }, 4)).toStrictEqual({
      deviceId: 'w',
      kind: 'spo2_low',
      severity: 'high',
      ts: 4,
      detail: { spo2: 87, low: 90, consecutive: 2 },
    });
  });

  it('raises battery_low once, and again only after a recharge', () => {
    const rule = new BatteryRule(() => 15);
    expect(rule.check('w', 40, undefined, 1)).toBeNull();
    expect(rule.check('w', 15, undefined, 2)?.kind).toBe('battery_low');
    expect(rule.check('w', 12, undefined, 3)).toBeNull();
    expect(rule.check('w', 20, undefined, 4)).toBeNull();
    expect(rule.check('w', 12, undefined, 5)).toBeNull();
    expect(rule.check('w', 90, undefined, 6)).toBeNull();
    expect(rule.check('w', 14, undefined, 7)?.detail).toStrictEqual({ battery: 14, limit: 15 });
    expect(rule.check('z', undefined, true, 8)?.detail).toStrictEqual({ limit: 15 });
  });
});

describe('absence rules', () => {
  it('reports a silent device after its power source timeout, once, and again after it was heard', () => {
    const watch = new AbsenceWatch(context);
    watch.heard('watch', at(9));
    watch.heard('gas', at(9));
    expect(watch.check(at(9, 14))).toStrictEqual([]);
    expect(watch.check(at(9, 15)).map((c) => [c.deviceId, c.kind, c.detail.reason])).toStrictEqual([
      ['gas', 'device_offline', 'silent'],
    ]);
    expect(watch.check(at(11, 59))).toStrictEqual([]);
    expect(watch.check(at(12)).map((c) => c.deviceId)).toStrictEqual(['watch']);
    expect(watch.check(at(13))).toStrictEqual([]);
    watch.heard('gas', at(13));
    expect(watch.check(at(13, 20)).map((c) => c.deviceId)).toStrictEqual(['gas']);
  });

  it('reports a will message after the grace period unless the device came back', () => {
    const watch = new AbsenceWatch(context);
    watch.heard('watch', at(9));
    watch.wentOffline('watch', at(10));
    expect(watch.check(at(10, 1))).toStrictEqual([]);
    watch.heard('watch', at(10, 1));
    expect(watch.check(at(10, 5))).toStrictEqual([]);
    watch.wentOffline('watch', at(11));
    const [candidate] = watch.check(at(11, 2));
    expect(candidate).toMatchObject({ deviceId: 'watch', kind: 'device_offline', severity: 'low' });
    expect(candidate?.detail.reason).toBe('disconnected');
  });

  it('measures silence from the last contact on record after a restart', () => {
    const watch = new AbsenceWatch(context);
    watch.seed('gas', at(9));
    expect(watch.check(at(9, 16)).map((c) => c.deviceId)).toStrictEqual(['gas']);
  });

  it('reports no activity at home in the day, not at night', () => {
    const watch = new AbsenceWatch(context);
    watch.readings('motion', { motion: true }, at(7));
    expect(watch.check(at(10, 59)).filter((c) => c.kind === 'inactivity')).toStrictEqual([]);
    watch.heard('motion', at(10, 59));
    const [first] = watch.check(at(11)).filter((c) => c.kind === 'inactivity');
    expect(first).toMatchObject({ deviceId: 'motion', kind: 'inactivity', severity: 'medium' });
    expect(watch.check(at(12)).filter((c) => c.kind === 'inactivity')).toStrictEqual([]);
    // Motion re-arms; a quiet night is no alert.
    watch.readings('motion', { motion: true }, at(18));
    watch.heard('motion', at(23, 30));
    expect(watch.check(at(23, 30)).filter((c) => c.kind === 'inactivity')).toStrictEqual([]);
  });

  it('reports a night-time bed exit longer than the limit, not a morning rise', () => {
    const watch = new AbsenceWatch(context);
    watch.readings('bed', { bed_occupied: false }, at(2));
    watch.readings('bed', { bed_occupied: false }, at(2, 10));
    expect(watch.check(at(2, 29)).filter((c) => c.kind === 'bed_exit_night')).toStrictEqual([]);
    const [exit] = watch.check(at(2, 30)).filter((c) => c.kind === 'bed_exit_night');
    expect(exit?.detail).toStrictEqual({ since: new Date(at(2)).toISOString(), minutes: 30 });
    watch.readings('bed', { bed_occupied: true }, at(2, 40));
    watch.readings('bed', { bed_occupied: false }, at(7));
    expect(watch.check(at(8)).filter((c) => c.kind === 'bed_exit_night')).toStrictEqual([]);
  });
});
