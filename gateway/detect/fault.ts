/**
 * Whether a run of vital-sign readings looks like a faulty sensor rather than a retiree in trouble.
 * A reading-based alert (`hr_high`, `hr_low`, `spo2_low`) carries the verdict in `detail.fault`,
 * and the workflow marks the alert "device fault?" from it. A genuine high or low value held for
 * any length of time is never a fault: only values no living wearer can have, and values that leap
 * back and forth faster than a body can change, are.
 */

/** Why readings look like a fault: a value no living wearer has, or a value leaping back and forth. */
export type ReadingFault = 'impossible' | 'flapping';

export interface FaultLimits {
  /** Below this a reading is impossible for a living wearer. */
  min: number;
  /** Above this a reading is impossible for a living wearer. */
  max: number;
  /** A change of at least this much between two readings close in time is a swing… */
  swing: number;
  /** …when the two readings are at most this far apart. */
  swingWithinMs: number;
  /** This many swings within `windowMs` are flapping. */
  swings: number;
  windowMs: number;
}

/**
 * Heart rate. The converters already refuse below 20 and above 250 bpm as sensor noise
 * (devices/converters/telemetry.ts, devices/watches/); what they let through is still judged here,
 * for readings that reach the bus by another path. Below 25 bpm a wearer would be unconscious or in
 * arrest (even a complete heart block's escape rhythm runs at 25–40); above 250 bpm not even a
 * tachyarrhythmia in an old heart reaches (their maximum is about 220 minus their age). A heart rate
 * may well change by 40 bpm within a minute (an arrhythmia starting or stopping), but not back and
 * forth twice within ten minutes.
 */
export const HEART_RATE_FAULT: FaultLimits = {
  min: 25,
  max: 250,
  swing: 40,
  swingWithinMs: 60_000,
  swings: 4,
  windowMs: 10 * 60_000,
};

/**
 * SpO2. Below 50 % a pulse oximeter is misreading, not measuring (the converters refuse it too);
 * above 100 % is no saturation. The cyclic dips of sleep apnoea are 4–10 points; a jump of 15
 * points within a minute, back and forth, is a sensor slipping or moving.
 */
export const OXYGEN_FAULT: FaultLimits = {
  min: 50,
  max: 100,
  swing: 15,
  swingWithinMs: 60_000,
  swings: 4,
  windowMs: 10 * 60_000,
};

export function isImpossible(value: number, limits: FaultLimits): boolean {
  return value < limits.min || value > limits.max;
}

/** What the watch holds of one device: kept elsewhere between readings when instances share it. */
export interface History {
  last: { value: number; ts: number };
  /** When each swing within the window happened, oldest first. */
  swings: number[];
}

/**
 * Remembers, per device, the swings of one measure within the window; `observe` each reading as it
 * comes, then ask whether the device is `flapping`. Memory per device is bounded by `swings`.
 */
export class FlapWatch {
  private readonly histories = new Map<string, History>();

  constructor(private readonly limits: FaultLimits) {}

  observe(deviceId: string, value: number, ts: number): void {
    const history = this.histories.get(deviceId);
    if (!history) {
      this.histories.set(deviceId, { last: { value, ts }, swings: [] });
      return;
    }
    const { last, swings } = history;
    // Readings backfilled out of order still compare with the one before them as they came.
    if (
      Math.abs(value - last.value) >= this.limits.swing &&
      Math.abs(ts - last.ts) <= this.limits.swingWithinMs
    ) {
      swings.push(ts);
      // Only the newest `swings` matter to the verdict.
      if (swings.length > this.limits.swings) swings.shift();
    }
    history.last = { value, ts };
  }

  /** Whether `swings` swings of the device happened within the window ending at `ts`. */
  flapping(deviceId: string, ts: number): boolean {
    const swings = this.histories.get(deviceId)?.swings ?? [];
    if (swings.length < this.limits.swings) return false;
    return swings.every((at) => at > ts - this.limits.windowMs);
  }

  forget(deviceId: string): void {
    this.histories.delete(deviceId);
  }

  historyOf(deviceId: string): History | undefined {
    return this.histories.get(deviceId);
  }

  /** Replaces what is held of the device (a copy, so later readings do not change `history`). */
  restore(deviceId: string, history: History | undefined): void {
    if (history) this.histories.set(deviceId, { last: { ...history.last }, swings: [...history.swings] });
    else this.histories.delete(deviceId);
  }
}
