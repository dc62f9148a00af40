/**
 * Rules that fire on the absence of something over time: a device gone silent or offline, no
 * activity at home in the day, out of bed at night too long.
 *
 * Every instance observes the messages it takes (`heard`, `wentOffline`, `readings`) and writes
 * what they say to the records in a batch every few seconds (`flush`). One instance, the holder of
 * the jobs' lease, sweeps the records (`check`): the messages of one device may reach any instance,
 * and the sweep must see them all. Each alert is claimed in the records before it is raised, so a
 * sweep taken over by another instance neither raises it again nor misses it. Times are the hub's
 * clock at arrival, never a device's own.
 */
import { severityOf } from '../../devices/alerts.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Readings } from '../../devices/types.ts';
import type { DetectionContext } from './settings.ts';
import { inWindow } from './settings.ts';

/** A bed sensor's newest reading in a batch, and since when the bed was empty by the batch's readings. */
export interface BedObservation {
  deviceId: string;
  at: number;
  occupied: boolean;
  /** When the bed became empty in this batch, or its first reading when it was empty throughout. */
  since: number | null;
  /** Whether the batch saw the bed occupied: an exit it shows then starts afresh. */
  sawOccupied: boolean;
}

export interface AbsenceObservations {
  /** The last contact of each device. */
  heard: { deviceId: string; at: number }[];
  bed: BedObservation[];
  /** Each retiree's last motion, door or presence, and the sensor that saw it. */
  activity: { retireeId: string; deviceId: string; at: number }[];
}

/** A device whose silence may be due: not reported since its last contact. */
export interface SilenceRow {
  deviceId: string;
  heardAt: number;
  /** Its will, when it came after the last contact. */
  offlineSince: number | null;
}

/** What the watch keeps in the records (server/store/absence.ts). */
export interface AbsenceRecords {
  record(observations: AbsenceObservations): Promise<void>;
  wentOffline(deviceId: string, at: number): Promise<void>;
  /**
   * Up to `limit` devices due for a look by `now` (their next look, which a will brings forward),
   * the longest due first.
   */
  silences(now: number, limit: number): Promise<SilenceRow[]>;
  /** Marks the silence since `heardAt` reported; false when another sweep did or the device was heard. */
  claimSilence(deviceId: string, heardAt: number, now: number): Promise<boolean>;
  /**
   * Sets when each device's silence is next worth a look: at `at`, or sooner when its will, on
   * record by then, is due first (`willGraceMs` after it).
   */
  lookAgain(devices: { deviceId: string; at: number }[], willGraceMs: number): Promise<void>;
  /** Retirees with no activity since `before`, not reported since. */
  quiet(before: number): Promise<{ retireeId: string; deviceId: string; at: number }[]>;
  claimQuiet(retireeId: string, at: number, now: number): Promise<boolean>;
  /** Up to `limit` bed exits since before `before`, not judged since, the oldest first. */
  bedExits(before: number, limit: number): Promise<{ deviceId: string; since: number }[]>;
  judgeBedExit(deviceId: string, since: number, now: number): Promise<boolean>;
}

/** Devices read per statement of a sweep, and statements per sweep at most (the rest wait for the next). */
const SWEEP_BATCH = 100;
const SWEEP_BATCHES = 200;
/** A device due whose type this instance does not know yet (registered elsewhere a moment ago). */
const UNKNOWN_LOOK_AGAIN_MS = 60_000;

/**
 * Reads and handles batches until one comes back short: each row handled leaves what `read` finds
 * (reported, judged, or looked at later), so the next read gives the rows after it.
 */
async function inBatches<T>(
  read: () => Promise<T[]>,
  handle: (rows: T[]) => Promise<unknown>,
): Promise<void> {
  for (let batch = 0; batch < SWEEP_BATCHES; batch += 1) {
    const rows = await read();
    await handle(rows);
    if (rows.length < SWEEP_BATCH) return;
  }
}

