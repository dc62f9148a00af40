/**
 * Listens to device readings, events and status on the bus and emits alert candidates: events map
 * directly; heart rate, SpO2 and battery are judged per reading; silence, inactivity and night-time
 * bed exits are checked on a timer.
 */
import type { EventBus } from '../../devices/bus.ts';
import { BatteryRule, candidateFromEvent, HeartRateRule, OxygenRule } from './rules.ts';
import type { DetectionContext } from './settings.ts';
import { AbsenceWatch } from './watch.ts';

const OWNER = 'detector';

export class Detector {
  private readonly heartRate: HeartRateRule;
  private readonly oxygen: OxygenRule;
  private readonly battery: BatteryRule;
  readonly absence: AbsenceWatch;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    context: DetectionContext,
    private readonly clock: () => number = Date.now,
    private readonly checkEveryMs = 5000,
  ) {
    this.heartRate = new HeartRateRule((deviceId) => context.heartRateLimits(deviceId));
    this.oxygen = new OxygenRule((deviceId) => ({
      low: context.oxygenLow?.(deviceId) ?? context.settings.spo2Low,
      consecutive: context.settings.spo2Consecutive,
    }));
    this.battery = new BatteryRule(() => context.settings.batteryLow);
    this.absence = new AbsenceWatch(context);
  }

  start(): void {
    this.bus.on('device.telemetry', OWNER, ({ deviceId, readings, ts }) => {
      this.absence.readings(deviceId, readings, this.clock());
      const battery = typeof readings.battery === 'number' ? readings.battery : undefined;
      const lowFlag = typeof readings.battery_low === 'boolean' ? readings.battery_low : undefined;
      for (const candidate of [
        this.heartRate.check(deviceId, readings, ts),
        this.oxygen.check(deviceId, readings, ts),
        this.battery.check(deviceId, battery, lowFlag, ts),
      ]) {
        if (candidate) this.bus.emit('alert.candidate', candidate);
      }
    });
    // The alert an event asks for is waited for, so whoever waits for the event waits for it too.
    this.bus.on('device.event', OWNER, ({ deviceId, event }) => {
      this.absence.heard(deviceId, this.clock());
      const candidate = candidateFromEvent(deviceId, event);
      return candidate ? this.bus.emitAndWait('alert.candidate', candidate) : undefined;
    });
    this.bus.on('device.status', OWNER, ({ deviceId, online, battery, ts, source }) => {
      if (online) {
        this.absence.heard(deviceId, ts);
        const candidate = this.battery.check(deviceId, battery, undefined, ts);
        if (candidate) this.bus.emit('alert.candidate', candidate);
        return;
      }
      this.heartRate.forget(deviceId);
      // A connection closing (a clean DISCONNECT, a pendant that connects for each press) is no
      // sign of trouble: only the device's own word (its will) starts the grace period; a device
      // that simply goes quiet is caught by its silence timeout.
      if (source === 'device') this.absence.wentOffline(deviceId, ts);
    });
    this.timer = setInterval(() => this.checkAbsences(), this.checkEveryMs);
  }

  checkAbsences(): void {
    for (const candidate of this.absence.check(this.clock())) this.bus.emit('alert.candidate', candidate);
  }

  stop(): void {
    clearInterval(this.timer);
    this.bus.removeOwner(OWNER);
  }
}
