/**
 * The device directory the gateway asks: who a device is, whether its secret is right, which
 * retiree it belongs to and that retiree's heart-rate limits. Held in memory, loaded at start and
 * kept current by the API that changes devices and retirees. A revoked device stays known here as
 * revoked (so it is refused as not authorized, not as unknown), and every revocation and secret
 * replacement goes on the bus at once (`device.revoked`): the gateway ends the device's live
 * session, the device state shows a revoked device offline.
 *
 * With several hub instances, each has its own directory: a change made through one instance's API
 * is told on the bus (`directory.changed`, `device.revoked`), carried to the others
 * (server/cluster/relay.ts), where `refreshDevice` / `refreshRetiree` read it again from the records.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { RevocationCause } from '../../devices/contract.ts';
import { getDefinition, zigbeeDefinitionByType } from '../../devices/index.ts';
import type { BridgedDevice, DeviceDirectory, DeviceIdentity, HeartRateLimits } from '../../gateway/index.ts';
import { tokenMatches } from '../auth/secrets.ts';
import type { DeviceRecord, DeviceStore } from '../store/devices.ts';
import type { RetireeStore } from '../store/retirees.ts';
import type { DeviceRevocations } from './revocations.ts';
import { ZigbeeNetworks } from './zigbee-network.ts';

export interface Entry extends DeviceIdentity {
  secretHash: string;
  ieeeAddress?: string | null;
  friendlyName?: string | null;
}

declare module '../../devices/contract.ts' {
  interface HubEventMap {
    /** A device or a retiree was registered or changed through this instance's API. */
    'directory.changed': { kind: 'device' | 'retiree'; id: string };
  }
}

/** The directory's entry for a device record. */
export function entryOf(record: DeviceRecord): Entry {
  return {
    type: record.type,
    retireeId: record.retireeId,
    secretHash: record.secretHash,
    bridgeId: record.bridgeId,
    ieeeAddress: record.ieeeAddress,
    friendlyName: record.friendlyName,
    options: record.options,
  };
}

/** A retiree's own alert thresholds; null where the centre's default applies. */
export interface RetireeLimits {
  low: number | null;
  high: number | null;
  spo2Low: number | null;
}

export class Directory implements DeviceDirectory {
  private readonly devices = new Map<string, Entry>();
  /** What `lookup` answers, made once per entry: the broker asks several times for every message. */
  private readonly identities = new Map<string, DeviceIdentity>();
  /** Zigbee sensor ids by the bridge they speak through. */
  private readonly byBridge = new Map<string, Set<string>>();
  private readonly limits = new Map<string, RetireeLimits>();
  /** Revoked devices: they open nothing and are refused as not authorized. */
  private readonly revoked = new Set<string>();
  /**
   * What the bridges said of their networks. Heard from the directory's construction on, before
   * the broker starts, so a bridge's retained device list at connect is never missed.
   */
  readonly zigbeeNetworks: ZigbeeNetworks;

  constructor(
    private readonly bus: EventBus,
    private readonly deviceRecords: DeviceStore,
    private readonly retireeRecords: RetireeStore,
    private readonly defaults: HeartRateLimits,
    private readonly revocations?: DeviceRevocations,
  ) {
    this.zigbeeNetworks = new ZigbeeNetworks(bus);
  }

  async load(): Promise<void> {
    for (const device of await this.deviceRecords.list()) this.keep(device.id, entryOf(device));
    if (this.revocations) {
      for (const [deviceId, state] of await this.revocations.states()) {
        if (state.revokedAt) this.revoked.add(deviceId);
      }
    }
    for (const retiree of await this.retireeRecords.list()) {
      this.limits.set(retiree.id, { low: retiree.hrLow, high: retiree.hrHigh, spo2Low: retiree.spo2Low });
    }
  }

  async authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null> {
    if (this.revoked.has(deviceId)) return null;
    let entry = this.devices.get(deviceId);
    if (!entry) {
      // Registered by another hub instance since we loaded.
      const record = await this.deviceRecords.byId(deviceId);
      if (!record) return null;
      if (this.revocations && (await this.revocations.states()).get(deviceId)?.revokedAt) {
        this.revoked.add(deviceId);
        return null;
      }
      entry = entryOf(record);
      this.keep(deviceId, entry);
    }
    // A Zigbee sensor speaks only through its bridge; its own credential opens nothing.
    if (zigbeeDefinitionByType(entry.type)) return null;
    if (!tokenMatches(secret, entry.secretHash)) return null;
    return identityOf(entry);
  }

  lookup(deviceId: string): DeviceIdentity | undefined {
    if (this.revoked.has(deviceId)) return undefined;
    return this.identities.get(deviceId);
  }

  /**
   * What the offline detector reads of a device: who it is and what powers it. A Zigbee sensor's
   * own word, from its bridge's `bridge/devices` (`power_source`), decides; else its model's
   * definition; else battery, the shorter wait, so a device of unknown supply is missed no later.
   */
  profile(deviceId: string): (DeviceIdentity & { power: 'battery' | 'mains' }) | undefined {
    const identity = this.lookup(deviceId);
    if (!identity) return undefined;
    const entry = this.devices.get(deviceId);
    const said = entry?.bridgeId ? this.zigbeeNetworks.powerOf(entry.bridgeId, entry) : undefined;
    const power = said ?? getDefinition(identity.type)?.power ?? zigbeeDefinitionByType(identity.type)?.power;
    return { ...identity, power: power ?? 'battery' };
  }

