/**
 * Detection rules: pure functions and small state machines that turn normalized readings and
 * events into alert candidates, at the severity devices/alerts.ts gives their kind. The server's
 * alert workflow decides what becomes an alert. Heart-rate and SpO2 candidates also say whether
 * their readings look like a faulty device rather than a retiree in trouble (fault.ts).
 */
import { severityOf } from '../../devices/alerts.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { DeviceEvent, Readings } from '../../devices/types.ts';
import {
  type FaultLimits,
  FlapWatch,
  HEART_RATE_FAULT,
  type History,
  isImpossible,
  OXYGEN_FAULT,
  type ReadingFault,
} from './fault.ts';

export interface HeartRateLimits {
  low: number;
  high: number;
  /** Readings in a row outside the range before a candidate is raised. */
  consecutive: number;
}

/**
 * What the per-reading rules hold of one device between its readings: a run under way and the
 * recent swings of each measure, and whether a low battery was reported. Plain data, so instances
 * can share it (server/cluster/redis-runs.ts).
 */
export interface DeviceRuns {
  hr?: { streak?: HeartRateStreak; flaps?: History };
  spo2?: { streak?: OxygenStreak; flaps?: History };
  batteryReported?: true;
}

interface HeartRateStreak {
  direction: 'high' | 'low';
  count: number;
  impossible: boolean;
}

interface OxygenStreak {
  count: number;
  impossible: boolean;
}

/** Maps a device event to the alert it asks for; null for events that are not alerts. */
export function candidateFromEvent(deviceId: string, event: DeviceEvent): AlertCandidate | null {
  const base = { deviceId, ts: event.ts, eventId: event.id };
  switch (event.type) {
    case 'fall': {
      // A fall the device is not sure of is less severe than a confirmed one.
      const certainty = event.certainty ?? 'confirmed';
      return { ...base, kind: 'fall', severity: severityOf('fall', certainty), detail: { certainty } };
    }
    case 'sos':
    case 'smoke':
    case 'gas':
    case 'water_leak':
    case 'wearable_removed':
      return { ...base, kind: event.type, severity: severityOf(event.type), detail: {} };
    case 'button_test':
      return { ...base, kind: 'test', severity: severityOf('test'), detail: {} };
    default:
      // `service_request` is a service request, not an emergency; `cancel` is handled by the workflow.
      return null;
  }
}

/**
 * The verdict a reading-based candidate carries (fault.ts): `impossible` when a reading of the run
 * was, else `flapping` when the device's readings leapt back and forth within the window; nothing
 * for a run of believable readings, however long it lasts.
 */
function faultOf(
  impossible: boolean,
  flaps: FlapWatch,
  deviceId: string,
  ts: number,
): { fault?: ReadingFault } {
  if (impossible) return { fault: 'impossible' };
  return flaps.flapping(deviceId, ts) ? { fault: 'flapping' } : {};
}

/**
 * Heart rate outside the retiree's range for `consecutive` readings in a row raises one candidate;
 * a further run of the same length raises another, which the workflow folds into the open alert.
 */
export class HeartRateRule {
  private readonly streaks = new Map<string, HeartRateStreak>();
  private readonly flaps: FlapWatch;

  constructor(
    private readonly limitsFor: (deviceId: string) => HeartRateLimits,
    private readonly fault: FaultLimits = HEART_RATE_FAULT,
  ) {
    this.flaps = new FlapWatch(fault);
  }

  check(deviceId: string, readings: Readings, ts: number): AlertCandidate | null {
    const hr = readings.hr;
    if (typeof hr !== 'number') return null;
    this.flaps.observe(deviceId, hr, ts);
    const limits = this.limitsFor(deviceId);
    const direction = hr > limits.high ? 'high' : hr < limits.low ? 'low' : null;
    if (direction === null) {
      this.streaks.delete(deviceId);
      return null;
    }
    const previous = this.streaks.get(deviceId);
    const continues = previous !== undefined && previous.direction === direction;
    const count = continues ? previous.count + 1 : 1;
    const impossible = (continues && previous.impossible) || isImpossible(hr, this.fault);
    if (count < limits.consecutive) {
      this.streaks.set(deviceId, { direction, count, impossible });
      return null;
    }
    this.streaks.delete(deviceId);
    const kind = direction === 'high' ? 'hr_high' : 'hr_low';
    return {
      deviceId,
      kind,
      severity: severityOf(kind),
      ts,
      detail: {
        hr,
        low: limits.low,
        high: limits.high,
        consecutive: limits.consecutive,
        ...faultOf(impossible, this.flaps, deviceId, ts),
      },
    };
  }

