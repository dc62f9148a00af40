/**
 * The live wall, a page at a time (`GET /api/wall`): the server orders every retiree attention
 * first (unacknowledged alerts, worst first; then alerts being handled; then everyone by name), so
 * an emergency is on page 1 whatever page or filter was chosen. The page is loaded on each socket
 * connection and whenever an `alert` event arrives (a new emergency moves to the top of page 1);
 * `reading` and `device` events move the tiles in between. A device of a retiree on the page that
 * the page does not list (bound since the load) fetches the page again. Never on a timer.
 *
 * Beyond the page, the store keeps what other views follow live: every summary it has loaded or been
 * given (`byId`, for the retiree page and the alert queue) and the last state of every device an
 * event named (`device`, for the device list).
 *
 * The hub sends the readings of what is on screen alone. Each view showing retirees or devices says
 * which (`show`, usually through `useShownReadings`), and `shown` is what the live store asks the hub
 * for: the wall page's retirees, the retiree open, the device list's page.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { WATCH_LIMIT } from '../../../server/live/watch-limit.ts';
import type {
  Alert,
  DeviceBrief,
  DeviceUpdate,
  ReadingUpdate,
  RetireeSummary,
  WallTile,
  WatchRequest,
} from '../../../server/schemas/index.ts';
import { listWall } from '../api/retirees.ts';
import { severityOrder } from '../composables/labels.ts';
import { type RetireeAlertState, useAlertStore } from './alerts.ts';

export type TileState = 'alert' | 'handling' | 'normal';

export interface Tile {
  retiree: RetireeSummary;
  state: TileState;
  alerts: RetireeAlertState;
}

export const WALL_PAGE_SIZE = 120;

const noAlerts: RetireeAlertState = { open: 0, acknowledged: 0, worst: null };
const tileRank: Record<TileState, number> = { alert: 0, handling: 1, normal: 2 };

/** Fetches of the page start at least this far apart, however many events ask for one. */
const fetchGapMs = 2000;

interface Unknown {
  retireeId: string;
  deviceId: string;
  seenAt: number;
}

