import { describe, expect, it } from 'vitest';
import type { AlertCandidate } from '../../devices/contract.ts';
import { FlapWatch, HEART_RATE_FAULT, isImpossible, OXYGEN_FAULT } from '../../gateway/detect/fault.ts';
import { HeartRateRule, OxygenRule } from '../../gateway/detect/rules.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const START = Date.UTC(2026, 11, 5, 2, 0, 0);

/** Feeds one reading every `everyMs` to `check`; the candidates it raised, in order. */
function run(
  values: readonly number[],
  check: (value: number, ts: number) => AlertCandidate | null,
  everyMs = 10 * SECOND,
): AlertCandidate[] {
  return values.flatMap((value, index) => check(value, START + index * everyMs) ?? []);
}

/** `count` values cycling through `pattern`. */
const repeat = (pattern: readonly number[], count: number) =>
  Array.from({ length: count }, (_, index) => pattern[index % pattern.length] as number);

const heartRate = () => new HeartRateRule(() => ({ low: 50, high: 120, consecutive: 3 }));
const oxygen = () => new OxygenRule(() => ({ low: 90, consecutive: 3 }));

describe('device fault from heart-rate readings', () => {
  it('never suspects a fault in a genuine high heart rate held for 30 minutes', () => {
    const rule = heartRate();
    // A reading every 10 s for 30 minutes, wandering between 140 and 165 as a real pulse does.
    const values = repeat([148, 152, 160, 165, 158, 150, 143, 140, 146, 155], 180);
    const candidates = run(values, (hr, ts) => rule.check('watch', { hr }, ts));
    expect(candidates).toHaveLength(60);
    expect(candidates.every((candidate) => candidate.kind === 'hr_high')).toBe(true);
    expect(candidates.filter((candidate) => 'fault' in candidate.detail)).toStrictEqual([]);
  });

  it('never suspects a fault in a low heart rate, nor one hovering about its limit', () => {
    const low = heartRate();
    const slow = run(repeat([42, 40, 38, 41], 180), (hr, ts) => low.check('watch', { hr }, ts));
    expect(slow).toHaveLength(60);
    expect(slow.some((candidate) => 'fault' in candidate.detail)).toBe(false);
    // In and out of range all the time, but by a few beats: a real pulse near the limit.
    const hovering = heartRate();
    const near = run(repeat([124, 126, 123, 118, 125, 127, 122, 116], 180), (hr, ts) =>
      hovering.check('watch', { hr }, ts),
    );
    expect(near.length).toBeGreaterThan(5);
    expect(near.some((candidate) => 'fault' in candidate.detail)).toBe(false);
  });

  it('suspects flapping when the value leaps in and out of range again and again', () => {
    const rule = heartRate();
    // Three readings of 150, then 70: a candidate per cycle, two swings of 80 bpm per cycle.
    const candidates = run(repeat([150, 150, 150, 70], 40), (hr, ts) => rule.check('watch', { hr }, ts));
    expect(candidates).toHaveLength(10);
    // The first run and the one after the first round trip come before four swings were seen.
    expect(candidates.map((candidate) => candidate.detail.fault ?? null)).toStrictEqual([
      null,
      null,
      'flapping',
      'flapping',
      'flapping',
      'flapping',
      'flapping',
      'flapping',
      'flapping',
      'flapping',
    ]);
  });

  it('stops suspecting flapping once the swings are older than the window', () => {
    const rule = heartRate();
    const flapping = repeat([150, 150, 150, 70], 20);
    // Then 15 minutes of a steady 150: genuine, and judged so once the window has passed.
    const values = [...flapping, ...repeat([150], 90)];
    const candidates = run(values, (hr, ts) => rule.check('watch', { hr }, ts));
    const last = candidates.at(-1);
    expect(candidates.some((candidate) => candidate.detail.fault === 'flapping')).toBe(true);
    expect(last?.detail.fault).toBeUndefined();
  });

  it('counts no swing between readings far apart in time', () => {
    const rule = heartRate();
    // The same leaps, one reading every 5 minutes: a body can change that much in that time.
    const candidates = run(
      repeat([150, 150, 150, 70], 40),
      (hr, ts) => rule.check('watch', { hr }, ts),
      5 * MINUTE,
    );
    expect(candidates).toHaveLength(10);
    expect(candidates.some((candidate) => 'fault' in candidate.detail)).toBe(false);
  });

  it('suspects a fault in an impossible value, and keeps the alert', () => {
    const rule = heartRate();
    const candidates = run([22, 22, 22], (hr, ts) => rule.check('watch', { hr }, ts));
    expect(candidates).toStrictEqual([
      {
        deviceId: 'watch',
        kind: 'hr_low',
        severity: 'high',
        ts: START + 20 * SECOND,
        detail: { hr: 22, low: 50, high: 120, consecutive: 3, fault: 'impossible' },
      },
    ]);
    // One impossible reading within the run is enough; the next run of believable ones is not.
    const mixed = run([40, 0, 38, 41, 40, 39], (hr, ts) => rule.check('other', { hr }, ts));
    expect(mixed.map((candidate) => candidate.detail.fault ?? null)).toStrictEqual(['impossible', null]);
    const fast = run([260, 180, 175], (hr, ts) => rule.check('third', { hr }, ts));
    expect(fast.map((candidate) => candidate.detail.fault)).toStrictEqual(['impossible']);
  });

  it('forgets what it saw of a device that went offline', () => {
    const rule = heartRate();
    run(repeat([150, 70], 8), (hr, ts) => rule.check('watch', { hr }, ts));
    rule.forget('watch');
    const after = run([150, 150, 150], (hr, ts) => rule.check('watch', { hr }, ts + 2 * MINUTE));
    expect(after).toHaveLength(1);
    expect(after[0]?.detail.fault).toBeUndefined();
  });
});

