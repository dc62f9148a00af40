/**
 * A sliding-window burst detector, pure over the times it is given: `threshold` events (or distinct
 * keys) within `windowMs` make a burst. It fires once when a burst begins and not again until the
 * window has emptied below the threshold, so a long attack is one alert (with repeats folded in by
 * the alert workflow), not one per event.
 */
import type { BurstSettings } from './settings.ts';

export interface BurstVerdict {
  /** Events (or distinct keys) in the window, this one included. */
  count: number;
  /** True for the event that made the burst. */
  fired: boolean;
}

export class BurstWatch {
  private events: { at: number; key: string | undefined }[] = [];
  private armed = true;

  constructor(
    private readonly settings: BurstSettings,
    /** Count distinct keys (devices) rather than events. */
    private readonly distinct = false,
  ) {}

  record(at: number, key?: string): BurstVerdict {
    this.events.push({ at, key });
    this.forget(at);
    const count = this.count();
    if (count < this.settings.threshold) {
      this.armed = true;
      return { count, fired: false };
    }
    const fired = this.armed;
    this.armed = false;
    return { count, fired };
  }

  /** Events still in the window at `now`, oldest first. */
  window(now: number): { at: number; key: string | undefined }[] {
    this.forget(now);
    if (this.count() < this.settings.threshold) this.armed = true;
    return [...this.events];
  }

  private forget(now: number): void {
    const since = now - this.settings.windowMs;
    let drop = 0;
    while (drop < this.events.length && (this.events[drop]?.at ?? 0) <= since) drop += 1;
    if (drop > 0) this.events = this.events.slice(drop);
    const cap = burstCap(this.settings);
    if (this.events.length > cap) this.events = this.events.slice(this.events.length - cap);
  }

  private count(): number {
    if (!this.distinct) return this.events.length;
    return new Set(this.events.map((event) => event.key)).size;
  }
}

/** Events a window keeps whatever the rate: beyond the threshold a few times over, older ones add nothing. */
export function burstCap(settings: BurstSettings): number {
  return Math.max(settings.threshold * 4, 64);
}

/**
 * A window shared by the instances (server/cluster/redis-bursts.ts): null when it cannot be
 * reached, and the instance's own window judges.
 */
export interface SharedBursts {
  record(
    kind: string,
    settings: BurstSettings,
    at: number,
    distinctKey: string | undefined,
  ): Promise<BurstVerdict | null>;
}
