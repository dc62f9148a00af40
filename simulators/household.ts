/**
 * Home sensors of one simulated flat: door contact, motion, bed mat, and the hazard detectors.
 * Pure like vitals.ts: each `sample(now)` returns the payload a sensor of that type would publish.
 */
import { isNight, localHour, type Random } from './vitals.ts';

export const sensorTypes = [
  'sensor.door',
  'sensor.motion',
  'sensor.bed',
  'sensor.smoke',
  'sensor.water_leak',
  'sensor.gas',
] as const;

export type SensorType = (typeof sensorTypes)[number];

export type HazardKind = 'smoke' | 'water_leak' | 'gas';

/** The telemetry key of each sensor type, as in its definition in devices/. */
export const sensorKey: Record<SensorType, 'open' | 'motion' | 'occupied' | HazardKind> = {
  'sensor.door': 'open',
  'sensor.motion': 'motion',
  'sensor.bed': 'occupied',
  'sensor.smoke': 'smoke',
  'sensor.water_leak': 'water_leak',
  'sensor.gas': 'gas',
};

export const hazardSensor: Record<HazardKind, SensorType> = {
  smoke: 'sensor.smoke',
  water_leak: 'sensor.water_leak',
  gas: 'sensor.gas',
};

export class SensorModel {
  private value = false;
  private hazardUntil = 0;
  /** Undefined for a mains-powered sensor (the gas detector), which reports no battery. */
  readonly battery: number | undefined;

  constructor(
    readonly type: SensorType,
    private readonly random: Random,
    batteryPowered = true,
  ) {
    this.battery = batteryPowered ? Math.round(70 + random() * 30) : undefined;
  }

  isHazard(): boolean {
    return this.type === 'sensor.smoke' || this.type === 'sensor.water_leak' || this.type === 'sensor.gas';
  }

  /** A hazard detector reports its hazard until `now + durationMs`. */
  raiseHazard(now: number, durationMs: number): void {
    this.hazardUntil = now + durationMs;
  }

  /** Advances to `now`; `changed` tells whether the state differs from the last sample. */
  sample(now: number): { payload: Record<string, boolean | number>; changed: boolean } {
    const before = this.value;
    this.value = this.next(now);
    const payload: Record<string, boolean | number> = { [sensorKey[this.type]]: this.value };
    if (this.battery !== undefined) payload.battery = this.battery;
    return { payload, changed: before !== this.value };
  }

  private next(now: number): boolean {
    const night = isNight(now);
    switch (this.type) {
      case 'sensor.door':
        // Mostly shut; opened now and then in the day, and closed again soon after.
        return this.value ? this.random() < 0.3 : !night && this.random() < 0.04;
      case 'sensor.motion': {
        const hour = localHour(now);
        const active = night ? 0.03 : hour >= 12 && hour < 14 ? 0.2 : 0.45;
        return this.random() < active;
      }
      case 'sensor.bed': {
        // In bed at night, and for a nap after lunch.
        const hour = localHour(now);
        if (night) return this.random() > 0.02;
        return hour >= 12.5 && hour < 14 ? this.random() > 0.3 : this.random() < 0.03;
      }
      default:
        return now < this.hazardUntil;
    }
  }
}
