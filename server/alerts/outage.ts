/**
 * An outage is one incident, not a wall of red: when a power cut or a network fault takes many
 * devices down at once, their `device_offline` candidates fold into ONE alert of kind `outage`
 * (severity high) whose detail lists the devices, instead of one alert per retiree. The desk then
 * works one item: it sees how many are still offline, and resolves it once.
 *
 * - At least `settings.devices` distinct devices offline within `settings.windowMs` (counted from
 *   the `device_offline` alerts still open or acknowledged, and the candidate itself) open the
 *   incident. Their alerts are resolved into it (outcome `genuine`: the devices were offline, no
 *   false alarm), each with a step `folded` naming the incident.
 * - While the incident is active, every further `device_offline` candidate joins it (step
 *   `offline_device`) and opens nothing of its own; any other kind (an SOS during the outage) is
 *   never touched.
 * - A device heard again (its status, a reading, an event) is marked back on the incident (step
 *   `device_back`); the detail shows how many are still offline.
 *
 * Two hub instances on one database open one incident: its subject is fixed (`outage:hub`), so the
 * database's one-active-alert index (subject, kind) refuses a second, and every decision runs under
 * one transaction-scoped advisory lock, so a count and the folding it leads to are never
 * interleaved with another instance's.
 */
import { ACTIVE_STATUSES, type AlertStatus, severityOf } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { AlertCandidate } from '../../devices/contract.ts';
import type { Database, Queryable } from '../db/database.ts';
import { HUB_DEVICE_ID } from '../devices/revocations.ts';
import type { Alert } from '../schemas/alerts.ts';
import { AlertStore } from '../store/alerts.ts';
import { isUniqueViolation } from '../store/rows.ts';
import type { AlertChanged } from './events.ts';

const OWNER = 'outage-grouping';

/** The incident's subject: one outage incident for the whole centre at a time. */
export const OUTAGE_SUBJECT = 'outage:hub';
/** The note a folded `device_offline` alert is resolved with. */
export const FOLDED_NOTE = '并入大面积离线事件';
/** Key of the advisory lock every grouping decision takes (any constant: the hub takes no other). */
const LOCK_KEY = 0x6f75_7461;
/** The statuses an offline alert is folded from: nobody has started acting on it yet. */
const FOLDABLE: readonly AlertStatus[] = ['open', 'acknowledged'];

export interface OutageSettings {
  /** Distinct devices offline within the window that make an outage. */
  devices: number;
  /** The window in which their `device_offline` candidates must arrive. */
  windowMs: number;
}

export const DEFAULT_OUTAGE: OutageSettings = { devices: 10, windowMs: 5 * 60_000 };

/** One device of the incident, as its detail lists it. */
export interface OutageDevice {
  deviceId: string;
  retireeId: string | null;
  /** When it was last heard before going offline (ISO 8601). */
  since: string;
  /** When it was heard again; null while it is still offline. */
  backAt: string | null;
}

/** An alert changed by the grouping, to be told to the bus once its transaction committed. */
interface Change {
  change: 'opened' | 'updated';
  id: string;
  statusChanged: boolean;
}

