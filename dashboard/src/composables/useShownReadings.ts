/**
 * A view tells the hub what it shows, so that the live readings of those retirees and devices (and
 * of no others) come to this dashboard while it is on screen.
 */
import { onBeforeUnmount, watch } from 'vue';
import type { WatchRequest } from '../../../server/schemas/index.ts';
import { useWallStore } from '../stores/wall.ts';

let views = 0;

export function useShownReadings(what: () => Partial<WatchRequest> | null): void {
  const wall = useWallStore();
  views += 1;
  const key = `view-${views}`;
  watch(what, (now) => wall.show(key, now), { immediate: true });
  onBeforeUnmount(() => wall.show(key, null));
}