  forget(deviceId: string): void {
    this.streaks.delete(deviceId);
    this.flaps.forget(deviceId);
  }

  runOf(deviceId: string): DeviceRuns['hr'] {
    return runOf(this.streaks.get(deviceId), this.flaps.historyOf(deviceId));
  }

  restore(deviceId: string, run: DeviceRuns['hr']): void {
    if (run?.streak) this.streaks.set(deviceId, { ...run.streak });
    else this.streaks.delete(deviceId);
    this.flaps.restore(deviceId, run?.flaps);
  }
}

function runOf<S>(
  streak: S | undefined,
  flaps: History | undefined,
): { streak?: S; flaps?: History } | undefined {
  if (!streak && !flaps) return undefined;
  return { ...(streak ? { streak } : {}), ...(flaps ? { flaps } : {}) };
}

/** SpO2 below the limit for `consecutive` readings in a row raises one candidate. */
export class OxygenRule {
  private readonly streaks = new Map<string, OxygenStreak>();
  private readonly flaps: FlapWatch;

  constructor(
    private readonly limits: (deviceId: string) => { low: number; consecutive: number },
    private readonly fault: FaultLimits = OXYGEN_FAULT,
  ) {
    this.flaps = new FlapWatch(fault);
  }

  check(deviceId: string, readings: Readings, ts: number): AlertCandidate | null {
    const spo2 = readings.spo2;
    if (typeof spo2 !== 'number') return null;
    this.flaps.observe(deviceId, spo2, ts);
    const { low, consecutive } = this.limits(deviceId);
    if (spo2 >= low) {
      this.streaks.delete(deviceId);
      return null;
    }
    const previous = this.streaks.get(deviceId);
    const count = (previous?.count ?? 0) + 1;
    const impossible = previous?.impossible === true || isImpossible(spo2, this.fault);
    if (count < consecutive) {
      this.streaks.set(deviceId, { count, impossible });
      return null;
    }
    this.streaks.delete(deviceId);
    return {
      deviceId,
      kind: 'spo2_low',
      severity: severityOf('spo2_low'),
      ts,
      detail: { spo2, low, consecutive, ...faultOf(impossible, this.flaps, deviceId, ts) },
    };
  }

  runOf(deviceId: string): DeviceRuns['spo2'] {
    return runOf(this.streaks.get(deviceId), this.flaps.historyOf(deviceId));
  }

  restore(deviceId: string, run: DeviceRuns['spo2']): void {
    if (run?.streak) this.streaks.set(deviceId, { ...run.streak });
    else this.streaks.delete(deviceId);
    this.flaps.restore(deviceId, run?.flaps);
  }
}

/**
 * A battery at or below the limit (or a device's own low-battery flag) raises one candidate; the
 * rule re-arms once the battery is 10 points above the limit again (charged or replaced).
 */
export class BatteryRule {
  private readonly reported = new Set<string>();

  constructor(private readonly limit: () => number) {}

  check(
    deviceId: string,
    battery: number | undefined,
    lowFlag: boolean | undefined,
    ts: number,
  ): AlertCandidate | null {
    const limit = this.limit();
    if (typeof battery === 'number' && battery >= limit + 10) {
      this.reported.delete(deviceId);
      return null;
    }
    const low = lowFlag === true || (typeof battery === 'number' && battery <= limit);
    if (!low || this.reported.has(deviceId)) return null;
    this.reported.add(deviceId);
    return {
      deviceId,
      kind: 'battery_low',
      severity: severityOf('battery_low'),
      ts,
      detail: { ...(typeof battery === 'number' ? { battery } : {}), limit },
    };
  }

  reportedOf(deviceId: string): boolean {
    return this.reported.has(deviceId);
  }

  restore(deviceId: string, reported: boolean): void {
    if (reported) this.reported.add(deviceId);
    else this.reported.delete(deviceId);
  }
}
