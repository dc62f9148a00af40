/**
 * Each device's latest readings and online state: kept in memory for the live wall, pushed to
 * staff as they change, and written to the records in one batch every few seconds (not per
 * message) so a restart shows the last known values.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { LatestReadings, LiveChannel } from '../live/channel.ts';
import type { DeviceStore } from '../store/devices.ts';
import type { Directory } from './directory.ts';

const OWNER = 'device-state';

export type Latest = Record<string, { value: number | boolean; ts: number }>;

/** Takes `value` of `key` measured at `ts` unless a newer one is held; updates in place. */
function keepNewer(latest: Latest, key: string, value: number | boolean, ts: number): void {
  const known = latest[key];
  if (!known) latest[key] = { value, ts };
  else if (known.ts <= ts) {
    known.value = value;
    known.ts = ts;
  }
}

export class DeviceState {
  private readonly dirty = new Map<string, { latest: Latest; lastSeen: number }>();
  /**
   * The newest value of each reading per device, by the time it was measured: what the records
   * held at start (seed), overtaken by readings and status messages seen since.
   */
  private readonly current = new Map<string, Latest>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** The offline push of each device being revoked, while it runs. */
  private readonly revoking = new Map<string, Promise<void>>();

  constructor(
    private readonly bus: EventBus,
    private readonly records: DeviceStore,
    private readonly directory: Directory,
    private readonly live: LiveChannel,
    private readonly onError: (error: unknown) => void,
    private readonly options: {
      /** This instance: a status of a connection to it links the device to it (server/cluster/links.ts). */
      instanceId?: string;
      flushMs?: number;
    } = {},
  ) {}

  start(): void {
    // Runs for every reading the broker takes: entries are updated in place, not made anew.
    this.bus.on('device.telemetry', OWNER, ({ deviceId, ts, readings }) => {
      const pending = this.pendingOf(deviceId, ts);
      const current = this.currentOf(deviceId);
      const values = readings as Record<string, number | boolean | undefined>;
      for (const key in values) {
        const value = values[key];
        if (value === undefined) continue;
        keepNewer(pending.latest, key, value, ts);
        keepNewer(current, key, value, ts);
      }
      if (ts > pending.lastSeen) pending.lastSeen = ts;
      this.live.reading({
        deviceId,
        retireeId: this.directory.lookup(deviceId)?.retireeId ?? null,
        ts,
        readings: readings as Record<string, number | boolean>,
      });
    });
    this.bus.on('device.status', OWNER, async ({ deviceId, online, ts, battery, fw, source }) => {
      const identity = this.directory.lookup(deviceId);
      if (!identity) return;
      // The level a status message gives is a reading like the others: the newest one wins.
      if (battery !== undefined) {
        keepNewer(this.currentOf(deviceId), 'battery', battery, ts);
        keepNewer(this.pendingOf(deviceId, ts).latest, 'battery', battery, ts);
      }
      await this.records.setStatus(deviceId, {
        online,
        at: new Date(ts),
        ...(battery !== undefined ? { battery } : {}),
        ...(fw !== undefined ? { firmware: fw } : {}),
        ...(source === 'connection' && this.options.instanceId ? { linkedTo: this.options.instanceId } : {}),
      });
      const record = await this.records.byId(deviceId);
      if (!record) return;
      this.live.device({
        deviceId,
        retireeId: record.retireeId,
        online: record.online,
        battery: record.battery,
        batteryAt: record.batteryAt,
        lastSeenAt: record.lastSeenAt,
      });
    });
    this.bus.on('device.revoked', OWNER, ({ deviceId, cause }) => {
      if (cause === 'revoked') return this.revoked(deviceId);
    });
    this.timer = setInterval(() => {
      void this.flush();
    }, this.options.flushMs ?? 2000);
  }

  /** The latest readings the records held at start, so that older ones seen later never replace them. */
  seed(deviceId: string, stored: Latest): void {
    const current = this.currentOf(deviceId);
    for (const [key, entry] of Object.entries(stored)) keepNewer(current, key, entry.value, entry.ts);
  }

  private currentOf(deviceId: string): Latest {
    let current = this.current.get(deviceId);
    if (!current) {
      current = {};
      this.current.set(deviceId, current);
    }
    return current;
  }

  /** What the next flush writes for the device, made when it is first needed. */
  private pendingOf(deviceId: string, ts: number): { latest: Latest; lastSeen: number } {
    let pending = this.dirty.get(deviceId);
    if (!pending) {
      pending = { latest: {}, lastSeen: ts };
      this.dirty.set(deviceId, pending);
    }
    return pending;
  }

  /**
   * A revoked device is offline for good: staff see it drop at once (the records say so already).
   * Runs when `device.revoked` is heard; a caller that revoked it waits for the same push.
   */
  revoked(deviceId: string): Promise<void> {
    const running = this.revoking.get(deviceId);
    if (running) return running;
    const push = this.pushRevoked(deviceId).finally(() => this.revoking.delete(deviceId));
    this.revoking.set(deviceId, push);
    return push;
  }

  private async pushRevoked(deviceId: string): Promise<void> {
    const record = await this.records.byId(deviceId);
    if (!record) return;
    this.live.device({
      deviceId,
      retireeId: record.retireeId,
      online: false,
      battery: record.battery,
      batteryAt: record.batteryAt,
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

  /**
   * The newest readings seen of these devices and of the devices of these retirees (each reading's
   * newest value, `ts` the newest of them): for a screen that begins to show them, so that nothing
   * measured between its page's load and its first batch is missed.
   */
  seen(retirees: ReadonlySet<string>, devices: ReadonlySet<string>): LatestReadings[] {
    const found: LatestReadings[] = [];
    for (const [deviceId, latest] of this.current) {
      const retireeId = this.directory.lookup(deviceId)?.retireeId ?? null;
      if (!devices.has(deviceId) && (retireeId === null || !retirees.has(retireeId))) continue;
      const readings: Record<string, number | boolean> = {};
      let ts = 0;
      for (const key in latest) {
        const entry = latest[key] as Latest[string];
        readings[key] = entry.value;
        if (entry.ts > ts) ts = entry.ts;
      }
      if (ts > 0) found.push({ deviceId, retireeId, ts, readings });
    }
    return found;
  }

  /** Writes what changed since the last flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      // Only what is still the newest of its kind is written: a reading measured before the one
      // the records hold (a device sending from its memory) or before a status message's battery
      // level is left out, so the stored values only ever move forward in time.
      const batch = [...this.dirty.entries()].map(([id, pending]) => {
        const current = this.current.get(id);
        const latest: Latest = {};
        for (const key in pending.latest) {
          const entry = pending.latest[key] as Latest[string];
          if ((current?.[key]?.ts ?? entry.ts) <= entry.ts) latest[key] = entry;
        }
        return { id, latest, lastSeen: new Date(pending.lastSeen) };
      });
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
