/**
 * The live wall: one summary per retiree, loaded on each socket connection and then moved by
 * `reading` and `device` events. A reading or device the wall does not know (a retiree or binding
 * added since the load) triggers one reload of the list.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DeviceUpdate, ReadingUpdate, RetireeSummary } from '../../../server/schemas/index.ts';
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

export const useWallStore = defineStore('wall', () => {
  const retirees = ref<RetireeSummary[]>([]);
  const loaded = ref(false);
  const alerts = useAlertStore();
  let reloadTimer: number | null = null;

  async function load(): Promise<void> {
    retirees.value = await listRetirees();
    loaded.value = true;
  }

  function scheduleReload(): void {
    if (reloadTimer !== null) return;
    reloadTimer = window.setTimeout(() => {
      reloadTimer = null;
      void load().catch(() => undefined);
    }, 1500);
  }

  function find(retireeId: string | null, deviceId: string): RetireeSummary | undefined {
    if (retireeId) return retirees.value.find((retiree) => retiree.id === retireeId);
    return retirees.value.find((retiree) => retiree.devices.some((device) => device.id === deviceId));
  }

  function applyReading(update: ReadingUpdate): void {
    if (!loaded.value) return;
    const retiree = find(update.retireeId, update.deviceId);
    if (!retiree) {
      if (update.retireeId) scheduleReload();
      return;
    }
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
    } else {
      scheduleReload();
    }
  }

  function applyDevice(update: DeviceUpdate): void {
    if (!loaded.value) return;
    const retiree = find(update.retireeId, update.deviceId);
    const device = retiree?.devices.find((candidate) => candidate.id === update.deviceId);
    if (!device) {
      if (update.retireeId) scheduleReload();
      return;
    }
    device.online = update.online;
    device.battery = update.battery;
    device.lastSeenAt = update.lastSeenAt;
  }

  function clear(): void {
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

  return { retirees, loaded, tiles, offlineDevices, load, applyReading, applyDevice, clear, byId };
});
