/**
 * Listens to device readings, events and status on the bus and emits alert candidates: events map
 * directly; heart rate, SpO2 and battery are judged per reading. What silence, inactivity and
 * night-time bed exits need is written to the records by every instance (`start`) and swept on a
 * timer by the one holding the jobs' lease (`startSweep`).
 */
import type { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import { BatteryRule, candidateFromEvent, type DeviceRuns, HeartRateRule, OxygenRule } from './rules.ts';
import type { DetectionContext } from './settings.ts';
import { type AbsenceRecords, AbsenceWatch } from './watch.ts';

const OWNER = 'detector';

/** The per-reading runs of every device, kept where all instances read and change them. */
export interface SharedRuns {
  /**
   * Runs `step` on the device's runs as held and keeps the runs it returns; `step` runs again when
   * another instance changed them in between. Resolves to null when they cannot be reached.
   */
  update<T>(
    deviceId: string,
    step: (held: DeviceRuns | null) => { runs: DeviceRuns | null; result: T },
  ): Promise<{ result: T } | null>;
}

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
      /** The per-reading runs, shared by the instances (absent: this instance's memory alone). */
      sharedRuns?: SharedRuns;
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
      // Readings none of these rules reads leave every run as it was.
      if (
        typeof readings.hr !== 'number' &&
        typeof readings.spo2 !== 'number' &&
        battery === undefined &&
        lowFlag === undefined
      )
        return;
      return this.judge(deviceId, () => [
        this.heartRate.check(deviceId, readings, ts),
        this.oxygen.check(deviceId, readings, ts),
        this.battery.check(deviceId, battery, lowFlag, ts),
      ]);
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
        if (battery === undefined) return;
        return this.judge(deviceId, () => [this.battery.check(deviceId, battery, undefined, ts)]);
      }
      // A run of heart-rate readings does not carry across a disconnection.
      const forgotten = this.judge(deviceId, () => {
        this.heartRate.forget(deviceId);
        return [];
      });
      // A connection closing (a clean DISCONNECT, a pendant that connects for each press) is no
      // sign of trouble: only the device's own word (its will) starts the grace period; a device
      // that simply goes quiet is caught by its silence timeout.
      return Promise.all([
        forgotten,
        source === 'device' ? this.absence.wentOffline(deviceId, ts) : undefined,
      ]).then(() => {});
    });
    this.bus.on('device.revoked', OWNER, ({ deviceId }) => this.absence.forget(deviceId));
    this.flushTimer = setInterval(() => {
      this.absence.flush().catch(this.options.onError);
    }, this.options.flushEveryMs ?? 2000);
  }

  /**
   * Runs the per-reading rules of one device and raises what they find. With runs shared between
   * instances, the device's runs are read before and kept after, and the rules run again should
   * another instance have changed them meanwhile; when the shared runs cannot be reached, this
   * instance's own memory of them judges.
   */
  private judge(deviceId: string, work: () => (AlertCandidate | null)[]): Promise<void> | undefined {
    const raise = (candidates: (AlertCandidate | null)[]) => {
      for (const candidate of candidates) if (candidate) this.bus.emit('alert.candidate', candidate);
    };
    const shared = this.options.sharedRuns;
    if (!shared) {
      raise(work());
      return undefined;
    }
    return shared
      .update(deviceId, (held) => {
        this.restore(deviceId, held);
        const result = work();
        return { runs: this.runsOf(deviceId), result };
      })
      .then((outcome) => raise(outcome ? outcome.result : work()));
  }

  private runsOf(deviceId: string): DeviceRuns | null {
    const hr = this.heartRate.runOf(deviceId);
    const spo2 = this.oxygen.runOf(deviceId);
    const batteryReported = this.battery.reportedOf(deviceId);
    if (!hr && !spo2 && !batteryReported) return null;
    return {
      ...(hr ? { hr } : {}),
      ...(spo2 ? { spo2 } : {}),
      ...(batteryReported ? { batteryReported } : {}),
    };
  }

  private restore(deviceId: string, runs: DeviceRuns | null): void {
    this.heartRate.restore(deviceId, runs?.hr);
    this.oxygen.restore(deviceId, runs?.spo2);
    this.battery.restore(deviceId, runs?.batteryReported === true);
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
