/**
 * Where the retirees are (防走失): every `device.position` from a watch (gateway/readings.ts) is
 * kept as its retiree's latest fix, unless a newer one is stored, and judged against the retiree's
 * safe zone by the rule of ./zone.ts. Leaving it proposes a `wander` alert (`alert.candidate`,
 * like the detection rules), with the latest fixes in its detail; the alert workflow opens it, or
 * folds a repeat into the one still active. Coming back inside is noted on the active alert as a
 * `returned` step. Fixes of one retiree are handled one after another; the rule's state is stored
 * with the zone, so a restart changes nothing. A departure is stored before its alert is proposed
 * and stays pending until the workflow has taken it: a failed proposal is made again at the next
 * fix outside, and one cut short by a stop when an instance next starts running the jobs that must
 * run once (`resumePending`).
 */
import { severityOf } from '../../devices/alerts.ts';
import type { EventBus } from '../../devices/bus.ts';
import type { DevicePosition } from '../../devices/contract.ts';
import type { AlertWorkflow } from '../alerts/workflow.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../devices/directory.ts';
import { CellTowers } from './cells.ts';
import { amapLink, type LatLon } from './geo.ts';
import { LocationStore, type PlacedPosition } from './store.ts';
import { AccessPoints } from './wifi.ts';
import { applyFix, type SafeZone, type ZoneState } from './zone.ts';

const OWNER = 'location';

/** What happened to a fix, as counted in `hub_location_fixes_total`. */
export type FixOutcome = 'kept' | 'older' | 'unbound' | 'failed' | 'unplaced';

export interface LocationServiceOptions {
  db: Database;
  bus: EventBus;
  directory: Pick<Directory, 'lookup'>;
  workflow: Pick<AlertWorkflow, 'noteOnActive'>;
  onError: (error: unknown) => void;
  count?: (outcome: FixOutcome) => void;
  clock?: () => Date;
}

function withLinks(recent: ZoneState['recent']) {
  return recent.map((fix) => ({ ...fix, fixedAt: new Date(fix.ts).toISOString(), mapUrl: amapLink(fix) }));
}

export class LocationService {
  private readonly store: LocationStore;
  private readonly towers: CellTowers;
  private readonly accessPoints: AccessPoints;
  /** Each retiree's fixes, one after another. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly options: LocationServiceOptions) {
    this.store = new LocationStore(options.db);
    this.towers = new CellTowers(options.db);
    this.accessPoints = new AccessPoints(options.db);
  }

  start(): void {
    this.options.bus.on('device.position', OWNER, ({ deviceId, position }) => {
      void this.take(deviceId, position);
    });
  }

  /**
   * Proposes again the departures left pending (a proposal cut short by a stop or a crash): on the
   * one instance that runs the jobs that must run once, when it starts running them.
   */
  resumePending(): void {
    void this.store
      .pendingDepartures()
      .then((pending) => {
        for (const { retireeId, deviceId } of pending) {
          void this.queue(retireeId, () => this.proposePending(retireeId, deviceId));
        }
      })
      .catch((error: unknown) => this.options.onError(error));
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    await Promise.allSettled([...this.queues.values()]);
  }

  /** Handles one fix after the retiree's earlier ones; resolves once it is stored and judged. */
  take(deviceId: string, position: DevicePosition): Promise<void> {
    const retireeId = this.options.directory.lookup(deviceId)?.retireeId;
    if (!retireeId) {
      this.options.count?.('unbound');
      return Promise.resolve();
    }
    return this.queue(retireeId, () =>
      this.handle(retireeId, deviceId, position).catch((error: unknown) => {
        this.options.count?.('failed');
        throw error;
      }),
    );
  }

  /** Runs `work` after the retiree's earlier work; its failure is reported, never thrown. */
  private queue(retireeId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(retireeId) ?? Promise.resolve();
    const next = previous.then(() => work().catch((error: unknown) => this.options.onError(error)));
    this.queues.set(retireeId, next);
    void next.finally(() => {
      if (this.queues.get(retireeId) === next) this.queues.delete(retireeId);
    });
    return next;
  }

