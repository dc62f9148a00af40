/**
 * Listens to device readings, events and status on the bus and emits alert candidates: events map
 * directly; heart rate, SpO2 and battery are judged per reading. What silence, inactivity and
 * night-time bed exits need is written to the records by every instance (`start`) and swept on a
 * timer by the one holding the jobs' lease (`startSweep`).
 */
import type { EventBus } from '../../devices/bus.ts';
import { BatteryRule, candidateFromEvent, HeartRateRule, OxygenRule } from './rules.ts';
import type { DetectionContext } from './settings.ts';
import { type AbsenceRecords, AbsenceWatch } from './watch.ts';

const OWNER = 'detector';

export class Detector {
  private readonly heartRate: HeartRateRule;
  private readonly oxygen: OxygenRule;
  private readonly battery: BatteryRule;
  readonly absence: AbsenceWatch;
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();
  /** A sweep is waiting for the one running. */
  private queued = false;

  constructor(
    private readonly bus: EventBus,
    context: DetectionContext,
    records: AbsenceRecords,
    private readonly options: {
      clock?: () => number;
      /** How often the sweep looks for absences due. */
      checkEveryMs?: number;
      /** How often what was observed is written. */
      flushEveryMs?: number;
      onError: (error: unknown) => void;
    },
  ) {
    this.heartRate = new HeartRateRule((deviceId) => context.heartRateLimits(deviceId));
    this.oxygen = new OxygenRule((deviceId) => ({
      low: context.oxygenLow?.(deviceId) ?? context.settings.spo2Low,
      consecutive: context.settings.spo2Consecutive,
    }));
    this.battery = new BatteryRule(() => context.settings.batteryLow);
    this.absence = new AbsenceWatch(context, records);
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
        this.absence.cameOnline(deviceId, ts);
        const candidate = this.battery.check(deviceId, battery, undefined, ts);
        if (candidate) this.bus.emit('alert.candidate', candidate);
        return;
      }
      this.heartRate.forget(deviceId);
      // A connection closing (a clean DISCONNECT, a pendant that connects for each press) is no
      // sign of trouble: only the device's own word (its will) starts the grace period; a device
      // that simply goes quiet is caught by its silence timeout.
      if (source === 'device') return this.absence.wentOffline(deviceId, ts);
    });
    this.bus.on('device.revoked', OWNER, ({ deviceId }) => this.absence.forget(deviceId));
    this.flushTimer = setInterval(() => {
      this.absence.flush().catch(this.options.onError);
    }, this.options.flushEveryMs ?? 2000);
  }

  private clock(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Sweeps for absences due, on the instance that holds the jobs' lease. */
  startSweep(): void {
    this.sweepTimer = setInterval(() => {
      void this.checkAbsences();
    }, this.options.checkEveryMs ?? 5000);
  }

  async stopSweep(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping;
  }

  /** One sweep; while one runs, the next waits for it rather than running beside it. */
  checkAbsences(): Promise<void> {
    if (this.queued) return this.sweeping;
    this.queued = true;
    this.sweeping = this.sweeping.then(async () => {
      this.queued = false;
      try {
        for (const candidate of await this.absence.check(this.clock()))
          this.bus.emit('alert.candidate', candidate);
      } catch (error) {
        this.options.onError(error);
      }
    });
    return this.sweeping;
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    this.bus.removeOwner(OWNER);
    await this.absence.flush().catch(this.options.onError);
  }
}
