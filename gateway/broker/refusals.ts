/**
 * The broker's memory of recent refused connections, for the operators' security page: a bounded
 * ring (the oldest entry gives way), so a guessing client cannot grow it. Each refusal also goes on
 * the bus as it happens (`device.refused`, added to the bus's map below), which is how the security
 * monitor notices bursts of failures.
 */

export interface Refusal {
  /** Epoch ms. */
  at: number;
  /** Why, as counted in `hub_mqtt_auth_failures_total{reason}`. */
  reason: string;
  /** CONNACK return code sent. */
  returnCode: number;
  address: string | null;
  clientId: string | null;
  /** The username offered, when it is a well-formed device id. */
  deviceId: string | null;
}

declare module '../../devices/contract.ts' {
  interface HubEventMap {
    /** A CONNECT the broker refused: a wrong secret, an unknown device, too many failures. */
    'device.refused': Refusal;
  }
}

export const DEFAULT_REFUSAL_CAPACITY = 200;

export class RefusalLog {
  private readonly entries: Refusal[] = [];
  private next = 0;

  constructor(readonly capacity = DEFAULT_REFUSAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error('refusal log capacity must be at least 1');
  }

  add(refusal: Refusal): void {
    if (this.entries.length < this.capacity) this.entries.push(refusal);
    else this.entries[this.next] = refusal;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first, at most `limit`. */
  recent(limit = this.capacity): Refusal[] {
    const ordered =
      this.entries.length < this.capacity
        ? [...this.entries]
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.reverse().slice(0, Math.max(0, limit));
  }

  get size(): number {
    return this.entries.length;
  }
}
