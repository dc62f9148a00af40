/**
 * The live wall: one summary per retiree, loaded on each socket connection and then moved by
 * `reading`, `device` and `alert` events. An event naming a retiree or device the wall does not
 * know (one registered or bound since the load) fetches the list again; never on a timer.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Alert, DeviceUpdate, ReadingUpdate, RetireeSummary } from '../../../server/schemas/index.ts';
import { listRetirees } from '../api/retirees.ts';
import { severityOrder } from '../composables/labels.ts';
import { type RetireeAlertState, useAlertStore } from './alerts.ts';

export type TileState = 'alert' | 'handling' | 'normal';

export interface Tile {
  retiree: RetireeSummary;
  state: TileState;
  alerts: RetireeAlertState;
}

const noAlerts: RetireeAlertState = { open: 0, acknowledged: 0, worst: null };
const tileRank: Record<TileState, number> = { alert: 0, handling: 1, normal: 2 };

/** Fetches of the list start at least this far apart, however many unknown ids arrive. */
const fetchGapMs = 2000;

interface Unknown {
  retireeId: string;
  deviceId: string;
  seenAt: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

export const useWallStore = defineStore('wall', () => {
  const retirees = ref<RetireeSummary[]>([]);
  const loaded = ref(false);
  const alerts = useAlertStore();

  // At most one fetch runs, and at most one more waits for its turn behind it.
  let running: Promise<void> | null = null;
  let waiting: Promise<void> | null = null;
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  // Bumped by clear() (sign-out): a fetch that was under way then must not bring the list back.
  let generation = 0;
  /** Retiree/device pairs named by events but missing from the list, keyed `retireeId/deviceId`. */
  const unknown = new Map<string, Unknown>();
  /**
   * Pairs still missing from a list fetched after they were first seen (a retiree since removed,
   * say). Asking again would not help, so they are left alone until the next connection.
   */
  const absent = new Set<string>();

  function fetchNow(): Promise<void> {
    const mine = generation;
    const startedAt = Date.now();
    lastStartedAt = startedAt;
    const current = listRetirees()
      .then((list) => {
        if (mine !== generation) return;
        retirees.value = list;
        loaded.value = true;
        settleUnknown(startedAt);
      })
      .finally(() => {
        if (running === current) running = null;
      });
    running = current;
    return current;
  }

  /** Resolves when the next fetch may start: after the one in flight, and `fetchGapMs` after it began. */
  async function nextTurn(): Promise<void> {
    if (running) await running.catch(() => undefined);
    const wait = lastStartedAt + fetchGapMs - Date.now();
    if (wait > 0) await delay(wait);
  }

  /** Ask for a fetch; calls made while one is already waiting share it. */
  function scheduleFetch(): Promise<void> {
    if (waiting) return waiting;
    const mine = generation;
    const next: Promise<void> = nextTurn().then(() => {
      if (waiting === next) waiting = null;
      if (mine !== generation) return;
      return fetchNow();
    });
    waiting = next;
    return next;
  }

  /** On every (re)connection: events sent while the link was down are not replayed. */
  function load(): Promise<void> {
    absent.clear();
    return scheduleFetch();
  }

  function knows(retireeId: string, deviceId: string): boolean {
    const retiree = retirees.value.find((candidate) => candidate.id === retireeId);
    return retiree?.devices.some((device) => device.id === deviceId) ?? false;
  }

  /**
   * After a fetch that started at `startedAt`: pairs now on the wall are done; pairs seen before it
   * started but still missing are not coming; pairs seen while it ran need one more fetch.
   */
  function settleUnknown(startedAt: number): void {
    let again = false;
    for (const [key, entry] of unknown) {
      if (knows(entry.retireeId, entry.deviceId)) unknown.delete(key);
      else if (entry.seenAt < startedAt) {
        unknown.delete(key);
        absent.add(key);
      } else again = true;
    }
    if (again) void scheduleFetch().catch(() => undefined);
  }

  /**
   * An event named this retiree and device. A device that belongs to no retiree has no tile, so
   * only events with a retiree count.
   */
  function notice(retireeId: string | null, deviceId: string): void {
    if (!retireeId || (loaded.value && knows(retireeId, deviceId))) return;
    const key = `${retireeId}/${deviceId}`;
    if (absent.has(key)) return;
    if (!unknown.has(key)) unknown.set(key, { retireeId, deviceId, seenAt: Date.now() });
    // While a fetch runs, its settling decides whether another one is needed.
    if (!running) void scheduleFetch().catch(() => undefined);
  }

  function find(retireeId: string | null, deviceId: string): RetireeSummary | undefined {
    if (retireeId) return retirees.value.find((retiree) => retiree.id === retireeId);
    return retirees.value.find((retiree) => retiree.devices.some((device) => device.id === deviceId));
  }

  function applyReading(update: ReadingUpdate): void {
    notice(update.retireeId, update.deviceId);
    if (!loaded.value) return;
    const retiree = find(update.retireeId, update.deviceId);
    if (!retiree) return;
    const hr = update.readings.hr;
    if (typeof hr === 'number' && (!retiree.hrAt || update.ts >= retiree.hrAt)) {
      retiree.hr = hr;
      retiree.hrAt = update.ts;
    }
    const device = retiree.devices.find((candidate) => candidate.id === update.deviceId);
    if (device) {
      // A device that sends data is online, whatever the last status message said.
      device.online = true;
      device.lastSeenAt = update.ts;
      const battery = update.readings.battery;
      if (typeof battery === 'number') device.battery = battery;
    }
  }

  function applyDevice(update: DeviceUpdate): void {
    notice(update.retireeId, update.deviceId);
    if (!loaded.value) return;
    const retiree = find(update.retireeId, update.deviceId);
    const device = retiree?.devices.find((candidate) => candidate.id === update.deviceId);
    if (!device) return;
    device.online = update.online;
    device.battery = update.battery;
    device.lastSeenAt = update.lastSeenAt;
  }

  /** Alerts themselves live in the alert store; the wall only needs to know the retiree exists. */
  function applyAlert(alert: Alert): void {
    notice(alert.retireeId, alert.deviceId);
  }

  function clear(): void {
    generation++;
    running = null;
    waiting = null;
    unknown.clear();
    absent.clear();
    retirees.value = [];
    loaded.value = false;
  }

  /**
   * Tiles with an unacknowledged alert first (worst severity first), then those being handled,
   * then everyone else by name. Until the alert list has loaded, the server's count is used.
   */
  const tiles = computed<Tile[]>(() => {
    const collator = new Intl.Collator('zh-CN');
    return retirees.value
      .map((retiree): Tile => {
        const state = alerts.loaded
          ? (alerts.byRetiree.get(retiree.id) ?? noAlerts)
          : { open: retiree.openAlerts, acknowledged: 0, worst: null };
        const tileState: TileState =
          state.open > 0 ? 'alert' : state.acknowledged > 0 ? 'handling' : 'normal';
        return { retiree, state: tileState, alerts: state };
      })
      .sort(
        (a, b) =>
          tileRank[a.state] - tileRank[b.state] ||
          (a.alerts.worst ? severityOrder(a.alerts.worst) : 9) -
            (b.alerts.worst ? severityOrder(b.alerts.worst) : 9) ||
          collator.compare(a.retiree.name, b.retiree.name),
      );
  });

  const offlineDevices = computed(() =>
    retirees.value.reduce(
      (sum, retiree) => sum + retiree.devices.filter((device) => !device.online).length,
      0,
    ),
  );

  function byId(id: string): RetireeSummary | undefined {
    return retirees.value.find((retiree) => retiree.id === id);
  }

  return {
    retirees,
    loaded,
    tiles,
    offlineDevices,
    load,
    applyReading,
    applyDevice,
    applyAlert,
    clear,
    byId,
  };
});