export const useWallStore = defineStore('wall', () => {
  /** The current page, in the server's order. */
  const retirees = ref<WallTile[]>([]);
  const loaded = ref(false);
  /** Tiles the list holds with the current filter, retirees needing attention, offline devices: the server's. */
  const total = ref(0);
  const attention = ref(0);
  const offlineDevices = ref(0);
  const page = ref(1);
  const filter = ref('');
  const alerts = useAlertStore();

  /** Every summary loaded or followed since sign-in, by retiree id: the page's tiles are among them. */
  const known = reactive(new Map<string, RetireeSummary>());
  /** The last known state of each device, from the pages and from every device event since. */
  const devices = reactive(new Map<string, DeviceBrief>());
  /**
   * When each device's shown battery level was measured (epoch ms): readings arrive in batches about
   * once a second and a status message at once, so an older level must not replace a newer one.
   */
  const batteryAt = new Map<string, number>();

  /** True, and remembered, when a level measured at `at` is at least as new as the one shown. */
  function newerBattery(deviceId: string, at: number): boolean {
    if (at < (batteryAt.get(deviceId) ?? Number.NEGATIVE_INFINITY)) return false;
    batteryAt.set(deviceId, at);
    return true;
  }

  /** What each view on screen shows, by the view's key. */
  const screens = reactive(new Map<string, WatchRequest>());

  /** A view shows these retirees and devices (replacing what it showed); none: it shows nothing now. */
  function show(key: string, what: Partial<WatchRequest> | null): void {
    if (!what || ((what.retirees?.length ?? 0) === 0 && (what.devices?.length ?? 0) === 0)) {
      screens.delete(key);
      return;
    }
    screens.set(key, { retirees: what.retirees ?? [], devices: what.devices ?? [] });
  }

  /** Everything on screen, once each, within what the hub takes from one dashboard. */
  const shown = computed<WatchRequest>(() => {
    const retirees = new Set<string>();
    const devices = new Set<string>();
    for (const screen of screens.values()) {
      for (const id of screen.retirees) retirees.add(id);
      for (const id of screen.devices) devices.add(id);
    }
    return {
      retirees: [...retirees].slice(0, WATCH_LIMIT),
      devices: [...devices].slice(0, WATCH_LIMIT),
    };
  });

  // At most one fetch runs, and at most one more waits for its turn behind it.
  let running: Promise<void> | null = null;
  let waiting: Promise<void> | null = null;
  /** Ends the waiting fetch's pause early: the user asked for another page or filter. */
  let wake: (() => void) | null = null;
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  // Bumped by clear() (sign-out): a fetch that was under way then must not bring the list back.
  let generation = 0;
  /** Retiree/device pairs named by events but missing from the page, keyed `retireeId/deviceId`. */
  const unknown = new Map<string, Unknown>();
  /**
   * Pairs still missing from a page fetched after they were first seen (a device since unbound,
   * say). Asking again would not help, so they are left alone until the next connection.
   */
  const absent = new Set<string>();

  const paramsKey = () => `${page.value}|${filter.value}`;

  function fetchNow(): Promise<void> {
    const mine = generation;
    const key = paramsKey();
    const startedAt = Date.now();
    lastStartedAt = startedAt;
    const current = listWall({
      limit: WALL_PAGE_SIZE,
      offset: (page.value - 1) * WALL_PAGE_SIZE,
      q: filter.value.trim(),
    })
      .then((answer) => {
        // Signed out meanwhile, or another page asked for (its own fetch is on its way).
        if (mine !== generation || key !== paramsKey()) return;
        retirees.value = answer.items;
        total.value = answer.total;
        attention.value = answer.attention;
        offlineDevices.value = answer.offlineDevices;
        loaded.value = true;
        for (const tile of retirees.value) {
          known.set(tile.id, tile);
          for (const device of tile.devices) devices.set(device.id, { ...device });
        }
        // A page past the end (the list got shorter): show the last one instead.
        const last = Math.max(1, Math.ceil(answer.total / WALL_PAGE_SIZE));
        if (page.value > last) {
          page.value = last;
          void scheduleFetch(true).catch(() => undefined);
          return;
        }
        settleUnknown(startedAt);
      })
      .finally(() => {
        if (running === current) running = null;
      });
    running = current;
    return current;
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        window.clearTimeout(timer);
        if (wake === done) wake = null;
        resolve();
      };
      const timer = window.setTimeout(done, ms);
      wake = done;
    });
  }

  /** Resolves when the next fetch may start: after the one in flight, and `fetchGapMs` after it began. */
  async function nextTurn(urgent: boolean): Promise<void> {
    if (running) await running.catch(() => undefined);
    const wait = lastStartedAt + fetchGapMs - Date.now();
    if (wait > 0 && !urgent) await pause(wait);
  }

  /**
   * Ask for a fetch; calls made while one is already waiting share it. An urgent one (the user
   * turned a page or typed a name) does not wait out the gap between fetches.
   */
  function scheduleFetch(urgent = false): Promise<void> {
    if (waiting) {
      if (urgent) wake?.();
      return waiting;
    }
    const mine = generation;
    const next: Promise<void> = nextTurn(urgent).then(() => {
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
    return scheduleFetch(true);
  }

  function setPage(value: number): Promise<void> {
    if (value === page.value) return Promise.resolve();
    page.value = value;
    return scheduleFetch(true);
  }

  /** A new name filter starts again at page 1. */
  function setFilter(text: string): Promise<void> {
    if (text.trim() === filter.value.trim()) return Promise.resolve();
    filter.value = text;
    page.value = 1;
    return scheduleFetch(true);
  }

  function onPage(retireeId: string): WallTile | undefined {
    return retirees.value.find((candidate) => candidate.id === retireeId);
  }

  /**
   * After a fetch that started at `startedAt`: pairs now on the page are done; pairs seen before it
   * started but still missing are not coming; pairs seen while it ran need one more fetch.
   */
  function settleUnknown(startedAt: number): void {
    let again = false;
    for (const [key, entry] of unknown) {
      const retiree = onPage(entry.retireeId);
      if (!retiree || retiree.devices.some((device) => device.id === entry.deviceId)) unknown.delete(key);
      else if (entry.seenAt < startedAt) {
        unknown.delete(key);
        absent.add(key);
      } else again = true;
    }
    if (again) void scheduleFetch().catch(() => undefined);
  }

  /**
   * An event named this retiree and device. Only a retiree on the page matters here: a device of
   * theirs the page does not list was bound since the load, and the page is fetched again.
   */
  function notice(retireeId: string | null, deviceId: string): void {
    if (!retireeId || !loaded.value) return;
    const retiree = onPage(retireeId);
    if (!retiree || retiree.devices.some((device) => device.id === deviceId)) return;
    const key = `${retireeId}/${deviceId}`;
    if (absent.has(key)) return;
    if (!unknown.has(key)) unknown.set(key, { retireeId, deviceId, seenAt: Date.now() });
    // While a fetch runs, its settling decides whether another one is needed.
    if (!running) void scheduleFetch().catch(() => undefined);
  }

  function find(retireeId: string | null, deviceId: string): RetireeSummary | undefined {
    if (retireeId) return known.get(retireeId);
    for (const retiree of known.values())
      if (retiree.devices.some((device) => device.id === deviceId)) return retiree;
    return undefined;
  }

  /** A bound device's online state changed: the server's count moves with it until the next fetch. */
  function countOnline(retireeId: string | null, deviceId: string, online: boolean): void {
    const before = devices.get(deviceId);
    if (!retireeId || !before || before.online === online) return;
    offlineDevices.value = Math.max(0, offlineDevices.value + (online ? -1 : 1));
  }

  function applyReading(update: ReadingUpdate): void {
    notice(update.retireeId, update.deviceId);
    const level = update.readings.battery;
    const battery =
      typeof level === 'number' && newerBattery(update.deviceId, Date.parse(update.ts)) ? level : undefined;
    // A device that sends data is online, whatever the last status message said.
    countOnline(update.retireeId, update.deviceId, true);
    const state = devices.get(update.deviceId);
    if (state) {
      state.online = true;
      state.lastSeenAt = update.ts;
      if (typeof battery === 'number') state.battery = battery;
    } else {
      devices.set(update.deviceId, {
        id: update.deviceId,
        type: '',
        online: true,
        battery: typeof battery === 'number' ? battery : null,
        lastSeenAt: update.ts,
      });
    }
    const retiree = find(update.retireeId, update.deviceId);
    if (!retiree) return;
    const hr = update.readings.hr;
    if (typeof hr === 'number' && (!retiree.hrAt || update.ts >= retiree.hrAt)) {
      retiree.hr = hr;
      retiree.hrAt = update.ts;
    }
    const device = retiree.devices.find((candidate) => candidate.id === update.deviceId);
    if (device) {
      device.online = true;
      device.lastSeenAt = update.ts;
      if (typeof battery === 'number') device.battery = battery;
    }
  }

  function applyDevice(update: DeviceUpdate): void {
    notice(update.retireeId, update.deviceId);
    countOnline(update.retireeId, update.deviceId, update.online);
    const state = devices.get(update.deviceId);
    const measured = update.batteryAt === null ? Number.NEGATIVE_INFINITY : Date.parse(update.batteryAt);
    const next = {
      online: update.online,
      lastSeenAt: update.lastSeenAt,
      ...(newerBattery(update.deviceId, measured) ? { battery: update.battery } : {}),
    };
    if (state) Object.assign(state, next);
    const device = find(update.retireeId, update.deviceId)?.devices.find(
      (candidate) => candidate.id === update.deviceId,
    );
    if (device) Object.assign(device, next);
    else if (!state)
      devices.set(update.deviceId, { id: update.deviceId, type: '', battery: update.battery, ...next });
  }

  /**
   * Any change of an alert of a retiree moves tiles between pages (a new emergency goes to the top
   * of page 1): the page is fetched again, at most every `fetchGapMs`. The tile itself changes
   * colour at once, from the alert store.
   */
  function applyAlert(alert: Alert): void {
    if (!alert.retireeId) return;
    void scheduleFetch().catch(() => undefined);
  }

  /**
   * A view showing one retiree follows them live even when they are not on the page (opened from a
   * link, or from another page of the wall).
   */
  function follow(summary: RetireeSummary): void {
    if (known.has(summary.id)) return;
    known.set(summary.id, summary);
    for (const device of summary.devices) if (!devices.has(device.id)) devices.set(device.id, { ...device });
  }

  function clear(): void {
    generation++;
    running = null;
    waiting = null;
    wake = null;
    unknown.clear();
    absent.clear();
    screens.clear();
    known.clear();
    devices.clear();
    retirees.value = [];
    total.value = 0;
    attention.value = 0;
    offlineDevices.value = 0;
    page.value = 1;
    filter.value = '';
    loaded.value = false;
  }

  /**
   * The page's tiles: unacknowledged alerts first (worst severity first), then those being handled,
   * then the others in the server's order. The alert store decides, so a tile changes colour and
   * place the moment its alert event arrives, before the page is fetched again; until the alert list
   * has loaded, the server's counts are used.
   */
  const tiles = computed<Tile[]>(() =>
    retirees.value
      .map((retiree, index) => {
        const state: RetireeAlertState = alerts.loaded
          ? (alerts.byRetiree.get(retiree.id) ?? noAlerts)
          : {
              open: retiree.openAlerts,
              acknowledged: retiree.acknowledgedAlerts,
              worst: retiree.worstSeverity,
            };
        const tileState: TileState =
          state.open > 0 ? 'alert' : state.acknowledged > 0 ? 'handling' : 'normal';
        return { tile: { retiree, state: tileState, alerts: state } as Tile, index };
      })
      .sort(
        (a, b) =>
          tileRank[a.tile.state] - tileRank[b.tile.state] ||
          (a.tile.alerts.worst ? severityOrder(a.tile.alerts.worst) : 9) -
            (b.tile.alerts.worst ? severityOrder(b.tile.alerts.worst) : 9) ||
          a.index - b.index,
      )
      .map(({ tile }) => tile),
  );

  function byId(id: string): RetireeSummary | undefined {
    return known.get(id);
  }

  function device(id: string): DeviceBrief | undefined {
    return devices.get(id);
  }

  return {
    retirees,
    loaded,
    total,
    attention,
    offlineDevices,
    page,
    filter,
    tiles,
    load,
    setPage,
    setFilter,
    applyReading,
    applyDevice,
    applyAlert,
    follow,
    show,
    shown,
    clear,
    byId,
    device,
  };
});
