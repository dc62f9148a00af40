/**
 * Detection rules: pure functions and small state machines that turn normalized readings and
 * events into alert candidates. The server's alert workflow decides what becomes an alert.
 */
import type { AlertCandidate } from '../../devices/contract.ts';
import type { DeviceEvent, Readings } from '../../devices/types.ts';

export interface HeartRateLimits {
  low: number;
  high: number;
  /** Readings in a row outside the range before a candidate is raised. */
  consecutive: number;
}

/** Maps a device event to the alert it asks for; null for events that are not alerts. */
export function candidateFromEvent(deviceId: string, event: DeviceEvent): AlertCandidate | null {
  const base = { deviceId, ts: event.ts, eventId: event.id };
  switch (event.type) {
    case 'sos':
      return { ...base, kind: 'sos', severity: 'critical', detail: {} };
    case 'fall': {
      // A fall the device is not sure of is high, a confirmed one critical.
      const certainty = event.certainty ?? 'confirmed';
      return {
        ...base,
        kind: 'fall',
        severity: certainty === 'suspected' ? 'high' : 'critical',
        detail: { certainty },
      };
    }
    case 'smoke':
    case 'gas':
      return { ...base, kind: event.type, severity: 'critical', detail: {} };
    case 'water_leak':
      return { ...base, kind: 'water_leak', severity: 'medium', detail: {} };
    case 'wearable_removed':
      return { ...base, kind: 'wearable_removed', severity: 'medium', detail: {} };
    case 'button_test':
      return { ...base, kind: 'test', severity: 'low', detail: {} };
    default:
      // `service_request` is a service request, not an emergency; `cancel` is handled by the workflow.
      return null;
  }
}

/**
 * Heart rate outside the retiree's range for `consecutive` readings in a row raises one candidate;
 * a further run of the same length raises another, which the workflow folds into the open alert.
 */
export class HeartRateRule {
  private readonly streaks = new Map<string, { direction: 'high' | 'low'; count: number }>();

  constructor(private readonly limitsFor: (deviceId: string) => HeartRateLimits) {}

  check(deviceId: string, readings: Readings, ts: number): AlertCandidate | null {
    const hr = readings.hr;
    if (typeof hr !== 'number') return null;
    const limits = this.limitsFor(deviceId);
    const direction = hr > limits.high ? 'high' : hr < limits.low ? 'low' : null;
    if (direction === null) {
      this.streaks.delete(deviceId);
      return null;
    }
    const previous = this.streaks.get(deviceId);
    const count = previous && previous.direction === direction ? previous.count + 1 : 1;
    if (count < limits.consecutive) {
      this.streaks.set(deviceId, { direction, count });
      return null;
    }
    this.streaks.delete(deviceId);
    return {
      deviceId,
      kind: direction === 'high' ? 'hr_high' : 'hr_low',
      severity: 'high',
      ts,
      detail: { hr, low: limits.low, high: limits.high, consecutive: limits.consecutive },
    };
  }

  forget(deviceId: string): void {
    this.streaks.delete(deviceId);
  }
}
