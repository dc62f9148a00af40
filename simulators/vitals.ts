/**
 * Believable vitals for one simulated wearer. Pure: the random source is injected and every
 * sample takes the time it is for, so a seeded run gives the same readings on every machine.
 */

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number;

/** Epoch milliseconds now; injected so that tests and replays control time. */
export type Clock = () => number;

/** mulberry32: small, fast, and good enough to make a simulated day look alive. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random source of its own for each retiree, so adding a retiree does not change the others. */
export function deriveRandom(seed: number, index: number): Random {
  return createRandom(Math.imul(seed ^ 0x9e3779b9, 2_654_435_761) + Math.imul(index + 1, 0x85ebca6b));
}

export function between(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Approximately normal noise (Irwin–Hall of four uniforms), mean 0, standard deviation ≈ `sd`. */
export function noise(random: Random, sd: number): number {
  return (random() + random() + random() + random() - 2) * sd * Math.sqrt(3);
}

/** The centre is in Chengdu: its day and night follow Asia/Shanghai (UTC+8, no daylight saving). */
export function localHour(epochMs: number): number {
  const hours = epochMs / 3_600_000 + 8;
  return ((hours % 24) + 24) % 24;
}

export function localDay(epochMs: number): number {
  return Math.floor((epochMs + 8 * 3_600_000) / 86_400_000);
}

/** Asleep from 22:00 to 06:30 local time. */
export function isNight(epochMs: number): boolean {
  const hour = localHour(epochMs);
  return hour >= 22 || hour < 6.5;
}

export interface VitalsProfile {
  /** Resting heart rate by day, bpm. */
  hrBaseline: number;
  /** How far the heart rate falls while asleep, bpm. */
  nightDip: number;
  spo2Baseline: number;
  /** Steps in an active daytime hour. */
  stepsPerHour: number;
  /** Battery at the start, %. */
  battery: number;
}

export function createProfile(random: Random): VitalsProfile {
  return {
    hrBaseline: Math.round(between(random, 60, 85)),
    nightDip: between(random, 4, 8),
    spo2Baseline: Math.round(between(random, 95, 98)),
    stepsPerHour: Math.round(between(random, 200, 700)),
    battery: Math.round(between(random, 55, 100)),
  };
}

export type ExcursionKind = 'hr-high' | 'hr-low';

export interface WatchReadings {
  hr?: number;
  spo2?: number;
  steps: number;
  battery: number;
  worn: boolean;
}

/**
 * A quiet day stays inside these, well within the hub's default alert range (50–120 bpm), so that
 * only a scenario opens a heart-rate alert.
 */
export const HR_RANGE = { min: 52, max: 110 } as const;
export const SPO2_RANGE = { min: 94, max: 99 } as const;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * The state behind one watch's readings. `sample(now)` advances it to `now`: the heart rate drifts
 * slowly around the baseline (a mean-reverting walk), dips at night, and is pulled to the
 * excursion's target while one lasts; steps accumulate during waking hours and restart each day.
 */
export class VitalsModel {
  private drift = 0;
  private steps = 0;
  private battery: number;
  private day: number | undefined;
  private lastAt: number | undefined;
  private excursion: { kind: ExcursionKind; target: number; until: number } | undefined;
  private worn = true;

  constructor(
    readonly profile: VitalsProfile,
    private readonly random: Random,
  ) {
    this.battery = profile.battery;
  }

  /** Heart rate out of range from `now` for `durationMs`; the hub should see several readings of it. */
  startExcursion(kind: ExcursionKind, now: number, durationMs: number): void {
    const target = kind === 'hr-high' ? between(this.random, 132, 150) : between(this.random, 38, 44);
    this.excursion = { kind, target, until: now + durationMs };
  }

  endExcursion(): void {
    this.excursion = undefined;
  }

  currentExcursion(now: number): ExcursionKind | undefined {
    return this.excursion && now < this.excursion.until ? this.excursion.kind : undefined;
  }

  batteryLevel(): number {
    return Math.round(this.battery);
  }

  setWorn(worn: boolean): void {
    this.worn = worn;
  }

  sample(now: number): WatchReadings {
    const elapsedMs = this.lastAt === undefined ? 0 : Math.max(0, now - this.lastAt);
    this.lastAt = now;
    const night = isNight(now);
    const day = localDay(now);
    if (this.day !== day) {
      // The watch resets its step counter at local midnight; a run that starts mid-day begins
      // with the steps a person would already have taken by then.
      this.steps = this.day === undefined ? this.stepsSoFarToday(now) : 0;
      this.day = day;
    }

    // Mean-reverting drift: wanders a few bpm over minutes, never runs away.
    const minutes = elapsedMs / 60_000;
    this.drift +=
      noise(this.random, 1.2) * Math.sqrt(Math.max(minutes, 0.01)) - this.drift * Math.min(1, minutes / 20);
    this.drift = clamp(this.drift, -6, 6);

    if (!night && this.worn) {
      const hours = elapsedMs / 3_600_000;
      this.steps += Math.round(this.profile.stepsPerHour * hours * between(this.random, 0.3, 1.7));
    }
    // About 4 % an hour while worn, charged overnight back to full when it runs low.
    this.battery -= (elapsedMs / 3_600_000) * between(this.random, 2, 6);
    if (this.battery < 15 && night) this.battery = 100;
    this.battery = clamp(this.battery, 1, 100);

    const readings: WatchReadings = {
      steps: this.steps,
      battery: Math.round(this.battery),
      worn: this.worn,
    };
    if (!this.worn) return readings;

    let hr =
      this.profile.hrBaseline + this.drift + noise(this.random, 1.5) - (night ? this.profile.nightDip : 0);
    let spo2 = this.profile.spo2Baseline + noise(this.random, 0.6) - (night ? 0.5 : 0);
    const excursion = this.excursion;
    if (excursion && now < excursion.until) {
      hr = excursion.target + noise(this.random, 3);
      if (excursion.kind === 'hr-high') spo2 -= 1;
    } else if (excursion) {
      this.excursion = undefined;
    }
    readings.hr = Math.round(clamp(hr, excursion ? 30 : HR_RANGE.min, excursion ? 180 : HR_RANGE.max));
    readings.spo2 = Math.round(clamp(spo2, SPO2_RANGE.min, SPO2_RANGE.max));
    return readings;
  }

  private stepsSoFarToday(now: number): number {
    const hour = localHour(now);
    const awakeHours = clamp(Math.min(hour, 22) - 6.5, 0, 15.5);
    return Math.round(awakeHours * this.profile.stepsPerHour * between(this.random, 0.8, 1.2));
  }
}
