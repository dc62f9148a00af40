/**
 * The device directory the gateway asks: who a device is, whether its secret is right, which
 * retiree it belongs to and that retiree's heart-rate limits. Held in memory, loaded at start and
 * kept current by the API that changes devices and retirees.
 */
import type { DeviceDirectory, DeviceIdentity, HeartRateLimits } from '../../gateway/index.ts';
import { tokenMatches } from '../auth/secrets.ts';
import type { DeviceRecords } from '../records/devices.ts';
import type { RetireeRecords } from '../records/retirees.ts';

interface Entry extends DeviceIdentity {
  secretHash: string;
}

export class Directory implements DeviceDirectory {
  private readonly devices = new Map<string, Entry>();
  private readonly limits = new Map<string, { low: number | null; high: number | null }>();

  constructor(
    private readonly deviceRecords: DeviceRecords,
    private readonly retireeRecords: RetireeRecords,
    private readonly defaults: HeartRateLimits,
  ) {}

  async load(): Promise<void> {
    for (const device of await this.deviceRecords.list()) {
      this.devices.set(device.id, {
        type: device.type,
        retireeId: device.retireeId,
        secretHash: device.secretHash,
      });
    }
    for (const retiree of await this.retireeRecords.list()) {
      this.limits.set(retiree.id, { low: retiree.hrLow, high: retiree.hrHigh });
    }
  }

  async authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null> {
    let entry = this.devices.get(deviceId);
    if (!entry) {
      // Registered by another hub instance since we loaded.
      const record = await this.deviceRecords.byId(deviceId);
      if (!record) return null;
      entry = { type: record.type, retireeId: record.retireeId, secretHash: record.secretHash };
      this.devices.set(deviceId, entry);
    }
    if (!tokenMatches(secret, entry.secretHash)) return null;
    return { type: entry.type, retireeId: entry.retireeId };
  }

  lookup(deviceId: string): DeviceIdentity | undefined {
    const entry = this.devices.get(deviceId);
    return entry ? { type: entry.type, retireeId: entry.retireeId } : undefined;
  }

  putDevice(deviceId: string, entry: Entry): void {
    this.devices.set(deviceId, entry);
  }

  putRetiree(retireeId: string, limits: { low: number | null; high: number | null }): void {
    this.limits.set(retireeId, limits);
  }

  /** A retiree's effective heart-rate range: their own bounds where set, else the centre's. */
  rangeOf(retiree: { hrLow: number | null; hrHigh: number | null }): {
    low: number;
    high: number;
    source: 'retiree' | 'centre';
  } {
    return {
      low: retiree.hrLow ?? this.defaults.low,
      high: retiree.hrHigh ?? this.defaults.high,
      source: retiree.hrLow !== null || retiree.hrHigh !== null ? 'retiree' : 'centre',
    };
  }

  /** The retiree's own range where set, else the centre's defaults. */
  heartRateLimits(deviceId: string): HeartRateLimits {
    const retireeId = this.devices.get(deviceId)?.retireeId;
    const own = retireeId ? this.limits.get(retireeId) : undefined;
    return {
      low: own?.low ?? this.defaults.low,
      high: own?.high ?? this.defaults.high,
      consecutive: this.defaults.consecutive,
    };
  }
}