  /**
   * A satellite fix teaches the hub where the access points it heard stand (./wifi.ts). A report
   * with no fix is placed near the learned access points it hears, as a `wifi` place, else near the
   * known towers (./cells.ts), as a `cell` place, each with its accuracy. The safe-zone rule
   * judges a Wi-Fi place (tens of metres) but not a cell one (./zone.ts); staff see both. A report
   * with neither a fix nor a known access point or tower is not a place.
   */
  private async placed(position: DevicePosition): Promise<PlacedPosition | null> {
    const noFix = position.lat === 0 && position.lon === 0;
    if (position.valid && !noFix) {
      if (position.source === 'gps' && position.wifi?.length) {
        await this.accessPoints.learn(position, position.wifi, new Date(position.ts));
      }
      return position;
    }
    const at = (place: LatLon & { accuracyM: number }, source: 'wifi' | 'cell'): PlacedPosition => ({
      ...position,
      lat: place.lat,
      lon: place.lon,
      valid: true,
      source,
      accuracyM: place.accuracyM,
    });
    const nearRouters = position.wifi?.length ? await this.accessPoints.locate(position.wifi) : null;
    if (nearRouters) return at(nearRouters, 'wifi');
    const nearTowers = position.cells?.length ? await this.towers.locate(position.cells) : null;
    if (nearTowers) return at(nearTowers, 'cell');
    return noFix ? null : position;
  }

  private async handle(retireeId: string, deviceId: string, reported: DevicePosition): Promise<void> {
    const position = await this.placed(reported);
    if (!position) {
      this.options.count?.('unplaced');
      return;
    }
    const now = this.options.clock?.() ?? new Date();
    const judged = await this.options.db.transaction(async (tx) => {
      const store = new LocationStore(tx);
      const kept = await store.keep(retireeId, deviceId, position, now);
      const current = await store.zoneForUpdate(retireeId);
      if (!current) return { kept, verdict: null, state: null, zone: null };
      const { state, verdict } = applyFix(current.zone, current.state, position);
      if (state !== current.state) await store.saveState(retireeId, state);
      return { kept, verdict, state, zone: current.zone };
    });
    this.options.count?.(judged.kept ? 'kept' : 'older');
    const { verdict, state, zone } = judged;
    if (!verdict || !state || !zone) return;
    const last = state.recent.at(-1);
    if (verdict === 'left') {
      await this.propose(retireeId, deviceId, zone, state);
      return;
    }
    await this.options.workflow.noteOnActive(deviceId, 'wander', 'returned', {
      fixedAt: new Date(position.ts).toISOString(),
      lat: position.lat,
      lon: position.lon,
      source: position.source,
      distanceM: last?.distanceM ?? null,
      mapUrl: amapLink(position),
    });
  }

  /**
   * Proposes the `wander` alert of a departure, then marks the departure taken. The workflow folds
   * a repeat into the alert still active, so proposing one twice opens one alert.
   */
  private async propose(
    retireeId: string,
    deviceId: string,
    zone: SafeZone,
    state: ZoneState,
  ): Promise<void> {
    const last = state.recent.at(-1);
    await this.options.bus.emitAndWait('alert.candidate', {
      deviceId,
      kind: 'wander',
      severity: severityOf('wander'),
      ts: last?.ts ?? Date.now(),
      detail: {
        zone: { lat: zone.lat, lon: zone.lon, radiusM: zone.radiusM, mapUrl: amapLink(zone) },
        distanceM: last?.distanceM ?? null,
        positions: withLinks(state.recent),
      },
    });
    await this.store.departureTaken(retireeId);
  }

  /** A departure stored before the last stop, its alert not yet taken: proposed now. */
  private async proposePending(retireeId: string, deviceId: string): Promise<void> {
    const current = await this.options.db.transaction((tx) => new LocationStore(tx).zoneForUpdate(retireeId));
    if (!current?.state.outside || !current.state.pending) return;
    await this.propose(retireeId, deviceId, current.zone, current.state);
  }

  /** The store, for the API's reads and the safe zone's changes. */
  get records(): LocationStore {
    return this.store;
  }
}