  isRevoked(deviceId: string): boolean {
    return this.revoked.has(deviceId);
  }

  /** The type of a device, revoked or not (lookup hides revoked ones). */
  typeOf(deviceId: string): string | undefined {
    return this.devices.get(deviceId)?.type;
  }

  /** The device was revoked in the records: it opens nothing from now on, and its session ends. */
  revoke(deviceId: string): void {
    this.revoked.add(deviceId);
    this.tell(deviceId, 'revoked');
  }

  /** The device's secret was replaced in the records: the old one stops working, its session ends. */
  replaceSecret(deviceId: string, secretHash: string): void {
    const entry = this.devices.get(deviceId);
    if (entry) this.devices.set(deviceId, { ...entry, secretHash });
    this.tell(deviceId, 'secret_replaced');
  }

  private tell(deviceId: string, cause: RevocationCause): void {
    this.bus.emit('device.revoked', { deviceId, cause });
  }

  bridged(bridgeId: string): BridgedDevice[] {
    const result: BridgedDevice[] = [];
    for (const deviceId of this.byBridge.get(bridgeId) ?? []) {
      const entry = this.devices.get(deviceId);
      if (!entry || this.revoked.has(deviceId)) continue;
      result.push({
        deviceId,
        type: entry.type,
        retireeId: entry.retireeId,
        ieeeAddress: entry.ieeeAddress ?? null,
        friendlyName: entry.friendlyName ?? null,
        options: entry.options ?? {},
      });
    }
    return result;
  }

  /** Bridges by id, for checks at registration (one bridge per base topic). */
  bridges(): { deviceId: string; baseTopic: string | undefined }[] {
    return [...this.devices.entries()]
      .filter(([deviceId, entry]) => entry.type === 'bridge.zigbee2mqtt' && !this.revoked.has(deviceId))
      .map(([deviceId, entry]) => ({ deviceId, baseTopic: entry.options?.baseTopic }));
  }

  /** A device registered or changed here: kept, and told to the other instances. */
  putDevice(deviceId: string, entry: Entry): void {
    this.keep(deviceId, entry);
    this.bus.emit('directory.changed', { kind: 'device', id: deviceId });
  }

  /** A device whose registration was undone here: gone, and told to the other instances. */
  forgetDevice(deviceId: string): void {
    this.drop(deviceId);
    this.bus.emit('directory.changed', { kind: 'device', id: deviceId });
  }

  /** A device as the records have it now (changed on another instance). */
  async refreshDevice(deviceId: string): Promise<void> {
    const record = await this.deviceRecords.byId(deviceId);
    if (!record) {
      this.drop(deviceId);
      return;
    }
    this.keep(deviceId, entryOf(record));
    if (this.revocations && (await this.revocations.isRevoked(deviceId))) this.revoked.add(deviceId);
    else this.revoked.delete(deviceId);
  }

  /** A retiree's limits as the records have them now (changed on another instance). */
  async refreshRetiree(retireeId: string): Promise<void> {
    const retiree = await this.retireeRecords.byId(retireeId);
    if (!retiree) this.limits.delete(retireeId);
    else this.limits.set(retireeId, { low: retiree.hrLow, high: retiree.hrHigh, spo2Low: retiree.spo2Low });
  }

  private drop(deviceId: string): void {
    const previous = this.devices.get(deviceId);
    if (previous?.bridgeId) this.byBridge.get(previous.bridgeId)?.delete(deviceId);
    this.devices.delete(deviceId);
    this.identities.delete(deviceId);
  }

  private keep(deviceId: string, entry: Entry): void {
    const previous = this.devices.get(deviceId);
    if (previous?.bridgeId) this.byBridge.get(previous.bridgeId)?.delete(deviceId);
    this.devices.set(deviceId, entry);
    this.identities.set(deviceId, Object.freeze(identityOf(entry)));
    if (entry.bridgeId) {
      const set = this.byBridge.get(entry.bridgeId) ?? new Set<string>();
      set.add(deviceId);
      this.byBridge.set(entry.bridgeId, set);
    }
  }

  putRetiree(retireeId: string, limits: RetireeLimits): void {
    this.limits.set(retireeId, limits);
    this.bus.emit('directory.changed', { kind: 'retiree', id: retireeId });
  }

  /** The retiree's own SpO2 limit, or null for the centre's. */
  oxygenLow(deviceId: string): number | null {
    const retireeId = this.devices.get(deviceId)?.retireeId;
    return (retireeId ? this.limits.get(retireeId)?.spo2Low : null) ?? null;
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

function identityOf(entry: Entry): DeviceIdentity {
  const identity: DeviceIdentity = { type: entry.type, retireeId: entry.retireeId };
  if (entry.bridgeId) identity.bridgeId = entry.bridgeId;
  if (entry.options && Object.keys(entry.options).length > 0) identity.options = entry.options;
  return identity;
}