export class OutageGrouping {
  /** Devices still offline in the active incident, as this instance last read it. */
  private watching = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly clock: () => Date,
    private readonly settings: OutageSettings = DEFAULT_OUTAGE,
  ) {}

  start(): void {
    // Any sign of life brings a device back; the status is rare, so the records are asked each time,
    // readings and events are many, so only for the devices this instance knows to be out.
    this.bus.on('device.status', OWNER, async ({ deviceId, online, ts }) => {
      if (online) await this.back(deviceId, ts);
    });
    this.bus.on('device.telemetry', OWNER, async ({ deviceId, ts }) => {
      if (this.watching.has(deviceId)) await this.back(deviceId, ts);
    });
    this.bus.on('device.event', OWNER, async ({ deviceId }) => {
      if (this.watching.has(deviceId)) await this.back(deviceId, this.clock().getTime());
    });
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }

  /**
   * Before a `device_offline` candidate opens an alert of its own: the incident it joined or
   * opened, or null when it stands alone (no outage, and too few devices offline to make one).
   */
  absorb(candidate: AlertCandidate, retireeId: string | null): Promise<Alert | null> {
    const newcomer: OutageDevice = {
      deviceId: candidate.deviceId,
      retireeId,
      since:
        typeof candidate.detail.lastSeen === 'string'
          ? candidate.detail.lastSeen
          : new Date(candidate.ts).toISOString(),
      backAt: null,
    };
    return this.decide(new Date(candidate.ts), newcomer, null);
  }

  /**
   * After a `device_offline` alert was stored on its own: another candidate (of this instance or
   * another) may have opened the incident, or made the count, meanwhile; the alert then folds in.
   */
  settle(alertId: string, deviceId: string, at: Date): Promise<Alert | null> {
    return this.decide(at, null, { alertId, deviceId });
  }

  private async decide(
    at: Date,
    newcomer: OutageDevice | null,
    stored: { alertId: string; deviceId: string } | null,
  ): Promise<Alert | null> {
    let changes: Change[];
    try {
      changes = await this.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
        const records = new AlertStore(tx);
        const incident = await activeIncident(tx);
        const since = new Date(at.getTime() - this.settings.windowMs);
        const offline = await foldable(tx, since);
        if (incident) {
          const joining = newcomer
            ? [newcomer]
            : offline.filter((entry) => entry.alertId === stored?.alertId);
          const alertIds = stored && joining.length > 0 ? [stored.alertId] : [];
          if (joining.length === 0) return [];
          await this.join(records, incident, joining, at);
          await this.fold(records, incident.id, alertIds);
          return [
            { change: 'updated' as const, id: incident.id, statusChanged: false },
            ...alertIds.map((id) => ({ change: 'updated' as const, id, statusChanged: true })),
          ];
        }
        const devices = distinctDevices([...offline, ...(newcomer ? [{ ...newcomer, alertId: '' }] : [])]);
        if (devices.length < this.settings.devices) return [];
        const id = await records.insert({
          retireeId: null,
          deviceId: HUB_DEVICE_ID,
          kind: 'outage',
          severity: severityOf('outage'),
          subject: OUTAGE_SUBJECT,
          at,
          eventId: null,
          detail: this.detailOf(devices),
        });
        await records.addStep(id, 'opened', null, this.clock(), {
          devices: devices.length,
          windowSeconds: Math.round(this.settings.windowMs / 1000),
        });
        const alertIds = [...new Set(offline.map((entry) => entry.alertId))];
        await this.fold(records, id, alertIds);
        return [
          { change: 'opened' as const, id, statusChanged: false },
          ...alertIds.map((alertId) => ({ change: 'updated' as const, id: alertId, statusChanged: true })),
        ];
      });
    } catch (error) {
      // Another instance opened the incident between our read and insert: join it.
      if (isUniqueViolation(error)) return this.decide(at, newcomer, stored);
      throw error;
    }
    if (changes.length === 0) return null;
    const store = new AlertStore(this.db);
    let incident: Alert | null = null;
    for (const change of changes) {
      const alert = await store.byId(change.id);
      if (!alert) continue;
      if (alert.kind === 'outage') {
        incident = alert;
        this.remember(alert);
      }
      // A folded alert leaves the queue; its family is not told it was "resolved" one by one.
      const changed: AlertChanged = { change: change.change, alert, statusChanged: false };
      this.bus.emit('alert.changed', changed);
    }
    return incident;
  }

  /** Adds devices to the active incident (a device already listed and back is offline again). */
  private async join(
    records: AlertStore,
    incident: { id: string; devices: OutageDevice[] },
    joining: OutageDevice[],
    at: Date,
  ): Promise<void> {
    const devices = new Map(incident.devices.map((device) => [device.deviceId, device]));
    for (const device of joining) {
      devices.set(device.deviceId, { ...device, backAt: null });
      await records.addStep(incident.id, 'offline_device', null, this.clock(), {
        deviceId: device.deviceId,
        retireeId: device.retireeId,
      });
    }
    await records.addRepeat(incident.id, at, severityOf('outage'), this.detailOf([...devices.values()]));
  }

  /** Resolves the devices' own alerts into the incident, each with a step naming it. */
  private async fold(records: AlertStore, incidentId: string, alertIds: string[]): Promise<void> {
    const now = this.clock();
    for (const alertId of alertIds) {
      const moved = await records.transition(alertId, FOLDABLE, 'resolved', {
        at: now,
        actorId: null,
        outcome: 'genuine',
        note: FOLDED_NOTE,
      });
      if (!moved) continue;
      await records.addStep(alertId, 'folded', null, now, { into: incidentId, kind: 'outage' });
    }
  }

  /** A device of the active incident was heard again: marked back, once. */
  async back(deviceId: string, ts: number): Promise<Alert | null> {
    const id = await this.db.transaction(async (tx) => {
      const incident = await activeIncident(tx);
      if (!incident) return null;
      const device = incident.devices.find((entry) => entry.deviceId === deviceId);
      if (!device || device.backAt !== null) return null;
      device.backAt = new Date(ts).toISOString();
      await tx.query('update alerts set detail = detail || $2::jsonb where id = $1', [
        incident.id,
        JSON.stringify(this.detailOf(incident.devices)),
      ]);
      await new AlertStore(tx).addStep(incident.id, 'device_back', null, this.clock(), { deviceId });
      return incident.id;
    });
    if (!id) {
      this.watching.delete(deviceId);
      return null;
    }
    const alert = await new AlertStore(this.db).byId(id);
    if (!alert) return null;
    this.remember(alert);
    const changed: AlertChanged = { change: 'updated', alert, statusChanged: false };
    this.bus.emit('alert.changed', changed);
    return alert;
  }

  private detailOf(devices: OutageDevice[]): Record<string, unknown> {
    return {
      devices,
      count: devices.length,
      stillOffline: devices.filter((device) => device.backAt === null).length,
      threshold: this.settings.devices,
      windowSeconds: Math.round(this.settings.windowMs / 1000),
    };
  }

  private remember(incident: Alert): void {
    const devices = devicesOf(incident.detail);
    this.watching = new Set(
      devices.filter((device) => device.backAt === null).map((device) => device.deviceId),
    );
  }
}

