/**
 * How the wall orders and colours its tiles: emergencies first, then everyone by the pinyin of
 * their name; a tile whose trouble is only a device (offline, battery low) looks unplugged, not red.
 */
import type { Alert } from '../../../../server/schemas/index.ts';
import { severityOrder } from '../../composables/labels.ts';
import type { Tile } from '../../stores/wall.ts';

/**
 * Names by pinyin: ICU's zh-CN collation (Chromium's and Node's full ICU) orders Han characters by
 * their pinyin, 艾 < 白 < 陈 < 张, where code point order would scatter them.
 */
export const nameCollator = new Intl.Collator('zh-CN');

/** Alerts about a device rather than the person: they ask for a visit with a charger, not a run. */
export const DEVICE_KINDS: ReadonlySet<string> = new Set(['device_offline', 'battery_low']);

/**
 * What a tile looks like: `emergency` (red, pulsing) is kept for alerts about the person; `handling`
 * for those acknowledged; `offline` (grey, dashed, unplugged) when the only trouble is a device —
 * its alerts are all device_offline / battery_low, or every device it has is offline.
 */
export type TileLook = 'emergency' | 'handling' | 'offline' | 'normal';

/** The kinds of the active alerts of each retiree. */
export function kindsByRetiree(active: readonly Alert[]): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  for (const alert of active) {
    if (!alert.retireeId) continue;
    const set = kinds.get(alert.retireeId) ?? new Set<string>();
    set.add(alert.kind);
    kinds.set(alert.retireeId, set);
  }
  return kinds;
}

export function tileLook(tile: Tile, kinds: ReadonlySet<string> | undefined): TileLook {
  const deviceOnly =
    kinds !== undefined && kinds.size > 0 && [...kinds].every((kind) => DEVICE_KINDS.has(kind));
  if (tile.state !== 'normal' && !deviceOnly) return tile.state === 'alert' ? 'emergency' : 'handling';
  if (tile.state !== 'normal') return 'offline';
  const devices = tile.retiree.devices;
  return devices.length > 0 && devices.every((device) => !device.online) ? 'offline' : 'normal';
}

/** Emergencies, then those being handled, then device alerts, then everyone else. */
function rank(entry: { tile: Tile; look: TileLook }): number {
  if (entry.look === 'emergency') return 0;
  if (entry.look === 'handling') return 1;
  // A tile only unplugged, with no alert open about it, is in name order with everyone.
  return entry.tile.state === 'normal' ? 3 : 2;
}

/**
 * Emergencies first (unacknowledged, worst severity first), then those being handled, then tiles
 * with a device alert, then everyone else; by pinyin within each, ids breaking ties.
 */
export function wallOrder<T extends { tile: Tile; look: TileLook }>(entries: readonly T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.look === 'emergency' || a.look === 'handling'
        ? (a.tile.alerts.worst ? severityOrder(a.tile.alerts.worst) : 9) -
          (b.tile.alerts.worst ? severityOrder(b.tile.alerts.worst) : 9)
        : 0) ||
      nameCollator.compare(a.tile.retiree.name, b.tile.retiree.name) ||
      a.tile.retiree.id.localeCompare(b.tile.retiree.id),
  );
}