export class AbsenceWatch {
  private heardAt = new Map<string, number>();
  /** The contact time last written per device, so that a chatty device is not written every time. */
  private readonly written = new Map<string, number>();
  private bed = new Map<string, BedObservation>();
  private activity = new Map<string, { deviceId: string; at: number }>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: DetectionContext,
    private readonly records: AbsenceRecords,
  ) {}

  heard(deviceId: string, at: number): void {
    const known = this.heardAt.get(deviceId);
    if (known === undefined || at > known) this.heardAt.set(deviceId, at);
  }

  /**
   * The device says it is online (it connected): written with the next flush however soon after
   * the last, since it cancels a will that any instance may have taken.
   */
  cameOnline(deviceId: string, at: number): void {
    this.written.delete(deviceId);
    this.heard(deviceId, at);
  }

  /**
   * The device's own word that it is offline: written at once, the grace period starts now. Its
   * next contact is written however soon it comes, since that contact is what cancels the will.
   */
  wentOffline(deviceId: string, at: number): Promise<void> {
    this.written.delete(deviceId);
    return this.records.wentOffline(deviceId, at);
  }

  readings(deviceId: string, readings: Readings, at: number): void {
    this.heard(deviceId, at);
    const retireeId = this.context.profile(deviceId)?.retireeId;
    if (
      retireeId &&
      (readings.motion === true || typeof readings.door_open === 'boolean' || readings.presence === true)
    ) {
      const known = this.activity.get(retireeId);
      if (!known || at >= known.at) this.activity.set(retireeId, { deviceId, at });
    }
    if (typeof readings.bed_occupied === 'boolean') {
      const occupied = readings.bed_occupied;
      const known = this.bed.get(deviceId);
      if (!known) {
        this.bed.set(deviceId, {
          deviceId,
          at,
          occupied,
          since: occupied ? null : at,
          sawOccupied: occupied,
        });
      } else if (at >= known.at) {
        if (occupied) known.since = null;
        else known.since ??= at;
        known.occupied = occupied;
        known.sawOccupied ||= occupied;
        known.at = at;
      }
    }
  }

  /**
   * Writes what was observed since the last flush. A contact is written when it moves the
   * device's last contact on by a hundredth of its silence limit (at most 30 s): silence is judged
   * in minutes and hours, and a device heard every few seconds is not written every few seconds.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const heard: AbsenceObservations['heard'] = [];
      for (const [deviceId, at] of this.heardAt) {
        const written = this.written.get(deviceId);
        if (written !== undefined && at - written < this.step(deviceId)) continue;
        heard.push({ deviceId, at });
      }
      const bed = [...this.bed.values()];
      const activity = [...this.activity].map(([retireeId, seen]) => ({ retireeId, ...seen }));
      if (heard.length === 0 && bed.length === 0 && activity.length === 0) return;
      const kept = { heardAt: this.heardAt, bed: this.bed, activity: this.activity };
      this.heardAt = new Map();
      this.bed = new Map();
      this.activity = new Map();
      try {
        await this.records.record({ heard, bed, activity });
        for (const { deviceId, at } of heard) this.written.set(deviceId, at);
      } catch (error) {
        // Kept for the next flush, merged with what was observed meanwhile.
        for (const [deviceId, at] of kept.heardAt) this.heard(deviceId, at);
        for (const [deviceId, seen] of kept.bed) if (!this.bed.has(deviceId)) this.bed.set(deviceId, seen);
        for (const [retireeId, seen] of kept.activity)
          if (!this.activity.has(retireeId)) this.activity.set(retireeId, seen);
        throw error;
      }
    });
    return this.flushing;
  }

  /** A device no longer watched (revoked or removed): nothing more is written of it. */
  forget(deviceId: string): void {
    this.heardAt.delete(deviceId);
    this.written.delete(deviceId);
    this.bed.delete(deviceId);
  }

  private step(deviceId: string): number {
    const power = this.context.profile(deviceId)?.power ?? 'mains';
    return Math.min(this.context.settings.offlineAfterMs[power] / 100, 30_000);
  }

  /**
   * The candidates due at `now`, each claimed in the records so that no other sweep raises it.
   * Due devices are read in batches: each one looked at leaves the due ones (reported, or its
   * next look set), so a sweep after a long stop works through them all, one statement at a time.
   */
  async check(now: number): Promise<AlertCandidate[]> {
    const { settings } = this.context;
    const due: AlertCandidate[] = [];
    await inBatches(
      () => this.records.silences(now, SWEEP_BATCH),
      async (rows) => due.push(...(await this.silent(rows, now))),
    );
    if (inWindow(now, settings.day, settings.utcOffsetMinutes)) {
      for (const last of await this.records.quiet(now - settings.inactivityAfterMs)) {
        if (!(await this.records.claimQuiet(last.retireeId, last.at, now))) continue;
        due.push({
          deviceId: last.deviceId,
          kind: 'inactivity',
          severity: severityOf('inactivity'),
          ts: now,
          detail: {
            retireeId: last.retireeId,
            lastActivity: new Date(last.at).toISOString(),
            hours: settings.inactivityAfterMs / 3_600_000,
          },
        });
      }
    }
    await inBatches(
      () => this.records.bedExits(now - settings.bedExitAfterMs, SWEEP_BATCH),
      async (exits) => due.push(...(await this.outOfBed(exits, now))),
    );
    return due;
  }

  /** One batch of bed exits due: each judged, the night-time ones to report. */
  private async outOfBed(
    exits: { deviceId: string; since: number }[],
    now: number,
  ): Promise<AlertCandidate[]> {
    const { settings } = this.context;
    const due: AlertCandidate[] = [];
    for (const exit of exits) {
      if (!(await this.records.judgeBedExit(exit.deviceId, exit.since, now))) continue;
      // Only a night-time exit counts; getting up in the morning is no alert (judged all the same).
      if (!inWindow(exit.since, settings.night, settings.utcOffsetMinutes)) continue;
      due.push({
        deviceId: exit.deviceId,
        kind: 'bed_exit_night',
        severity: severityOf('bed_exit_night'),
        ts: now,
        detail: {
          since: new Date(exit.since).toISOString(),
          minutes: Math.round((now - exit.since) / 60_000),
        },
      });
    }
    return due;
  }

  /** One batch of devices due for a look: the silences to report, the others' next look set. */
  private async silent(rows: SilenceRow[], now: number): Promise<AlertCandidate[]> {
    const { settings } = this.context;
    const due: AlertCandidate[] = [];
    const later: { deviceId: string; at: number }[] = [];
    for (const row of rows) {
      const profile = this.context.profile(row.deviceId);
      if (!profile) {
        // Not (yet) known to this instance: looked at again shortly, not at every sweep.
        later.push({ deviceId: row.deviceId, at: now + UNKNOWN_LOOK_AGAIN_MS });
        continue;
      }
      const limit = settings.offlineAfterMs[profile.power];
      const willFired = row.offlineSince !== null && now - row.offlineSince >= settings.offlineGraceMs;
      if (now - row.heardAt < limit && !willFired) {
        later.push({ deviceId: row.deviceId, at: row.heardAt + limit });
        continue;
      }
      if (!(await this.records.claimSilence(row.deviceId, row.heardAt, now))) continue;
      due.push({
        deviceId: row.deviceId,
        kind: 'device_offline',
        severity: severityOf('device_offline'),
        ts: now,
        detail: {
          lastSeen: new Date(row.heardAt).toISOString(),
          reason: willFired ? 'disconnected' : 'silent',
          power: profile.power,
        },
      });
    }
    if (later.length) await this.records.lookAgain(later, settings.offlineGraceMs);
    return due;
  }
}
