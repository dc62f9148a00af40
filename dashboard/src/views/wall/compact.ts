/**
 * The compact wall of a big screen: every retiree at once (not a page of the wall's), followed live
 * through the wall store, cut into screens that fit and shown one after another every few seconds.
 * Emergencies are pinned: they lead every screen, so none is ever on a screen that is not showing.
 */
import { computed, onBeforeUnmount, type Ref, ref, watch } from 'vue';
import type { WallTile } from '../../../../server/schemas/index.ts';
import { listWall } from '../../api/retirees.ts';
import { useShownReadings } from '../../composables/useShownReadings.ts';
import { type RetireeAlertState, useAlertStore } from '../../stores/alerts.ts';
import { useLiveStore } from '../../stores/live.ts';
import { type Tile, type TileState, useWallStore } from '../../stores/wall.ts';
import { kindsByRetiree, type TileLook, tileLook, wallOrder } from './order.ts';

/** Tiles a request: the most `GET /api/wall` gives at once. */
const FETCH_SIZE = 500;

/** The choices of the cycle, in seconds; the URL may set any whole number of seconds from 1 to 600. */
export const CYCLE_CHOICES = [10, 20, 30, 60];
export const CYCLE_DEFAULT = 20;

/** A cycle from the URL or the browser's memory, or `null` when it is not a whole 1–600. */
export function cycleSeconds(value: unknown): number | null {
  const seconds = Number(value);
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 600 ? seconds : null;
}

export interface LookedTile {
  tile: Tile;
  look: TileLook;
}

/** A tile's state from the alert store once it has loaded, until then from the server's counts. */
function stateOf(retiree: WallTile, byRetiree: Map<string, RetireeAlertState>, loaded: boolean) {
  const alerts: RetireeAlertState = loaded
    ? (byRetiree.get(retiree.id) ?? { open: 0, acknowledged: 0, worst: null })
    : { open: retiree.openAlerts, acknowledged: retiree.acknowledgedAlerts, worst: retiree.worstSeverity };
  const state: TileState = alerts.open > 0 ? 'alert' : alerts.acknowledged > 0 ? 'handling' : 'normal';
  return { alerts, state };
}

export function useCompactWall(options: { filter: Ref<string>; perScreen: Ref<number>; cycle: Ref<number> }) {
  const wall = useWallStore();
  const alerts = useAlertStore();
  const live = useLiveStore();

  const listed = ref<WallTile[]>([]);
  const total = ref(0);
  const loaded = ref(false);
  const problem = ref('');
  // A request asked for later wins over one still under way.
  let asked = 0;

  /** Every tile the filter finds (alerting retirees whatever it says), FETCH_SIZE at a time. */
  async function load(): Promise<void> {
    const mine = ++asked;
    const q = options.filter.value.trim();
    try {
      const items: WallTile[] = [];
      let count = 0;
      do {
        const page = await listWall({ limit: FETCH_SIZE, offset: items.length, q });
        if (mine !== asked) return;
        items.push(...page.items);
        count = page.total;
        if (page.items.length === 0) break;
      } while (items.length < count);
      // The wall store follows them live: readings and device events move these very summaries.
      for (const item of items) wall.follow(item);
      listed.value = items;
      total.value = count;
      loaded.value = true;
      problem.value = '';
    } catch (error) {
      if (mine === asked) problem.value = error instanceof Error ? error.message : String(error);
    }
  }

  // Every tile it cycles through is on screen in turn, so all of them follow their readings.
  useShownReadings(() => ({ retirees: listed.value.map((item) => item.id) }));

  /** The tiles in the wall's order, live: the summaries the store follows, the alert store's states. */
  const ordered = computed<LookedTile[]>(() => {
    const kinds = kindsByRetiree(alerts.active);
    return wallOrder(
      listed.value.map((item) => {
        const retiree = wall.byId(item.id) ?? item;
        const tile: Tile = { retiree, ...stateOf(item, alerts.byRetiree, alerts.loaded) };
        return { tile, look: tileLook(tile, kinds.get(item.id)) };
      }),
    );
  });

  /** Pinned on every screen: alerts about a person, open or being handled. */
  const pinned = computed(() =>
    ordered.value.filter((entry) => entry.look === 'emergency' || entry.look === 'handling'),
  );
  const rest = computed(() =>
    ordered.value.filter((entry) => entry.look !== 'emergency' && entry.look !== 'handling'),
  );
  /** Room left on a screen beside the pinned tiles (at least one, so the rest still come round). */
  const slots = computed(() => Math.max(1, options.perScreen.value - pinned.value.length));
  const screens = computed(() => Math.max(1, Math.ceil(rest.value.length / slots.value)));
  const screen = ref(0);
  watch(screens, (count) => {
    if (screen.value >= count) screen.value = 0;
  });
  const shown = computed(() => [
    ...pinned.value,
    ...rest.value.slice(screen.value * slots.value, (screen.value + 1) * slots.value),
  ]);

  let timer: number | undefined;
  function restartCycle(): void {
    window.clearInterval(timer);
    timer = window.setInterval(() => {
      screen.value = screens.value > 1 ? (screen.value + 1) % screens.value : 0;
    }, options.cycle.value * 1000);
  }
  watch(() => options.cycle.value, restartCycle, { immediate: true });

  /** Shows `index` now; the next change waits a whole cycle. */
  function showScreen(index: number): void {
    screen.value = Math.min(Math.max(0, index), screens.value - 1);
    restartCycle();
  }

  // A retiree alerting who is not listed (registered since the load): the list is fetched again.
  const unlisted = computed(() => {
    const ids = new Set(listed.value.map((item) => item.id));
    return alerts.active.some((alert) => alert.retireeId && !ids.has(alert.retireeId));
  });
  watch(unlisted, (missing) => {
    if (missing && loaded.value) void load();
  });
  // Events sent while the link was down are not replayed: a new connection loads the list again.
  watch(
    () => live.state,
    (state) => {
      if (state === 'connected') void load();
    },
  );
  watch(options.filter, () => {
    screen.value = 0;
    void load();
  });
  void load();

  onBeforeUnmount(() => {
    window.clearInterval(timer);
    asked++;
  });

  return { shown, pinned, total, loaded, problem, screen, screens, showScreen };
}
