import { describe, expect, it } from 'vitest';
import { createProfile, createRandom, HR_RANGE, isNight, VitalsModel } from '../../simulators/vitals.ts';

// 2026-03-02 10:00 in Chengdu (UTC+8) is 02:00 UTC.
const morning = Date.UTC(2026, 2, 2, 2, 0, 0);
const minute = 60_000;

function run(seed: number, start: number, samples: number, stepMs: number) {
  const random = createRandom(seed);
  const model = new VitalsModel(createProfile(random), random);
  return Array.from({ length: samples }, (_, i) => model.sample(start + i * stepMs));
}

describe('vitals', () => {
  it('gives the same readings for the same seed, and different ones for another', () => {
    expect(run(42, morning, 50, 5000)).toStrictEqual(run(42, morning, 50, 5000));
    expect(run(43, morning, 50, 5000)).not.toStrictEqual(run(42, morning, 50, 5000));
  });

  it('keeps baselines believable for many people', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const profile = createProfile(createRandom(seed));
      expect(profile.hrBaseline).toBeGreaterThanOrEqual(60);
      expect(profile.hrBaseline).toBeLessThanOrEqual(85);
    }
  });

  it('keeps heart rate and SpO2 in range over a whole day, lower at night', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const day = run(seed, morning, 24 * 60, minute);
      const day_ = day.map((reading, i) => ({ ...reading, at: morning + i * minute }));
      for (const reading of day_) {
        expect(reading.hr).toBeGreaterThanOrEqual(HR_RANGE.min);
        expect(reading.hr).toBeLessThanOrEqual(HR_RANGE.max);
        expect(reading.spo2).toBeGreaterThanOrEqual(94);
        expect(reading.spo2).toBeLessThanOrEqual(99);
        expect(Number.isInteger(reading.hr)).toBe(true);
      }
      const mean = (rows: typeof day_) => rows.reduce((sum, row) => sum + (row.hr ?? 0), 0) / rows.length;
      const night = day_.filter((row) => isNight(row.at));
      const daytime = day_.filter((row) => !isNight(row.at));
      expect(mean(night)).toBeLessThan(mean(daytime) - 2);
    }
  });

  it('changes heart rate slowly from one reading to the next', () => {
    const readings = run(7, morning, 200, 5000);
    for (let i = 1; i < readings.length; i += 1) {
      expect(Math.abs((readings[i]?.hr ?? 0) - (readings[i - 1]?.hr ?? 0))).toBeLessThanOrEqual(12);
    }
  });

  it('accumulates steps by day, resets them at local midnight, and adds none at night', () => {
    const readings = run(3, morning, 24 * 60, minute);
    const at = (hour: number) => readings[((hour - 10 + 24) % 24) * 60];
    expect(at(20)!.steps).toBeGreaterThan(at(11)!.steps);
    for (let i = 1; i < readings.length; i += 1) {
      const time = morning + i * minute;
      const previous = readings[i - 1]!.steps;
      if (
        new Date(time + 8 * 3_600_000).getUTCHours() === 0 &&
        new Date(time + 8 * 3_600_000).getUTCMinutes() === 0
      ) {
        expect(readings[i]!.steps).toBe(0);
      } else if (isNight(time)) {
        expect(readings[i]!.steps).toBe(previous);
      } else {
        expect(readings[i]!.steps).toBeGreaterThanOrEqual(previous);
      }
    }
  });

  it('holds heart rate out of range during an excursion, then returns', () => {
    const random = createRandom(9);
    const model = new VitalsModel(createProfile(random), random);
    model.sample(morning);
    model.startExcursion('hr-high', morning, 2 * minute);
    for (let t = 5000; t < 2 * minute; t += 5000) expect(model.sample(morning + t).hr).toBeGreaterThan(120);
    expect(model.sample(morning + 3 * minute).hr).toBeLessThan(100);
    model.startExcursion('hr-low', morning + 4 * minute, minute);
    expect(model.sample(morning + 4 * minute + 5000).hr).toBeLessThan(50);
  });

  it('reports no heart rate while the watch is off the wrist', () => {
    const random = createRandom(5);
    const model = new VitalsModel(createProfile(random), random);
    model.setWorn(false);
    const reading = model.sample(morning);
    expect(reading.worn).toBe(false);
    expect(reading.hr).toBeUndefined();
    expect(reading.spo2).toBeUndefined();
  });
});