describe('device fault from SpO2 readings', () => {
  it('never suspects a fault in a genuine low SpO2 held for 30 minutes', () => {
    const rule = oxygen();
    const candidates = run(repeat([86, 85, 84, 86, 87, 85], 180), (spo2, ts) =>
      rule.check('watch', { spo2 }, ts),
    );
    expect(candidates).toHaveLength(60);
    expect(candidates.some((candidate) => 'fault' in candidate.detail)).toBe(false);
  });

  it('suspects flapping and impossible values', () => {
    const flapping = oxygen();
    const candidates = run(repeat([80, 80, 80, 97], 40), (spo2, ts) => flapping.check('watch', { spo2 }, ts));
    expect(candidates.at(-1)?.detail.fault).toBe('flapping');
    const impossible = oxygen();
    const read = run([40, 45, 42], (spo2, ts) => impossible.check('watch', { spo2 }, ts));
    expect(read).toHaveLength(1);
    expect(read[0]?.detail).toStrictEqual({ spo2: 42, low: 90, consecutive: 3, fault: 'impossible' });
  });
});

describe('fault limits', () => {
  it('draws the line of the impossible where a living wearer cannot be', () => {
    expect([0, 24, 251].every((hr) => isImpossible(hr, HEART_RATE_FAULT))).toBe(true);
    expect([25, 30, 220, 250].some((hr) => isImpossible(hr, HEART_RATE_FAULT))).toBe(false);
    expect([49, 101].every((spo2) => isImpossible(spo2, OXYGEN_FAULT))).toBe(true);
    expect([50, 70, 100].some((spo2) => isImpossible(spo2, OXYGEN_FAULT))).toBe(false);
  });

  it('keeps only the swings it needs for a device', () => {
    const watch = new FlapWatch(HEART_RATE_FAULT);
    for (let index = 0; index < 1000; index += 1) watch.observe('watch', index % 2 ? 60 : 180, START + index);
    expect(watch.flapping('watch', START + 1000)).toBe(true);
    expect(watch.flapping('watch', START + 1000 + HEART_RATE_FAULT.windowMs)).toBe(false);
  });
});
