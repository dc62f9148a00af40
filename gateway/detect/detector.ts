/** Listens to device readings and events on the bus and emits alert candidates. */
import type { EventBus } from '../../devices/bus.ts';
import { candidateFromEvent, type HeartRateLimits, HeartRateRule } from './rules.ts';

const OWNER = 'detector';

export class Detector {
  private readonly heartRate: HeartRateRule;

  constructor(
    private readonly bus: EventBus,
    limitsFor: (deviceId: string) => HeartRateLimits,
  ) {
    this.heartRate = new HeartRateRule(limitsFor);
  }

  start(): void {
    this.bus.on('device.telemetry', OWNER, ({ deviceId, readings, ts }) => {
      const candidate = this.heartRate.check(deviceId, readings, ts);
      if (candidate) this.bus.emit('alert.candidate', candidate);
    });
    this.bus.on('device.event', OWNER, ({ deviceId, event }) => {
      const candidate = candidateFromEvent(deviceId, event);
      if (candidate) this.bus.emit('alert.candidate', candidate);
    });
    this.bus.on('device.status', OWNER, ({ deviceId, online }) => {
      if (!online) this.heartRate.forget(deviceId);
    });
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }
}