/** The devices an incident's detail lists (nothing for a detail of another shape). */
export function devicesOf(detail: Record<string, unknown>): OutageDevice[] {
  return Array.isArray(detail.devices) ? (detail.devices as OutageDevice[]) : [];
}

/** The active incident, locked for update, with its devices. */
async function activeIncident(tx: Queryable): Promise<{ id: string; devices: OutageDevice[] } | null> {
  const [row] = await tx.query<{ id: string; detail: Record<string, unknown> }>(
    `select id, detail from alerts where subject = $1 and kind = 'outage'
        and status = any($2::text[]) for update`,
    [OUTAGE_SUBJECT, ACTIVE_STATUSES],
  );
  return row ? { id: row.id, devices: devicesOf(row.detail ?? {}) } : null;
}

/**
 * The devices of `device_offline` alerts nobody has started acting on, whose candidates (opening
 * or repeat, each naming its device) came within the window.
 */
async function foldable(tx: Queryable, since: Date): Promise<(OutageDevice & { alertId: string })[]> {
  const rows = await tx.query<{
    alert_id: string;
    device_id: string;
    step_device: string | null;
    retiree_id: string | null;
    last_seen: string | null;
    at: Date;
  }>(
    `select a.id as alert_id, a.device_id, s.detail->>'deviceId' as step_device, a.retiree_id,
            a.detail->>'lastSeen' as last_seen, s.at
       from alerts a join alert_steps s on s.alert_id = a.id
      where a.kind = 'device_offline' and a.status = any($1::text[])
        and s.action in ('opened', 'repeated') and s.at >= $2
      order by s.at`,
    [FOLDABLE, since],
  );
  return rows.map((row) => {
    const deviceId = row.step_device ?? row.device_id;
    return {
      alertId: row.alert_id,
      deviceId,
      retireeId: row.retiree_id,
      since: deviceId === row.device_id && row.last_seen ? row.last_seen : new Date(row.at).toISOString(),
      backAt: null,
    };
  });
}

/** One entry per device, the first seen. */
function distinctDevices(entries: (OutageDevice & { alertId: string })[]): OutageDevice[] {
  const devices = new Map<string, OutageDevice>();
  for (const { alertId: _alertId, ...device } of entries) {
    if (!devices.has(device.deviceId)) devices.set(device.deviceId, device);
  }
  return [...devices.values()];
}
