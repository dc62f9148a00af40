/**
 * Each device's latest readings and online state: kept in memory for the live wall, pushed to
 * staff as they change, and written to the records in one batch every few seconds (not per
 * message) so a restart shows the last known values.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { LiveChannel } from '../live/channel.ts';
import type { DeviceRecords } from '../records/devices.ts';
import type { Directory } from './directory.ts';

const OWNER = 'device-state';

export type Latest = Record<string, { value: number | boolean; ts: number }>;

export class DeviceState {
  private readonly dirty = new Map<string, { latest: Latest; lastSeen: number; battery?: number }>();
  /** Readings seen since start, newer than what the records may hold yet. */
  private readonly current = new Map<string, Latest>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly records: DeviceRecords,
    private readonly directory: Directory,
    private readonly live: LiveChannel,
    private readonly onError: (error: unknown) => void,
    private readonly flushMs = 2000,
  ) {}

  start(): void {
    // Runs for every reading the broker takes: entries are updated in place, not made anew.
    this.bus.on('device.telemetry', OWNER, ({ deviceId, ts, readings }) => {
      let pending = this.dirty.get(deviceId);
      if (!pending) {
        pending = { latest: {}, lastSeen: ts };
        this.dirty.set(deviceId, pending);
      }
      let current = this.current.get(deviceId);
      if (!current) {
        current = {};
        this.current.set(deviceId, current);
      }
      const values = readings as Record<string, number | boolean | undefined>;
      for (const key in values) {
        const value = values[key];
        if (value === undefined) continue;
        const waiting = pending.latest[key];
        if (waiting) {
          waiting.value = value;
          waiting.ts = ts;
        } else pending.latest[key] = { value, ts };
        const known = current[key];
        if (!known) current[key] = { value, ts };
        else if (known.ts <= ts) {
          known.value = value;
          known.ts = ts;
        }
      }
      if (ts > pending.lastSeen) pending.lastSeen = ts;
      if (typeof readings.battery === 'number') pending.battery = readings.battery;
      this.live.reading({
        deviceId,
        retireeId: this.directory.lookup(deviceId)?.retireeId ?? null,
        ts,
        readings: readings as Record<string, number | boolean>,
      });
    });
    this.bus.on('device.status', OWNER, async ({ deviceId, online, ts, battery, fw }) => {
      const identity = this.directory.lookup(deviceId);
      if (!identity) return;
      await this.records.setStatus(deviceId, {
        online,
        at: new Date(ts),
        ...(battery !== undefined ? { battery } : {}),
        ...(fw !== undefined ? { firmware: fw } : {}),
      });
      const record = await this.records.byId(deviceId);
      if (!record) return;
      this.live.device({
        deviceId,
        retireeId: record.retireeId,
        online: record.online,
        battery: record.battery,
        lastSeenAt: record.lastSeenAt,
      });
    });
    this.timer = setInterval(() => {
      void this.flush();
    }, this.flushMs);
  }

  /** A revoked device is offline for good: staff see it drop at once (the records say so already). */
  async revoked(deviceId: string): Promise<void> {
    const record = await this.records.byId(deviceId);
    if (!record) return;
    this.live.device({
      deviceId,
      retireeId: record.retireeId,
      online: false,
      battery: record.battery,
      lastSeenAt: record.lastSeenAt,
    });
  }

  /** The latest readings of a device: the stored ones, overlaid with newer ones seen since. */
  latest(deviceId: string, stored: Latest): Latest {
    const merged: Latest = { ...stored };
    for (const [key, entry] of Object.entries(this.current.get(deviceId) ?? {})) {
      // A copy: the entries here change in place with the next reading.
      if ((merged[key]?.ts ?? 0) <= entry.ts) merged[key] = { value: entry.value, ts: entry.ts };
    }
    return merged;
  }

  /** Writes what changed since the last flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const batch = [...this.dirty.entries()].map(([id, pending]) => ({
        id,
        latest: pending.latest,
        lastSeen: new Date(pending.lastSeen),
        ...(pending.battery !== undefined ? { battery: pending.battery } : {}),
      }));
      this.dirty.clear();
      await this.records.saveLatest(batch).catch(this.onError);
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    this.bus.removeOwner(OWNER);
    clearInterval(this.timer);
    await this.flush();
  }
}
